package vn.datafloor.server.identity;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.authz.Role;

/** Organisations, users, API keys and one's own account, as JSON. */
@RestController
@Tag(name = "Identity", description = "Organisations, users, roles and API keys")
class IdentityApiController {

    private final OrganisationService organisations;
    private final UserService users;
    private final ApiKeyService apiKeys;

    IdentityApiController(OrganisationService organisations, UserService users, ApiKeyService apiKeys) {
        this.organisations = organisations;
        this.users = users;
        this.apiKeys = apiKeys;
    }

    // --- organisations

    @Operation(summary = "Organisations visible to the caller")
    @GetMapping("/api/organisations")
    @Permit(Action.LIST_ORGANISATIONS)
    List<Organisation> organisations(Actor actor) {
        return organisations.visibleTo(actor);
    }

    record NewOrganisation(String name, OrganisationKind kind) {}

    @Operation(summary = "Onboard an organisation (operator)")
    @PostMapping("/api/organisations")
    @ResponseStatus(HttpStatus.CREATED)
    @Permit(Action.MANAGE_ORGANISATIONS)
    Organisation createOrganisation(Actor actor, @RequestBody NewOrganisation body) {
        return organisations.create(actor, body.name(), body.kind());
    }

    @GetMapping("/api/organisations/{id}")
    @Permit(Action.LIST_ORGANISATIONS)
    Organisation organisation(Actor actor, @PathVariable long id) {
        return organisations.get(actor, id);
    }

    record Verification(boolean verified) {}

    @Operation(summary = "Mark an organisation verified or not (operator)")
    @PostMapping("/api/organisations/{id}/verification")
    @Permit(Action.MANAGE_ORGANISATIONS)
    Organisation verify(Actor actor, @PathVariable long id, @RequestBody Verification body) {
        return organisations.setVerified(actor, id, body.verified());
    }

    record Status(boolean enabled) {}

    @Operation(summary = "Enable or disable an organisation (operator); disabling signs its people out")
    @PostMapping("/api/organisations/{id}/status")
    @Permit(Action.MANAGE_ORGANISATIONS)
    Organisation organisationStatus(Actor actor, @PathVariable long id, @RequestBody Status body) {
        return organisations.setEnabled(actor, id, body.enabled());
    }

    // --- users

    record UserView(
            long id,
            Long orgId,
            String username,
            String displayName,
            String email,
            String kind,
            boolean enabled,
            Set<Role> roles,
            Instant lockedUntil,
            Instant lastLoginAt,
            Instant createdAt) {
        static UserView of(UserAccount u) {
            return new UserView(
                    u.id(),
                    u.orgId(),
                    u.username(),
                    u.displayName(),
                    u.email(),
                    u.kind().name(),
                    u.enabled(),
                    u.roles(),
                    u.lockedUntil(),
                    u.lastLoginAt(),
                    u.createdAt());
        }
    }

    @Operation(summary = "Users the caller may see (all tenants for operators and auditors)")
    @GetMapping("/api/users")
    @Permit(Action.LIST_USERS)
    List<UserView> allUsers(Actor actor) {
        return users.list(actor, null).stream().map(UserView::of).toList();
    }

    @GetMapping("/api/organisations/{id}/users")
    @Permit(Action.LIST_USERS)
    List<UserView> usersOf(Actor actor, @PathVariable long id) {
        return users.list(actor, id).stream().map(UserView::of).toList();
    }

    @Operation(summary = "Create a user in an organisation with an initial password")
    @PostMapping("/api/organisations/{id}/users")
    @ResponseStatus(HttpStatus.CREATED)
    @Permit(Action.MANAGE_USERS)
    UserView createUser(Actor actor, @PathVariable long id, @RequestBody UserService.NewUser body) {
        return UserView.of(users.create(actor, id, body));
    }

    @GetMapping("/api/users/{id}")
    @Permit(Action.LIST_USERS)
    UserView user(Actor actor, @PathVariable long id) {
        return UserView.of(users.get(actor, id));
    }

    record Roles(Set<Role> roles) {}

    @PutMapping("/api/users/{id}/roles")
    @Permit(Action.MANAGE_USERS)
    UserView setRoles(Actor actor, @PathVariable long id, @RequestBody Roles body) {
        return UserView.of(users.setRoles(actor, id, body.roles()));
    }

    @PostMapping("/api/users/{id}/status")
    @Permit(Action.MANAGE_USERS)
    UserView userStatus(Actor actor, @PathVariable long id, @RequestBody Status body) {
        return UserView.of(users.setEnabled(actor, id, body.enabled()));
    }

    // --- API keys

    @GetMapping("/api/api-keys")
    @Permit(Action.MANAGE_API_KEYS)
    List<ApiKeyService.ApiKey> keys(Actor actor) {
        return apiKeys.visibleTo(actor);
    }

    record NewApiKey(String name, Set<String> scopes, Integer days) {}

    @Operation(summary = "Create an API key; the token is in the answer once and never again")
    @PostMapping("/api/api-keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Permit(Action.MANAGE_API_KEYS)
    ApiKeyService.CreatedKey createKey(Actor actor, @RequestBody NewApiKey body) {
        return apiKeys.create(
                actor, body.name(), body.scopes(), Duration.ofDays(body.days() == null ? 90 : body.days()));
    }

    @DeleteMapping("/api/api-keys/{id}")
    @Permit(Action.MANAGE_API_KEYS)
    ApiKeyService.ApiKey revokeKey(Actor actor, @PathVariable String id) {
        return apiKeys.revoke(actor, id);
    }

    // --- own account

    @GetMapping("/api/me")
    @Permit(Action.VIEW_OWN_ACCOUNT)
    UserView me(Actor actor) {
        return UserView.of(users.get(actor, actor.userId()));
    }

    record PasswordChange(String currentPassword, String newPassword) {}

    @PostMapping("/api/me/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Permit(Action.VIEW_OWN_ACCOUNT)
    void changePassword(Actor actor, @RequestBody PasswordChange body) {
        users.changePassword(actor, body.currentPassword(), body.newPassword());
    }
}
