package vn.datafloor.server.integration;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemResponses;

/** Start, stop and watch the change capture of a database changes source: the API and the Sources page's buttons. */
@Controller
@Tag(name = "Integration")
class ChangeFollowingController {

    private final ChangeFollowing following;
    private final ProblemResponses problems;

    ChangeFollowingController(ChangeFollowing following, ProblemResponses problems) {
        this.following = following;
        this.problems = problems;
    }

    @GetMapping("/api/sources/{id}/following")
    @Permit(Action.VIEW_INTEGRATION)
    @ResponseBody
    @Operation(summary = "How far change capture of a source got: state, last change, last version, lag")
    ChangeFollowing.Status status(Actor actor, @PathVariable long id) {
        return following.status(actor, id);
    }

    @PostMapping("/api/sources/{id}/following")
    @Permit(Action.MANAGE_INTEGRATION)
    @ResponseBody
    @Operation(summary = "Start following a database changes source; its changes become dataset versions")
    ChangeFollowing.Status start(Actor actor, @PathVariable long id) {
        return following.start(actor, id);
    }

    @DeleteMapping("/api/sources/{id}/following")
    @Permit(Action.MANAGE_INTEGRATION)
    @ResponseBody
    @Operation(summary = "Stop following; changes not yet published are read again when following starts again")
    ChangeFollowing.Status stop(Actor actor, @PathVariable long id) {
        return following.stop(actor, id);
    }

    @PostMapping("/integration/sources/{id}/following")
    @Permit(Action.MANAGE_INTEGRATION)
    String startFromPage(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        return problems.redirectAfter(
                flash, locale, "following.started", "/integration/sources", () -> following.start(actor, id));
    }

    @PostMapping("/integration/sources/{id}/following/stop")
    @Permit(Action.MANAGE_INTEGRATION)
    String stopFromPage(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        return problems.redirectAfter(
                flash, locale, "following.stopped", "/integration/sources", () -> following.stop(actor, id));
    }
}
