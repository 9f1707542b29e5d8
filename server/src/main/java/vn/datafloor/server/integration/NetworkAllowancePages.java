package vn.datafloor.server.integration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The operator's page of private hosts and ranges each organisation's sources may reach: outbound
 * calls refuse loopback, private and link-local addresses unless allowed here, and every decision
 * goes on the ledger.
 */
@Controller
class NetworkAllowancePages {

    private final SourceService sources;
    private final OrganisationService organisations;
    private final ProblemResponses problems;

    NetworkAllowancePages(SourceService sources, OrganisationService organisations, ProblemResponses problems) {
        this.sources = sources;
        this.organisations = organisations;
        this.problems = problems;
    }

    /** One organisation and what its sources may reach. */
    record OrganisationAllowances(Organisation organisation, List<SourceService.NetworkAllowance> allowances) {}

    @GetMapping("/integration/network")
    @Permit(Action.MANAGE_ORGANISATIONS)
    String page(Actor actor, Model model) {
        Map<Long, OrganisationAllowances> rows = new LinkedHashMap<>();
        for (Organisation organisation : organisations.visibleTo(actor)) {
            rows.put(
                    organisation.id(),
                    new OrganisationAllowances(organisation, sources.networkAllowances(actor, organisation.id())));
        }
        model.addAttribute("rows", rows.values());
        return "integration/network";
    }

    @PostMapping("/integration/network")
    @Permit(Action.MANAGE_ORGANISATIONS)
    String allow(
            Actor actor,
            @RequestParam long orgId,
            @RequestParam String allowance,
            @RequestParam String reason,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "network.allowed",
                "/integration/network",
                () -> sources.allowNetwork(actor, orgId, allowance, reason));
    }

    @PostMapping("/integration/network/{orgId}/{allowanceId}/revoke")
    @Permit(Action.MANAGE_ORGANISATIONS)
    String revoke(
            Actor actor,
            @PathVariable long orgId,
            @PathVariable long allowanceId,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "network.revoked",
                "/integration/network",
                () -> sources.revokeNetwork(actor, orgId, allowanceId));
    }
}
