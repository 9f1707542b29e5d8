package vn.datafloor.integration.connect;

/**
 * A source file goes past one of the {@link InputLimits}. The message names the limit, the file and
 * where (part, sheet, row, column), never a value from the file.
 */
public class InputLimitException extends SourceException {

    /** Which limit, by its {@link InputLimits} component name (e.g. {@code maxCellBytes}). */
    private final String limit;

    public InputLimitException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    public String limit() {
        return limit;
    }
}
