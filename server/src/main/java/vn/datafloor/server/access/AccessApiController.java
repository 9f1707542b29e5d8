package vn.datafloor.server.access;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import vn.datafloor.integration.access.AccessSession;
import vn.datafloor.integration.access.RowFilter;
import vn.datafloor.integration.sandbox.PrivacyBudget;
import vn.datafloor.integration.sandbox.SandboxResult;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.platform.ProblemException;

/** The delivery channels of an agreement in force (docs/access.md). */
@RestController
@Tag(
        name = "Access: delivery",
        description = "An agreement's data: paged rows, SQL, exports and the privacy sandbox, "
                + "masked, filtered, metered and recorded")
class AccessApiController {

    private final DeliveryService delivery;
    private final ApiKeyService apiKeys;

    AccessApiController(DeliveryService delivery, ApiKeyService apiKeys) {
        this.delivery = delivery;
        this.apiKeys = apiKeys;
    }

    record Described(
            long agreement,
            String table,
            List<String> columns,
            Map<String, String> masks,
            boolean consentFiltered,
            String purpose,
            /* The rows the terms sell, as the rows endpoint's filters read: column:op:value (in: values by |). */
            List<String> rowFilters) {}

    @GetMapping("/api/access/{agreementId}")
    @Permit(Action.ACCESS_DATA)
    @Operation(summary = "What the agreement delivers: its table, columns, how each is masked, which rows")
    Described describe(Actor actor, @PathVariable("agreementId") long agreementId) {
        DeliveryService.Grant grant = delivery.grant(actor, agreementId, DeliveryService.Channel.REST);
        Map<String, String> masks = new java.util.LinkedHashMap<>();
        grant.masks().forEach((c, m) -> masks.put(c, m.name()));
        return new Described(
                agreementId,
                grant.table(),
                grant.columns(),
                masks,
                grant.consentFiltered(),
                grant.entitlement().purpose(),
                grant.view().rowFilters().stream()
                        .map(f -> f.column() + ":" + f.operator().name().toLowerCase(Locale.ROOT) + ":"
                                + String.join(
                                        "|",
                                        f.values().stream().map(String::valueOf).toList()))
                        .toList());
    }

    record KeyRequest(String name, Integer days) {}

    @PostMapping("/api/access/{agreementId}/keys")
    @Permit(Action.ACCESS_DATA)
    @Operation(summary = "An API key that reads this agreement's data only; its token is shown once")
    ApiKeyService.CreatedKey key(
            Actor actor, @PathVariable("agreementId") long agreementId, @RequestBody KeyRequest request) {
        delivery.grant(actor, agreementId, DeliveryService.Channel.REST);
        int days = request.days() == null ? 30 : request.days();
        return apiKeys.createForAgreement(
                actor,
                request.name() == null ? "agreement " + agreementId : request.name(),
                AccessKeys.scope(agreementId),
                Duration.ofDays(days));
    }

    @GetMapping("/api/access/{agreementId}/rows")
    @Permit(Action.ACCESS_DATA)
    @Operation(
            summary = "A page of the permitted rows; fields=a,b; filter=column:op:value with op one of "
                    + "eq, ne, lt, le, gt, ge, in (in: values separated by |)")
    DeliveryService.Delivered rows(
            Actor actor,
            @PathVariable("agreementId") long agreementId,
            @RequestParam(name = "fields", required = false) String fields,
            @RequestParam(name = "filter", required = false) List<String> filters,
            @RequestParam(name = "offset", defaultValue = "0") int offset,
            @RequestParam(name = "limit", defaultValue = "100") int limit) {
        List<String> selected = fields == null || fields.isBlank()
                ? List.of()
                : Arrays.stream(fields.split(","))
                        .map(String::strip)
                        .filter(f -> !f.isEmpty())
                        .toList();
        return delivery.rows(actor, agreementId, selected, parse(filters), offset, Math.min(limit, 1000));
    }

    record QueryRequest(String sql, Integer maxRows) {}

    @PostMapping("/api/access/{agreementId}/query")
    @Permit(Action.ACCESS_DATA)
    @Operation(summary = "A read-only SELECT over the agreement's table, run on its masked, filtered view")
    DeliveryService.Delivered query(
            Actor actor, @PathVariable("agreementId") long agreementId, @RequestBody QueryRequest request) {
        return delivery.query(actor, agreementId, request.sql(), request.maxRows() == null ? 1000 : request.maxRows());
    }

    record ExportRequest(String format) {}

    @PostMapping("/api/access/{agreementId}/exports")
    @Permit(Action.ACCESS_DATA)
    @Operation(summary = "A CSV or Parquet file of the permitted rows behind a single-use link that expires")
    ExportLinks.Link export(
            Actor actor, @PathVariable("agreementId") long agreementId, @RequestBody ExportRequest request) {
        String format =
                request.format() == null ? "csv" : request.format().strip().toLowerCase(Locale.ROOT);
        AccessSession.Format chosen = switch (format) {
            case "csv" -> AccessSession.Format.CSV;
            case "parquet" -> AccessSession.Format.PARQUET;
            default -> throw ProblemException.badRequest("access.format", "Choose csv or parquet", format);
        };
        return delivery.export(actor, agreementId, chosen);
    }

    @GetMapping("/api/access/exports/{token}")
    @Permit(Action.ACCESS_DATA)
    @Operation(summary = "Download an export once, before its link expires")
    ResponseEntity<StreamingResponseBody> download(Actor actor, @PathVariable("token") String token) {
        ExportLinks.Download download = delivery.download(actor, token);
        StreamingResponseBody body = out -> {
            try (InputStream in = Files.newInputStream(download.file())) {
                in.transferTo(out);
            } finally {
                Files.deleteIfExists(download.file());
            }
        };
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + download.filename() + "\"")
                .contentType(MediaType.parseMediaType(download.contentType()))
                .body(body);
    }

    record SandboxRequest(String sql) {}

    record SandboxAnswer(
            List<String> columns,
            List<List<Object>> rows,
            long suppressedGroups,
            BigDecimal epsilonSpent,
            BigDecimal epsilonLeft) {}

    @PostMapping("/api/access/{agreementId}/sandbox")
    @Permit(Action.ACCESS_DATA)
    @Operation(
            summary = "An aggregate query (COUNT, SUM, AVG, GROUP BY) answered with differential-privacy noise; "
                    + "small groups are suppressed and every answer spends the agreement's budget ε")
    SandboxAnswer sandbox(
            Actor actor, @PathVariable("agreementId") long agreementId, @RequestBody SandboxRequest request) {
        SandboxResult result = delivery.sandbox(actor, agreementId, request.sql());
        return new SandboxAnswer(
                result.columns(),
                result.rows(),
                result.suppressedGroups(),
                result.epsilonSpent(),
                result.remainingEpsilon());
    }

    record Budget(BigDecimal total, BigDecimal spent, BigDecimal remaining) {}

    @GetMapping("/api/access/{agreementId}/sandbox/budget")
    @Permit(Action.ACCESS_DATA)
    @Operation(summary = "The agreement's privacy budget ε: total, spent, remaining")
    Budget budget(Actor actor, @PathVariable("agreementId") long agreementId) {
        PrivacyBudget budget = delivery.budget(actor, agreementId);
        return new Budget(PrivacyBudget.epsilon(budget.totalMicroEpsilon()), budget.spent(), budget.remaining());
    }

    /** {@code column:op:value}, values of {@code in} separated by {@code |}; numbers and dates typed. */
    static List<RowFilter> parse(List<String> filters) {
        List<RowFilter> parsed = new ArrayList<>();
        if (filters == null) {
            return parsed;
        }
        if (filters.size() > 20) {
            throw ProblemException.badRequest("access.filter", "At most 20 filters");
        }
        for (String filter : filters) {
            String[] parts = filter.split(":", 3);
            if (parts.length != 3) {
                throw ProblemException.badRequest(
                        "access.filter", "A filter is column:op:value, such as province_code:eq:01");
            }
            RowFilter.Operator operator;
            try {
                operator = RowFilter.Operator.valueOf(parts[1].strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest(
                        "access.filter", "A filter's op is one of eq, ne, lt, le, gt, ge, in");
            }
            List<Object> values = new ArrayList<>();
            for (String value : operator == RowFilter.Operator.IN ? parts[2].split("\\|") : new String[] {parts[2]}) {
                values.add(typed(value));
            }
            try {
                parsed.add(new RowFilter(parts[0].strip(), operator, values));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("access.filter", e.getMessage());
            }
        }
        return parsed;
    }

    private static Object typed(String value) {
        // Leading zeros are codes (province 01), not numbers.
        if (value.matches("-?[1-9]\\d{0,17}|0")) {
            return Long.parseLong(value);
        }
        if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
            try {
                return LocalDate.parse(value);
            } catch (java.time.DateTimeException e) {
                return value;
            }
        }
        return value;
    }
}
