package vn.datafloor.integration.pipeline;

import static vn.datafloor.integration.lake.DuckDbConnections.identifier;
import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import vn.datafloor.integration.connect.ErrorTexts;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.connect.LoadedSource;
import vn.datafloor.integration.connect.NetworkPolicy;
import vn.datafloor.integration.connect.SecurityRefusal;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.connect.SourceLoader;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.integration.lake.Lockdown;
import vn.datafloor.integration.lake.LockedConnection;
import vn.datafloor.integration.lake.PrivateFiles;
import vn.datafloor.integration.lake.VersionPublisher;
import vn.datafloor.integration.pipeline.PipelineSpec.Dimension;
import vn.datafloor.integration.pipeline.PipelineSpec.QualityRule;
import vn.datafloor.integration.pipeline.PipelineSpec.Severity;

/**
 * Runs a pipeline as a handful of relational statements in DuckDB (the same plan would run on
 * Spark): load the source, map its columns, standardize, evaluate every quality rule as a column,
 * then write the passing rows as a new dataset version and the failing ones to quarantine. Nothing
 * here loops over rows in Java.
 */
public final class PipelineRunner {

    private static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");
    private static final int EXAMPLES_PER_RULE = 5;
    /** A standardization that keeps a date's value only: {@code std_date(…).value}. */
    private static final java.util.regex.Pattern DATE_VALUE =
            java.util.regex.Pattern.compile("(?s)\\s*(std_date\\s*\\(.*\\))\\s*\\.\\s*value\\s*");
    /** A standardizer's status code, whose values are a fixed vocabulary: {@code std_…(…).status}. */
    private static final java.util.regex.Pattern STATUS =
            java.util.regex.Pattern.compile("(?s)\\s*std_[a-z_0-9]+\\s*\\(.*\\)\\s*\\.\\s*status\\s*");
    /** Hidden columns (never published) marking values a standardizer guessed. */
    private static final String GUESS_PREFIX = "_guess_";

    private final Lake lake;
    private final Path workRoot;
    private final String memoryLimit;
    private final int threads;
    private final SqlLibrary library;
    private final Duration statementTimeout;
    /** The locked connection of the run on this thread, whose deadline each statement observes. */
    private final ThreadLocal<LockedConnection> deadlines = new ThreadLocal<>();

    private final InputLimits inputLimits;

    public PipelineRunner(Lake lake, Path workRoot, String memoryLimit, int threads, SqlLibrary library) {
        this(lake, workRoot, memoryLimit, threads, library, InputLimits.DEFAULTS);
    }

    /** @param inputLimits what a source file may expand to; a file past them fails the run and publishes nothing */
    public PipelineRunner(
            Lake lake, Path workRoot, String memoryLimit, int threads, SqlLibrary library, InputLimits inputLimits) {
        this(lake, workRoot, memoryLimit, threads, library, inputLimits, Duration.ofHours(2));
    }

    /** {@code statementTimeout} bounds each statement of a run once the steward's expressions can reach it. */
    public PipelineRunner(
            Lake lake,
            Path workRoot,
            String memoryLimit,
            int threads,
            SqlLibrary library,
            InputLimits inputLimits,
            Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
        this.inputLimits = inputLimits;
        this.lake = lake;
        this.workRoot = workRoot;
        this.memoryLimit = memoryLimit;
        this.threads = threads;
        this.library = library;
        SqlExpressions.allowFunctions(library.functions());
    }

    /** Everything a run needs besides the spec. */
    public record RunRequest(
            String runId,
            Path inputDirectory,
            String lastWatermark,
            SourceLoader.Credentials credentials,
            SourceResolver sources,
            Map<String, String> lineage,
            Instant now,
            NetworkPolicy network,
            VersionPublisher publisher,
            Set<String> clearColumns,
            List<Correction> corrections) {

        public RunRequest {
            clearColumns = clearColumns == null ? Set.of() : Set.copyOf(clearColumns);
            corrections = corrections == null ? List.of() : List.copyOf(corrections);
        }

        /** A request without a steward's corrections, every failing example masked. */
        public RunRequest(
                String runId,
                Path inputDirectory,
                String lastWatermark,
                SourceLoader.Credentials credentials,
                SourceResolver sources,
                Map<String, String> lineage,
                Instant now,
                NetworkPolicy network,
                VersionPublisher publisher) {
            this(
                    runId,
                    inputDirectory,
                    lastWatermark,
                    credentials,
                    sources,
                    lineage,
                    now,
                    network,
                    publisher,
                    Set.of(),
                    List.of());
        }

        /** A request whose version goes straight into the lake (the standalone CLI, benchmarks). */
        public RunRequest(
                String runId,
                Path inputDirectory,
                String lastWatermark,
                SourceLoader.Credentials credentials,
                SourceResolver sources,
                Map<String, String> lineage,
                Instant now,
                NetworkPolicy network) {
            this(runId, inputDirectory, lastWatermark, credentials, sources, lineage, now, network, null);
        }

        /** A request whose sources may reach public addresses only. */
        public RunRequest(
                String runId,
                Path inputDirectory,
                String lastWatermark,
                SourceLoader.Credentials credentials,
                SourceResolver sources,
                Map<String, String> lineage,
                Instant now) {
            this(runId, inputDirectory, lastWatermark, credentials, sources, lineage, now, NetworkPolicy.PUBLIC_ONLY);
        }
    }

    /**
     * A steward's decision on a quarantined row, applied by every later run of the pipeline until it is
     * withdrawn: a fix replaces mapped values before standardization (so the standardizers and every rule
     * see them again), a release publishes the row although it fails (its failures still count in the report).
     *
     * @param rowKey the row's key values joined by U+001F (see {@link #rowKey}), or its source record
     *     number when the pipeline has no usable key
     * @param values mapped column → corrected text, for a fix; empty for a release
     */
    public record Correction(String rowKey, boolean release, Map<String, String> values) {
        public Correction {
            values = values == null ? Map.of() : Map.copyOf(values);
        }
    }

    /** What identifies a row across runs: its key values when the key is made of mapped columns left as mapped. */
    public static boolean keyedByValues(PipelineSpec spec) {
        return !spec.key().isEmpty()
                && spec.mapping().keySet().containsAll(spec.key())
                && spec.key().stream().noneMatch(spec.standardize()::containsKey);
    }

    /** The identifier a correction of this row carries: see {@link Correction#rowKey()}. */
    public static String rowKey(PipelineSpec spec, Map<String, String> row, long sourceRecord) {
        if (!keyedByValues(spec)) {
            return Long.toString(sourceRecord);
        }
        return String.join(
                "\u001f",
                spec.key().stream().map(k -> String.valueOf(row.get(k))).toList());
    }

    /** Turns {@code source: {ref: name}} into the registered source's full description. */
    public interface SourceResolver {
        PipelineSpec.SourceSpec resolve(String ref);

        SourceResolver NONE = ref -> {
            throw new PipelineException(
                    "source.ref " + ref + ": no registered sources here; describe the source inline");
        };
    }

    /**
     * Runs the pipeline. Throws {@link PipelineException} (with a message saying what to fix),
     * {@link SourceException} or {@link RunControl.RunCancelledException}; in every failure case
     * nothing is published.
     */
    public RunResult run(PipelineSpec spec, RunRequest request, RunControl control) {
        if (spec.source().ref() != null) {
            spec = new PipelineSpec(
                    spec.name(),
                    spec.description(),
                    request.sources().resolve(spec.source().ref()),
                    spec.dataset(),
                    spec.schema(),
                    spec.mapping(),
                    spec.standardize(),
                    spec.quality(),
                    spec.key(),
                    spec.schedule(),
                    spec.addressColumn());
        }
        Path work = workRoot.resolve("run-" + request.runId());
        Path staging = null;
        try {
            // 0700: the scratch database, its WAL and spill files hold the source's rows in clear.
            PrivateFiles.createDirectory(work);
            // A database file in the run's scratch space: tables larger than memory live on disk, not in RAM.
            Connection trusted =
                    DuckDbConnections.openFile(work.resolve("run.duckdb"), work.resolve("spill"), memoryLimit, threads);
            PrivateFiles.restrictFile(work.resolve("run.duckdb"));
            PrivateFiles.restrictFile(work.resolve("run.duckdb.wal"));
            try (trusted) {
                Connection duck = trusted;
                library.install(duck);
                if (spec.addressColumn() != null) {
                    vn.datafloor.integration.standardize.ReferenceTables.install(duck);
                }
                control.progress("reading", 5);
                control.log("INFO", "Reading " + spec.source().kind() + " source");
                SourceLoader loader = new SourceLoader(
                        duck,
                        request.inputDirectory(),
                        work,
                        request.credentials(),
                        control::cancelled,
                        inputLimits,
                        request.network());
                LoadedSource source = loader.load(spec.source(), request.lastWatermark());
                control.log(
                        "INFO",
                        "Read " + source.rows() + " rows (" + source.encoding() + "), " + source.rejected()
                                + " unreadable records");
                source.warnings().forEach(w -> control.log("WARN", w));
                control.checkCancelled();

                // A steward's corrections change what is published as much as the spec does.
                String specFingerprint = specFingerprint(spec, request.corrections());
                Optional<DatasetVersion> previous = lake.latest(spec.dataset());
                if (previous.isPresent()
                        && source.fingerprint().equals(previous.get().manifest().inputFingerprint())
                        && specFingerprint.equals(previous.get().manifest().specFingerprint())) {
                    control.log(
                            "INFO",
                            "Input and spec unchanged since version "
                                    + previous.get().version() + ": kept it");
                    control.progress("done", 100);
                    LakeManifest m = previous.get().manifest();
                    return new RunResult(
                            previous.get(),
                            true,
                            source.rows() + source.rejected(),
                            m.rowCount(),
                            source.rows() + source.rejected() - m.rowCount(),
                            null,
                            null,
                            source.watermark(),
                            source.encoding(),
                            source.warnings());
                }

                // From here on the steward's expressions run: seal the connection first. It keeps only its own
                // tables, this run's staging folder and quarantine folder, and the previous version to diff against.
                staging = lake.stage(spec.dataset());
                // The previous version in clear, in this run's private scratch (deleted with it): the lake may
                // encrypt its versions, and the diff is the one place a run reads one.
                Optional<ClearVersion> previousClear = previous.map(v -> lake.clear(v, work));
                Path quarantineDirectory = PrivateFiles.createDirectory(
                        lake.root().resolve("_quarantine").resolve(spec.dataset()));
                LockedConnection locked = DuckDbConnections.lock(
                        duck,
                        new Lockdown(
                                List.of(staging, quarantineDirectory),
                                previousClear.map(ClearVersion::files).orElse(List.of()),
                                statementTimeout));
                this.deadlines.set(locked);
                control.progress("mapping", 20);
                List<String> targetColumns = map(duck, spec, source.columns(), control);
                applyFixes(duck, spec, request.corrections(), control);
                control.checkCancelled();
                control.progress("standardizing", 35);
                List<String> guessed = new ArrayList<>();
                targetColumns = standardize(duck, spec, targetColumns, guessed, control);
                if (spec.addressColumn() != null) {
                    targetColumns = matchAddresses(duck, spec, targetColumns, control);
                }
                control.checkCancelled();
                control.progress("checking quality", 55);
                List<QualityRule> rules = rulesWithGuesses(spec, guessed);
                check(duck, spec, rules, control);
                applyReleases(duck, spec, request.corrections(), control);
                control.checkCancelled();

                control.progress("measuring", 70);
                QualityReport report =
                        report(duck, spec, rules, targetColumns, source, clearColumns(spec, request.clearColumns()));
                if (report.rowsIn() != report.rowsPublished() + report.rowsQuarantined()) {
                    throw new PipelineException("Row accounting failed: " + report.rowsIn() + " in, "
                            + report.rowsPublished() + " published, " + report.rowsQuarantined()
                            + " quarantined; nothing was published");
                }
                control.progress("writing", 80);
                execute(
                        duck,
                        control,
                        "COPY (SELECT " + columnList(targetColumns) + " FROM checked WHERE NOT _rejected) TO "
                                + literal(staging.resolve("part-0.parquet").toString())
                                + " (FORMAT parquet, COMPRESSION zstd)");
                Path quarantine =
                        writeQuarantine(duck, spec, request, targetColumns, report, control, quarantineDirectory);
                control.checkCancelled();

                control.progress("publishing", 92);
                LakeManifest.Diff diff = diff(duck, spec, targetColumns, previousClear);
                Map<String, String> lineage = new LinkedHashMap<>(request.lineage());
                lineage.put("run", request.runId());
                lineage.put("pipeline", spec.name());
                lineage.put("source", describe(spec.source()));
                Files.writeString(
                        staging.resolve("quality.json"), QualityReports.toJson(report), StandardCharsets.UTF_8);
                LakeManifest manifest = new LakeManifest(
                        spec.dataset(),
                        0,
                        request.now(),
                        report.rowsPublished(),
                        columnTypes(duck, targetColumns),
                        List.of("part-0.parquet"),
                        source.fingerprint(),
                        specFingerprint,
                        request.runId(),
                        lineage,
                        diff);
                control.checkCancelled();
                // The platform's publisher when it gave one (it records the version), else the lake itself.
                DatasetVersion version = (request.publisher() == null
                                ? (VersionPublisher) lake::publish
                                : request.publisher())
                        .publish(staging, manifest);
                staging = null;
                control.log(
                        "INFO",
                        "Published " + spec.dataset() + " version " + version.version() + ": " + report.rowsPublished()
                                + " rows, " + report.rowsQuarantined() + " quarantined");
                control.progress("done", 100);
                return new RunResult(
                        version,
                        false,
                        report.rowsIn(),
                        report.rowsPublished(),
                        report.rowsQuarantined(),
                        report,
                        quarantine,
                        source.watermark(),
                        source.encoding(),
                        source.warnings());
            }
        } catch (SQLException e) {
            if (control.cancelled()) {
                throw new RunControl.RunCancelledException();
            }
            if (LockedConnection.refusedByLockdown(e)) {
                throw new SecurityRefusal(
                        "An expression tried to reach a file, the network or a setting, which pipeline"
                                + " expressions may not do",
                        e);
            }
            // DuckDB quotes the value that failed ("could not convert string '0012…'"): never shown.
            throw new PipelineException(
                    "The pipeline failed: " + ErrorTexts.withoutValues(firstLine(e.getMessage())), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deadlines.remove();
            if (staging != null) {
                lake.discard(staging);
            }
            deleteQuietly(work);
        }
    }

    /** Target columns from source columns; an expression naming a missing column is reported with the spec key. */
    private List<String> map(Connection duck, PipelineSpec spec, List<String> sourceColumns, RunControl control)
            throws SQLException {
        StringBuilder select = new StringBuilder("SELECT rowid + 1 AS _row");
        for (Map.Entry<String, String> mapping : spec.mapping().entrySet()) {
            String expression = expression(mapping.getValue(), sourceColumns, "mapping." + mapping.getKey());
            probe(duck, "source_rows", expression, "mapping." + mapping.getKey(), sourceColumns);
            select.append(", ").append(expression).append(" AS ").append(identifier(mapping.getKey()));
        }
        execute(duck, control, "CREATE OR REPLACE VIEW mapped AS " + select + " FROM source_rows");
        return new ArrayList<>(spec.mapping().keySet());
    }

    /**
     * Applies the standardizations in the order written; each may use the columns the ones before it
     * produced (a date standardized once feeds the identity-number check, instead of being parsed twice).
     */
    private List<String> standardize(
            Connection duck, PipelineSpec spec, List<String> mapped, List<String> guessed, RunControl control)
            throws SQLException {
        List<String> columns = new ArrayList<>(mapped);
        String relation = "SELECT * FROM mapped";
        for (Map.Entry<String, String> entry : spec.standardize().entrySet()) {
            String expression = checked(entry.getValue(), columns, "standardize." + entry.getKey());
            probe(duck, "(" + relation + ")", expression, "standardize." + entry.getKey(), columns);
            String clause = expression + " AS " + identifier(entry.getKey());
            // A date kept only as its value still had a status: a guess it made is counted, not dropped.
            java.util.regex.Matcher dateValue = DATE_VALUE.matcher(entry.getValue());
            String guess = "";
            if (dateValue.matches() && !guessed.contains(entry.getKey())) {
                guess = ", "
                        + checked(
                                dateValue.group(1) + ".status IN ('ambiguous', 'reordered', 'century_guessed')",
                                columns,
                                "standardize." + entry.getKey())
                        + " AS " + identifier(GUESS_PREFIX + entry.getKey());
                guessed.add(entry.getKey());
            }
            if (columns.contains(entry.getKey())) {
                relation = "SELECT * REPLACE (" + clause + ")" + guess + " FROM (" + relation + ")";
            } else {
                relation = "SELECT *, " + clause + guess + " FROM (" + relation + ")";
                columns.add(entry.getKey());
            }
        }
        // Materialised once: the quality rules, the outputs and the diff all read it.
        execute(duck, control, "CREATE OR REPLACE TABLE standardized AS " + relation);
        return columns;
    }

    /** Free-text addresses to 2025 units: a join against the reference tables, not a per-row lookup. */
    private List<String> matchAddresses(Connection duck, PipelineSpec spec, List<String> columns, RunControl control)
            throws SQLException {
        control.log("INFO", "Matching addresses in " + spec.addressColumn() + " to the 2025 administrative units");
        List<String> added =
                List.of("house_street", "commune_code", "province_code", "address_confidence", "address_method");
        List<String> kept = columns.stream().filter(c -> !added.contains(c)).toList();
        execute(
                duck,
                control,
                "CREATE OR REPLACE TABLE address_input AS SELECT _row, " + identifier(spec.addressColumn())
                        + " AS address_text FROM standardized");
        StringBuilder keptColumns = new StringBuilder("s._row");
        for (String column : kept) {
            keptColumns.append(", s.").append(identifier(column));
        }
        for (String column : columnsOf(duck, "standardized")) {
            if (column.startsWith(GUESS_PREFIX)) {
                keptColumns.append(", s.").append(identifier(column));
            }
        }
        execute(
                duck,
                control,
                "CREATE OR REPLACE TABLE standardized_addressed AS SELECT " + keptColumns
                        + ", m.house_street, m.commune_code_2025 AS commune_code, m.province_code_2025 AS province_code, "
                        + "m.confidence AS address_confidence, m.method AS address_method FROM standardized s LEFT JOIN ("
                        + vn.datafloor.integration.standardize.AddressMatching.sql(
                                "address_input", "_row", "address_text")
                        + ") m ON m.id = s._row");
        execute(duck, control, "DROP TABLE standardized");
        execute(duck, control, "ALTER TABLE standardized_addressed RENAME TO standardized");
        List<String> result = new ArrayList<>(kept);
        result.addAll(added);
        return result;
    }

    private void check(Connection duck, PipelineSpec spec, List<QualityRule> rules, RunControl control)
            throws SQLException {
        List<String> known = columnsOf(duck, "standardized");
        StringBuilder select = new StringBuilder("SELECT s.*");
        StringBuilder joins = new StringBuilder();
        List<String> rejecting = new ArrayList<>();
        LocalDate today = LocalDate.now(VIETNAM);
        for (int i = 0; i < rules.size(); i++) {
            QualityRule rule = rules.get(i);
            for (String column : rule.columns()) {
                if (!known.contains(column)) {
                    throw new PipelineException("quality[" + (i + 1) + "] names column " + column
                            + ", which the mapping does not produce; known columns: " + known);
                }
            }
            String check = rule.check() == null ? null : checked(rule.check(), known, "quality[" + (i + 1) + "].check");
            if (check != null) {
                probe(duck, "standardized", check, "quality[" + (i + 1) + "].check", known);
            }
            String failure = switch (rule.dimension()) {
                case COMPLETENESS ->
                    String.join(
                            " OR ",
                            rule.columns().stream()
                                    .map(c -> "(s." + identifier(c) + " IS NULL OR trim(CAST(s." + identifier(c)
                                            + " AS VARCHAR)) = '')")
                                    .toList());
                case VALIDITY, CONSISTENCY -> "coalesce(NOT (" + check + "), false)";
                case UNIQUENESS -> uniqueness(rule, i, joins);
                case TIMELINESS ->
                    "coalesce(TRY_CAST(s." + identifier(rule.columns().get(0)) + " AS DATE) < DATE "
                            + literal(today.minus(Period.parse(rule.maxAge())).toString()) + ", false)";
            };
            select.append(", ").append(failure).append(" AS _fail_").append(i);
            if (rule.severity() == Severity.REJECT) {
                rejecting.add("_fail_" + i);
            }
        }
        // One pass: every rule becomes a column, duplicates found by grouping (which spills) rather than windows.
        execute(
                duck,
                control,
                "CREATE OR REPLACE TABLE checked AS SELECT *, "
                        + (rejecting.isEmpty() ? "false" : String.join(" OR ", rejecting)) + " AS _rejected FROM ("
                        + select + " FROM standardized s" + joins + ")");
        execute(duck, control, "DROP TABLE standardized");
        execute(duck, control, "CREATE OR REPLACE VIEW standardized AS SELECT * FROM checked");
    }

    /** The first row of each key passes; later rows with the same (non-null) key fail. */
    private static String uniqueness(QualityRule rule, int i, StringBuilder joins) {
        String alias = "u" + i;
        StringBuilder keys = new StringBuilder();
        StringBuilder on = new StringBuilder();
        StringBuilder notNull = new StringBuilder();
        for (int c = 0; c < rule.columns().size(); c++) {
            String column = identifier(rule.columns().get(c));
            String renamed = "_" + alias + "_k" + c;
            keys.append(column).append(" AS ").append(renamed).append(", ");
            on.append(c == 0 ? "" : " AND ")
                    .append("s.")
                    .append(column)
                    .append(" = ")
                    .append(alias)
                    .append('.')
                    .append(renamed);
            notNull.append(c == 0 ? "" : " AND ").append(column).append(" IS NOT NULL");
        }
        joins.append(" LEFT JOIN (SELECT ")
                .append(keys)
                .append("min(_row) AS _first FROM standardized WHERE ")
                .append(notNull)
                .append(" GROUP BY ALL) ")
                .append(alias)
                .append(" ON ")
                .append(on);
        return "(" + alias + "._first IS NOT NULL AND s._row <> " + alias + "._first)";
    }

    /**
     * Counts per rule and per dimension, and the clean records. A dimension's score is the share of checked rows
     * passing all its rules (not an average of rules, which let one rule failing a third of the rows hide behind
     * the others); the overall score is the share of all records, unreadable ones included, that are clean.
     */
    private QualityReport report(
            Connection duck,
            PipelineSpec spec,
            List<QualityRule> qualityRules,
            List<String> columns,
            LoadedSource source,
            Set<String> clear)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT count(*), count(*) FILTER (WHERE NOT _rejected)");
        List<String> allFailures = new ArrayList<>();
        for (int i = 0; i < qualityRules.size(); i++) {
            sql.append(", count(*) FILTER (WHERE _fail_").append(i).append(")");
            allFailures.add("_fail_" + i);
        }
        Map<Dimension, List<String>> failuresByDimension = new EnumMap<>(Dimension.class);
        for (int i = 0; i < qualityRules.size(); i++) {
            failuresByDimension
                    .computeIfAbsent(qualityRules.get(i).dimension(), d -> new ArrayList<>())
                    .add("_fail_" + i);
        }
        List<Dimension> dimensions = new ArrayList<>(failuresByDimension.keySet());
        for (Dimension dimension : dimensions) {
            sql.append(", count(*) FILTER (WHERE NOT (")
                    .append(String.join(" OR ", failuresByDimension.get(dimension)))
                    .append("))");
        }
        sql.append(", count(*) FILTER (WHERE NOT (")
                .append(allFailures.isEmpty() ? "false" : String.join(" OR ", allFailures))
                .append("))");
        long total;
        long published;
        long[] failed = new long[qualityRules.size()];
        Map<Dimension, Long> passing = new EnumMap<>(Dimension.class);
        long clean;
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery(sql + " FROM checked")) {
            rs.next();
            total = rs.getLong(1);
            published = rs.getLong(2);
            for (int i = 0; i < failed.length; i++) {
                failed[i] = rs.getLong(3 + i);
            }
            for (int d = 0; d < dimensions.size(); d++) {
                passing.put(dimensions.get(d), rs.getLong(3 + failed.length + d));
            }
            clean = rs.getLong(3 + failed.length + dimensions.size());
        }
        List<QualityReport.RuleResult> rules = new ArrayList<>();
        for (int i = 0; i < qualityRules.size(); i++) {
            QualityRule rule = qualityRules.get(i);
            List<String> looked = rule.columns().isEmpty() ? referenced(rule.check(), columns) : rule.columns();
            List<String> shown = new ArrayList<>(List.of("_row"));
            shown.addAll(looked);
            List<Map<String, String>> examples = new ArrayList<>();
            if (failed[i] > 0) {
                try (Statement statement = duck.createStatement();
                        ResultSet rs = statement.executeQuery("SELECT " + columnList(shown)
                                + " FROM checked WHERE _fail_" + i + " ORDER BY _row LIMIT " + EXAMPLES_PER_RULE)) {
                    while (rs.next()) {
                        Map<String, String> example = new LinkedHashMap<>();
                        example.put("row", rs.getString(1));
                        for (int c = 1; c < shown.size(); c++) {
                            String value = rs.getString(c + 1);
                            // Only columns known not to hold personal data are shown as they are.
                            example.put(shown.get(c), clear.contains(shown.get(c)) ? value : Masking.mask(value));
                        }
                        examples.add(example);
                    }
                }
            }
            boolean automatic = i >= spec.quality().size();
            rules.add(new QualityReport.RuleResult(
                    rule.name(),
                    rule.dimension(),
                    rule.severity(),
                    total,
                    failed[i],
                    examples,
                    List.copyOf(looked),
                    automatic ? null : rule.check(),
                    automatic));
        }
        Map<Dimension, Double> scores = new EnumMap<>(Dimension.class);
        passing.forEach((d, passed) -> scores.put(d, total == 0 ? 100.0 : round(100.0 * passed / total)));
        long rowsIn = total + source.rejected();
        double overall = rowsIn == 0 ? 100.0 : round(100.0 * clean / rowsIn);
        return new QualityReport(
                rowsIn, published, rowsIn - published, source.rejected(), scores, overall, rules, clean);
    }

    /**
     * The spec's rules, then one warning per date the standardizer had to guess (day and month both possible,
     * reordered, century guessed), unless the spec already checks that column's guesses itself.
     */
    public static List<QualityRule> rulesWithGuesses(PipelineSpec spec, List<String> guessed) {
        List<QualityRule> rules = new ArrayList<>(spec.quality());
        for (String column : guessed) {
            java.util.regex.Pattern mentions =
                    java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(column) + "(_status)?\\b");
            boolean checkedAlready = spec.quality().stream()
                    .anyMatch(r -> r.check() != null
                            && r.check().contains("ambiguous")
                            && mentions.matcher(r.check()).find());
            if (!checkedAlready) {
                rules.add(new QualityRule(
                        column + "_not_guessed",
                        Dimension.VALIDITY,
                        Severity.WARN,
                        List.of(column),
                        "NOT " + GUESS_PREFIX + column,
                        null));
            }
        }
        return rules;
    }

    /**
     * Columns whose failing examples are shown as they are: those the platform knows hold no personal data
     * (its catalog's tags), and the standardizers' status codes and the address matcher's method and confidence,
     * whose values come from a fixed vocabulary.
     */
    public static Set<String> clearColumns(PipelineSpec spec, Set<String> known) {
        Set<String> clear = new LinkedHashSet<>(known);
        spec.standardize().forEach((column, expression) -> {
            if (STATUS.matcher(expression).matches()) {
                clear.add(column);
            }
        });
        if (spec.addressColumn() != null) {
            clear.add("address_method");
            clear.add("address_confidence");
        }
        return clear;
    }

    /** A mapped column replaced by a steward's fix, for the rows the fixes name; before standardization. */
    private void applyFixes(Connection duck, PipelineSpec spec, List<Correction> corrections, RunControl control)
            throws SQLException {
        List<Correction> fixes = corrections.stream().filter(c -> !c.release()).toList();
        if (fixes.isEmpty()) {
            return;
        }
        execute(duck, control, "CREATE OR REPLACE TABLE fixes (row_key VARCHAR, col VARCHAR, val VARCHAR)");
        Set<String> fixedColumns = new LinkedHashSet<>();
        try (java.sql.PreparedStatement insert = duck.prepareStatement("INSERT INTO fixes VALUES (?, ?, ?)")) {
            for (Correction fix : fixes) {
                for (Map.Entry<String, String> value : fix.values().entrySet()) {
                    if (!spec.mapping().containsKey(value.getKey())) {
                        continue; // only what the mapping produces can be corrected
                    }
                    insert.setString(1, fix.rowKey());
                    insert.setString(2, value.getKey());
                    insert.setString(3, value.getValue());
                    insert.addBatch();
                    fixedColumns.add(value.getKey());
                }
            }
            insert.executeBatch();
        }
        if (fixedColumns.isEmpty()) {
            return;
        }
        Map<String, String> types = new LinkedHashMap<>();
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE mapped")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        execute(duck, control, "ALTER VIEW mapped RENAME TO mapped_as_read");
        StringBuilder replace = new StringBuilder();
        StringBuilder joins = new StringBuilder();
        int f = 0;
        for (String column : fixedColumns) {
            String alias = "f" + f++;
            replace.append(replace.length() == 0 ? "" : ", ")
                    .append("CASE WHEN ")
                    .append(alias)
                    .append(".row_key IS NOT NULL THEN TRY_CAST(")
                    .append(alias)
                    .append(".val AS ")
                    .append(types.getOrDefault(column, "VARCHAR"))
                    .append(") ELSE m.")
                    .append(identifier(column))
                    .append(" END AS ")
                    .append(identifier(column));
            joins.append(" LEFT JOIN (SELECT row_key, val FROM fixes WHERE col = ")
                    .append(literal(column))
                    .append(") ")
                    .append(alias)
                    .append(" ON ")
                    .append(alias)
                    .append(".row_key = ")
                    .append(rowKeyExpression(spec, "m."));
        }
        execute(
                duck,
                control,
                "CREATE OR REPLACE VIEW mapped AS SELECT m.* REPLACE (" + replace + ") FROM mapped_as_read m" + joins);
        control.log("INFO", "Applied the steward's fixes to " + fixes.size() + " quarantined row(s)");
    }

    /** Rows a steward released are published although they fail; their failures still count in the report. */
    private void applyReleases(Connection duck, PipelineSpec spec, List<Correction> corrections, RunControl control)
            throws SQLException {
        List<Correction> releases =
                corrections.stream().filter(Correction::release).toList();
        if (releases.isEmpty()) {
            return;
        }
        execute(duck, control, "CREATE OR REPLACE TABLE releases (row_key VARCHAR)");
        try (java.sql.PreparedStatement insert = duck.prepareStatement("INSERT INTO releases VALUES (?)")) {
            for (Correction release : releases) {
                insert.setString(1, release.rowKey());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        execute(
                duck,
                control,
                "UPDATE checked SET _rejected = false WHERE _rejected AND " + rowKeyExpression(spec, "")
                        + " IN (SELECT row_key FROM releases)");
        control.log("INFO", "Released " + releases.size() + " quarantined row(s) by the steward's decision");
    }

    /** The SQL form of {@link #rowKey}. */
    private static String rowKeyExpression(PipelineSpec spec, String prefix) {
        if (!keyedByValues(spec)) {
            return "CAST(" + prefix + "_row AS VARCHAR)";
        }
        return "concat_ws(chr(31), "
                + String.join(
                        ", ",
                        spec.key().stream()
                                .map(k -> "coalesce(CAST(" + prefix + identifier(k) + " AS VARCHAR), 'null')")
                                .toList())
                + ")";
    }

    /** The rules' verdict on one row: the names of the rules it still fails. */
    public record Recheck(List<String> rejecting, List<String> warnings) {}

    /**
     * Checks one row again, as a steward corrected it: its mapped values go through the same standardizers and
     * rules as in a run (uniqueness excepted, which needs the other rows; the next run checks it). Runs in a
     * sealed in-memory connection, since the steward's expressions run here too.
     *
     * @param mapped every mapped column's text; {@code types} their DuckDB types (absent: VARCHAR)
     */
    public Recheck recheck(PipelineSpec spec, Map<String, String> mapped, Map<String, String> types) {
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1)) {
            library.install(duck);
            if (spec.addressColumn() != null) {
                vn.datafloor.integration.standardize.ReferenceTables.install(duck);
            }
            StringBuilder select = new StringBuilder("SELECT CAST(1 AS BIGINT) AS _row");
            List<String> columns = new ArrayList<>(spec.mapping().keySet());
            for (int i = 0; i < columns.size(); i++) {
                select.append(", TRY_CAST(CAST(? AS VARCHAR) AS ")
                        .append(types.getOrDefault(columns.get(i), "VARCHAR"))
                        .append(") AS ")
                        .append(identifier(columns.get(i)));
            }
            try (java.sql.PreparedStatement create = duck.prepareStatement("CREATE TABLE mapped AS " + select)) {
                for (int i = 0; i < columns.size(); i++) {
                    create.setString(i + 1, mapped.get(columns.get(i)));
                }
                create.execute();
            }
            LockedConnection locked = DuckDbConnections.lock(duck, Lockdown.sealed(statementTimeout));
            deadlines.set(locked);
            RunControl control = RunControl.quiet();
            List<String> guessed = new ArrayList<>();
            List<String> target = standardize(duck, spec, columns, guessed, control);
            if (spec.addressColumn() != null) {
                matchAddresses(duck, spec, target, control);
            }
            List<QualityRule> rules = rulesWithGuesses(spec, guessed);
            check(duck, spec, rules, control);
            List<String> rejecting = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            StringBuilder sql = new StringBuilder("SELECT true");
            for (int i = 0; i < rules.size(); i++) {
                sql.append(", _fail_").append(i);
            }
            try (Statement statement = duck.createStatement();
                    ResultSet rs = statement.executeQuery(sql + " FROM checked")) {
                rs.next();
                for (int i = 0; i < rules.size(); i++) {
                    QualityRule rule = rules.get(i);
                    if (rule.dimension() != Dimension.UNIQUENESS && rs.getBoolean(2 + i)) {
                        (rule.severity() == Severity.REJECT ? rejecting : warnings).add(rule.name());
                    }
                }
            }
            return new Recheck(rejecting, warnings);
        } catch (SQLException e) {
            if (LockedConnection.refusedByLockdown(e)) {
                throw new SecurityRefusal(
                        "An expression tried to reach a file, the network or a setting, which pipeline"
                                + " expressions may not do",
                        e);
            }
            throw new PipelineException(
                    "The row could not be checked: " + ErrorTexts.withoutValues(firstLine(e.getMessage())), e);
        } finally {
            deadlines.remove();
        }
    }

    private Path writeQuarantine(
            Connection duck,
            PipelineSpec spec,
            RunRequest request,
            List<String> columns,
            QualityReport report,
            RunControl control,
            Path directory)
            throws SQLException, IOException {
        if (report.rowsQuarantined() == 0) {
            return null;
        }
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < spec.quality().size(); i++) {
            if (spec.quality().get(i).severity() == Severity.REJECT) {
                reasons.add("CASE WHEN _fail_" + i + " THEN "
                        + literal(spec.quality().get(i).name()) + " END");
            }
        }
        String reasonExpr = reasons.isEmpty() ? "NULL" : "concat_ws('; ', " + String.join(", ", reasons) + ")";
        Path file = directory.resolve(request.runId() + ".parquet");
        Path partial = directory.resolve("." + request.runId() + "." + UUID.randomUUID() + ".tmp");
        String rows = "SELECT CAST(_row AS BIGINT) AS source_record, " + reasonExpr
                + " AS reason, NULL::VARCHAR AS raw, " + columnList(columns) + " FROM checked WHERE _rejected";
        StringBuilder unreadable = new StringBuilder(
                "SELECT CAST(line AS BIGINT) AS source_record, 'unreadable: ' || reason AS reason, raw");
        for (String column : columns) {
            unreadable.append(", NULL AS ").append(identifier(column));
        }
        unreadable.append(" FROM source_rejects");
        execute(
                duck,
                control,
                "COPY (" + rows + " UNION ALL BY NAME " + unreadable + ") TO " + literal(partial.toString())
                        + " (FORMAT parquet, COMPRESSION zstd)");
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private LakeManifest.Diff diff(
            Connection duck, PipelineSpec spec, List<String> columns, Optional<ClearVersion> previousClear)
            throws SQLException {
        if (previousClear.isEmpty()) {
            return null;
        }
        Optional<DatasetVersion> previous = previousClear.map(ClearVersion::version);
        Set<String> previousColumns = new LinkedHashSet<>();
        previous.get().manifest().columns().forEach(c -> previousColumns.add(c.name()));
        if (spec.key().isEmpty() || !previousColumns.containsAll(spec.key()) || !previousColumns.containsAll(columns)) {
            return new LakeManifest.Diff(previous.get().version(), -1, -1, -1);
        }
        String keys = columnList(spec.key());
        String current = "(SELECT " + columnList(columns) + " FROM checked WHERE NOT _rejected)";
        String before = "(SELECT " + columnList(columns) + " FROM "
                + previousClear.get().readExpression() + ")";
        String sql = "WITH cur AS " + current + ", prev AS " + before + " SELECT "
                + "(SELECT count(*) FROM cur ANTI JOIN prev USING (" + keys + ")), "
                + "(SELECT count(*) FROM prev ANTI JOIN cur USING (" + keys + ")), "
                + "(SELECT count(*) FROM cur JOIN prev USING (" + keys + ") WHERE hash(" + prefixed("cur", columns)
                + ") <> hash(" + prefixed("prev", columns) + "))";
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return new LakeManifest.Diff(previous.get().version(), rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    // --- helpers

    /** A bare source column name may contain spaces or capitals: quote it; anything else is a checked expression. */
    private static String expression(String text, List<String> sourceColumns, String field) {
        return sourceColumns.contains(text) ? identifier(text) : checked(text, sourceColumns, field);
    }

    /** DuckDB's rendering of an expression checked on its parse tree against the columns it may use. */
    /** Shared with the Spark engine, so both check and report a spec the same way. */
    public static String checked(String text, List<String> columns, String field) {
        SqlExpressions.Checked checked = SqlExpressions.check(text, columns);
        if (!checked.ok()) {
            throw new PipelineException(field + ": " + String.join("; ", checked.problems()));
        }
        return checked.sql();
    }

    /** Binds the expression against the relation without reading it, to report mistakes by spec key. */
    public static void probe(Connection duck, String relation, String expression, String field, List<String> known) {
        try (Statement statement = duck.createStatement()) {
            statement
                    .executeQuery("SELECT " + expression + " FROM " + relation + " LIMIT 0")
                    .close();
        } catch (SQLException e) {
            String message = firstLine(e.getMessage());
            if (message.contains("not found") || message.contains("does not have a column")) {
                throw new PipelineException(field + " refers to a column that does not exist ("
                        + message.replaceAll("^[A-Za-z ]+Error: ", "") + "); available columns: " + known);
            }
            throw new PipelineException(
                    field + " is not a valid expression: " + message.replaceAll("^[A-Za-z ]+Error: ", ""));
        }
    }

    /** The columns a rule's check names (shared with the Spark engine). */
    public static List<String> referenced(String check, List<String> columns) {
        List<String> found = new ArrayList<>();
        if (check != null) {
            for (String column : columns) {
                if (check.matches("(?s).*\\b" + java.util.regex.Pattern.quote(column) + "\\b.*")) {
                    found.add(column);
                }
            }
        }
        return found;
    }

    /** The columns of a relation, in order (shared with the Spark engine). */
    public static List<String> columnsOf(Connection duck, String relation) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE " + relation)) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        return columns;
    }

    private static List<LakeManifest.Column> columnTypes(Connection duck, List<String> columns) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE checked")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return columns.stream()
                .map(c -> new LakeManifest.Column(c, types.getOrDefault(c, "VARCHAR")))
                .toList();
    }

    private void execute(Connection duck, RunControl control, String sql) throws SQLException {
        control.checkCancelled();
        LockedConnection locked = deadlines.get();
        try (Statement statement = duck.createStatement()) {
            control.running(statement);
            if (locked == null) {
                statement.execute(sql);
            } else {
                try (LockedConnection.Deadline deadline = locked.deadline(statement)) {
                    try {
                        statement.execute(sql);
                    } catch (SQLException e) {
                        throw deadline.translate(e);
                    }
                }
            }
        } finally {
            control.running(null);
        }
    }

    private static String columnList(List<String> columns) {
        return String.join(", ", columns.stream().map(c -> identifier(c)).toList());
    }

    private static String prefixed(String alias, List<String> columns) {
        return String.join(
                ", ", columns.stream().map(c -> alias + "." + identifier(c)).toList());
    }

    private static String describe(PipelineSpec.SourceSpec source) {
        return source.describe();
    }

    /**
     * What a version records of the spec (and a steward's corrections) that made it: a run whose input and spec
     * fingerprints equal the latest version's publishes nothing new, whichever engine made that version.
     */
    public static String specFingerprint(PipelineSpec spec, List<Correction> corrections) {
        return sha256(canonical(spec) + (corrections.isEmpty() ? "" : "|corrections:" + corrections));
    }

    /** The spec's meaning, independent of YAML layout, for recognising an unchanged pipeline. */
    private static String canonical(PipelineSpec spec) {
        return String.valueOf(spec.source())
                + '|'
                + spec.dataset()
                + '|'
                + spec.mapping()
                + '|'
                + spec.standardize()
                + '|'
                + spec.quality()
                + '|'
                + spec.key();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    public static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void deleteQuietly(Path directory) {
        try (var walk = Files.walk(directory)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // temporary files; the next start's sweep removes leftovers
                }
            });
        } catch (IOException ignored) {
            // nothing to delete
        }
    }
}
