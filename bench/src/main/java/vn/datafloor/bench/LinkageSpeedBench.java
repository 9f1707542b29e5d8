package vn.datafloor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import no.priv.garshol.duke.ConfigurationImpl;
import no.priv.garshol.duke.DataSource;
import no.priv.garshol.duke.Logger;
import no.priv.garshol.duke.Processor;
import no.priv.garshol.duke.Property;
import no.priv.garshol.duke.PropertyImpl;
import no.priv.garshol.duke.Record;
import no.priv.garshol.duke.RecordImpl;
import no.priv.garshol.duke.RecordIterator;
import no.priv.garshol.duke.comparators.ExactComparator;
import no.priv.garshol.duke.comparators.JaroWinkler;
import no.priv.garshol.duke.databases.LuceneDatabase;
import no.priv.garshol.duke.matchers.AbstractMatchListener;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.standardize.Standardizers;
import vn.datafloor.linkage.Evaluation;
import vn.datafloor.linkage.LinkageModel;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;

/**
 * Linkage speed: a two-source link end to end (load + standardize, block, train, score, cluster) of N
 * records per side (default 1,000,000), target ≤ 60 s on the development machine.
 *
 * <p>Inputs: a synthetic population of N people (seed 42, generated once into bench/target), its clean
 * civil registry (N records) against a noisy copy of the same N records derived once by SQL next to it
 * ({@code linkage-bench/copy.csv}): names with a deleted or substituted character (1 % each) or
 * upper-case without diacritics (10 %), dates as dd/MM/yyyy with day and month swapped (1 %, when the
 * day is ≤ 12), CCCD missing (3 %) or with its last digit changed (1 %), phone missing (5 %). The tax
 * extract covers only about 30 % of people, too few for N per side, hence the derived copy. Truth:
 * each copy record is its registry record's person ({@code linkage-bench/truth.csv}).
 *
 * <p>Blocking: same CCCD; same given name and same (year, smaller of day/month, larger of day/month),
 * so day/month swaps stay in the block; same phone. EM on the CCCD and date-of-birth pairs. Comparisons
 * as in the accuracy benchmark. The Linker's DuckDB works under a 2 GB memory limit (spilling to a
 * scratch directory) and the JVM under -Xmx2g; the run prints the Java heap peak and the process's
 * peak RSS.
 *
 * <p>Side by side, at {@code --duke-records} (default 100,000) per side on inputs made the same way:
 * Duke 1.2 with an in-memory Lucene index, configured in code (Jaro–Winkler on the folded name; exact
 * date of birth, CCCD, sex and phone; threshold 0.9; 2 threads), fed the same standardized values
 * Datafloor uses, streamed from a DuckDB query (reading and standardizing are inside Duke's time, as
 * they are inside Datafloor's). Lookup on name, date of birth and CCCD with the 10 best Lucene hits
 * and exact (not fuzzy) term search, which gives Duke an F1 comparable to ours; with
 * {@code --duke-auto-lookup} Duke chooses its lookup properties itself, searches on the CCCD alone
 * and is much faster but misses the ~4 % of records without a correct CCCD. Duke's time grows
 * about quadratically with the tuned lookup (common name words), so 1,000,000 per side is out of reach
 * for it; with automatic lookup and records streamed it does finish 1,000,000 in a 2 GB heap.
 */
final class LinkageSpeedBench {

    private static final double THRESHOLD = 0.9;
    private static final long SEED = 42;

    private LinkageSpeedBench() {}

    private static String side(String name, String path, String dob) {
        // dobkey: year, then the smaller and the larger of day and month, so a day/month swap keeps its block.
        return "  - name: " + name + "\n"
                + "    path: " + path + "\n"
                + "    id: record_id\n"
                + "    columns:\n"
                + "      name: std_name_key(ho_ten)\n"
                + "      given: replace(lower(strip_accents(list_last(string_split(trim(ho_ten), ' ')))), 'đ', 'd')\n"
                + "      dob: " + dob + "\n"
                + "      dobkey: year(" + dob + ") * 10000 + least(month(" + dob + "), day(" + dob + ")) * 100"
                + " + greatest(month(" + dob + "), day(" + dob + "))\n"
                + "      cccd: (std_cccd(so_cccd)).value\n"
                + "      sex: std_sex(gioi_tinh)\n"
                + "      phone: so_dien_thoai\n";
    }

    static final String CONFIG = "name: bench-speed\n"
            + "mode: link\n"
            + "inputs:\n"
            + side("civil-registry/people", "civil-registry/people.csv", "TRY_CAST(ngay_sinh AS DATE)")
            + side("copy", "linkage-bench/copy.csv", "TRY_CAST(TRY_STRPTIME(ngay_sinh, '%d/%m/%Y') AS DATE)")
            + """
            blocking:
              - l.cccd = r.cccd
              - l.dobkey = r.dobkey AND l.given = r.given
              - l.phone = r.phone
            comparisons:
              - name: name
                column: name
                levels:
                  - exact: {term_frequency: true}
                  - jaro_winkler: 0.92
                  - jaro_winkler: 0.8
              - name: dob
                column: dob
                levels: [exact, date_day_month_swapped, date_one_component, date_same_year]
              - name: cccd
                column: cccd
                levels: [exact, id_one_digit, id_transposition]
              - name: sex
                column: sex
                levels: [exact]
              - name: phone
                column: phone
                levels: [exact, {levenshtein: 1}]
            training:
              deterministic_rules: [l.cccd = r.cccd]
              deterministic_recall: 0.95
              u_sample_pairs: 1000000
              em_blocking_rules: [l.cccd = r.cccd, l.dob = r.dob]
              seed: 7
            clustering:
              threshold: 0.9
              conflicting_id: cccd
              tolerate_id_typo: true
            """;

    static void run(String[] args) throws Exception {
        long records = LinkageBenchSupport.longOpt(args, "--records", 1_000_000);
        long dukeRecords = LinkageBenchSupport.longOpt(args, "--duke-records", 100_000);
        // --duke-auto-lookup: Duke's own choice of lookup properties and search settings (fast, but here it
        // searches on the CCCD alone and misses the records without a correct one).
        boolean autoLookup = List.of(args).contains("--duke-auto-lookup");
        Path scratch = Files.createTempDirectory("datafloor-bench-linkage-speed");
        try {
            // 1. Datafloor at full size, first, so the process's peak RSS is its own.
            Path big = inputs(records, scratch);
            LinkageBenchSupport.resetHeapPeaks();
            Timed full = datafloor(big, scratch);
            long heap = LinkageBenchSupport.heapPeakMb();
            long rss = LinkageBenchSupport.peakRssMb();
            System.out.printf(
                    Locale.ROOT,
                    "Datafloor at %,d x %,d: %.2f s, %s; peak Java heap %,d MB, "
                            + "peak process RSS %,d MB (DuckDB limit 2 GB)%n",
                    records,
                    records,
                    full.seconds,
                    full.evaluation,
                    heap,
                    rss);

            // 2. Duke 1.2 and Datafloor side by side at a size Duke finishes.
            Path small = inputs(dukeRecords, scratch);
            Timed duke = duke(small, scratch, autoLookup);
            System.out.printf(
                    Locale.ROOT,
                    "Duke 1.2 (%s) at %,d x %,d: %.2f s, %s%n",
                    autoLookup ? "automatic lookup" : "lookup on name, date, CCCD; 10 hits",
                    dukeRecords,
                    dukeRecords,
                    duke.seconds,
                    duke.evaluation);
            Timed ours = dukeRecords == records ? full : datafloor(small, scratch);
            System.out.printf(
                    Locale.ROOT,
                    "Datafloor at %,d x %,d: %.2f s, %s%n",
                    dukeRecords,
                    dukeRecords,
                    ours.seconds,
                    ours.evaluation);

            double ratio = ours.seconds / duke.seconds;
            System.out.printf(
                    Locale.ROOT,
                    "BENCH linkage-duke project=%.2fs baseline=%.2fs ratio=%.2f target=faster %s%n",
                    ours.seconds,
                    duke.seconds,
                    ratio,
                    ours.seconds < duke.seconds ? "PASS" : "FAIL");
            System.out.printf(
                    Locale.ROOT,
                    "BENCH linkage-speed project=%.2fs baseline=- ratio=- target=<=60s %s%n",
                    full.seconds,
                    full.seconds <= 60 ? "PASS" : "FAIL");
        } finally {
            LinkageBenchSupport.deleteTree(scratch);
        }
    }

    record Timed(double seconds, Evaluation evaluation) {}

    /** The synth population of n people plus, once, its derived noisy copy and the truth for the pair. */
    static Path inputs(long n, Path scratch) throws Exception {
        Path synth = LinkageBenchSupport.synth(n, SEED);
        Path dir = synth.resolve("linkage-bench");
        if (Files.exists(dir.resolve("truth.csv"))) {
            return synth;
        }
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        String people = DuckDbConnections.literal(
                synth.resolve("civil-registry/people.csv").toString());
        try (Connection db = DuckDbConnections.open(
                        scratch, "1GB", Runtime.getRuntime().availableProcessors());
                Statement s = db.createStatement()) {
            s.execute("CREATE TEMP TABLE base AS SELECT *, " + LinkageBenchSupport.noiseDraws() + " FROM read_csv("
                    + people + ", header = true, all_varchar = true)");
            s.execute("COPY (SELECT 'c' || record_id AS record_id, " + LinkageBenchSupport.NOISY_COLUMNS
                    + " FROM base) TO "
                    + DuckDbConnections.literal(dir.resolve("copy.csv").toString()) + " (HEADER)");
            s.execute("COPY (SELECT 'civil-registry/people' AS source, record_id, record_id AS entity_id FROM base "
                    + "UNION ALL SELECT 'copy', 'c' || record_id, record_id FROM base) TO "
                    + DuckDbConnections.literal(dir.resolve("truth.csv").toString()) + " (HEADER)");
        }
        System.out.printf(
                Locale.ROOT,
                "derived the noisy copy of %,d records in %.1f s (%s)%n",
                n,
                LinkageBenchSupport.seconds(t0),
                dir);
        return synth;
    }

    static Timed datafloor(Path synth, Path scratch) {
        long t0 = System.nanoTime();
        try (Linker linker = Linker.open(LinkageModel.parse(CONFIG, synth), scratch)) {
            double loaded = LinkageBenchSupport.seconds(t0);
            LinkageParameters parameters = linker.train();
            double trained = LinkageBenchSupport.seconds(t0);
            long candidates = linker.predict(parameters);
            double scored = LinkageBenchSupport.seconds(t0);
            long clusters = linker.cluster(THRESHOLD);
            double seconds = LinkageBenchSupport.seconds(t0);
            System.out.printf(
                    Locale.ROOT,
                    "  datafloor: load %.2f s, block+train %.2f s, score %.2f s (%,d candidate pairs), "
                            + "cluster %.2f s (%,d)%n",
                    loaded,
                    trained - loaded,
                    scored - trained,
                    candidates,
                    seconds - scored,
                    clusters);
            Evaluation evaluation = linker.evaluateClusters(synth.resolve("linkage-bench/truth.csv"));
            return new Timed(seconds, evaluation);
        }
    }

    static Timed duke(Path synth, Path scratch, boolean autoLookup) throws Exception {
        long t0 = System.nanoTime();
        try (Connection db =
                DuckDbConnections.open(scratch, "1GB", Runtime.getRuntime().availableProcessors())) {
            Standardizers.install(db);
            // Records are streamed from DuckDB as Duke asks for them, so Duke's heap holds its index, not the inputs.
            StreamedSource leftSource =
                    new StreamedSource(db, synth.resolve("civil-registry/people.csv"), "TRY_CAST(ngay_sinh AS DATE)");
            StreamedSource rightSource = new StreamedSource(
                    db,
                    synth.resolve("linkage-bench/copy.csv"),
                    "TRY_CAST(TRY_STRPTIME(ngay_sinh, '%d/%m/%Y') AS DATE)");

            ConfigurationImpl config = new ConfigurationImpl();
            List<Property> properties = new ArrayList<>();
            properties.add(new PropertyImpl("ID"));
            properties.add(new PropertyImpl("NAME", new JaroWinkler(), 0.1, 0.95));
            properties.add(new PropertyImpl("DOB", new ExactComparator(), 0.1, 0.9));
            properties.add(new PropertyImpl("CCCD", new ExactComparator(), 0.05, 0.98));
            properties.add(new PropertyImpl("SEX", new ExactComparator(), 0.1, 0.55));
            properties.add(new PropertyImpl("PHONE", new ExactComparator(), 0.3, 0.8));
            // Duke picks lookup properties itself; left alone it searches on the CCCD only and misses every
            // record whose CCCD is missing or mistyped. Search on name, date of birth and CCCD, as Datafloor blocks.
            for (Property property : properties) {
                if (!autoLookup && List.of("NAME", "DOB", "CCCD").contains(property.getName())) {
                    property.setLookupBehaviour(Property.Lookup.TRUE);
                }
            }
            config.setProperties(properties);
            config.setThreshold(THRESHOLD);
            config.addDataSource(1, leftSource);
            config.addDataSource(2, rightSource);
            LuceneDatabase database = new LuceneDatabase(); // no path: an in-memory index
            // Lucene ranks candidates by shared terms; the best 10 per record are compared (Duke's default
            // is 1,000,000, which with lookup on common name words compares almost every pair), and exact
            // term queries replace fuzzy ones (several times faster here; names are already folded).
            if (!autoLookup) {
                database.setMaxSearchHits(10);
                database.setFuzzySearch(false);
            }
            database.setConfiguration(config);
            config.setDatabase(database);

            long[] counts = new long[2]; // true, false positives
            Processor processor = new Processor(config, database);
            processor.setThreads(Runtime.getRuntime().availableProcessors());
            processor.addMatchListener(new AbstractMatchListener() {
                @Override
                public void matches(Record r1, Record r2, double confidence) {
                    String a = r1.getValue("ID");
                    String b = r2.getValue("ID");
                    boolean same = a.equals("c" + b) || b.equals("c" + a);
                    synchronized (counts) {
                        counts[same ? 0 : 1]++;
                    }
                }
            });
            processor.link(List.of(leftSource), List.of(rightSource), false, 40_000);
            processor.close();
            double seconds = LinkageBenchSupport.seconds(t0);
            long truePairs = rightSource.rows;
            System.out.printf(
                    Locale.ROOT,
                    "  duke: %,d + %,d records read, standardized and linked in %.2f s, %,d comparisons%n",
                    leftSource.rows,
                    rightSource.rows,
                    seconds,
                    processor.getComparisonCount());
            return new Timed(seconds, new Evaluation(counts[0], counts[1], truePairs - counts[0]));
        }
    }

    /** A Duke data source over a DuckDB query: ID, NAME, DOB, CCCD, SEX, PHONE standardized as Datafloor does. */
    private static final class StreamedSource implements DataSource {
        private static final String[] NAMES = {"ID", "NAME", "DOB", "CCCD", "SEX", "PHONE"};
        private final Connection db;
        private final String sql;
        long rows;

        StreamedSource(Connection db, Path csv, String dob) {
            this.db = db;
            this.sql = "SELECT record_id, std_name_key(ho_ten), CAST(" + dob
                    + " AS VARCHAR), (std_cccd(so_cccd)).value, "
                    + "std_sex(gioi_tinh), so_dien_thoai FROM read_csv(" + DuckDbConnections.literal(csv.toString())
                    + ", header = true, all_varchar = true)";
        }

        @Override
        public RecordIterator getRecords() {
            try {
                Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery(sql);
                return new RecordIterator() {
                    private Record next = advance();

                    private Record advance() {
                        try {
                            if (!rs.next()) {
                                return null;
                            }
                            RecordImpl record = new RecordImpl();
                            for (int i = 0; i < NAMES.length; i++) {
                                String value = rs.getString(i + 1);
                                if (value != null && !value.isEmpty()) {
                                    record.addValue(NAMES[i], value);
                                }
                            }
                            rows++;
                            return record;
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public boolean hasNext() {
                        return next != null;
                    }

                    @Override
                    public Record next() {
                        if (next == null) {
                            throw new NoSuchElementException();
                        }
                        Record current = next;
                        next = advance();
                        return current;
                    }

                    @Override
                    public void close() {
                        try {
                            rs.close();
                            statement.close();
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void setLogger(Logger logger) {}
    }
}
