package vn.datafloor.server.exchange;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/** Market supervision and providers' sales over HTTP. */
@RestController
@Tag(
        name = "Exchange: supervision",
        description = "The market's figures, alerts and contracts export for the operator and auditors; "
                + "a provider's sales, usage and revenue")
class SupervisionApiController {

    private final MarketSupervision supervision;
    private final ProviderSales sales;

    SupervisionApiController(MarketSupervision supervision, ProviderSales sales) {
        this.supervision = supervision;
        this.sales = sales;
    }

    @GetMapping("/api/exchange/supervision")
    @Permit(Action.SUPERVISE_MARKET)
    @Operation(
            summary = "Listings by state, contracts and their value over a period (by day or month), top products, "
                    + "active contracts, auctions and disputes, and the alerts")
    MarketSupervision.Overview overview(
            Actor actor,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(required = false) Long provider,
            @RequestParam(required = false) String model,
            @RequestParam(required = false) String by) {
        return supervision.overview(actor, supervision.filter(from, to, provider, model, by));
    }

    // No "produces": a refusal must still be answered as application/problem+json, not 406.
    @GetMapping("/api/exchange/supervision/contracts.csv")
    @Permit(Action.SUPERVISE_MARKET)
    @Operation(
            summary = "The contracts requested in the period (and of the provider, price model) as CSV, UTF-8 with BOM")
    ResponseEntity<byte[]> contractsCsv(
            Actor actor,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(required = false) Long provider,
            @RequestParam(required = false) String model) {
        MarketSupervision.Filter filter = supervision.filter(from, to, provider, model, null);
        byte[] csv = supervision.contractsCsv(actor, filter).getBytes(StandardCharsets.UTF_8);
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"contracts-" + filter.from() + "-" + filter.to() + ".csv\"")
                .body(csv);
    }

    @GetMapping("/api/exchange/supervision/alerts")
    @Permit(Action.SUPERVISE_MARKET)
    @Operation(
            summary = "What needs a look now: usage spikes, repeated refusals, inconsistent purposes, "
                    + "agreements ending within 14 days")
    List<MarketSupervision.Alert> alerts(Actor actor) {
        return supervision.alerts(actor);
    }

    @GetMapping("/api/exchange/sales")
    @Permit(Action.VIEW_SALES)
    @Operation(
            summary = "A provider's products, offers, contracts by product and buyer, usage, revenue (net, VAT, "
                    + "platform fee) and waiting requests; your organisation's unless org names another")
    ProviderSales.Sales sales(
            Actor actor,
            @RequestParam(required = false) Long org,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(required = false) String by) {
        return sales.of(actor, sales.organisationFor(actor, org), supervision.filter(from, to, null, null, by));
    }
}
