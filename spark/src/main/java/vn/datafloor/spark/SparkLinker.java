package vn.datafloor.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.linkage.ClusterMember;
import vn.datafloor.linkage.ColumnLineage;
import vn.datafloor.linkage.Evaluation;
import vn.datafloor.linkage.LabelledPairs;
import vn.datafloor.linkage.LinkageException;
import vn.datafloor.linkage.LinkageModel;
import vn.datafloor.linkage.LinkageModel.Comparison;
import vn.datafloor.linkage.LinkageModel.Input;
import vn.datafloor.linkage.LinkageModel.LevelKind;
import vn.datafloor.linkage.LinkageModel.Mode;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.LinkageParameters.ComparisonParameters;
import vn.datafloor.linkage.LinkageParameters.LevelParameters;
import vn.datafloor.linkage.ScoredPair;
import vn.datafloor.linkage.ScoredPair.Contribution;
import vn.datafloor.linkage.Training;

/**
 * The DuckDB linker's plan ({@link vn.datafloor.linkage.Linker}) on Spark: the same records, candidate
 * pairs, comparison vectors, Fellegi–Sunter weights and clusters. Column expressions (standardizer
 * macros) run in DuckDB inside each Spark task ({@link DuckDbStage}); blocking rules, comparison
 * levels, scoring and clustering run as Spark SQL. Parameters (λ, m, u) come from a training run (see
 * docs/spark.md): the same {@link LinkageParameters} give the same weights on both engines.
 */
public final class SparkLinker implements AutoCloseable {

    private static final double MIN_PROBABILITY = 1e-6;

    private final SparkSession spark;
    private final LinkageModel model;
    private final String prefix;
    private Dataset<Row> records;
    private Dataset<Row> predictions;
    private Dataset<Row> clusters;
    private long leftCount;
    private long rightCount;
    private final List<Dataset<Row>> cached = new ArrayList<>();
    private final ColumnLineage lineage = new ColumnLineage();

    private SparkLinker(SparkSession spark, LinkageModel model) {
        this.spark = spark;
        this.model = model;
        this.prefix = "dl" + Long.toHexString(System.nanoTime()) + "_";
    }

    /** Loads the inputs into Spark and computes the model's columns; the session stays the caller's. */
    public static SparkLinker open(SparkSession spark, LinkageModel model) {
        for (Comparison c : model.comparisons()) {
            for (var level : c.levels()) {
                if (level.kind() == LevelKind.DAMERAU_LEVENSHTEIN) {
                    SparkComparisons.condition(level, "a", "b"); // throws with the reason
                }
            }
        }
        spark.udf()
                .register(
                        "jaro_winkler_similarity",
                        (UDF2<String, String, Double>)
                                (a, b) -> a == null || b == null ? null : JaroWinkler.similarity(a, b),
                        DataTypes.DoubleType);
        SparkLinker linker = new SparkLinker(spark, model);
        linker.prepare();
        return linker;
    }

    // ---------------------------------------------------------------- inputs

    private void prepare() {
        List<Input> inputs = model.inputs();
        boolean reference = inputs.stream()
                .flatMap(i -> i.columns().values().stream())
                .anyMatch(e -> e.toLowerCase(Locale.ROOT).contains("ref_"));
        Set<String> dateColumns = dateColumns();
        Dataset<Row> union = null;
        for (int i = 0; i < inputs.size(); i++) {
            Input input = inputs.get(i);
            if (!Files.isRegularFile(input.path())) {
                throw new LinkageException("Input " + input.name() + ": no file at " + input.path());
            }
            Dataset<Row> raw = read(input);
            List<String> fileColumns = List.of(raw.columns());
            recordLineage(i, input, fileColumns);
            if (!fileColumns.contains(input.id())) {
                throw new LinkageException("Input " + input.name() + ": id column " + input.id()
                        + " is not in the file; its columns are " + fileColumns);
            }
            DuckDbStage stage;
            try {
                stage = DuckDbStage.prepare(fileColumns, inputQuery(i, input, fileColumns, dateColumns), reference);
            } catch (SQLException e) {
                throw new LinkageException(
                        "Input " + input.name() + ": the column expressions do not work on the file's columns "
                                + fileColumns + ": " + firstLine(e.getMessage()),
                        e);
            }
            Dataset<Row> prepared = stage.apply(raw);
            union = union == null ? prepared : union.unionByName(prepared, true);
        }
        // Kept: the sort samples its input and zipWithIndex counts partitions before numbering, and each
        // pass would otherwise run the DuckDB stage (the standardizers) over every row again.
        union = keep(union);
        // _rid as the DuckDB linker numbers records: by input, then id. Pair orientation (l._rid < r._rid)
        // and cluster ids (the smallest _rid of a cluster) follow from it.
        Dataset<Row> sorted = keep(union.orderBy(col("_input"), col("_id")));
        StructType schema = sorted.schema().add("_rid", DataTypes.LongType, false);
        JavaRDD<Row> numbered = sorted.toJavaRDD().zipWithIndex().map(t -> {
            Object[] values = new Object[t._1().size() + 1];
            for (int c = 0; c < t._1().size(); c++) {
                values[c] = t._1().get(c);
            }
            values[values.length - 1] = t._2() + 1;
            return RowFactory.create(values);
        });
        records = keep(spark.createDataFrame(numbered, schema));
        records.createOrReplaceTempView(prefix + "records");
        Row counts = spark.sql("SELECT count(*), count(_id), count(DISTINCT _input, _id),"
                        + " count_if(_input = 0), count_if(_input = 1) FROM " + prefix + "records")
                .first();
        if (counts.getLong(1) != counts.getLong(0)) {
            throw new LinkageException("Some input rows have no id");
        }
        if (counts.getLong(2) != counts.getLong(0)) {
            throw new LinkageException("An input's id column is not unique");
        }
        if (model.mode() == Mode.LINK_AND_DEDUPE) {
            leftCount = counts.getLong(0);
            rightCount = leftCount;
            view("l_side", "SELECT * FROM " + prefix + "records");
            view("r_side", "SELECT * FROM " + prefix + "records");
            return;
        }
        leftCount = counts.getLong(3);
        int right = model.mode() == Mode.LINK ? 1 : 0;
        rightCount = right == 1 ? counts.getLong(4) : leftCount;
        if (leftCount == 0 || rightCount == 0) {
            throw new LinkageException("An input has no rows");
        }
        view("l_side", "SELECT * FROM " + prefix + "records WHERE _input = 0");
        view("r_side", "SELECT * FROM " + prefix + "records WHERE _input = " + right);
    }

    private Dataset<Row> read(Input input) {
        String path = input.path().toAbsolutePath().toString();
        Dataset<Row> raw = switch (input.format()) {
            case "parquet" -> spark.read().parquet(path);
            case "jsonl" -> spark.read().json(path);
            // Every column as text, as the DuckDB linker reads CSV (all_varchar): ids keep leading zeros.
            default ->
                spark.read()
                        .option("header", "true")
                        .option("inferSchema", "false")
                        .option("multiLine", "true")
                        .option("escape", "\"")
                        .option("encoding", "UTF-8")
                        .csv(path);
        };
        List<org.apache.spark.sql.Column> asText = new ArrayList<>();
        for (String column : raw.columns()) {
            asText.add(col(SparkComparisons.quote(column))
                    .cast(DataTypes.StringType)
                    .as(column));
        }
        return raw.select(asText.toArray(new org.apache.spark.sql.Column[0]));
    }

    /** The DuckDB linker's per-input select: blanks as null, the model's columns, dates read as dates. */
    private String inputQuery(int i, Input input, List<String> fileColumns, Set<String> dateColumns) {
        StringBuilder blanks = new StringBuilder("SELECT ");
        for (int c = 0; c < fileColumns.size(); c++) {
            String q = DuckDbConnections.identifier(fileColumns.get(c));
            blanks.append(c == 0 ? "" : ", ")
                    .append("CASE WHEN regexp_full_match(")
                    .append(q)
                    .append(", '[\\s\\p{Z}]*') THEN NULL ELSE ")
                    .append(q)
                    .append(" END AS ")
                    .append(q);
        }
        blanks.append(" FROM input");
        Set<String> needed = new LinkedHashSet<>();
        model.comparisons().forEach(c -> needed.add(c.column()));
        if (model.clustering().conflictingId() != null) {
            needed.add(model.clustering().conflictingId());
        }
        StringBuilder select = new StringBuilder("SELECT CAST(" + i + " AS BIGINT) AS _input, CAST("
                + DuckDbConnections.identifier(input.id()) + " AS VARCHAR) AS _id");
        Map<String, String> columns = new LinkedHashMap<>();
        if (input.columns().isEmpty()) {
            for (String column : needed) {
                if (!fileColumns.contains(column)) {
                    throw new LinkageException("Input " + input.name() + ": column " + column
                            + " is used by the model but not in the file; its columns are " + fileColumns);
                }
            }
            for (String column : fileColumns) {
                if (!column.equals(input.id())) {
                    columns.put(column, DuckDbConnections.identifier(column));
                }
            }
        } else {
            for (String column : needed) {
                if (!input.columns().containsKey(column)) {
                    throw new LinkageException("Input " + input.name() + ": columns has no entry for " + column
                            + ", which the model uses");
                }
            }
            columns.putAll(input.columns());
        }
        columns.forEach((name, expression) ->
                select.append(", ").append(expression).append(" AS ").append(DuckDbConnections.identifier(name)));
        // Second pass as the DuckDB linker's records table: dates parsed, blank text null.
        StringBuilder typed = new StringBuilder("SELECT _input, _id");
        for (String name : columns.keySet()) {
            String q = DuckDbConnections.identifier(name);
            if (dateColumns.contains(name)) {
                typed.append(", CASE WHEN typeof(")
                        .append(q)
                        .append(") = 'DATE' THEN TRY_CAST(")
                        .append(q)
                        .append(" AS DATE) WHEN typeof(")
                        .append(q)
                        .append(") LIKE 'TIMESTAMP%' THEN TRY_CAST(")
                        .append(q)
                        .append(" AS DATE) ELSE ")
                        .append(asDate(q))
                        .append(" END AS ")
                        .append(q);
            } else {
                typed.append(", CASE WHEN typeof(")
                        .append(q)
                        .append(") = 'VARCHAR' AND regexp_full_match(CAST(")
                        .append(q)
                        .append(" AS VARCHAR), '[\\s\\p{Z}]*') THEN NULL ELSE ")
                        .append(q)
                        .append(" END AS ")
                        .append(q);
            }
        }
        return typed + " FROM (" + select + " FROM (" + blanks + "))";
    }

    /** As Linker.asDate: ISO yyyy-MM-dd, yyyyMMdd or dd/MM/yyyy, else null. */
    private static String asDate(String column) {
        String t = "trim(CAST(" + column + " AS VARCHAR))";
        return "CASE WHEN regexp_full_match(" + t + ", '\\d{4}-\\d{1,2}-\\d{1,2}') THEN CAST(try_strptime(" + t
                + ", '%Y-%m-%d') AS DATE)"
                + " WHEN regexp_full_match(" + t + ", '\\d{8}') THEN CAST(try_strptime(" + t + ", '%Y%m%d') AS DATE)"
                + " WHEN regexp_full_match(" + t + ", '\\d{1,2}/\\d{1,2}/\\d{4}') THEN CAST(try_strptime(" + t
                + ", '%d/%m/%Y') AS DATE) END";
    }

    private Set<String> dateColumns() {
        Set<LevelKind> dateLevels =
                Set.of(LevelKind.DATE_ONE_COMPONENT, LevelKind.DATE_DAY_MONTH_SWAPPED, LevelKind.DATE_SAME_YEAR);
        Set<String> columns = new LinkedHashSet<>();
        for (Comparison c : model.comparisons()) {
            if (c.levels().stream().anyMatch(l -> dateLevels.contains(l.kind()))
                    && c.levels().stream().noneMatch(l -> l.kind() == LevelKind.DATE_PARTIAL)) {
                columns.add(c.column());
            }
        }
        return columns;
    }

    // ---------------------------------------------------------------- pairs

    private String pairCondition() {
        return model.mode() == Mode.LINK ? "TRUE" : "l._rid < r._rid";
    }

    private void ensureVectors() {
        if (spark.catalog().tableExists(prefix + "vectors")) {
            return;
        }
        List<String> unions = new ArrayList<>();
        for (String rule : model.blockingRules()) {
            unions.add("SELECT l._rid AS rid_l, r._rid AS rid_r FROM " + prefix + "l_side l JOIN " + prefix
                    + "r_side r ON (" + rule + ") AND " + pairCondition());
        }
        Dataset<Row> candidates = sql(String.join(" UNION ", unions), "the blocking rules " + model.blockingRules());
        candidates.createOrReplaceTempView(prefix + "candidates");
        StringBuilder vectors = new StringBuilder("SELECT c.rid_l, c.rid_r");
        for (Comparison c : model.comparisons()) {
            vectors.append(", ")
                    .append(SparkComparisons.gamma(c))
                    .append(" AS ")
                    .append(SparkComparisons.gammaColumn(c));
        }
        vectors.append(" FROM " + prefix + "candidates c JOIN " + prefix + "records l ON l._rid = c.rid_l JOIN "
                + prefix + "records r ON r._rid = c.rid_r");
        keep(sql(vectors.toString(), "the comparisons")).createOrReplaceTempView(prefix + "vectors");
    }

    // ---------------------------------------------------------------- training

    /** As the DuckDB linker notes it, with an in-memory DuckDB for its parser only. */
    private void recordLineage(int i, Input input, List<String> fileColumns) {
        try (java.sql.Connection parser = DuckDbConnections.open(null, "64MB", 1)) {
            lineage.record(i, input, fileColumns, parser);
        } catch (SQLException e) {
            throw new LinkageException(
                    "Cannot open DuckDB to read the column expressions: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Trains λ, u and m on Spark without labels, as the DuckDB linker does ({@link Training}): the
     * deterministic rules' pairs, the seeded random pairs' levels and each EM rule's comparison
     * patterns are counted here, over all the records; EM then runs on the few hundred patterns.
     * With {@code training.labelled_pairs}, m comes from the labelled matches instead (see below).
     */
    public LinkageParameters train() {
        ensureVectors();
        if (model.training().labelledPairs() != null) {
            return trainFromLabels(model.training().labelledPairs());
        }
        return Training.unsupervised(model, lineage::decides, leftCount, rightCount, measurements);
    }

    /** Training's aggregates, counted by Spark over all the records. */
    private final Training.Measurements measurements = new Training.Measurements() {

        @Override
        public long deterministicPairs(List<String> rules) {
            List<String> unions = new ArrayList<>();
            for (String rule : rules) {
                unions.add("SELECT l._rid AS a, r._rid AS b FROM " + prefix + "l_side l JOIN " + prefix
                        + "r_side r ON (" + rule + ") AND " + pairCondition());
            }
            return sql(
                            "SELECT count(*) FROM (" + String.join(" UNION ", unions) + ")",
                            "the deterministic rules " + rules)
                    .first()
                    .getLong(0);
        }

        @Override
        public long[][] randomPairLevels(long leftRows, long rightRows, long seed) {
            StringBuilder select = new StringBuilder(levelsSelect());
            select.append(" FROM (SELECT * FROM " + prefix + "l_side ORDER BY ")
                    .append(sampleOrder(seed))
                    .append(" LIMIT ")
                    .append(leftRows)
                    .append(") l CROSS JOIN (SELECT * FROM " + prefix + "r_side ORDER BY ")
                    .append(sampleOrder(seed + 1))
                    .append(" LIMIT ")
                    .append(rightRows)
                    .append(") r WHERE l._rid <> r._rid");
            Dataset<Row> sample =
                    sql(select.toString(), "the comparisons on random pairs").persist(StorageLevel.MEMORY_AND_DISK());
            try {
                return levelCounts(sample);
            } finally {
                sample.unpersist();
            }
        }

        @Override
        public long emPairs(int rule) {
            return sql(
                            "SELECT count(*) " + emPairsOf(rule),
                            "EM rule " + Training.emRules(model).get(rule))
                    .first()
                    .getLong(0);
        }

        @Override
        public List<Training.Pattern> emPatterns(int rule, List<Integer> used) {
            List<String> columns = new ArrayList<>();
            for (int c : used) {
                columns.add(
                        "v." + SparkComparisons.gammaColumn(model.comparisons().get(c)));
            }
            String list = String.join(", ", columns);
            List<Training.Pattern> patterns = new ArrayList<>();
            for (Row row : sql(
                            "SELECT " + list + ", count(*) " + emPairsOf(rule) + " GROUP BY " + list,
                            "EM rule " + Training.emRules(model).get(rule))
                    .collectAsList()) {
                int[] levels = new int[used.size()];
                for (int j = 0; j < levels.length; j++) {
                    levels[j] = row.getInt(j);
                }
                patterns.add(new Training.Pattern(levels, row.getLong(used.size())));
            }
            return patterns;
        }
    };

    /**
     * Trains from labelled pairs as the DuckDB linker does: the file is read, checked and oriented by
     * {@link LabelledPairs} in a DuckDB on the driver that holds only the records the labels name (fetched
     * from Spark); the labelled matches' levels, λ (from the deterministic rules, or from the labelled
     * candidates) and u are counted on Spark.
     */
    private LinkageParameters trainFromLabels(Path file) {
        List<Row> pairs = new ArrayList<>();
        long labelled;
        try (java.sql.Connection duck = DuckDbConnections.open(null, "512MB", 1)) {
            LabelledPairs labels = new LabelledPairs(duck, model, file);
            List<String[]> named = labels.read();
            Map<String, Integer> inputs = new LinkedHashMap<>();
            for (int i = 0; i < model.inputs().size(); i++) {
                inputs.putIfAbsent(model.inputs().get(i).name(), i);
            }
            List<Row> wanted = new ArrayList<>();
            for (String[] key : named) {
                Integer input = inputs.get(key[0]);
                if (input != null) {
                    wanted.add(RowFactory.create((long) input, key[1]));
                }
            }
            StructType keys =
                    new StructType().add("_input", DataTypes.LongType, false).add("_id", DataTypes.StringType, false);
            List<Row> found = records.join(
                            spark.createDataFrame(wanted, keys),
                            scala.jdk.javaapi.CollectionConverters.asScala(List.of("_input", "_id"))
                                    .toSeq())
                    .select(col("_rid"), col("_input"), col("_id"))
                    .collectAsList();
            try (java.sql.Statement s = duck.createStatement()) {
                s.execute("CREATE TABLE inputs (_input BIGINT, name VARCHAR)");
                s.execute("CREATE TABLE records (_rid BIGINT, _input BIGINT, _id VARCHAR)");
            }
            try (java.sql.PreparedStatement insert = duck.prepareStatement("INSERT INTO inputs VALUES (?, ?)")) {
                for (var entry : inputs.entrySet()) {
                    insert.setLong(1, entry.getValue());
                    insert.setString(2, entry.getKey());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (java.sql.PreparedStatement insert = duck.prepareStatement("INSERT INTO records VALUES (?, ?, ?)")) {
                for (Row row : found) {
                    insert.setLong(1, row.getLong(0));
                    insert.setLong(2, row.getLong(1));
                    insert.setString(3, row.getString(2));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            labelled = labels.resolve();
            try (java.sql.Statement s = duck.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("SELECT rid_l, rid_r, is_match FROM labelled")) {
                while (rs.next()) {
                    pairs.add(RowFactory.create(rs.getLong(1), rs.getLong(2), rs.getBoolean(3)));
                }
            }
        } catch (SQLException e) {
            throw new LinkageException("Cannot read the labelled pairs " + file + ": " + firstLine(e.getMessage()), e);
        }
        StructType schema = new StructType()
                .add("rid_l", DataTypes.LongType, false)
                .add("rid_r", DataTypes.LongType, false)
                .add("is_match", DataTypes.BooleanType, false);
        keep(spark.createDataFrame(pairs, schema)).createOrReplaceTempView(prefix + "labelled");
        long matches = pairs.stream().filter(r -> r.getBoolean(2)).count();
        Training.requireMatches(file, matches);
        double total = Training.totalPairs(model, leftCount, rightCount);
        String candidateLabels = "SELECT count(*) FROM " + prefix + "labelled x JOIN " + prefix
                + "candidates c ON c.rid_l = x.rid_l AND c.rid_r = x.rid_r";
        double lambda = model.training().deterministicRules().isEmpty()
                ? Training.lambdaFromLabels(
                        file,
                        sql(candidateLabels, "the labelled candidates").first().getLong(0),
                        sql(candidateLabels + " WHERE x.is_match", "the labelled candidates")
                                .first()
                                .getLong(0),
                        sql("SELECT count(*) FROM " + prefix + "candidates", "the candidates")
                                .first()
                                .getLong(0),
                        total)
                : Training.lambda(model, measurements, total);
        double[][] u = Training.u(model, measurements, leftCount, rightCount);
        Dataset<Row> vectors = sql(
                levelsSelect() + " FROM " + prefix + "labelled x JOIN " + prefix + "records l ON l._rid = x.rid_l JOIN "
                        + prefix + "records r ON r._rid = x.rid_r WHERE x.is_match",
                "the comparisons of the labelled matches");
        long[][] counts = levelCounts(vectors);
        return Training.fromLabels(model, file, labelled, matches, lambda, u, counts);
    }

    /** {@code SELECT} of every comparison's level of a pair of records l and r, named as in the vectors. */
    private String levelsSelect() {
        StringBuilder select = new StringBuilder("SELECT ");
        List<Comparison> comparisons = model.comparisons();
        for (int c = 0; c < comparisons.size(); c++) {
            select.append(c == 0 ? "" : ", ")
                    .append(SparkComparisons.gamma(comparisons.get(c)))
                    .append(" AS ")
                    .append(SparkComparisons.gammaColumn(comparisons.get(c)));
        }
        return select.toString();
    }

    /** Per comparison, how many of {@code pairs} are at each level (a null level not counted). */
    private long[][] levelCounts(Dataset<Row> pairs) {
        List<Comparison> comparisons = model.comparisons();
        long[][] counts = new long[comparisons.size()][];
        for (int c = 0; c < comparisons.size(); c++) {
            counts[c] = new long[comparisons.get(c).levels().size() + 1];
            String g = SparkComparisons.gammaColumn(comparisons.get(c));
            for (Row row : pairs.groupBy(col(g)).count().collectAsList()) {
                if (!row.isNullAt(0) && row.getInt(0) >= 0) {
                    counts[c][row.getInt(0)] = row.getLong(1);
                }
            }
        }
        return counts;
    }

    /** {@code FROM … WHERE …}: the candidate pairs (with their vectors, as v) that EM rule {@code rule} holds for. */
    private String emPairsOf(int rule) {
        return "FROM " + prefix + "vectors v JOIN " + prefix + "records l ON l._rid = v.rid_l JOIN " + prefix
                + "records r ON r._rid = v.rid_r WHERE coalesce(("
                + Training.emRules(model).get(rule) + "), false)";
    }

    /** {@link Training#SAMPLE_ORDER} in Spark's SQL. */
    private static String sampleOrder(long seed) {
        return "md5(concat(CAST(_rid AS STRING), ':" + seed + "')), _rid";
    }

    /**
     * Scores every candidate pair: log2(λ/(1−λ)) + Σ log2(m/u), with the value's frequency as u for an
     * exact level with term frequency, exactly as the DuckDB linker does. Returns the number of pairs.
     */
    public long predict(LinkageParameters parameters) {
        parameters.checkFits(model);
        ensureVectors();
        List<String> ctes = new ArrayList<>();
        StringBuilder weights = new StringBuilder();
        StringBuilder joins = new StringBuilder();
        StringBuilder sum = new StringBuilder(SparkComparisons.dbl(parameters.priorWeight()));
        for (Comparison c : model.comparisons()) {
            ComparisonParameters p = parameters.comparison(c.name());
            if (p.levels().size() != c.levels().size() + 1) {
                throw new LinkageException("The parameters of comparison " + c.name()
                        + " have a different number of levels than the model: train again");
            }
            String w = SparkComparisons.quote("w_" + c.name());
            StringBuilder cases = new StringBuilder("CASE v." + SparkComparisons.gammaColumn(c) + " WHEN "
                    + SparkComparisons.NULL_LEVEL + " THEN CAST(0 AS DOUBLE)");
            for (int k = 0; k < p.levels().size(); k++) {
                LevelParameters level = p.levels().get(k);
                boolean tf = k < c.levels().size()
                        && c.levels().get(k).kind() == LevelKind.EXACT
                        && c.levels().get(k).termFrequency();
                if (tf) {
                    String tfTable = SparkComparisons.quote("tf_" + c.name());
                    String column = SparkComparisons.quote(c.column());
                    ctes.add(tfTable + " AS (SELECT " + column + " AS v, count(*) / sum(count(*)) OVER () AS tf FROM "
                            + prefix + "records WHERE " + column + " IS NOT NULL GROUP BY 1)");
                    joins.append(" LEFT JOIN ")
                            .append(tfTable)
                            .append(" ON ")
                            .append(tfTable)
                            .append(".v = l.")
                            .append(column);
                    cases.append(" WHEN ")
                            .append(k)
                            .append(" THEN log2(")
                            .append(SparkComparisons.dbl(level.m()))
                            .append(" / greatest(")
                            .append(tfTable)
                            .append(".tf, ")
                            .append(SparkComparisons.dbl(MIN_PROBABILITY))
                            .append("))");
                } else {
                    cases.append(" WHEN ").append(k).append(" THEN ").append(SparkComparisons.dbl(level.weight()));
                }
            }
            weights.append(", ").append(cases).append(" END AS ").append(w);
            sum.append(" + ").append(w);
        }
        String sql = (ctes.isEmpty() ? "" : "WITH " + String.join(", ", ctes) + " ")
                + "SELECT *, 1.0D / (1.0D + pow(2.0D, -match_weight)) AS match_probability FROM ("
                + "SELECT *, " + sum + " AS match_weight FROM ("
                + "SELECT v.*" + weights + " FROM " + prefix + "vectors v JOIN " + prefix
                + "records l ON l._rid = v.rid_l" + joins + "))";
        if (predictions != null) {
            predictions.unpersist();
        }
        predictions = keep(sql(sql, "scoring"));
        predictions.createOrReplaceTempView(prefix + "predictions");
        clusters = null;
        return predictions.count();
    }

    /** Scored pairs at or above a probability, strongest first (ties by ids), explained field by field. */
    public List<ScoredPair> pairs(double minProbability, int limit) {
        requirePredicted();
        List<Comparison> comparisons = model.comparisons();
        StringBuilder sql =
                new StringBuilder("SELECT l._input, l._id, r._input, r._id, p.match_weight," + " p.match_probability");
        for (Comparison c : comparisons) {
            sql.append(", p.")
                    .append(SparkComparisons.gammaColumn(c))
                    .append(", p.")
                    .append(SparkComparisons.quote("w_" + c.name()));
        }
        sql.append(" FROM " + prefix + "predictions p JOIN " + prefix + "records l ON l._rid = p.rid_l JOIN " + prefix
                        + "records r ON r._rid = p.rid_r WHERE p.match_probability >= ")
                .append(SparkComparisons.dbl(minProbability))
                .append(" ORDER BY p.match_weight DESC, l._id, r._id LIMIT ")
                .append(Math.max(0, limit));
        List<ScoredPair> pairs = new ArrayList<>();
        for (Row row : spark.sql(sql.toString()).collectAsList()) {
            List<Contribution> contributions = new ArrayList<>();
            double contributed = 0;
            for (int c = 0; c < comparisons.size(); c++) {
                int level = row.getInt(6 + 2 * c);
                double weight = row.getDouble(7 + 2 * c);
                contributed += weight;
                contributions.add(
                        new Contribution(comparisons.get(c).name(), label(comparisons.get(c), level), weight));
            }
            double matchWeight = row.getDouble(4);
            pairs.add(new ScoredPair(
                    inputName(row.getLong(0)),
                    row.getString(1),
                    inputName(row.getLong(2)),
                    row.getString(3),
                    matchWeight - contributed,
                    contributions,
                    matchWeight,
                    row.getDouble(5)));
        }
        return pairs;
    }

    private String inputName(long input) {
        return model.inputs().get((int) input).name();
    }

    private static String label(Comparison c, int level) {
        return c.levelLabel(level);
    }

    // ---------------------------------------------------------------- clustering

    /**
     * Connected components over the pairs at or above {@code threshold} by label propagation (each
     * record takes the smallest label among itself and its neighbours until nothing changes), with
     * {@code clustering.conflicting_id} splitting as the DuckDB linker does. Records without an edge
     * are their own cluster and take no part in the rounds. Returns the number of clusters.
     */
    public long cluster(double threshold) {
        requirePredicted();
        String id = model.clustering().conflictingId();
        String conflict = id == null
                ? "FALSE"
                : idsConflict("l." + SparkComparisons.quote(id), "r." + SparkComparisons.quote(id));
        String kept = "SELECT p.rid_l AS a, p.rid_r AS b, p.match_weight AS w FROM " + prefix + "predictions p JOIN "
                + prefix + "records l ON l._rid = p.rid_l JOIN " + prefix + "records r ON r._rid = p.rid_r"
                + " WHERE p.match_probability >= " + SparkComparisons.dbl(threshold) + " AND NOT " + conflict;
        Dataset<Row> edges = keep(
                sql("SELECT a, b, w FROM (" + kept + ") UNION ALL SELECT b, a, w FROM (" + kept + ")", "clustering"));
        edges.createOrReplaceTempView(prefix + "edges");
        Dataset<Row> labels = keep(spark.sql("SELECT DISTINCT a AS rid, a AS c FROM " + prefix + "edges"));
        long nodes = labels.count();
        for (long round = 0; round <= nodes; round++) {
            labels.createOrReplaceTempView(prefix + "labels");
            Dataset<Row> next = spark.sql("SELECT x.rid, least(x.c, min(n.c)) AS c FROM " + prefix + "labels x JOIN "
                            + prefix + "edges e ON e.a = x.rid JOIN " + prefix + "labels n ON n.rid = e.b"
                            + " GROUP BY x.rid, x.c")
                    .localCheckpoint(true);
            next.createOrReplaceTempView(prefix + "labels_next");
            long changed = spark.sql("SELECT count(*) FROM " + prefix + "labels_next m JOIN " + prefix
                            + "labels o ON o.rid = m.rid WHERE m.c <> o.c")
                    .first()
                    .getLong(0);
            labels.unpersist();
            labels = next;
            if (changed == 0) {
                break;
            }
        }
        labels.createOrReplaceTempView(prefix + "edge_labels");
        view(
                "labels",
                "SELECT k._rid AS rid, coalesce(e.c, k._rid) AS c FROM " + prefix + "records k LEFT JOIN " + prefix
                        + "edge_labels e ON e.rid = k._rid");
        String result = id == null
                ? "SELECT rid, c AS rep FROM " + prefix + "labels"
                : splitConflictingComponents(SparkComparisons.quote(id));
        if (clusters != null) {
            clusters.unpersist();
        }
        clusters = keep(spark.sql(result));
        clusters.createOrReplaceTempView(prefix + "clusters");
        return spark.sql("SELECT count(DISTINCT rep) FROM " + prefix + "clusters")
                .first()
                .getLong(0);
    }

    private String idsConflict(String a, String b) {
        String differ = "coalesce(" + a + " <> " + b + ", false)";
        if (!model.clustering().toleratesIdTypo()) {
            return differ;
        }
        var oneDigit = LinkageModel.Level.of(LevelKind.ID_ONE_DIGIT);
        var transposition = LinkageModel.Level.of(LevelKind.ID_TRANSPOSITION);
        return "(" + differ + " AND NOT coalesce(" + SparkComparisons.condition(oneDigit, a, b) + " OR "
                + SparkComparisons.condition(transposition, a, b) + ", false))";
    }

    /** Linker.splitConflictingComponents in Spark SQL: one cluster per ID value in a component that holds two. */
    private String splitConflictingComponents(String id) {
        String p = prefix;
        return "WITH "
                + "ids AS (SELECT x.rid, x.c, r." + id + " AS k FROM " + p + "labels x JOIN " + p
                + "records r ON r._rid = x.rid), "
                + "conflicted AS (SELECT DISTINCT a.c FROM ids a JOIN ids b ON a.c = b.c AND a.k < b.k"
                + "  WHERE " + idsConflict("a.k", "b.k") + "), "
                + "keyed AS (SELECT rid, min(rid) OVER (PARTITION BY c, k) AS rep FROM ids"
                + "  WHERE c IN (SELECT c FROM conflicted) AND k IS NOT NULL), "
                + "attached AS (SELECT i.rid, min_by(kn.rep, struct(-e.w, kn.rep)) AS rep FROM ids i"
                + "  JOIN " + p + "edges e ON e.a = i.rid JOIN keyed kn ON kn.rid = e.b"
                + "  WHERE i.c IN (SELECT c FROM conflicted) AND i.k IS NULL GROUP BY i.rid), "
                + "rest AS (SELECT rid, min(rid) OVER (PARTITION BY c) AS rep FROM ids"
                + "  WHERE c IN (SELECT c FROM conflicted) AND k IS NULL AND rid NOT IN (SELECT rid FROM attached)) "
                + "SELECT rid, c AS rep FROM ids WHERE c NOT IN (SELECT c FROM conflicted) "
                + "UNION ALL SELECT rid, rep FROM keyed UNION ALL SELECT rid, rep FROM attached "
                + "UNION ALL SELECT rid, rep FROM rest";
    }

    /** Every record with its cluster, ordered by cluster then record. */
    public List<ClusterMember> clusters() {
        requireClustered();
        List<ClusterMember> members = new ArrayList<>();
        for (Row row :
                clusterRows().orderBy("cluster_id", "source", "record_id").collectAsList()) {
            members.add(new ClusterMember(row.getString(0), row.getString(1), row.getString(2)));
        }
        return members;
    }

    private Dataset<Row> clusterRows() {
        Dataset<Row> names = inputNames();
        names.createOrReplaceTempView(prefix + "inputs");
        return spark.sql("SELECT i.name AS source, r._id AS record_id, concat(ir.name, ':', rr._id) AS cluster_id FROM "
                + prefix + "clusters k JOIN " + prefix + "records r ON r._rid = k.rid JOIN " + prefix
                + "inputs i ON i._input = r._input JOIN " + prefix + "records rr ON rr._rid = k.rep JOIN " + prefix
                + "inputs ir ON ir._input = rr._input");
    }

    private Dataset<Row> inputNames() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < model.inputs().size(); i++) {
            rows.add(RowFactory.create((long) i, model.inputs().get(i).name()));
        }
        return spark.createDataFrame(rows, new StructType(new StructField[] {
            DataTypes.createStructField("_input", DataTypes.LongType, false),
            DataTypes.createStructField("name", DataTypes.StringType, false)
        }));
    }

    /** Writes the scored pairs as the DuckDB linker does (one file, CSV with a header or Parquet, by extension). */
    public void writePredictions(Path file) {
        requirePredicted();
        inputNames().createOrReplaceTempView(prefix + "inputs");
        StringBuilder columns = new StringBuilder();
        for (Comparison c : model.comparisons()) {
            columns.append(", p.")
                    .append(SparkComparisons.gammaColumn(c))
                    .append(", p.")
                    .append(SparkComparisons.quote("w_" + c.name()));
        }
        write(
                spark.sql("SELECT il.name AS source_l, l._id AS id_l, ir.name AS source_r, r._id AS id_r" + columns
                        + ", p.match_weight, p.match_probability FROM " + prefix + "predictions p JOIN " + prefix
                        + "records l ON l._rid = p.rid_l JOIN " + prefix + "records r ON r._rid = p.rid_r JOIN "
                        + prefix + "inputs il ON il._input = l._input JOIN " + prefix
                        + "inputs ir ON ir._input = r._input"),
                file);
    }

    /** Writes source, record_id, cluster_id (one file, CSV or Parquet by extension). */
    public void writeClusters(Path file) {
        requireClustered();
        write(clusterRows(), file);
    }

    /**
     * One file, as the DuckDB engine writes: Spark writes a directory of parts, so the rows are
     * gathered into one part first. On a cluster, write to shared storage with Spark's own writers instead.
     */
    private static void write(Dataset<Row> rows, Path file) {
        boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        Path staging = file.resolveSibling("." + file.getFileName() + ".spark-" + System.nanoTime());
        var writer = rows.coalesce(1).write().mode("overwrite");
        if (csv) {
            writer.option("header", "true").option("escape", "\"").csv(staging.toString());
        } else {
            writer.option("compression", "zstd").parquet(staging.toString());
        }
        try (var parts = Files.list(staging)) {
            Path part = parts.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .findFirst()
                    .orElseThrow(() -> new LinkageException("Spark wrote no part file under " + staging));
            Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LinkageException("Cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(staging);
        }
    }

    // ---------------------------------------------------------------- evaluation

    /** Pairwise quality of the pairs at or above {@code threshold} against a clusters truth file (source,record_id,entity_id). */
    public Evaluation evaluatePairs(Path truthCsv, double threshold) {
        requirePredicted();
        loadTruth(truthCsv);
        long predicted = spark.sql("SELECT count(*) FROM " + prefix + "predictions WHERE match_probability >= "
                        + SparkComparisons.dbl(threshold))
                .first()
                .getLong(0);
        long truePositives = spark.sql("SELECT count(*) FROM " + prefix + "predictions p JOIN " + prefix
                        + "truth a ON a.rid = p.rid_l JOIN " + prefix + "truth b ON b.rid = p.rid_r"
                        + " WHERE a.entity = b.entity AND p.match_probability >= " + SparkComparisons.dbl(threshold))
                .first()
                .getLong(0);
        return new Evaluation(truePositives, predicted - truePositives, truePairs() - truePositives);
    }

    /** Pairwise quality of the clusters: every pair inside a cluster counts as predicted. */
    public Evaluation evaluateClusters(Path truthCsv) {
        requireClustered();
        loadTruth(truthCsv);
        long predicted = spark.sql("SELECT " + pairsIn() + " FROM (SELECT k.rep, count(*) AS n,"
                        + " count_if(r._input = 0) AS nl, count_if(r._input = 1) AS nr FROM " + prefix
                        + "clusters k JOIN " + prefix + "records r ON r._rid = k.rid GROUP BY k.rep)")
                .first()
                .getLong(0);
        long truePositives = spark.sql("SELECT " + pairsIn() + " FROM (SELECT k.rep, t.entity, count(*) AS n,"
                        + " count_if(t._input = 0) AS nl, count_if(t._input = 1) AS nr FROM " + prefix
                        + "clusters k JOIN " + prefix + "truth t ON t.rid = k.rid GROUP BY k.rep, t.entity)")
                .first()
                .getLong(0);
        return new Evaluation(truePositives, predicted - truePositives, truePairs() - truePositives);
    }

    private String pairsIn() {
        return model.mode() == Mode.LINK
                ? "CAST(coalesce(sum(nl * nr), 0) AS BIGINT)"
                : "CAST(coalesce(sum(n * (n - 1) / 2), 0) AS BIGINT)";
    }

    private long truePairs() {
        return spark.sql("SELECT " + pairsIn() + " FROM (SELECT entity, count(*) AS n, count_if(_input = 0) AS nl,"
                        + " count_if(_input = 1) AS nr FROM " + prefix + "truth GROUP BY entity)")
                .first()
                .getLong(0);
    }

    private void loadTruth(Path truthCsv) {
        Dataset<Row> truth = spark.read()
                .option("header", "true")
                .csv(truthCsv.toAbsolutePath().toString());
        List<String> header = List.of(truth.columns());
        if (!header.containsAll(List.of("source", "record_id", "entity_id"))) {
            throw new LinkageException("On the Spark engine a truth file lists clusters (source,record_id,entity_id);"
                    + " its header is " + header + ". Score pair files with --engine duckdb");
        }
        truth.createOrReplaceTempView(prefix + "truth_raw");
        inputNames().createOrReplaceTempView(prefix + "inputs");
        view(
                "truth",
                "SELECT r._rid AS rid, r._input, t.entity_id AS entity FROM " + prefix + "truth_raw t JOIN " + prefix
                        + "inputs i ON i.name = t.source JOIN " + prefix
                        + "records r ON r._input = i._input AND r._id = t.record_id");
    }

    // ---------------------------------------------------------------- helpers

    private void requirePredicted() {
        if (predictions == null) {
            throw new IllegalStateException("predict() first");
        }
    }

    private void requireClustered() {
        if (clusters == null) {
            throw new IllegalStateException("cluster() first");
        }
    }

    private Dataset<Row> sql(String sql, String what) {
        try {
            return spark.sql(sql);
        } catch (Exception e) {
            if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
                throw e;
            }
            throw new LinkageException(
                    "Spark cannot run " + what + " (the model's SQL must also be valid Spark SQL, see docs/spark.md): "
                            + firstLine(e.getMessage()),
                    e);
        }
    }

    private void view(String name, String sql) {
        spark.sql(sql).createOrReplaceTempView(prefix + name);
    }

    private Dataset<Row> keep(Dataset<Row> rows) {
        Dataset<Row> persisted = rows.persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(persisted);
        return persisted;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void deleteQuietly(Path directory) {
        try (var walk = Files.walk(directory)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a staging directory; nothing else is in it
        }
    }

    /** Drops this linker's cached data and views; the session stays open for its owner. */
    @Override
    public void close() {
        cached.forEach(Dataset::unpersist);
        for (String table : List.of(
                "records",
                "l_side",
                "r_side",
                "candidates",
                "vectors",
                "predictions",
                "edges",
                "labels",
                "labels_next",
                "edge_labels",
                "clusters",
                "inputs",
                "truth_raw",
                "truth")) {
            spark.catalog().dropTempView(prefix + table);
        }
    }
}
