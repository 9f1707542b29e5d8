package vn.datafloor.server.harvest;

import java.util.Locale;
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
import vn.datafloor.server.platform.ProblemResponses;

/** The operator's page of harvest sources: their last run, next run, counts and errors; add, edit, remove, run. */
@Controller
@Permit(Action.MANAGE_HARVEST)
class HarvestPages {

    private final HarvestService harvests;
    private final ProblemResponses problems;

    HarvestPages(HarvestService harvests, ProblemResponses problems) {
        this.harvests = harvests;
        this.problems = problems;
    }

    @GetMapping("/harvest")
    String page(Actor actor, @RequestParam(required = false) Long edit, Model model) {
        model.addAttribute("sources", harvests.sources(actor));
        model.addAttribute("kinds", HarvestSource.Kind.values());
        model.addAttribute("editing", edit == null ? null : harvests.source(actor, edit));
        return "harvest/sources";
    }

    @GetMapping("/harvest/{id}")
    String source(Actor actor, @PathVariable long id, Model model) {
        model.addAttribute("source", harvests.source(actor, id));
        model.addAttribute("runs", harvests.runs(actor, id, 20));
        model.addAttribute("entries", harvests.entries(actor, id));
        return "harvest/source";
    }

    @PostMapping("/harvest")
    String register(
            Actor actor,
            @RequestParam String name,
            @RequestParam String kind,
            @RequestParam String url,
            @RequestParam String publisher,
            @RequestParam(required = false) Integer intervalMinutes,
            @RequestParam(defaultValue = "false") boolean enabled,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "harvest.registered",
                "/harvest",
                () -> harvests.register(
                        actor, new HarvestService.SourceForm(name, kind, url, publisher, intervalMinutes, enabled)));
    }

    @PostMapping("/harvest/{id}")
    String update(
            Actor actor,
            @PathVariable long id,
            @RequestParam String name,
            @RequestParam String kind,
            @RequestParam String url,
            @RequestParam String publisher,
            @RequestParam(required = false) Integer intervalMinutes,
            @RequestParam(defaultValue = "false") boolean enabled,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "harvest.saved",
                "/harvest",
                () -> harvests.update(
                        actor,
                        id,
                        new HarvestService.SourceForm(name, kind, url, publisher, intervalMinutes, enabled)));
    }

    @PostMapping("/harvest/{id}/run")
    String harvestNow(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        return problems.redirectAfter(
                flash, locale, "harvest.ran", "/harvest/" + id, () -> harvests.harvestNow(actor, id));
    }

    @PostMapping("/harvest/{id}/delete")
    String remove(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        return problems.redirectAfter(flash, locale, "harvest.removed", "/harvest", () -> harvests.remove(actor, id));
    }
}
