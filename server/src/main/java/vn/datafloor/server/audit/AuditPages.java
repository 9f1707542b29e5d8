package vn.datafloor.server.audit;

import jakarta.servlet.http.HttpServletRequest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import vn.datafloor.ledger.VerificationReport;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/** The auditor's page: search events, see each one's inclusion proof checked, verify the whole ledger. */
@Controller
class AuditPages {

    static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

    private final AuditQueries queries;
    private final LedgerService ledger;
    private final AuditApiController api;
    private final PartyNames names;

    AuditPages(AuditQueries queries, LedgerService ledger, AuditApiController api, PartyNames names) {
        this.queries = queries;
        this.ledger = ledger;
        this.api = api;
        this.names = names;
    }

    /**
     * The names behind the user and organisation numbers of these events: the ledger keeps numbers,
     * people read names. A number whose account or organisation is gone stays a number.
     */
    private void addNames(List<AuditRecord> records, Model model) {
        Map<Long, String> people = new LinkedHashMap<>();
        Map<Long, String> organisations = new LinkedHashMap<>();
        for (AuditRecord r : records) {
            if (r.actorUserId() != null) {
                people.computeIfAbsent(r.actorUserId(), id -> orNumber(names.person(id), id));
            }
            if (r.orgId() != null) {
                organisations.computeIfAbsent(r.orgId(), id -> orNumber(names.organisation(id), id));
            }
        }
        model.addAttribute("people", people);
        model.addAttribute("organisations", organisations);
    }

    private static String orNumber(String name, long id) {
        return name != null ? name : "#" + id;
    }

    @GetMapping("/audit")
    @Permit(Action.VIEW_AUDIT)
    String audit(
            @RequestParam(required = false) String type,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(defaultValue = "0") int page,
            Model model) {
        List<AuditRecord> records = queries.search(
                type,
                from == null ? null : from.atStartOfDay(VIETNAM).toInstant(),
                to == null ? null : to.plusDays(1).atStartOfDay(VIETNAM).toInstant(),
                null,
                null,
                50,
                page * 50);
        Map<Long, ProofStatus> proofs = new LinkedHashMap<>();
        records.forEach(r -> proofs.put(r.ledgerIndex(), queries.proofStatus(r.ledgerIndex())));
        model.addAttribute("records", records);
        addNames(records, model);
        model.addAttribute("proofs", proofs);
        model.addAttribute("types", EventType.values());
        model.addAttribute("type", type);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("page", page);
        model.addAttribute("ledgerSize", ledger.size());
        model.addAttribute("checkpoint", ledger.latestCheckpoint().orElse(null));
        model.addAttribute("verifierKey", ledger.verifierKey());
        return "audit/index";
    }

    @GetMapping("/audit/events/{index}")
    @Permit(Action.VIEW_AUDIT)
    String event(@PathVariable long index, Model model) {
        model.addAttribute("event", api.event(index));
        AuditRecord facts = queries.record(index).orElse(null);
        model.addAttribute("facts", facts);
        addNames(facts == null ? List.of() : List.of(facts), model);
        model.addAttribute(
                "proof",
                ledger.inclusionProof(index, Math.max(index + 1, ledger.size())).size());
        return "audit/event";
    }

    /** The export form's download: whole days in Vietnam's time, like the filter above it. */
    @GetMapping("/audit/export")
    @Permit(Action.VIEW_AUDIT)
    org.springframework.http.ResponseEntity<String> export(
            Actor actor,
            @RequestParam(defaultValue = "json") String format,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        return api.export(
                actor,
                format,
                type,
                from == null ? null : from.atStartOfDay(VIETNAM).toInstant(),
                to == null ? null : to.plusDays(1).atStartOfDay(VIETNAM).toInstant());
    }

    /** htmx: recompute the whole ledger and show the result in place. */
    @PostMapping("/audit/verify")
    @Permit(Action.VIEW_AUDIT)
    String verify(Actor actor, HttpServletRequest request, Model model) {
        VerificationReport report = api.verify(actor, request);
        model.addAttribute("report", report);
        return "audit/verify-result :: result";
    }

    @PostMapping("/audit/checkpoint")
    @Permit(Action.PUBLISH_CHECKPOINT)
    String publish(Actor actor, HttpServletRequest request) {
        api.publish(actor, request);
        return "redirect:/audit";
    }
}
