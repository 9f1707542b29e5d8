package vn.datafloor.server.linkage;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemResponses;

/** The register's pages (search, entity, runs) and its JSON API. */
@Controller
@Tag(name = "Register", description = "The master register of people: entities, golden values, provenance")
class RegisterController {

    private final RegisterService register;
    private final AccessPolicy policy;
    private final ProblemResponses problems;

    RegisterController(RegisterService register, AccessPolicy policy, ProblemResponses problems) {
        this.register = register;
        this.policy = policy;
        this.problems = problems;
    }

    @GetMapping("/register")
    @Permit(Action.VIEW_REGISTER)
    String search(
            Actor actor,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String personalId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate birthDate,
            Model model) {
        boolean asked =
                (name != null && !name.isBlank()) || (personalId != null && !personalId.isBlank()) || birthDate != null;
        model.addAttribute("results", asked ? register.search(actor, name, personalId, birthDate) : null);
        model.addAttribute("name", name);
        model.addAttribute("personalId", personalId);
        model.addAttribute("birthDate", birthDate);
        model.addAttribute("entityCount", register.entityCount());
        List<RegisterService.RegisterRun> runs = register.runs(actor);
        model.addAttribute("runs", runs);
        model.addAttribute(
                "parameters",
                runs.isEmpty() || runs.get(0).parameters() == null
                        ? null
                        : register.parameters(runs.get(0).parameters()));
        model.addAttribute(
                "histogramMax",
                runs.isEmpty()
                        ? 1L
                        : runs.get(0).histogram().values().stream()
                                .mapToLong(Long::longValue)
                                .max()
                                .orElse(1L));
        model.addAttribute(
                "canManage", policy.decide(actor, Action.MANAGE_REGISTER).allowed());
        return "linkage/register";
    }

    @GetMapping("/register/entities/{id}")
    @Permit(Action.VIEW_REGISTER)
    String entity(Actor actor, @PathVariable String id, Model model) {
        model.addAttribute("entity", register.entity(actor, id));
        model.addAttribute("members", register.members(actor, id));
        model.addAttribute("history", register.history(actor, id));
        return "linkage/entity";
    }

    @PostMapping("/register/runs")
    @Permit(Action.MANAGE_REGISTER)
    String rebuild(Actor actor, RedirectAttributes flash, Locale locale) {
        return problems.redirectAfter(flash, locale, "register.rebuilt", "/register", () -> register.rebuild(actor));
    }

    @PostMapping("/register/updates")
    @Permit(Action.MANAGE_REGISTER)
    String update(Actor actor, RedirectAttributes flash, Locale locale) {
        return problems.redirectAfter(flash, locale, "register.updated", "/register", () -> register.update(actor));
    }

    /**
     * One comparison's evidence as a reviewer reads it: the field, what the model saw (a message key, with
     * the similarity threshold as a percentage where there is one) and its weight in bits, with a bar.
     */
    record EvidenceLine(String field, String levelKey, Long percent, double weight, int bar) {

        /** Bits at which a bar is full: beyond it the evidence is overwhelming either way. */
        static final double FULL_BAR_BITS = 12;

        static EvidenceLine of(vn.datafloor.linkage.ScoredPair.Contribution c) {
            String label = c.level() == null ? "" : c.level().strip();
            String key;
            Long percent = null;
            if (label.startsWith("exact")) {
                key = "exact";
            } else if (label.startsWith("jaro_winkler >= ")) {
                key = "similar";
                percent = Math.round(Double.parseDouble(label.substring("jaro_winkler >= ".length())) * 100);
            } else {
                key = switch (label) {
                    case "null" -> "missing";
                    case "else" -> "different";
                    case "date_day_month_swapped" -> "dayMonthSwapped";
                    case "date_one_component" -> "oneDatePart";
                    case "date_same_year" -> "sameYear";
                    case "id_one_digit" -> "oneDigit";
                    case "id_transposition" -> "transposed";
                    case "name_reordered" -> "nameReordered";
                    case "name_words_contained" -> "nameWordsContained";
                    default -> "other";
                };
            }
            int bar = (int) Math.round(Math.min(1.0, Math.abs(c.weight()) / FULL_BAR_BITS) * 150);
            return new EvidenceLine(c.comparison(), "register.level." + key, percent, c.weight(), Math.max(2, bar));
        }
    }

    /** Pairs on one page of the review queue. */
    static final int REVIEW_PAGE = 25;

    @GetMapping("/register/review")
    @Permit(Action.REVIEW_REGISTER)
    String review(Actor actor, @RequestParam(defaultValue = "0") int page, Model model) {
        long pending = register.pendingReviews();
        int pages = (int) Math.max(1, (pending + REVIEW_PAGE - 1) / REVIEW_PAGE);
        int shown = Math.max(0, Math.min(page, pages - 1));
        List<RegisterService.ReviewItem> items = register.reviewQueue(actor, REVIEW_PAGE, shown * REVIEW_PAGE);
        model.addAttribute("items", items);
        model.addAttribute(
                "evidence",
                items.stream()
                        .collect(java.util.stream.Collectors.toMap(
                                RegisterService.ReviewItem::id,
                                i -> i.evidence().stream().map(EvidenceLine::of).toList())));
        model.addAttribute("pending", pending);
        model.addAttribute("page", shown);
        model.addAttribute("pages", pages);
        return "linkage/review";
    }

    @PostMapping("/register/review/{id}/decision")
    @Permit(Action.REVIEW_REGISTER)
    String decide(
            Actor actor, @PathVariable long id, @RequestParam boolean match, RedirectAttributes flash, Locale locale) {
        return problems.redirectAfter(
                flash, locale, "register.decided", "/register/review", () -> register.decide(actor, id, match));
    }

    // --- API

    @Operation(summary = "Pairs waiting for a decision (probability between 0.5 and 0.9), most likely first")
    @GetMapping("/api/register/review")
    @ResponseBody
    @Permit(Action.REVIEW_REGISTER)
    List<RegisterService.ReviewItem> reviewApi(Actor actor, @RequestParam(defaultValue = "50") int limit) {
        return register.reviewQueue(actor, limit);
    }

    record Decision(boolean match) {}

    @Operation(summary = "Decide a pair: match or not; it binds every later rebuild")
    @PostMapping("/api/register/review/{id}/decision")
    @ResponseBody
    @Permit(Action.REVIEW_REGISTER)
    java.util.Map<String, Object> decideApi(
            Actor actor, @PathVariable long id, @org.springframework.web.bind.annotation.RequestBody Decision body) {
        register.decide(actor, id, body.match());
        return java.util.Map.of("id", id, "match", body.match());
    }

    @Operation(summary = "Search the register by name (with or without diacritics), identity number or date of birth")
    @GetMapping("/api/register/entities")
    @ResponseBody
    @Permit(Action.VIEW_REGISTER)
    List<RegisterService.Entity> searchApi(
            Actor actor,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String personalId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate birthDate) {
        return register.search(actor, name, personalId, birthDate);
    }

    record EntityView(
            RegisterService.Entity entity, List<RegisterService.Member> members, List<RegisterService.Event> history) {}

    @Operation(summary = "An entity: golden values with provenance, linked source records, merges and splits")
    @GetMapping("/api/register/entities/{id}")
    @ResponseBody
    @Permit(Action.VIEW_REGISTER)
    EntityView entityApi(Actor actor, @PathVariable String id) {
        return new EntityView(register.entity(actor, id), register.members(actor, id), register.history(actor, id));
    }

    @Operation(summary = "Link only the records that arrived since the last build; identifiers stay")
    @PostMapping("/api/register/updates")
    @ResponseBody
    @Permit(Action.MANAGE_REGISTER)
    RegisterService.RegisterRun updateApi(Actor actor) {
        return register.update(actor);
    }

    @GetMapping("/api/register/runs")
    @ResponseBody
    @Permit(Action.VIEW_REGISTER)
    List<RegisterService.RegisterRun> runsApi(Actor actor) {
        return register.runs(actor);
    }

    @Operation(summary = "Rebuild the register from the latest person datasets; identifiers are kept")
    @PostMapping("/api/register/runs")
    @ResponseBody
    @Permit(Action.MANAGE_REGISTER)
    RegisterService.RegisterRun rebuildApi(Actor actor) {
        return register.rebuild(actor);
    }
}
