package vn.datafloor.server.integration;

import java.util.Map;
import org.springframework.http.HttpStatus;
import vn.datafloor.integration.connect.InputLimitException;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.server.platform.ProblemException;

/**
 * A file refused for what it expands to: 413 when it is too large once unpacked or read (bytes,
 * ratio, parts, rows, columns, a cell), 422 when it is not shaped like a spreadsheet at all (a
 * DOCTYPE, a cell tag too long to read its reference). The problem names the {@code datafloor.integration.limits.*} property and its value, and
 * carries the reader's explanation (file, part, row, column; never a value from the file).
 */
final class InputLimitProblem extends ProblemException {

    private final transient Map<String, Object> extensions;

    private InputLimitProblem(
            HttpStatus status, String key, String detail, Map<String, Object> extensions, Object... args) {
        super(status, key, detail, args);
        this.extensions = extensions;
    }

    static InputLimitProblem of(InputLimitException e, InputLimits limits) {
        if (java.util.Set.of("doctype", "cellReference", "encoding").contains(e.limit())) {
            return new InputLimitProblem(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "upload.notASpreadsheet",
                    e.getMessage() + ". Nothing was published.",
                    Map.of("reason", e.getMessage()));
        }
        String property = property(e.limit());
        Object value = value(e.limit(), limits);
        return new InputLimitProblem(
                HttpStatus.PAYLOAD_TOO_LARGE,
                "upload.overLimit",
                e.getMessage() + ". Nothing was published.",
                Map.of("limit", property, "maximum", value, "reason", e.getMessage()),
                property,
                value);
    }

    @Override
    public Map<String, Object> extensions() {
        return extensions;
    }

    /** maxCellBytes → datafloor.integration.limits.max-cell-bytes */
    static String property(String limit) {
        return "datafloor.integration.limits."
                + limit.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }

    private static Object value(String limit, InputLimits limits) {
        return switch (limit) {
            case "maxDecompressedBytes" -> limits.maxDecompressedBytes();
            case "maxRows" -> limits.maxRows();
            case "maxColumns" -> limits.maxColumns();
            case "maxCellBytes" -> limits.maxCellBytes();
            case "maxZipEntries" -> limits.maxZipEntries();
            case "maxCompressionRatio" -> limits.maxCompressionRatio();
            default -> "";
        };
    }
}
