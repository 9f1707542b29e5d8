package vn.datafloor.server.exchange;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Locale;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;

/** Monthly statements of organisations' money, and the operator's payouts, over HTTP. */
@RestController
@Tag(
        name = "Exchange: statements",
        description = "An organisation's monthly statement (JSON or CSV), the payout report and recording payouts")
class StatementApiController {

    private static final MediaType CSV = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);

    /** A payout the operator made by bank transfer. */
    record PayoutRequest(Long orgId, Long amount, String bankRef) {}

    private final MoneyStatements statements;
    private final StatementCsv csv;

    StatementApiController(MoneyStatements statements, StatementCsv csv) {
        this.statements = statements;
        this.csv = csv;
    }

    @GetMapping("/api/exchange/statements/{id}")
    @Permit(Action.VIEW_MONEY)
    @Operation(
            summary = "An organisation's statement for a month (YYYY-MM in Vietnam time; default this month): "
                    + "opening and closing balances, every transaction with the running balance, the month's invoices")
    MoneyStatements.Statement statement(
            Actor actor,
            @PathVariable("id") long orgId,
            @RequestParam(value = "month", required = false) String month) {
        return statements.of(actor, orgId, statements.month(month));
    }

    @GetMapping("/api/exchange/statements/{id}.csv")
    @Permit(Action.VIEW_MONEY)
    @Operation(summary = "The same statement as CSV (UTF-8 with a byte order mark, for Excel)")
    ResponseEntity<byte[]> statementCsv(
            Actor actor,
            @PathVariable("id") long orgId,
            @RequestParam(value = "month", required = false) String month,
            Locale locale) {
        MoneyStatements.Statement statement = statements.of(actor, orgId, statements.month(month));
        return ResponseEntity.ok()
                .contentType(CSV)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename("statement-" + orgId + "-" + statement.month() + ".csv")
                                .build()
                                .toString())
                .body(csv.write(statement, locale));
    }

    @GetMapping("/api/exchange/payouts")
    @Permit(Action.PAY_OUT)
    @Operation(
            summary = "The payout report: organisations with money on the platform, their revenue and payouts in the "
                    + "month, and what is payable now")
    MoneyStatements.PayoutReport payouts(Actor actor, @RequestParam(value = "month", required = false) String month) {
        return statements.payouts(actor, statements.month(month));
    }

    @PostMapping("/api/exchange/payouts")
    @Permit(Action.PAY_OUT)
    @Operation(
            summary = "Record a payout made by bank transfer: {orgId, amount, bankRef}; one bank reference pays once "
                    + "(201 new, 200 already recorded)")
    ResponseEntity<MoneyStatements.Payout> payOut(Actor actor, @RequestBody PayoutRequest request) {
        if (request == null || request.orgId() == null || request.amount() == null) {
            throw ProblemException.badRequest("payout.incomplete", "A payout needs orgId, amount (đồng) and bankRef");
        }
        MoneyStatements.Payout payout = statements.payOut(actor, request.orgId(), request.amount(), request.bankRef());
        return ResponseEntity.status(payout.alreadyRecorded() ? HttpStatus.OK : HttpStatus.CREATED)
                .body(payout);
    }
}
