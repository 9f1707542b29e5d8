package vn.datafloor.server.identity;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/** Server-rendered pages for sign-in, organisations, users, API keys and one's own account. */
@Controller
class IdentityPages {

    private final OrganisationService organisations;
    private final UserService users;
    private final ApiKeyService apiKeys;
    private final AccessPolicy policy;
    private final ProblemResponses problems;
    private final boolean oidcEnabled;

    IdentityPages(
            OrganisationService organisations,
            UserService users,
            ApiKeyService apiKeys,
            AccessPolicy policy,
            ProblemResponses problems,
            vn.datafloor.server.platform.DatafloorProperties properties) {
        this.organisations = organisations;
        this.users = users;
        this.apiKeys = apiKeys;
        this.policy = policy;
        this.problems = problems;
        this.oidcEnabled = properties.oidc().enabled();
    }

    @GetMapping("/login")
    @Permit(Action.VIEW_PUBLIC)
    String login(Model model) {
        model.addAttribute("oidcEnabled", oidcEnabled);
        return "identity/login";
    }

    // --- organisations

    @GetMapping("/organisations")
    @Permit(Action.LIST_ORGANISATIONS)
    String organisations(Actor actor, Model model) {
        var visible = organisations.visibleTo(actor);
        model.addAttribute("organisations", visible);
        // A name links to its users only where the viewer may list them: no link that answers 403.
        model.addAttribute(
                "usersOpen",
                visible.stream()
                        .map(o -> o.id())
                        .filter(id ->
                                policy.decide(actor, Action.LIST_USERS, id).allowed())
                        .collect(java.util.stream.Collectors.toSet()));
        model.addAttribute("kinds", OrganisationKind.values());
        model.addAttribute(
                "canManage", policy.decide(actor, Action.MANAGE_ORGANISATIONS).allowed());
        return "identity/organisations";
    }

    @PostMapping("/organisations")
    @Permit(Action.MANAGE_ORGANISATIONS)
    String createOrganisation(
            Actor actor,
            @RequestParam String name,
            @RequestParam OrganisationKind kind,
            RedirectAttributes flash,
            Locale locale) {
        return attempt(
                flash, locale, "organisation.created", "/organisations", () -> organisations.create(actor, name, kind));
    }

    @PostMapping("/organisations/{id}/verification")
    @Permit(Action.MANAGE_ORGANISATIONS)
    String verifyOrganisation(
            Actor actor,
            @PathVariable long id,
            @RequestParam boolean verified,
            RedirectAttributes flash,
            Locale locale) {
        return attempt(flash, locale, "saved", "/organisations", () -> organisations.setVerified(actor, id, verified));
    }

    @PostMapping("/organisations/{id}/status")
    @Permit(Action.MANAGE_ORGANISATIONS)
    String organisationStatus(
            Actor actor,
            @PathVariable long id,
            @RequestParam boolean enabled,
            RedirectAttributes flash,
            Locale locale) {
        return attempt(flash, locale, "saved", "/organisations", () -> organisations.setEnabled(actor, id, enabled));
    }

    // --- users

    @GetMapping("/users")
    @Permit(Action.LIST_USERS)
    String users(Actor actor, @RequestParam(required = false) Long org, Model model) {
        List<UserAccount> list = users.list(actor, org);
        // A caller who may list users but not organisations (an API key with users:read) sees ids only.
        List<Organisation> visibleOrgs =
                policy.decide(actor, Action.LIST_ORGANISATIONS).allowed() ? organisations.visibleTo(actor) : List.of();
        Map<Long, String> orgNames =
                visibleOrgs.stream().collect(Collectors.toMap(Organisation::id, Organisation::name));
        model.addAttribute("users", list);
        model.addAttribute("orgNames", orgNames);
        model.addAttribute("selectedOrg", org);
        boolean canManage = policy.decide(actor, Action.MANAGE_USERS).allowed();
        model.addAttribute("canManage", canManage);
        model.addAttribute(
                "manageableOrgs",
                visibleOrgs.stream()
                        .filter(o -> policy.decide(actor, Action.MANAGE_USERS, o.id())
                                .allowed())
                        .toList());
        model.addAttribute("grantableRoles", grantableRoles(actor));
        // Citizens' accounts belong to no organisation: only the operator may reset their passwords.
        model.addAttribute(
                "canResetCitizens",
                policy.decide(actor, Action.MANAGE_USERS, -1L).allowed());
        model.addAttribute("me", actor.userId());
        return "identity/users";
    }

    @PostMapping("/users")
    @Permit(Action.MANAGE_USERS)
    String createUser(
            Actor actor,
            @RequestParam long orgId,
            @RequestParam String username,
            @RequestParam String displayName,
            @RequestParam(required = false) String email,
            @RequestParam(required = false) Set<Role> roles,
            @RequestParam String password,
            RedirectAttributes flash,
            Locale locale) {
        return attempt(
                flash,
                locale,
                "user.created",
                "/users?org=" + orgId,
                () -> users.create(
                        actor,
                        orgId,
                        new UserService.NewUser(
                                username, displayName, email, roles == null ? Set.of() : roles, password)));
    }

    @PostMapping("/users/{id}/roles")
    @Permit(Action.MANAGE_USERS)
    String setRoles(
            Actor actor,
            @PathVariable long id,
            @RequestParam(required = false) Set<Role> roles,
            RedirectAttributes flash,
            Locale locale) {
        return attempt(
                flash, locale, "saved", "/users", () -> users.setRoles(actor, id, roles == null ? Set.of() : roles));
    }

    @PostMapping("/users/{id}/status")
    @Permit(Action.MANAGE_USERS)
    String userStatus(
            Actor actor,
            @PathVariable long id,
            @RequestParam boolean enabled,
            RedirectAttributes flash,
            Locale locale) {
        return attempt(flash, locale, "saved", "/users", () -> users.setEnabled(actor, id, enabled));
    }

    // --- API keys

    @GetMapping("/api-keys")
    @Permit(Action.MANAGE_API_KEYS)
    String apiKeys(Actor actor, Model model) {
        model.addAttribute("keys", apiKeys.visibleTo(actor));
        model.addAttribute("scopes", apiKeys.allowedScopes(actor));
        model.addAttribute("now", java.time.Instant.now());
        return "identity/api-keys";
    }

    @PostMapping("/api-keys")
    @Permit(Action.MANAGE_API_KEYS)
    String createKey(
            Actor actor,
            @RequestParam String name,
            @RequestParam(required = false) Set<String> scopes,
            @RequestParam(defaultValue = "90") int days,
            RedirectAttributes flash,
            Locale locale) {
        try {
            ApiKeyService.CreatedKey created = apiKeys.create(
                    actor, name, scopes == null ? Set.of() : new HashSet<>(scopes), Duration.ofDays(days));
            // Flash attributes live in the session for one redirect only; the token is never stored.
            flash.addFlashAttribute("newToken", created.token());
            flash.addFlashAttribute("newKeyId", created.key().id());
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
        }
        return "redirect:/api-keys";
    }

    @PostMapping("/api-keys/{id}/revoke")
    @Permit(Action.MANAGE_API_KEYS)
    String revokeKey(Actor actor, @PathVariable String id, RedirectAttributes flash, Locale locale) {
        return attempt(flash, locale, "apikey.revoked", "/api-keys", () -> apiKeys.revoke(actor, id));
    }

    // --- own account

    @GetMapping("/account")
    @Permit(Action.VIEW_OWN_ACCOUNT)
    String account(Actor actor, Model model) {
        UserAccount me = users.get(actor, actor.userId());
        model.addAttribute("account", me);
        model.addAttribute("organisation", me.orgId() == null ? null : organisations.get(actor, me.orgId()));
        return "identity/account";
    }

    @PostMapping("/account/password")
    @Permit(Action.VIEW_OWN_ACCOUNT)
    String changePassword(
            Actor actor,
            @RequestParam String currentPassword,
            @RequestParam String newPassword,
            RedirectAttributes flash,
            Locale locale) {
        return attempt(flash, locale, "password.changed", "/account", () -> {
            users.changePassword(actor, currentPassword, newPassword);
            return null;
        });
    }

    private String attempt(
            RedirectAttributes flash,
            Locale locale,
            String successKey,
            String target,
            java.util.function.Supplier<?> work) {
        return problems.redirectAfter(flash, locale, successKey, target, () -> {
            Object unused = work.get(); // the page shows the outcome through the flash message, not the value
        });
    }

    private static Set<Role> grantableRoles(Actor actor) {
        Set<Role> roles = EnumSet.of(Role.ORG_ADMIN, Role.DATA_STEWARD, Role.ANALYST);
        if (actor.has(Role.OPERATOR_ADMIN)) {
            roles.add(Role.OPERATOR_ADMIN);
            roles.add(Role.AUDITOR);
        }
        return roles;
    }
}
