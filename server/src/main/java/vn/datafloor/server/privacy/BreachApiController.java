package vn.datafloor.server.privacy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/** Personal-data breaches (the operator) and the calendar's extra days off. */
@RestController
@Tag(name = "Privacy: breaches", description = "Personal-data breaches, affected subjects and the 72-hour notification")
class BreachApiController {

    private final BreachService breaches;
    private final WorkingDays workingDays;

    BreachApiController(BreachService breaches, WorkingDays workingDays) {
        this.breaches = breaches;
        this.workingDays = workingDays;
    }

    @GetMapping("/api/privacy/breaches")
    @Permit(Action.VIEW_BREACHES)
    @Operation(summary = "Declared breaches: not yet notified first, overdue at the top")
    List<BreachService.Breach> list(Actor actor) {
        return breaches.list(actor);
    }

    @PostMapping("/api/privacy/breaches")
    @Permit(Action.MANAGE_PRIVACY)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "The operator declares a breach (datasets, period, what happened); 72 hours to notify start now")
    BreachService.Breach declare(Actor actor, @RequestBody BreachService.Declaration declaration) {
        return breaches.declare(actor, declaration);
    }

    @GetMapping("/api/privacy/breaches/{id}")
    @Permit(Action.VIEW_BREACHES)
    @Operation(
            summary = "A breach with the affected subjects (masked) from the access index, when one is installed, and "
                    + "the draft notification in Vietnamese and English")
    BreachService.Detail breach(Actor actor, @PathVariable long id) {
        return breaches.detail(actor, id);
    }

    record Notified(String reference) {}

    @PostMapping("/api/privacy/breaches/{id}/notification")
    @Permit(Action.MANAGE_PRIVACY)
    @Operation(summary = "The operator records that the authority was notified, with its reference")
    BreachService.Breach notified(Actor actor, @PathVariable long id, @RequestBody Notified notified) {
        return breaches.markNotified(actor, id, notified.reference());
    }

    @GetMapping("/api/privacy/days-off")
    @Permit(Action.MANAGE_PRIVACY)
    @Operation(summary = "Extra days off the operator added to the working-day calendar (compensatory days, swaps)")
    List<WorkingDays.DayOff> daysOff() {
        return workingDays.daysOff();
    }

    record NewDayOff(LocalDate day, String reason) {}

    @PostMapping("/api/privacy/days-off")
    @Permit(Action.MANAGE_PRIVACY)
    @Operation(summary = "The operator adds an extra day off to the working-day calendar")
    WorkingDays.DayOff addDayOff(Actor actor, @RequestBody NewDayOff day) {
        return workingDays.addDayOff(actor, day.day(), day.reason());
    }
}
