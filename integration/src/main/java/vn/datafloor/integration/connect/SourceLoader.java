package vn.datafloor.integration.connect;

import static vn.datafloor.integration.lake.DuckDbConnections.identifier;
import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;
import vn.datafloor.integration.pipeline.PipelineSpec.SourceSpec;

/**
 * Reads a source into the run's DuckDB with its kind's {@link SourceConnector}. It holds what every
 * connector loads into (the run's DuckDB, its input and work directories, the input limits, the
 * network policy, the credentials) and the readers kinds share. Files are read by DuckDB itself
 * (CSV, JSON Lines, Parquet); what DuckDB cannot read without an extension (xlsx, legacy encodings,
 * databases, HTTP APIs) is streamed into it by Java, never held in memory whole.
 */
public final class SourceLoader {

    private static final Pattern SAFE_COLUMN = Pattern.compile("[\\p{L}\\p{N}_ .-]{1,100}");

    /** Resolves a stored credential's name to its secret, for jdbc passwords and http tokens. */
    public interface Credentials {
        String secret(String name);
    }

    private final Connection duck;
    private final Path inputDirectory;
    private final Path workDirectory;
    private final Credentials credentials;
    private final BooleanSupplier cancelled;
    private final NetworkPolicy network;
    private final InputLimits limits;

    public SourceLoader(
            Connection duck,
            Path inputDirectory,
            Path workDirectory,
            Credentials credentials,
            BooleanSupplier cancelled) {
        this(
                duck,
                inputDirectory,
                workDirectory,
                credentials,
                cancelled,
                InputLimits.DEFAULTS,
                NetworkPolicy.PUBLIC_ONLY);
    }

    /** @param limits what a file may expand to (rows, columns, cells, decompressed bytes); see {@link InputLimits} */
    public SourceLoader(
            Connection duck,
            Path inputDirectory,
            Path workDirectory,
            Credentials credentials,
            BooleanSupplier cancelled,
            InputLimits limits) {
        this(duck, inputDirectory, workDirectory, credentials, cancelled, limits, NetworkPolicy.PUBLIC_ONLY);
    }

    /** {@code network}: which addresses databases and APIs of this organisation may be reached at. */
    public SourceLoader(
            Connection duck,
            Path inputDirectory,
            Path workDirectory,
            Credentials credentials,
            BooleanSupplier cancelled,
            InputLimits limits,
            NetworkPolicy network) {
        this.network = network;
        this.duck = duck;
        this.inputDirectory = inputDirectory.toAbsolutePath().normalize();
        this.workDirectory = workDirectory;
        this.credentials = credentials;
        this.cancelled = cancelled;
        this.limits = limits;
    }

    /**
     * Loads the source with its kind's connector ({@link SourceConnectors}); {@code lastWatermark} is
     * where the previous incremental jdbc run stopped.
     */
    public LoadedSource load(SourceSpec source, String lastWatermark) {
        if (source.ref() != null || source.settings() == null) {
            throw new SourceException("The source " + source.describe() + " is not resolved to its settings");
        }
        return load(SourceConnectors.get(source.kind()), source.settings(), lastWatermark);
    }

    private <S extends SourceSettings> LoadedSource load(
            SourceConnector<S> connector, SourceSettings settings, String lastWatermark) {
        try {
            return connector.load(connector.settingsType().cast(settings), this, lastWatermark);
        } catch (SQLException e) {
            throw new SourceException("The source could not be read: " + firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new SourceException("The source could not be read: " + e.getMessage(), e);
        }
    }

    // --- what connectors load into

    /** The run's DuckDB, still trusted: connectors create {@code source_rows} and {@code source_rejects} in it. */
    Connection duck() {
        return duck;
    }

    Path inputDirectory() {
        return inputDirectory;
    }

    /** Scratch space of the run, for files a connector writes on the way (unpacked, decoded, fetched). */
    Path workDirectory() {
        return workDirectory;
    }

    /** Which addresses this organisation's sources may reach; every connection out is vetted by it. */
    NetworkPolicy network() {
        return network;
    }

    /** Opens a stored credential by name, for the moment of connecting; the secret is never kept or shown. */
    String secret(String credential) {
        return credentials.secret(credential);
    }

    boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    /**
     * Connects to a network database whose URL, driver class and hosts were vetted: the one call of
     * {@code Driver.connect} on the platform (SqlContainmentRulesTest keeps it so).
     */
    Connection connect(JdbcSources.Target target, java.util.Properties properties) throws SQLException {
        return JdbcSources.driver(target).connect(target.url(), properties);
    }

    /** A file inside the run's input directory; paths that climb out of it are refused. */
    Path file(String relative) {
        Path path = inputDirectory.resolve(relative).normalize();
        if (!path.startsWith(inputDirectory)) {
            throw new SourceException("The path " + relative + " leaves the input directory; give a path inside it");
        }
        if (!Files.isRegularFile(path)) {
            throw new SourceException("No file at " + relative + " (looked in " + inputDirectory + ")");
        }
        return path;
    }

    // --- CSV

    LoadedSource csv(Path path, CsvSettings source) throws SQLException, IOException {
        // Hashing a large file takes seconds: it runs beside DuckDB's read rather than before it.
        Path hashed = path;
        java.util.concurrent.CompletableFuture<String> hashing =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return fingerprint(hashed);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        String shownName = path.getFileName().toString();
        // DuckDB would unpack a .gz by its name, with no limit: it is told never to, and gzip is unpacked here,
        // counted.
        Path original = path;
        path = GzipGuard.plain(path, workDirectory.resolve("source.gunzip.csv"), shownName, limits);
        String encoding = source.encoding();
        List<String> warnings = new ArrayList<>();
        if (path != original) {
            warnings.add("The file was gzip-compressed; it was unpacked");
        }
        String usedEncoding = "utf-8";
        Path readable = path;
        if (!"utf-8".equals(encoding) || startsWithBom(path)) {
            if (!"auto".equals(encoding) || startsWithBom(path)) {
                TextEncodings.Decoded decoded =
                        TextEncodings.toUtf8(path, workDirectory.resolve("source.utf8.csv"), encoding);
                readable = decoded.utf8File();
                usedEncoding = decoded.encoding();
                if (decoded.hadBom()) {
                    warnings.add("The file starts with a byte-order mark; it was removed");
                }
                warnMixed(decoded, warnings);
            }
        }
        readCsv(readable, source, shownName);
        if ("auto".equals(encoding)
                && readable == path
                && countRejects("error_type IN ('INVALID UNICODE', 'INVALID ENCODING')") > 0) {
            // Not UTF-8 after all: decode line by line, Windows-1258 where UTF-8 fails, and read again.
            TextEncodings.Decoded decoded =
                    TextEncodings.toUtf8(path, workDirectory.resolve("source.utf8.csv"), "auto");
            usedEncoding = decoded.encoding();
            warnMixed(decoded, warnings);
            readable = decoded.utf8File();
            readCsv(readable, source, shownName);
        }
        try (Statement statement = duck.createStatement()) {
            statement.execute("""
                    CREATE OR REPLACE TABLE source_rejects AS
                    SELECT line, string_agg(DISTINCT error_type || ': ' || error_message, '; ') AS reason, any_value(csv_line) AS raw
                    FROM reject_errors GROUP BY line""");
        }
        String fingerprint;
        try {
            fingerprint = hashing.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new SourceException(
                    "The file could not be read to the end: " + e.getCause().getMessage(), e);
        }
        return summary(fingerprint, usedEncoding, warnings, null);
    }

    private static void warnMixed(TextEncodings.Decoded decoded, List<String> warnings) {
        if (decoded.fallbackLines() > 0 && decoded.fallbackLines() < decoded.nonAsciiLines()) {
            warnings.add(decoded.fallbackLines() + " of " + decoded.lines()
                    + " lines were not UTF-8 and were read as Windows-1258: check them");
        }
    }

    private void readCsv(Path path, CsvSettings source, String shownName) throws SQLException, IOException {
        char delim = source.delimiterChar();
        List<String> header = CsvHeader.read(path, delim, limits.maxColumns());
        if (header.size() > limits.maxColumns()) {
            throw tooManyColumns(shownName, header.size());
        }
        StringBuilder columns = new StringBuilder("{");
        for (int i = 0; i < header.size(); i++) {
            requireSafeColumn(header.get(i));
            columns.append(i == 0 ? "" : ", ").append(literal(header.get(i))).append(": 'VARCHAR'");
        }
        columns.append('}');
        try (Statement statement = duck.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS reject_errors");
            statement.execute("DROP TABLE IF EXISTS reject_scans");
            // The dialect is given, not sniffed: a sniffer gives up on exactly the broken files agencies send.
            statement.execute(
                    "CREATE OR REPLACE TABLE source_rows AS SELECT * FROM read_csv(" + literal(path.toString())
                            + ", header = true, auto_detect = false, columns = " + columns + ", delim = "
                            + literal(String.valueOf(delim))
                            + ", quote = '\"', escape = '\"', store_rejects = true, strict_mode = true, max_line_size = 10000000,"
                            + " null_padding = false, compression = 'none') LIMIT " + (limits.maxRows() + 1));
            requireRowsWithin("source_rows", shownName, "rows");
        }
        requireSafeColumns();
    }

    private long countRejects(String condition) throws SQLException {
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM reject_errors WHERE " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean startsWithBom(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(3);
            return head.length == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF;
        }
    }

    // --- JSON Lines

    LoadedSource jsonLines(Path path, String fingerprint, List<String> warnings) throws SQLException, IOException {
        String shownName = path.getFileName().toString();
        Path plain = GzipGuard.plain(path, workDirectory.resolve("source.gunzip.jsonl"), shownName, limits);
        if (plain != path) {
            warnings = new ArrayList<>(warnings);
            warnings.add("The file was gzip-compressed; it was unpacked");
        }
        try (Statement statement = duck.createStatement()) {
            // Each line on its own: a malformed line is quarantined, not fatal. At most one line past the
            // row limit is read: the scan stops there.
            statement.execute(
                    "CREATE OR REPLACE TABLE json_lines AS SELECT row_number() OVER () AS line, column0 AS text FROM"
                            + " (SELECT column0 FROM read_csv(" + literal(plain.toString())
                            + ", header = false, columns = {'column0': 'VARCHAR'},"
                            + " delim = '\u0001', quote = '', escape = '', strict_mode = false, max_line_size = 10000000, compression = 'none')"
                            + " LIMIT " + (limits.maxRows() + 1) + ")");
            requireRowsWithin("json_lines", shownName, "lines");
            statement.execute("""
                    CREATE OR REPLACE TABLE json_valid_lines AS
                    SELECT line, text FROM json_lines
                    WHERE text IS NOT NULL AND trim(text) <> ''
                      AND CASE WHEN json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END""");
            statement.execute("""
                    CREATE OR REPLACE TABLE source_rejects AS
                    SELECT line, 'not a JSON object' AS reason, text AS raw FROM json_lines
                    WHERE text IS NOT NULL AND trim(text) <> ''
                      AND NOT CASE WHEN json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END""");
            Set<String> keys = new LinkedHashSet<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT DISTINCT unnest(json_keys(text::JSON)) FROM (SELECT text FROM json_valid_lines LIMIT 50000) LIMIT "
                            + (limits.maxColumns() + 1))) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            if (keys.size() > limits.maxColumns()) {
                throw tooManyColumns(shownName, keys.size());
            }
            if (keys.isEmpty()) {
                statement.execute("CREATE OR REPLACE TABLE source_rows AS SELECT NULL::VARCHAR AS empty WHERE false");
            } else {
                StringBuilder select = new StringBuilder("CREATE OR REPLACE TABLE source_rows AS SELECT ");
                int i = 0;
                for (String key : keys) {
                    requireSafeColumn(key);
                    select.append(i++ == 0 ? "" : ", ")
                            .append("json_extract_string(text, ")
                            .append(literal("$.\"" + key.replace("\"", "") + "\""))
                            .append(") AS ")
                            .append(identifier(key));
                }
                statement.execute(
                        select.append(" FROM json_valid_lines ORDER BY line").toString());
            }
        }
        return summary(fingerprint, "utf-8", warnings, null);
    }

    // --- Parquet

    LoadedSource parquet(Path path) throws SQLException, IOException {
        // The footer's rows, columns and uncompressed sizes, before a page is read.
        ParquetGuard.check(duck, path, path.getFileName().toString(), limits);
        String fingerprint = fingerprint(path);
        try (Statement statement = duck.createStatement()) {
            statement.execute("CREATE OR REPLACE TABLE source_raw AS SELECT * FROM read_parquet("
                    + literal(path.toString()) + ")");
            statement.execute(
                    "CREATE OR REPLACE TABLE source_rows AS SELECT " + allAsVarchar("source_raw") + " FROM source_raw");
            statement.execute("DROP TABLE source_raw");
            statement.execute("CREATE OR REPLACE TABLE source_rejects (line BIGINT, reason VARCHAR, raw VARCHAR)");
        }
        requireSafeColumns();
        return summary(fingerprint, "parquet", List.of(), null);
    }

    // --- Excel

    LoadedSource xlsx(Path path, XlsxSettings source) throws SQLException, IOException {
        String shownName = source.path() == null ? path.getFileName().toString() : source.path();
        // Parts, expanded bytes, ratios and cell lengths, before an XML parser sees a byte.
        XlsxGuard.check(path, shownName, limits);
        String fingerprint = fingerprint(path);
        Path csv = workDirectory.resolve("source.xlsx.csv");
        // From the file, not a stream: the reader would otherwise copy the whole workbook into memory first.
        try (ReadableWorkbook workbook = new ReadableWorkbook(path.toFile());
                OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(csv), 1 << 16)) {
            Sheet sheet = source.sheet() == null
                    ? workbook.getFirstSheet()
                    : workbook.findSheet(source.sheet())
                            .orElseThrow(() ->
                                    new SourceException("No sheet named " + source.sheet() + " in " + source.path()));
            String where = "The workbook " + shownName + ", sheet " + sheet.getName();
            try (var rows = sheet.openStream()) {
                Iterator<Row> iterator = rows.iterator();
                int width = -1;
                long rowCount = 0;
                while (iterator.hasNext()) {
                    Row row = iterator.next();
                    // The header is a row too: the limit counts the records after it.
                    if (++rowCount > limits.maxRows() + 1) {
                        throw new InputLimitException(
                                "maxRows",
                                where + ", has more than " + limits.maxRows()
                                        + " rows (limit maxRows); split it into smaller files");
                    }
                    if (row.getCellCount() > limits.maxColumns()) {
                        throw new InputLimitException(
                                "maxColumns",
                                where + ", row " + row.getRowNum() + ", has "
                                        + row.getCellCount() + " columns, more than the limit of " + limits.maxColumns()
                                        + " (maxColumns); remove the unused columns");
                    }
                    if (width < 0) {
                        width = row.getCellCount();
                    }
                    StringBuilder line = new StringBuilder();
                    for (int c = 0; c < width; c++) {
                        Cell cell = c < row.getCellCount() ? row.getCell(c) : null;
                        String text = cell == null ? "" : cell.getText();
                        if (text.length() > limits.maxCellBytes()) {
                            throw new InputLimitException(
                                    "maxCellBytes",
                                    where + ", row " + row.getRowNum() + ", column "
                                            + (c + 1) + ", has a cell longer than " + limits.maxCellBytes()
                                            + " bytes (limit maxCellBytes); shorten it");
                        }
                        line.append(c == 0 ? "" : ",")
                                .append('"')
                                .append(text.replace("\"", "\"\""))
                                .append('"');
                    }
                    out.write(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
                    if (cancelled.getAsBoolean()) {
                        throw new SourceException("Cancelled");
                    }
                }
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new SourceException("Not a readable .xlsx workbook: " + e.getMessage(), e);
        } catch (IOException e) {
            if (e.getClass().getName().contains("ExcelReaderException")
                    || e.getMessage() == null
                    || !Files.exists(path)) {
                throw new SourceException("Not a readable .xlsx workbook: " + e.getMessage(), e);
            }
            throw new SourceException("Not a readable .xlsx workbook (" + e.getMessage() + ")", e);
        }
        readCsv(csv, new CsvSettings(csv.getFileName().toString(), "utf-8", ","), shownName);
        try (Statement statement = duck.createStatement()) {
            statement.execute("""
                    CREATE OR REPLACE TABLE source_rejects AS
                    SELECT line, string_agg(DISTINCT error_type || ': ' || error_message, '; ') AS reason, any_value(csv_line) AS raw
                    FROM reject_errors GROUP BY line""");
        }
        return summary(fingerprint, "xlsx", List.of(), null);
    }

    // --- shared

    /** Refuses a table that holds more than the row limit (it was read with a LIMIT one past it). */
    private void requireRowsWithin(String table, String shownName, String what) throws SQLException {
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + identifier(table))) {
            rs.next();
            if (rs.getLong(1) > limits.maxRows()) {
                throw new InputLimitException(
                        "maxRows",
                        "The file " + shownName + " has more than " + limits.maxRows() + " " + what
                                + " (limit maxRows); split it into smaller files");
            }
        }
    }

    private InputLimitException tooManyColumns(String shownName, int columns) {
        return new InputLimitException(
                "maxColumns",
                "The file " + shownName + " has "
                        + (columns > limits.maxColumns()
                                ? "more than " + limits.maxColumns()
                                : Integer.toString(columns))
                        + " columns (limit maxColumns); "
                        + "remove the unused columns or split the table");
    }

    void createVarcharTable(String table, List<String> columns) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE OR REPLACE TABLE " + table + " (");
        for (int i = 0; i < columns.size(); i++) {
            ddl.append(i == 0 ? "" : ", ").append(identifier(columns.get(i))).append(" VARCHAR");
        }
        try (Statement statement = duck.createStatement()) {
            statement.execute(ddl.append(")").toString());
        }
    }

    private String allAsVarchar(String table) throws SQLException {
        List<String> columns = columns(table);
        StringBuilder select = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            select.append(i == 0 ? "" : ", ")
                    .append("CAST(")
                    .append(identifier(columns.get(i)))
                    .append(" AS VARCHAR) AS ")
                    .append(identifier(columns.get(i)));
        }
        return select.toString();
    }

    private List<String> columns(String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement statement = duck.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = "
                                + literal(table) + " ORDER BY ordinal_position")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        return columns;
    }

    private void requireSafeColumns() throws SQLException {
        for (String column : columns("source_rows")) {
            requireSafeColumn(column);
        }
    }

    static void requireSafeColumn(String name) {
        if (!SAFE_COLUMN.matcher(name).matches()) {
            throw new SourceException(
                    "The source has a column named \"" + name.substring(0, Math.min(40, name.length()))
                            + "\": column names must be letters, digits, spaces, '_', '.' or '-'");
        }
    }

    LoadedSource summary(String fingerprint, String encoding, List<String> warnings, String watermark)
            throws SQLException {
        long rows;
        long rejected;
        try (Statement statement = duck.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM source_rows")) {
                rs.next();
                rows = rs.getLong(1);
            }
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM source_rejects")) {
                rs.next();
                rejected = rs.getLong(1);
            }
        }
        return new LoadedSource(
                rows, rejected, columns("source_rows"), fingerprint, encoding, List.copyOf(warnings), watermark);
    }

    static String fingerprint(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
