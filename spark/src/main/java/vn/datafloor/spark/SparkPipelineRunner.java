package vn.datafloor.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static vn.datafloor.integration.lake.DuckDbConnections.identifier;
import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import vn.datafloor.integration.connect.CsvSettings;
import vn.datafloor.integration.connect.ErrorTexts;
import vn.datafloor.integration.connect.FileInputs;
import vn.datafloor.integration.connect.InputLimitException;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.connect.JsonLinesSettings;
import vn.datafloor.integration.connect.ParquetSettings;
import vn.datafloor.integration.connect.SecurityRefusal;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.integration.lake.LockedConnection;
import vn.datafloor.integration.lake.PrivateFiles;
import vn.datafloor.integration.pipeline.Masking;
import vn.datafloor.integration.pipeline.PipelineException;
import vn.datafloor.integration.pipeline.PipelineRunner;
import vn.datafloor.integration.pipeline.PipelineSpec;
import vn.datafloor.integration.pipeline.PipelineSpec.Dimension;
import vn.datafloor.integration.pipeline.PipelineSpec.QualityRule;
import vn.datafloor.integration.pipeline.PipelineSpec.Severity;
import vn.datafloor.integration.pipeline.QualityReport;
import vn.datafloor.integration.pipeline.QualityReports;
import vn.datafloor.integration.pipeline.RunControl;
import vn.datafloor.integration.pipeline.RunResult;
import vn.datafloor.integration.pipeline.SqlExpressions;
import vn.datafloor.integration.pipeline.SqlLibraries;
import vn.datafloor.integration.pipeline.SqlLibrary;
import vn.datafloor.integration.standardize.AddressMatching;
import vn.datafloor.integration.standardize.ReferenceTables;

/**
 * The DuckDB {@link PipelineRunner}'s plan on Spark, for the same pipeline spec: read the file source, map,
 * standardize, check every quality rule, quarantine the failing rows with their reasons, measure, and publish a
 * new version through the same {@link Lake} (sealed with the lake's keys, diffed against the previous version).
 *
 * <p>Everything row-wise — the mapping, the standardizers, the address matcher and the row rules (completeness,
 * validity, consistency, timeliness) — is one SQL query that the spec's expressions are spliced into exactly as the
 * DuckDB runner splices them, and it runs in a sealed DuckDB inside each Spark task ({@link DuckDbStage}): one
 * definition of every standardizer. What needs all rows — numbering them in file order, uniqueness (the first row
 * of a key passes), the counts, the examples, the diff — is Spark's. The driver then moves Spark's Parquet parts
 * into the lake's staging folder and publishes them with {@link Lake#publish}, the one publishing path.
 *
 * <p>File sources only: csv, jsonl and parquet. The others are refused before anything is read (see
 * {@link #SUPPORTED}).
 */
public final class SparkPipelineRunner {

    /** Source kinds this runner reads; the reason each other kind is refused is in {@link #refusal}. */
    public static final Set<String> SUPPORTED = Set.of("csv", "jsonl", "parquet");

    private static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");
    private static final int EXAMPLES_PER_RULE = 5;
    /** As PipelineRunner: a standardization keeping a date's value only, whose guesses are still counted. */
    private static final Pattern DATE_VALUE = Pattern.compile("(?s)\\s*(std_date\\s*\\(.*\\))\\s*\\.\\s*value\\s*");

    private static final String GUESS_PREFIX = "_guess_";
    /** The row number column handed to the DuckDB stage beside the source's columns. */
    private static final String ROW = "_dl_row";

    private static final String CORRUPT = "_dl_unreadable";

    private final SparkSession spark;
    private final Lake lake;
    private final Path workRoot;
    private final InputLimits limits;
    private final SqlLibrary library = SqlLibraries.standard();

    public SparkPipelineRunner(SparkSession spark, Lake lake, Path workRoot, InputLimits limits) {
        this.spark = spark;
        this.lake = lake;
        this.workRoot = workRoot;
        this.limits = limits;
        SqlExpressions.allowFunctions(library.functions());
    }

    /** What a run needs besides the spec: file paths are relative to {@code inputDirectory}. */
    public record Request(String runId, Path inputDirectory, Map<String, String> lineage, Instant now) {}

    /** The source as Spark rows: {@code _dl_row} then every column as text; unreadable records apart. */
    private record Source(
            Dataset<Row> rows,
            Dataset<Row> rejects,
            List<String> columns,
            long rowCount,
            long rejected,
            String fingerprint,
            String encoding,
            List<String> warnings) {}

    /**
     * Why a kind is not run here, or null when it is. Checked before anything is read, so a refused spec
     * publishes nothing and leaves nothing behind.
     */
    public static String refusal(PipelineSpec.SourceSpec source) {
        if (source.ref() != null) {
            return "The source " + source.ref() + " is registered on the platform; the Spark engine reads sources"
                    + " written inline in the spec";
        }
        if (SUPPORTED.contains(source.kind())) {
            return null;
        }
        String why = switch (source.kind()) {
            case "xlsx" ->
                "an Excel workbook is streamed by one Java reader under the zip-bomb limits, which"
                        + " Spark has no reader for; save the sheet as CSV";
            case "jsonl" ->
                "JSON Lines keys are taken from the file as DuckDB reads them, which this runner"
                        + " does not repeat yet";
            default ->
                "databases and HTTP APIs are reached through the platform's network guard and stored"
                        + " credentials, which Spark's executors do not have";
        };
        return "The Spark engine runs csv, jsonl and parquet file sources only, not a " + source.kind() + " source ("
                + why + "); run this pipeline with --engine duckdb";
    }

    /**
     * Runs the pipeline. Throws {@link PipelineException} (with what to fix), {@link SourceException} or
     * {@link RunControl.RunCancelledException}; in every failure case nothing is published.
     */
    public RunResult run(PipelineSpec spec, Request request, RunControl control) {
        String refused = refusal(spec.source());
        if (refused != null) {
            throw new PipelineException(refused);
        }
        Path work = workRoot.resolve("run-" + request.runId());
        Path staging = null;
        String views = "dlp" + Long.toHexString(System.nanoTime()) + "_";
        List<Dataset<Row>> cached = new ArrayList<>();
        try {
            Files.createDirectories(workRoot);
            PrivateFiles.createDirectory(work);
            control.progress("reading", 5);
            control.log(
                    "INFO",
                    "Reading " + spec.source().kind() + " source on Spark ("
                            + spark.sparkContext().master() + ")");
            Source source = load(spec.source(), request.inputDirectory(), work, cached);
            control.log(
                    "INFO",
                    "Read " + source.rowCount() + " rows (" + source.encoding() + "), " + source.rejected()
                            + " unreadable records");
            source.warnings().forEach(w -> control.log("WARN", w));
            checkCancelled(control);

            String specFingerprint = PipelineRunner.specFingerprint(spec, List.of());
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
                long in = source.rowCount() + source.rejected();
                return new RunResult(
                        previous.get(),
                        true,
                        in,
                        m.rowCount(),
                        in - m.rowCount(),
                        null,
                        null,
                        null,
                        source.encoding(),
                        source.warnings());
            }

            control.progress("mapping", 20);
            List<String> guessed = new ArrayList<>();
            Plan plan = plan(spec, source.columns(), guessed);
            List<QualityRule> rules = plan.rules();
            DuckDbStage stage;
            List<String> stageInput = new ArrayList<>(List.of(ROW));
            stageInput.addAll(source.columns());
            try {
                stage = DuckDbStage.prepare(stageInput, plan.query(), spec.addressColumn() != null);
            } catch (SQLException e) {
                throw new PipelineException(
                        "The pipeline's expressions do not run together: "
                                + ErrorTexts.withoutValues(PipelineRunner.firstLine(e.getMessage())),
                        e);
            }
            control.progress("standardizing", 35);
            int partitions = Math.max(
                    spark.sparkContext().defaultParallelism(), (int) Math.min(10_000, source.rowCount() / 200_000 + 1));
            Dataset<Row> staged = stage.apply(source.rows().repartition(partitions));
            staged.createOrReplaceTempView(views + "staged");

            control.progress("checking quality", 55);
            String relation = views + "staged";
            for (int i = 0; i < rules.size(); i++) {
                QualityRule rule = rules.get(i);
                if (rule.dimension() != Dimension.UNIQUENESS) {
                    continue;
                }
                String next = views + "u" + i;
                spark.sql(uniqueness(rule, i, relation)).createOrReplaceTempView(next);
                relation = next;
            }
            List<String> rejecting = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i).severity() == Severity.REJECT) {
                    rejecting.add("_fail_" + i);
                }
            }
            Dataset<Row> checked = keep(
                    spark.sql("SELECT *, " + (rejecting.isEmpty() ? "false" : String.join(" OR ", rejecting))
                            + " AS _rejected FROM " + relation),
                    cached);
            checked.createOrReplaceTempView(views + "checked");
            checkCancelled(control);

            control.progress("measuring", 70);
            List<String> targetColumns = plan.targetColumns();
            QualityReport report = report(
                    views + "checked",
                    spec,
                    rules,
                    targetColumns,
                    source.rejected(),
                    PipelineRunner.clearColumns(spec, Set.of()));
            if (report.rowsIn() != report.rowsPublished() + report.rowsQuarantined()) {
                throw new PipelineException("Row accounting failed: " + report.rowsIn() + " in, "
                        + report.rowsPublished() + " published, " + report.rowsQuarantined()
                        + " quarantined; nothing was published");
            }
            checkCancelled(control);

            control.progress("writing", 80);
            staging = lake.stage(spec.dataset());
            Dataset<Row> published =
                    checked.filter("NOT _rejected").orderBy("_row").select(columns(targetColumns));
            Path publishedParts = work.resolve("published");
            published
                    .write()
                    .option("compression", "zstd")
                    .parquet(publishedParts.toUri().toString());
            List<String> files = moveParts(publishedParts, staging);
            Path quarantineDirectory = PrivateFiles.createDirectory(
                    lake.root().resolve("_quarantine").resolve(spec.dataset()));
            Path quarantine = writeQuarantine(
                    checked, source.rejects(), spec, request, targetColumns, report, work, quarantineDirectory);
            checkCancelled(control);

            control.progress("publishing", 92);
            LakeManifest.Diff diff = diff(spec, published, targetColumns, previous, work, views);
            Map<String, String> lineage = new LinkedHashMap<>(request.lineage());
            lineage.put("run", request.runId());
            lineage.put("pipeline", spec.name());
            lineage.put("source", spec.source().describe());
            lineage.put("engine", "spark");
            Files.writeString(staging.resolve("quality.json"), QualityReports.toJson(report), StandardCharsets.UTF_8);
            LakeManifest manifest = new LakeManifest(
                    spec.dataset(),
                    0,
                    request.now(),
                    report.rowsPublished(),
                    manifestColumns(published.schema(), targetColumns),
                    files,
                    source.fingerprint(),
                    specFingerprint,
                    request.runId(),
                    lineage,
                    diff);
            checkCancelled(control);
            DatasetVersion version = lake.publish(staging, manifest);
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
                    null,
                    source.encoding(),
                    source.warnings());
        } catch (PipelineException | SourceException | RunControl.RunCancelledException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql && LockedConnection.refusedByLockdown(sql)) {
                    throw new SecurityRefusal(
                            "An expression tried to reach a file, the network or a setting, which pipeline"
                                    + " expressions may not do",
                            sql);
                }
                if (cause.getCause() == cause) {
                    break;
                }
            }
            // A task's failure (DuckDB's "could not convert string '0012…'") may quote a value: never shown.
            throw new PipelineException(
                    "The pipeline failed on Spark: "
                            + ErrorTexts.withoutValues(PipelineRunner.firstLine(rootMessage(e))),
                    e);
        } finally {
            cached.forEach(Dataset::unpersist);
            for (String view : spark.catalog().listTables().collectAsList().stream()
                    .map(t -> t.name())
                    .filter(n -> n.startsWith(views))
                    .toList()) {
                spark.catalog().dropTempView(view);
            }
            if (staging != null) {
                lake.discard(staging);
            }
            SparkMain.deleteTree(work);
        }
    }

    // ---------------------------------------------------------------- reading

    private Source load(PipelineSpec.SourceSpec spec, Path inputDirectory, Path work, List<Dataset<Row>> cached) {
        if (spec.settings() instanceof CsvSettings settings) {
            FileInputs.Csv csv = FileInputs.csv(inputDirectory, settings, work, limits);
            StructType schema = new StructType();
            for (String column : csv.columns()) {
                schema = schema.add(column, DataTypes.StringType, true);
            }
            schema = schema.add(CORRUPT, DataTypes.StringType, true);
            // The dialect is given, as the DuckDB loader gives it: header row, '"' quotes doubled to escape, fields
            // may span lines; a record with more or fewer fields than the header is unreadable, not padded.
            Dataset<Row> read = spark.read()
                    .schema(schema)
                    .option("header", "true")
                    .option("enforceSchema", "true")
                    .option("sep", String.valueOf(csv.delimiter()))
                    .option("quote", "\"")
                    .option("escape", "\"")
                    .option("multiLine", "true")
                    .option("encoding", "UTF-8")
                    .option("mode", "PERMISSIVE")
                    .option("columnNameOfCorruptRecord", CORRUPT)
                    .option("maxCharsPerColumn", "10000000")
                    .csv(csv.file().toUri().toString());
            int width = csv.columns().size();
            // Records numbered in file order, as the DuckDB run numbers them: readable rows 1, 2, …; an
            // unreadable one by its line (the header is line 1; exact when no field spans lines).
            JavaPairRDD<Row, Long> numbered = read.toJavaRDD().zipWithIndex();
            JavaRDD<Row> good = numbered.filter(t -> t._1().isNullAt(width))
                    .map(t -> t._1())
                    .zipWithIndex()
                    .map(t -> {
                        Object[] values = new Object[width + 1];
                        values[0] = Long.toString(t._2() + 1);
                        for (int c = 0; c < width; c++) {
                            values[c + 1] = t._1().get(c);
                        }
                        return RowFactory.create(values);
                    });
            JavaRDD<Row> bad = numbered.filter(t -> !t._1().isNullAt(width))
                    .map(t -> RowFactory.create(
                            t._2() + 2,
                            "the record does not have the header's " + width + " fields or its quotes are not"
                                    + " closed",
                            t._1().getString(width)));
            Dataset<Row> rows = keep(spark.createDataFrame(good, textSchema(csv.columns())), cached);
            Dataset<Row> rejects = keep(spark.createDataFrame(bad, rejectSchema()), cached);
            long count = rows.count();
            long rejected = rejects.count();
            if (count + rejected > limits.maxRows()) {
                throw new InputLimitException(
                        "maxRows",
                        "The file " + csv.file().getFileName() + " has more than " + limits.maxRows()
                                + " rows (limit maxRows); split it into smaller files");
            }
            return new Source(
                    rows, rejects, csv.columns(), count, rejected, csv.fingerprint(), csv.encoding(), csv.warnings());
        }
        if (spec.settings() instanceof JsonLinesSettings settings) {
            return jsonLines(FileInputs.jsonLines(inputDirectory, settings, work, limits), cached);
        }
        ParquetSettings settings = (ParquetSettings) spec.settings();
        FileInputs.Parquet parquet = FileInputs.parquet(inputDirectory, settings, limits);
        Dataset<Row> raw = spark.read().parquet(parquet.file().toUri().toString());
        List<String> columns = List.of(raw.columns());
        columns.forEach(FileInputs::requireSafeColumn);
        List<Column> asText = new ArrayList<>();
        for (String column : columns) {
            asText.add(col(SparkComparisons.quote(column))
                    .cast(DataTypes.StringType)
                    .as(column));
        }
        int width = columns.size();
        JavaRDD<Row> numbered = raw.select(asText.toArray(new Column[0]))
                .toJavaRDD()
                .zipWithIndex()
                .map(t -> {
                    Object[] values = new Object[width + 1];
                    values[0] = Long.toString(t._2() + 1);
                    for (int c = 0; c < width; c++) {
                        values[c + 1] = t._1().get(c);
                    }
                    return RowFactory.create(values);
                });
        Dataset<Row> rows = keep(spark.createDataFrame(numbered, textSchema(columns)), cached);
        Dataset<Row> rejects = spark.createDataFrame(List.<Row>of(), rejectSchema());
        return new Source(rows, rejects, columns, rows.count(), 0, parquet.fingerprint(), "parquet", List.of());
    }

    /**
     * JSON Lines as the DuckDB loader reads them: each line on its own (a line that is not a JSON object is
     * unreadable, a blank one skipped), the columns the keys of the first 50,000 objects, every value
     * {@code json_extract_string}'s text. The JSON functions are DuckDB's, run in each task ({@link DuckDbStage}).
     */
    private Source jsonLines(FileInputs.JsonLines file, List<Dataset<Row>> cached) {
        StructType lineSchema =
                new StructType().add("line", DataTypes.StringType, false).add("text", DataTypes.StringType, true);
        JavaRDD<Row> lines = spark.read()
                .text(file.file().toUri().toString())
                .toJavaRDD()
                .zipWithIndex()
                .map(t -> RowFactory.create(Long.toString(t._2() + 1), t._1().getString(0)));
        Dataset<Row> classified;
        DuckDbStage classify;
        try {
            classify = DuckDbStage.prepare(
                    List.of("line", "text"),
                    "SELECT CAST(line AS BIGINT) AS line, text, CASE WHEN text IS NULL OR trim(text) = '' THEN 0"
                            + " WHEN CASE WHEN json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END THEN 1"
                            + " ELSE 2 END AS kind FROM input",
                    false);
        } catch (SQLException e) {
            throw new SourceException("The source could not be read: " + PipelineRunner.firstLine(e.getMessage()), e);
        }
        classified = keep(classify.apply(spark.createDataFrame(lines, lineSchema)), cached);
        String shownName = file.file().getFileName().toString();
        long total = classified.count();
        if (total > limits.maxRows()) {
            throw new InputLimitException(
                    "maxRows",
                    "The file " + shownName + " has more than " + limits.maxRows()
                            + " lines (limit maxRows); split it into smaller files");
        }
        Dataset<Row> rejects = keep(
                classified
                        .filter("kind = 2")
                        .select(
                                col("line"),
                                lit("not a JSON object").as("reason"),
                                col("text").as("raw")),
                cached);
        JavaRDD<Row> valid = classified
                .filter("kind = 1")
                .select(col("line").cast(DataTypes.StringType), col("text"))
                .toJavaRDD();
        List<String> keys = new ArrayList<>();
        try (Connection duck = DuckDbConnections.open(null, "512MB", 1)) {
            execute(duck, "CREATE TABLE sample (text VARCHAR)");
            try (java.sql.PreparedStatement insert = duck.prepareStatement("INSERT INTO sample VALUES (?)")) {
                for (Row row : valid.take(50_000)) {
                    insert.setString(1, row.getString(1));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (Statement statement = duck.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT DISTINCT unnest(json_keys(text::JSON)) FROM sample"
                            + " LIMIT " + (limits.maxColumns() + 1))) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new SourceException("The source could not be read: " + PipelineRunner.firstLine(e.getMessage()), e);
        }
        if (keys.size() > limits.maxColumns()) {
            throw FileInputs.tooManyColumns(shownName, limits);
        }
        keys.forEach(FileInputs::requireSafeColumn);
        long rejected = rejects.count();
        if (keys.isEmpty()) {
            // As DuckDB's loader: no keys, no columns to read; the source has one empty column and no rows.
            List<String> none = List.of("empty");
            Dataset<Row> empty = spark.createDataFrame(List.<Row>of(), textSchema(none));
            return new Source(empty, rejects, none, 0, rejected, file.fingerprint(), "utf-8", file.warnings());
        }
        StringBuilder extract = new StringBuilder("SELECT line");
        for (String key : keys) {
            extract.append(", json_extract_string(text, ")
                    .append(literal("$.\"" + key.replace("\"", "") + "\""))
                    .append(") AS ")
                    .append(identifier(key));
        }
        DuckDbStage values;
        try {
            values = DuckDbStage.prepare(List.of("line", "text"), extract + " FROM input", false);
        } catch (SQLException e) {
            throw new SourceException("The source could not be read: " + PipelineRunner.firstLine(e.getMessage()), e);
        }
        int width = keys.size();
        // Numbered 1, 2, … in line order among the objects, as the DuckDB run numbers its rows.
        JavaRDD<Row> numbered = values.apply(spark.createDataFrame(valid, lineSchema))
                .toJavaRDD()
                .zipWithIndex()
                .map(t -> {
                    Object[] row = new Object[width + 1];
                    row[0] = Long.toString(t._2() + 1);
                    for (int c = 0; c < width; c++) {
                        row[c + 1] = t._1().get(c + 1);
                    }
                    return RowFactory.create(row);
                });
        Dataset<Row> rows = keep(spark.createDataFrame(numbered, textSchema(keys)), cached);
        return new Source(rows, rejects, keys, rows.count(), rejected, file.fingerprint(), "utf-8", file.warnings());
    }

    private static StructType textSchema(List<String> columns) {
        StructType schema = new StructType().add(ROW, DataTypes.StringType, false);
        for (String column : columns) {
            schema = schema.add(column, DataTypes.StringType, true);
        }
        return schema;
    }

    private static StructType rejectSchema() {
        return new StructType()
                .add("line", DataTypes.LongType, false)
                .add("reason", DataTypes.StringType, true)
                .add("raw", DataTypes.StringType, true);
    }

    // ---------------------------------------------------------------- the row-wise plan

    /** The one query each task runs, the columns it publishes and the rules (with the automatic ones). */
    private record Plan(String query, List<String> targetColumns, List<QualityRule> rules) {}

    /**
     * The DuckDB runner's mapping, standardization, address matching and row rules as one query over {@code input},
     * each expression checked on DuckDB's parse tree and bound on the driver first, so a mistake is reported by its
     * spec key with the DuckDB runner's words.
     */
    private Plan plan(PipelineSpec spec, List<String> sourceColumns, List<String> guessed) {
        try (Connection duck = DuckDbConnections.open(null, "512MB", 1)) {
            if (spec.addressColumn() != null) {
                ReferenceTables.install(duck);
            } else {
                library.install(duck);
            }
            StringBuilder create = new StringBuilder("CREATE TABLE input (" + identifier(ROW) + " VARCHAR");
            for (String column : sourceColumns) {
                create.append(", ").append(identifier(column)).append(" VARCHAR");
            }
            execute(duck, create.append(")").toString());
            StringBuilder sourceSelect = new StringBuilder("SELECT ");
            for (int i = 0; i < sourceColumns.size(); i++) {
                sourceSelect.append(i == 0 ? "" : ", ").append(identifier(sourceColumns.get(i)));
            }
            execute(duck, "CREATE VIEW source_rows AS " + sourceSelect + " FROM input");

            // mapping
            StringBuilder mapped = new StringBuilder("SELECT CAST(" + identifier(ROW) + " AS BIGINT) AS _row");
            for (Map.Entry<String, String> mapping : spec.mapping().entrySet()) {
                String field = "mapping." + mapping.getKey();
                String expression = sourceColumns.contains(mapping.getValue())
                        ? identifier(mapping.getValue())
                        : PipelineRunner.checked(mapping.getValue(), sourceColumns, field);
                PipelineRunner.probe(duck, "source_rows", expression, field, sourceColumns);
                mapped.append(", ").append(expression).append(" AS ").append(identifier(mapping.getKey()));
            }
            mapped.append(" FROM input");
            execute(duck, "CREATE VIEW mapped AS " + mapped);

            // standardization, in the order written
            List<String> columns = new ArrayList<>(spec.mapping().keySet());
            String relation = "SELECT * FROM (" + mapped + ")";
            for (Map.Entry<String, String> entry : spec.standardize().entrySet()) {
                String field = "standardize." + entry.getKey();
                String expression = PipelineRunner.checked(entry.getValue(), columns, field);
                PipelineRunner.probe(duck, "(" + relation + ")", expression, field, columns);
                String clause = expression + " AS " + identifier(entry.getKey());
                Matcher dateValue = DATE_VALUE.matcher(entry.getValue());
                String guess = "";
                if (dateValue.matches() && !guessed.contains(entry.getKey())) {
                    guess = ", "
                            + PipelineRunner.checked(
                                    dateValue.group(1) + ".status IN ('ambiguous', 'reordered', 'century_guessed')",
                                    columns,
                                    field)
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
            if (spec.addressColumn() != null) {
                List<String> added = List.of(
                        "house_street", "commune_code", "province_code", "address_confidence", "address_method");
                List<String> kept =
                        columns.stream().filter(c -> !added.contains(c)).toList();
                StringBuilder keptColumns = new StringBuilder("s._row");
                for (String column : kept) {
                    keptColumns.append(", s.").append(identifier(column));
                }
                for (String column : guessed) {
                    keptColumns.append(", s.").append(identifier(GUESS_PREFIX + column));
                }
                relation = "WITH standardized_rows AS (" + relation + "), address_input AS (SELECT _row, "
                        + identifier(spec.addressColumn()) + " AS address_text FROM standardized_rows) SELECT "
                        + keptColumns
                        + ", m.house_street, m.commune_code_2025 AS commune_code, m.province_code_2025 AS province_code,"
                        + " m.confidence AS address_confidence, m.method AS address_method FROM standardized_rows s"
                        + " LEFT JOIN (" + AddressMatching.sql("address_input", "_row", "address_text")
                        + ") m ON m.id = s._row";
                columns = new ArrayList<>(kept);
                columns.addAll(added);
            }
            execute(duck, "CREATE VIEW standardized AS " + relation);

            // the rules that look at one row; uniqueness is Spark's (it needs every row)
            List<QualityRule> rules = PipelineRunner.rulesWithGuesses(spec, guessed);
            List<String> known = PipelineRunner.columnsOf(duck, "standardized");
            StringBuilder select = new StringBuilder("SELECT s.*");
            LocalDate today = LocalDate.now(VIETNAM);
            for (int i = 0; i < rules.size(); i++) {
                QualityRule rule = rules.get(i);
                for (String column : rule.columns()) {
                    if (!known.contains(column)) {
                        throw new PipelineException("quality[" + (i + 1) + "] names column " + column
                                + ", which the mapping does not produce; known columns: " + known);
                    }
                }
                String field = "quality[" + (i + 1) + "].check";
                String check = rule.check() == null ? null : PipelineRunner.checked(rule.check(), known, field);
                if (check != null) {
                    PipelineRunner.probe(duck, "standardized", check, field, known);
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
                    case UNIQUENESS -> null;
                    case TIMELINESS ->
                        "coalesce(TRY_CAST(s." + identifier(rule.columns().get(0)) + " AS DATE) < DATE "
                                + literal(
                                        today.minus(Period.parse(rule.maxAge())).toString()) + ", false)";
                };
                if (failure != null) {
                    select.append(", ").append(failure).append(" AS _fail_").append(i);
                }
            }
            return new Plan(select + " FROM (" + relation + ") s", columns, rules);
        } catch (SQLException e) {
            throw new PipelineException(
                    "The pipeline failed: " + ErrorTexts.withoutValues(PipelineRunner.firstLine(e.getMessage())), e);
        }
    }

    /** The first row of each (non-null) key passes; later rows with the same key fail. */
    private static String uniqueness(QualityRule rule, int i, String relation) {
        StringBuilder keys = new StringBuilder();
        StringBuilder on = new StringBuilder();
        StringBuilder notNull = new StringBuilder();
        for (int c = 0; c < rule.columns().size(); c++) {
            String column = SparkComparisons.quote(rule.columns().get(c));
            String renamed = "_u" + i + "_k" + c;
            keys.append(column).append(" AS ").append(renamed).append(", ");
            on.append(c == 0 ? "" : " AND ")
                    .append("s.")
                    .append(column)
                    .append(" = u.")
                    .append(renamed);
            notNull.append(c == 0 ? "" : " AND ").append(column).append(" IS NOT NULL");
        }
        String groupBy = String.join(
                ", ", rule.columns().stream().map(SparkComparisons::quote).toList());
        return "SELECT s.*, (u._first IS NOT NULL AND s._row <> u._first) AS _fail_" + i + " FROM " + relation
                + " s LEFT JOIN (SELECT " + keys + "min(_row) AS _first FROM " + relation + " WHERE " + notNull
                + " GROUP BY " + groupBy + ") u ON " + on;
    }

    // ---------------------------------------------------------------- measuring

    /** The DuckDB runner's report, counted by Spark: see PipelineRunner#report for what each number means. */
    private QualityReport report(
            String checked,
            PipelineSpec spec,
            List<QualityRule> qualityRules,
            List<String> columns,
            long rejected,
            Set<String> clear) {
        StringBuilder sql = new StringBuilder("SELECT count(*), count_if(NOT _rejected)");
        List<String> allFailures = new ArrayList<>();
        for (int i = 0; i < qualityRules.size(); i++) {
            sql.append(", count_if(_fail_").append(i).append(")");
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
            sql.append(", count_if(NOT (")
                    .append(String.join(" OR ", failuresByDimension.get(dimension)))
                    .append("))");
        }
        sql.append(", count_if(NOT (")
                .append(allFailures.isEmpty() ? "false" : String.join(" OR ", allFailures))
                .append("))");
        Row counts = spark.sql(sql + " FROM " + checked).first();
        long total = counts.getLong(0);
        long published = counts.getLong(1);
        long[] failed = new long[qualityRules.size()];
        for (int i = 0; i < failed.length; i++) {
            failed[i] = counts.getLong(2 + i);
        }
        Map<Dimension, Long> passing = new EnumMap<>(Dimension.class);
        for (int d = 0; d < dimensions.size(); d++) {
            passing.put(dimensions.get(d), counts.getLong(2 + failed.length + d));
        }
        long clean = counts.getLong(2 + failed.length + dimensions.size());
        List<QualityReport.RuleResult> rules = new ArrayList<>();
        for (int i = 0; i < qualityRules.size(); i++) {
            QualityRule rule = qualityRules.get(i);
            List<String> looked =
                    rule.columns().isEmpty() ? PipelineRunner.referenced(rule.check(), columns) : rule.columns();
            List<String> shown = new ArrayList<>(List.of("_row"));
            shown.addAll(looked);
            List<Map<String, String>> examples = new ArrayList<>();
            if (failed[i] > 0) {
                StringBuilder select = new StringBuilder();
                for (int c = 0; c < shown.size(); c++) {
                    select.append(c == 0 ? "" : ", ")
                            .append("CAST(")
                            .append(SparkComparisons.quote(shown.get(c)))
                            .append(" AS STRING) AS _dl_c")
                            .append(c);
                }
                // The first failing rows in source order (by number, not by the number's text).
                List<Row> rows = spark.sql("SELECT " + select + " FROM (SELECT * FROM " + checked + " WHERE _fail_" + i
                                + " ORDER BY _row LIMIT " + EXAMPLES_PER_RULE + ") ORDER BY _row")
                        .collectAsList();
                for (Row row : rows) {
                    Map<String, String> example = new LinkedHashMap<>();
                    example.put("row", row.getString(0));
                    for (int c = 1; c < shown.size(); c++) {
                        String value = row.getString(c);
                        example.put(shown.get(c), clear.contains(shown.get(c)) ? value : Masking.mask(value));
                    }
                    examples.add(example);
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
        long rowsIn = total + rejected;
        double overall = rowsIn == 0 ? 100.0 : round(100.0 * clean / rowsIn);
        return new QualityReport(rowsIn, published, rowsIn - published, rejected, scores, overall, rules, clean);
    }

    // ---------------------------------------------------------------- writing

    /** Spark's part files moved into the lake's staging folder as part-00000.parquet, …; the rest is Spark's. */
    private static List<String> moveParts(Path sparkOutput, Path staging) throws IOException {
        List<Path> parts;
        try (var listing = Files.list(sparkOutput)) {
            parts = listing.filter(p -> p.getFileName().toString().startsWith("part-")
                            && p.getFileName().toString().endsWith(".parquet"))
                    .sorted()
                    .toList();
        }
        if (parts.isEmpty()) {
            throw new PipelineException("Spark wrote no Parquet part for the dataset; nothing was published");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String name = String.format("part-%05d.parquet", i);
            Files.move(parts.get(i), staging.resolve(name));
            names.add(name);
        }
        return names;
    }

    /** Rows that failed a rejecting rule with their reasons, and the unreadable records; one Parquet file. */
    private Path writeQuarantine(
            Dataset<Row> checked,
            Dataset<Row> unreadable,
            PipelineSpec spec,
            Request request,
            List<String> columns,
            QualityReport report,
            Path work,
            Path directory)
            throws IOException {
        if (report.rowsQuarantined() == 0) {
            return null;
        }
        List<Column> reasons = new ArrayList<>();
        for (int i = 0; i < spec.quality().size(); i++) {
            if (spec.quality().get(i).severity() == Severity.REJECT) {
                reasons.add(when(col("_fail_" + i), lit(spec.quality().get(i).name())));
            }
        }
        Column reason = reasons.isEmpty()
                ? lit(null).cast(DataTypes.StringType)
                : concat_ws("; ", reasons.toArray(new Column[0]));
        List<Column> select = new ArrayList<>(List.of(
                col("_row").cast(DataTypes.LongType).as("source_record"),
                reason.as("reason"),
                lit(null).cast(DataTypes.StringType).as("raw")));
        select.addAll(List.of(columns(columns)));
        Dataset<Row> rows = checked.filter("_rejected").select(select.toArray(new Column[0]));
        List<Column> unreadableSelect = new ArrayList<>(List.of(
                col("line").as("source_record"),
                concat(lit("unreadable: "), col("reason")).as("reason"),
                col("raw")));
        for (StructField field : rows.schema().fields()) {
            if (columns.contains(field.name())) {
                unreadableSelect.add(lit(null).cast(field.dataType()).as(field.name()));
            }
        }
        Dataset<Row> all = rows.unionByName(unreadable.select(unreadableSelect.toArray(new Column[0])));
        Path out = work.resolve("quarantine");
        all.coalesce(1)
                .orderBy("source_record")
                .coalesce(1)
                .write()
                .option("compression", "zstd")
                .parquet(out.toUri().toString());
        Path part;
        try (var listing = Files.list(out)) {
            part = listing.filter(p -> p.getFileName().toString().startsWith("part-")
                            && p.getFileName().toString().endsWith(".parquet"))
                    .findFirst()
                    .orElseThrow(() -> new PipelineException("Spark wrote no quarantine file; nothing was published"));
        }
        Path file = directory.resolve(request.runId() + ".parquet");
        Path partial = directory.resolve("." + request.runId() + "." + UUID.randomUUID() + ".tmp");
        Files.move(part, partial);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Rows added, removed and changed by key against the previous version (read in clear from this run's scratch). */
    private LakeManifest.Diff diff(
            PipelineSpec spec,
            Dataset<Row> current,
            List<String> columns,
            Optional<DatasetVersion> previous,
            Path work,
            String views) {
        if (previous.isEmpty()) {
            return null;
        }
        Set<String> previousColumns = new LinkedHashSet<>();
        previous.get().manifest().columns().forEach(c -> previousColumns.add(c.name()));
        if (spec.key().isEmpty() || !previousColumns.containsAll(spec.key()) || !previousColumns.containsAll(columns)) {
            return new LakeManifest.Diff(previous.get().version(), -1, -1, -1);
        }
        try (ClearVersion clear = lake.clear(previous.get(), work)) {
            String[] files =
                    clear.files().stream().map(p -> p.toUri().toString()).toArray(String[]::new);
            spark.read().parquet(files).select(columns(columns)).createOrReplaceTempView(views + "prev");
            current.createOrReplaceTempView(views + "cur");
            String on = String.join(
                    " AND ",
                    spec.key().stream()
                            .map(k -> "c." + SparkComparisons.quote(k) + " = p." + SparkComparisons.quote(k))
                            .toList());
            String same = String.join(
                    " AND ",
                    columns.stream()
                            .map(k -> "c." + SparkComparisons.quote(k) + " <=> p." + SparkComparisons.quote(k))
                            .toList());
            Row counts = spark.sql("SELECT"
                            + " (SELECT count(*) FROM " + views + "cur c LEFT ANTI JOIN " + views + "prev p ON " + on
                            + "), (SELECT count(*) FROM " + views + "prev p LEFT ANTI JOIN " + views + "cur c ON " + on
                            + "), (SELECT count(*) FROM " + views + "cur c JOIN " + views + "prev p ON " + on
                            + " WHERE NOT (" + same + "))")
                    .first();
            return new LakeManifest.Diff(
                    previous.get().version(), counts.getLong(0), counts.getLong(1), counts.getLong(2));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The manifest's column types in DuckDB's names, as the DuckDB runner records them. */
    private static List<LakeManifest.Column> manifestColumns(StructType schema, List<String> columns) {
        Map<String, DataType> types = new LinkedHashMap<>();
        for (StructField field : schema.fields()) {
            types.put(field.name(), field.dataType());
        }
        return columns.stream()
                .map(c -> new LakeManifest.Column(c, duckType(types.get(c))))
                .toList();
    }

    private static String duckType(DataType type) {
        if (type == null || type.equals(DataTypes.StringType)) {
            return "VARCHAR";
        }
        if (type.equals(DataTypes.LongType)) {
            return "BIGINT";
        }
        if (type.equals(DataTypes.IntegerType)) {
            return "INTEGER";
        }
        if (type.equals(DataTypes.DoubleType)) {
            return "DOUBLE";
        }
        if (type.equals(DataTypes.BooleanType)) {
            return "BOOLEAN";
        }
        if (type.equals(DataTypes.DateType)) {
            return "DATE";
        }
        return "VARCHAR";
    }

    private static Column[] columns(List<String> names) {
        return names.stream().map(n -> col(SparkComparisons.quote(n))).toArray(Column[]::new);
    }

    private static Dataset<Row> keep(Dataset<Row> dataset, List<Dataset<Row>> cached) {
        Dataset<Row> kept = dataset.persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(kept);
        return kept;
    }

    private static void checkCancelled(RunControl control) {
        if (control.cancelled()) {
            throw new RunControl.RunCancelledException();
        }
    }

    private static void execute(Connection duck, String sql) throws SQLException {
        try (Statement statement = duck.createStatement()) {
            statement.execute(sql);
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
