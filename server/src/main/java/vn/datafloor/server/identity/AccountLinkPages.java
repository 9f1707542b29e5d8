package vn.datafloor.server.identity;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * Invitations and password resets: the administrator's two buttons on the users page, and the page a
 * one-time link opens, where the person sets a password and is then sent to sign in.
 */
@Controller
class AccountLinkPages {

    private final AccountLinks links;
    private final ProblemResponses problems;

    AccountLinkPages(AccountLinks links, ProblemResponses problems) {
        this.links = links;
        this.problems = problems;
    }

    @PostMapping("/users/invitations")
    @Permit(Action.MANAGE_USERS)
    String invite(
            Actor actor,
            @RequestParam long orgId,
            @RequestParam String username,
            @RequestParam String displayName,
            @RequestParam String email,
            @RequestParam(required = false) Set<Role> roles,
            RedirectAttributes flash,
            Locale locale) {
        try {
            AccountLinks.Issued issued =
                    links.invite(actor, orgId, username, displayName, email, roles == null ? Set.of() : roles);
            showIssued(flash, issued, locale);
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
        }
        return "redirect:/users?org=" + orgId;
    }

    @PostMapping("/users/{id}/password-reset")
    @Permit(Action.MANAGE_USERS)
    String startReset(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        try {
            showIssued(flash, links.startReset(actor, id), locale);
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
        }
        return "redirect:/users";
    }

    /**
     * The link is shown once, through a flash attribute (kept in the session for one redirect only), so the
     * administrator can hand it over when the message did not leave the machine.
     */
    private void showIssued(RedirectAttributes flash, AccountLinks.Issued issued, Locale locale) {
        String key = issued.purpose() == AccountLinks.Purpose.INVITATION
                ? "accountLink.invited"
                : "accountLink.resetStarted";
        flash.addFlashAttribute(
                "success", problems.message(key, new Object[] {issued.user().username()}, locale));
        flash.addFlashAttribute("accountLinkUrl", issued.url());
        flash.addFlashAttribute("accountLinkExpires", issued.expiresAt());
        flash.addFlashAttribute("accountLinkDelivered", issued.delivery().delivered());
        flash.addFlashAttribute("accountLinkWhere", issued.delivery().where());
    }

    @GetMapping(AccountLinks.PAGE)
    @Permit(Action.USE_ACCOUNT_LINK)
    String open(@RequestParam(required = false) String token, Model model, HttpServletResponse response) {
        noStoreNoReferrer(response);
        AccountLinks.Lookup lookup = links.lookup(token);
        if (lookup.open().isEmpty()) {
            response.setStatus(status(lookup.refusal()).value());
            model.addAttribute("refusal", lookup.refusal().name().toLowerCase(Locale.ROOT));
            return "identity/account-link";
        }
        model.addAttribute("link", lookup.open().get());
        model.addAttribute("token", token);
        return "identity/account-link";
    }

    @PostMapping(AccountLinks.PAGE)
    @Permit(Action.USE_ACCOUNT_LINK)
    String setPassword(
            @RequestParam(required = false) String token,
            @RequestParam(required = false) String password,
            @RequestParam(required = false) String confirmation,
            Model model,
            RedirectAttributes flash,
            HttpServletResponse response,
            Locale locale) {
        noStoreNoReferrer(response);
        try {
            String username = links.redeem(token, password, confirmation);
            // The name goes to the sign-in form through the session, not the address.
            flash.addFlashAttribute("passwordSet", true);
            flash.addFlashAttribute("loginUsername", username);
            return "redirect:/login";
        } catch (ProblemException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
            AccountLinks.Lookup lookup = links.lookup(token);
            if (lookup.open().isPresent()) {
                model.addAttribute("link", lookup.open().get());
                model.addAttribute("token", token);
            } else {
                model.addAttribute("refusal", lookup.refusal().name().toLowerCase(Locale.ROOT));
            }
            return "identity/account-link";
        }
    }

    /** A link that worked once and no longer does is gone; one never issued is a bad request. */
    private static HttpStatus status(AccountLinks.Refusal refusal) {
        return refusal == AccountLinks.Refusal.UNKNOWN ? HttpStatus.BAD_REQUEST : HttpStatus.GONE;
    }

    /** The page holds a credential in its address: no caching, and no referrer to wherever the person goes next. */
    private static void noStoreNoReferrer(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Referrer-Policy", "no-referrer");
    }
}
