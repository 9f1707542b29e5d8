package vn.datafloor.server.exchange;

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
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemResponses;

/** The supervision dashboard (operator, auditors) and a provider's sales page. */
@Controller
class SupervisionPages {

    private final MarketSupervision supervision;
    private final ProviderSales sales;
    private final ContractService contracts;
    private final ProblemResponses problems;

    SupervisionPages(
            MarketSupervision supervision, ProviderSales sales, ContractService contracts, ProblemResponses problems) {
        this.supervision = supervision;
        this.sales = sales;
        this.contracts = contracts;
        this.problems = problems;
    }

    @GetMapping("/exchange/supervision")
    @Permit(Action.SUPERVISE_MARKET)
    String supervision(
            Actor actor,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(required = false) Long provider,
            @RequestParam(required = false) String model,
            @RequestParam(required = false) String by,
            Model page) {
        MarketSupervision.Overview overview =
                supervision.overview(actor, supervision.filter(from, to, provider, model, by));
        page.addAttribute("o", overview);
        page.addAttribute("providers", sales.providers(actor));
        page.addAttribute("models", OfferService.PriceModel.values());
        page.addAttribute(
                "volumeChart",
                MarketCharts.columns(
                        overview.series().stream()
                                .map(MarketSupervision.Point::label)
                                .toList(),
                        overview.series().stream()
                                .map(MarketSupervision.Point::contracts)
                                .toList()));
        page.addAttribute(
                "valueChart",
                MarketCharts.columns(
                        overview.series().stream()
                                .map(MarketSupervision.Point::label)
                                .toList(),
                        overview.series().stream()
                                .map(MarketSupervision.Point::value)
                                .toList()));
        page.addAttribute(
                "listingRows",
                MarketCharts.rows(
                        overview.listings().keySet().stream().map(Enum::name).toList(),
                        List.copyOf(overview.listings().values())));
        page.addAttribute(
                "topValueRows",
                MarketCharts.rows(
                        overview.topByValue().stream()
                                .map(MarketSupervision.Ranked::title)
                                .toList(),
                        overview.topByValue().stream()
                                .map(MarketSupervision.Ranked::value)
                                .toList()));
        page.addAttribute(
                "topContractRows",
                MarketCharts.rows(
                        overview.topByContracts().stream()
                                .map(MarketSupervision.Ranked::title)
                                .toList(),
                        overview.topByContracts().stream()
                                .map(MarketSupervision.Ranked::contracts)
                                .toList()));
        return "exchange/supervision";
    }

    @GetMapping("/exchange/sales")
    @Permit(Action.VIEW_SALES)
    String sales(
            Actor actor,
            @RequestParam(required = false) Long org,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(required = false) String by,
            Model page) {
        ProviderSales.Sales s =
                sales.of(actor, sales.organisationFor(actor, org), supervision.filter(from, to, null, null, by));
        page.addAttribute("s", s);
        page.addAttribute("providers", sales.providers(actor));
        page.addAttribute(
                "revenueChart",
                MarketCharts.columns(
                        s.revenue().stream()
                                .map(ProviderSales.RevenuePoint::label)
                                .toList(),
                        s.revenue().stream()
                                .map(ProviderSales.RevenuePoint::total)
                                .toList()));
        page.addAttribute(
                "usageChart",
                MarketCharts.columns(
                        s.usage().stream().map(ProviderSales.UsagePoint::label).toList(),
                        s.usage().stream().map(ProviderSales.UsagePoint::units).toList()));
        page.addAttribute(
                "buyerRows",
                MarketCharts.rows(
                        s.byBuyer().stream().map(ProviderSales.Tally::name).toList(),
                        s.byBuyer().stream().map(ProviderSales.Tally::value).toList()));
        return "exchange/sales";
    }

    /** The provider's decision on a waiting request, from the sales page. */
    @PostMapping("/exchange/sales/requests/{id}/decision")
    @Permit(Action.DECIDE_CONTRACTS)
    String decide(
            Actor actor,
            @PathVariable long id,
            @RequestParam boolean approve,
            @RequestParam String reason,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                approve ? "sales.request.approved" : "sales.request.refused",
                "/exchange/sales",
                () -> contracts.decide(actor, id, approve, reason));
    }
}
