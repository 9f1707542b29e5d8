package vn.datafloor.linkage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A linkage described declaratively (the config reference is docs/linkage.md): which inputs, which
 * blocking rules make candidate pairs, how each field is compared, how to train and cluster.
 * Nothing here touches data; {@link Linker} compiles it to SQL.
 */
public record LinkageModel(
        String name,
        Mode mode,
        List<Input> inputs,
        List<String> blockingRules,
        List<Comparison> comparisons,
        Training training,
        Clustering clustering,
        long maxPairsPerRule) {

    /**
     * Deduplicate one input; link two inputs to each other (pairs across them only); or link and
     * deduplicate two or more inputs at once (pairs within and across all of them).
     */
    public enum Mode {
        DEDUPE,
        LINK,
        LINK_AND_DEDUPE
    }

    /**
     * One input table. {@code columns} maps each column the comparisons use to a SQL expression
     * over the file's own columns (for example {@code std_name_key(ho_ten)}), so two sources with
     * different layouts meet under the same names; empty means the file's columns as they are.
     */
    public record Input(String name, Path path, String format, String id, Map<String, String> columns) {}

    /** One field compared with ordered levels; a null level comes first and an "else" level last, implicitly. */
    public record Comparison(String name, String column, List<Level> levels) {}

    /**
     * One comparison level. {@code parameter} is the threshold, distance or tolerance of the kinds
     * that take one; {@code termFrequency} only applies to {@code exact}; {@code sql} only to {@code sql}.
     */
    public record Level(LevelKind kind, double parameter, boolean termFrequency, String sql) {

        /** A level of a kind that takes no argument, such as {@code exact} or {@code id_one_digit}. */
        public static Level of(LevelKind kind) {
            return new Level(kind, 0, false, null);
        }

        /** A level of a kind that takes a threshold, distance or tolerance, such as {@code jaro_winkler: 0.9}. */
        public static Level of(LevelKind kind, double parameter) {
            return new Level(kind, parameter, false, null);
        }

        /** {@code exact} weighted by how common the value is ({@code exact: {term_frequency: true}}). */
        public static Level exactWithTermFrequency() {
            return new Level(LevelKind.EXACT, 0, true, null);
        }

        /** A short human label used in parameters and explanations. */
        public String label() {
            return switch (kind) {
                case EXACT -> termFrequency ? "exact (term frequency)" : "exact";
                case JARO_WINKLER -> "jaro_winkler >= " + parameter;
                case LEVENSHTEIN -> "levenshtein <= " + (int) parameter;
                case DAMERAU_LEVENSHTEIN -> "damerau_levenshtein <= " + (int) parameter;
                case NUMBER_WITHIN -> "within " + parameter;
                case SQL -> sql;
                default -> kind.name().toLowerCase(Locale.ROOT);
            };
        }
    }

    public enum LevelKind {
        EXACT,
        JARO_WINKLER,
        LEVENSHTEIN,
        DAMERAU_LEVENSHTEIN,
        DATE_ONE_COMPONENT,
        DATE_DAY_MONTH_SWAPPED,
        DATE_SAME_YEAR,
        NUMBER_WITHIN,
        ID_ONE_DIGIT,
        ID_TRANSPOSITION,
        SQL
    }

    /**
     * How λ, m and u are estimated. Without labels: λ from the pairs the deterministic rules find,
     * divided by their assumed recall; u from {@code uSamplePairs} random pairs chosen by {@code seed};
     * m from EM ({@code emBlockingRules} empty means: run EM once per blocking rule). With
     * {@code labelledPairs} (may be null), a CSV of pairs a person has judged: m from the labelled
     * matches, λ from the deterministic rules if any, else from the share of matches among the
     * labelled candidate pairs; u still from random pairs.
     */
    public record Training(
            List<String> deterministicRules,
            double deterministicRecall,
            long uSamplePairs,
            long seed,
            int maxIterations,
            double tolerance,
            List<String> emBlockingRules,
            Path labelledPairs) {

        /** What a config without a {@code training} section gets. */
        public static Training defaults() {
            return new Training(List.of(), 0.9, 1_000_000, 42, 25, 1e-4, List.of(), null);
        }

        public Training withDeterministicRules(List<String> rules) {
            return new Training(
                    List.copyOf(rules),
                    deterministicRecall,
                    uSamplePairs,
                    seed,
                    maxIterations,
                    tolerance,
                    emBlockingRules,
                    labelledPairs);
        }
    }

    /**
     * Clustering: connected components of pairs with match probability at or above {@code threshold}.
     * {@code conflictingId} (may be null) names a column such as a CCCD number that two records of
     * one cluster may never disagree on; with {@code toleratesIdTypo}, two values one digit apart or
     * with two neighbouring digits swapped do not count as a disagreement (data-entry slips).
     */
    public record Clustering(double threshold, String conflictingId, boolean toleratesIdTypo) {

        /** What a config without a {@code clustering} section gets. */
        public static Clustering defaults() {
            return new Clustering(DEFAULT_THRESHOLD, null, false);
        }
    }

    static final double DEFAULT_THRESHOLD = 0.9;
    static final long DEFAULT_MAX_PAIRS_PER_RULE = 50_000_000;

    /**
     * Starts a model built in code rather than read from YAML, for callers that assemble it from
     * their own settings: the result is the same record {@link #parse(String, Path)} returns for the
     * equivalent config, with the same defaults for what is left out.
     */
    public static Builder builder(String name, Mode mode) {
        return new Builder(name, mode);
    }

    /** Collects the parts of a model; {@link #build()} checks them as the record's constructor does. */
    public static final class Builder {
        private final String name;
        private final Mode mode;
        private final List<Input> inputs = new ArrayList<>();
        private final List<String> blockingRules = new ArrayList<>();
        private final List<Comparison> comparisons = new ArrayList<>();
        private Training training = Training.defaults();
        private Clustering clustering = Clustering.defaults();
        private long maxPairsPerRule = DEFAULT_MAX_PAIRS_PER_RULE;

        private Builder(String name, Mode mode) {
            this.name = name;
            this.mode = mode;
        }

        /** An input read as its file extension says (parquet, jsonl, else csv), columns as they are. */
        public Builder input(String inputName, Path path, String idColumn) {
            inputs.add(new Input(inputName, path, formatOf(path.toString()), idColumn, Map.of()));
            return this;
        }

        public Builder input(Input input) {
            inputs.add(input);
            return this;
        }

        public Builder blocking(String... rules) {
            blockingRules.addAll(List.of(rules));
            return this;
        }

        public Builder comparison(String comparisonName, String column, Level... levels) {
            if (levels.length == 0) {
                throw new LinkageException("Comparison " + column + " needs at least one level");
            }
            comparisons.add(new Comparison(comparisonName, column, List.of(levels)));
            return this;
        }

        public Builder training(Training value) {
            this.training = value;
            return this;
        }

        public Builder clustering(Clustering value) {
            this.clustering = value;
            return this;
        }

        public Builder maxPairsPerRule(long value) {
            this.maxPairsPerRule = value;
            return this;
        }

        public LinkageModel build() {
            return new LinkageModel(
                    name, mode, inputs, blockingRules, comparisons, training, clustering, maxPairsPerRule);
        }
    }

    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public LinkageModel {
        inputs = List.copyOf(inputs);
        blockingRules = List.copyOf(blockingRules);
        comparisons = List.copyOf(comparisons);
        if (mode == Mode.DEDUPE && inputs.size() != 1) {
            throw new LinkageException("mode dedupe needs exactly one input, found " + inputs.size());
        }
        if (mode == Mode.LINK && inputs.size() != 2) {
            throw new LinkageException("mode link needs exactly two inputs, found " + inputs.size());
        }
        if (mode == Mode.LINK_AND_DEDUPE && inputs.size() < 2) {
            throw new LinkageException(
                    "mode link_and_dedupe needs two or more inputs, found " + inputs.size() + "; use dedupe for one");
        }
        Set<String> names = new java.util.HashSet<>();
        for (Input input : inputs) {
            if (!names.add(input.name()) && inputs.size() > 2) {
                throw new LinkageException("Input names must differ: " + input.name() + " appears twice");
            }
        }
        if (blockingRules.isEmpty()) {
            throw new LinkageException("At least one blocking rule is needed: comparing every pair does not scale");
        }
        if (comparisons.isEmpty()) {
            throw new LinkageException("At least one comparison is needed");
        }
        for (Comparison c : comparisons) {
            if (!IDENTIFIER.matcher(c.name()).matches()
                    || !IDENTIFIER.matcher(c.column()).matches()) {
                throw new LinkageException("Comparison names and columns must be plain identifiers: " + c.name());
            }
        }
        if (inputs.get(0).name().equals(inputs.get(inputs.size() - 1).name()) && inputs.size() == 2) {
            throw new LinkageException("The two inputs need different names");
        }
    }

    /** Longest config read, in characters. */
    static final int MAX_CONFIG_CHARS = 256 * 1024;

    static final int MAX_NESTING_DEPTH = 20;

    /** Reads a model from a YAML file; relative input paths are resolved against the file's folder. */
    public static LinkageModel parse(Path yamlFile) {
        try {
            Path base = yamlFile.toAbsolutePath().getParent();
            return parse(Files.readString(yamlFile), base);
        } catch (IOException e) {
            throw new LinkageException("Cannot read linkage config " + yamlFile + ": " + e.getMessage(), e);
        }
    }

    /** Reads a model from YAML text; relative input paths are resolved against {@code baseDirectory}. */
    public static LinkageModel parse(String yaml, Path baseDirectory) {
        if (yaml != null && yaml.length() > MAX_CONFIG_CHARS) {
            throw new LinkageException("The linkage config is larger than " + MAX_CONFIG_CHARS / 1024
                    + " K characters; a config is a page or two of YAML");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        // A config's deepest value is a few levels down; 20,000 brackets stop here, not on the stack.
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_CONFIG_CHARS);
        Object root;
        try {
            root = new Yaml(new SafeConstructor(options)).load(yaml);
        } catch (RuntimeException e) {
            throw new LinkageException("Not valid YAML: " + e.getMessage(), e);
        }
        Map<String, Object> top = map(root, "the config");
        known(
                top,
                "the config",
                "name",
                "mode",
                "inputs",
                "blocking",
                "comparisons",
                "training",
                "clustering",
                "limits");

        Mode mode = switch (text(top, "mode", "dedupe").toLowerCase(Locale.ROOT)) {
            case "dedupe" -> Mode.DEDUPE;
            case "link" -> Mode.LINK;
            case "link_and_dedupe" -> Mode.LINK_AND_DEDUPE;
            default -> throw new LinkageException("mode must be dedupe, link or link_and_dedupe");
        };

        List<Input> inputs = new ArrayList<>();
        for (Object o : list(top.get("inputs"), "inputs")) {
            Map<String, Object> in = map(o, "an input");
            known(in, "an input", "name", "path", "format", "id", "columns");
            String path = required(in, "path", "an input");
            Path resolved = baseDirectory == null ? Path.of(path) : baseDirectory.resolve(path);
            String format = text(in, "format", formatOf(path));
            if (!Set.of("csv", "parquet", "jsonl").contains(format)) {
                throw new LinkageException("Input format must be csv, parquet or jsonl, not " + format);
            }
            Map<String, String> columns = new LinkedHashMap<>();
            if (in.get("columns") != null) {
                map(in.get("columns"), "columns").forEach((k, v) -> {
                    if (!IDENTIFIER.matcher(k).matches()) {
                        throw new LinkageException("Column names must be plain identifiers: " + k);
                    }
                    columns.put(k, String.valueOf(v));
                });
            }
            inputs.add(new Input(
                    text(in, "name", "input" + inputs.size()),
                    resolved,
                    format,
                    required(in, "id", "an input"),
                    Map.copyOf(columns)));
        }

        List<String> blocking = strings(top.get("blocking"), "blocking");

        List<Comparison> comparisons = new ArrayList<>();
        for (Object o : list(top.get("comparisons"), "comparisons")) {
            Map<String, Object> c = map(o, "a comparison");
            known(c, "a comparison", "name", "column", "levels");
            String column = required(c, "column", "a comparison");
            List<Level> levels = new ArrayList<>();
            for (Object l : list(c.get("levels"), "levels")) {
                levels.add(level(l));
            }
            if (levels.isEmpty()) {
                throw new LinkageException("Comparison " + column + " needs at least one level");
            }
            comparisons.add(new Comparison(text(c, "name", column), column, List.copyOf(levels)));
        }

        Map<String, Object> t = top.get("training") == null ? Map.of() : map(top.get("training"), "training");
        known(
                t,
                "training",
                "deterministic_rules",
                "deterministic_recall",
                "u_sample_pairs",
                "seed",
                "max_iterations",
                "tolerance",
                "em_blocking_rules",
                "labelled_pairs");
        Path labelled = null;
        if (t.get("labelled_pairs") != null) {
            String file = String.valueOf(t.get("labelled_pairs"));
            labelled = baseDirectory == null ? Path.of(file) : baseDirectory.resolve(file);
        }
        Training defaults = Training.defaults();
        Training training = new Training(
                t.get("deterministic_rules") == null
                        ? List.of()
                        : strings(t.get("deterministic_rules"), "deterministic_rules"),
                number(t, "deterministic_recall", defaults.deterministicRecall()),
                (long) number(t, "u_sample_pairs", defaults.uSamplePairs()),
                (long) number(t, "seed", defaults.seed()),
                (int) number(t, "max_iterations", defaults.maxIterations()),
                number(t, "tolerance", defaults.tolerance()),
                t.get("em_blocking_rules") == null
                        ? List.of()
                        : strings(t.get("em_blocking_rules"), "em_blocking_rules"),
                labelled);
        if (training.deterministicRecall() <= 0 || training.deterministicRecall() > 1) {
            throw new LinkageException("training.deterministic_recall must be in (0, 1]");
        }

        Map<String, Object> cl = top.get("clustering") == null ? Map.of() : map(top.get("clustering"), "clustering");
        known(cl, "clustering", "threshold", "conflicting_id", "tolerate_id_typo");
        Object conflicting = cl.get("conflicting_id");
        Clustering clustering = new Clustering(
                number(cl, "threshold", DEFAULT_THRESHOLD),
                conflicting == null ? null : String.valueOf(conflicting),
                Boolean.TRUE.equals(cl.get("tolerate_id_typo")));

        Map<String, Object> limits = top.get("limits") == null ? Map.of() : map(top.get("limits"), "limits");
        known(limits, "limits", "max_pairs_per_rule");
        return new LinkageModel(
                text(top, "name", "linkage"), mode, inputs, blocking, comparisons, training, clustering, (long)
                        number(limits, "max_pairs_per_rule", DEFAULT_MAX_PAIRS_PER_RULE));
    }

    /** A level is a bare kind ("exact") or a one-key mapping ("jaro_winkler: 0.9", "exact: {term_frequency: true}"). */
    private static Level level(Object o) {
        String kindName;
        Object argument = null;
        if (o instanceof String s) {
            kindName = s;
        } else if (o instanceof Map<?, ?> m && m.size() == 1) {
            Map.Entry<?, ?> e = m.entrySet().iterator().next();
            kindName = String.valueOf(e.getKey());
            argument = e.getValue();
        } else {
            throw new LinkageException(
                    "A level is a kind such as exact, or a one-key mapping such as jaro_winkler: 0.9; got " + o);
        }
        LevelKind kind;
        try {
            kind = LevelKind.valueOf(kindName.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LinkageException("Unknown level kind " + kindName + "; known: "
                    + java.util.Arrays.stream(LevelKind.values())
                            .map(k -> k.name().toLowerCase(Locale.ROOT))
                            .toList());
        }
        return switch (kind) {
            case EXACT ->
                new Level(
                        kind,
                        0,
                        argument instanceof Map<?, ?> opts && Boolean.TRUE.equals(opts.get("term_frequency")),
                        null);
            case JARO_WINKLER, LEVENSHTEIN, DAMERAU_LEVENSHTEIN, NUMBER_WITHIN -> {
                if (!(argument instanceof Number n)) {
                    throw new LinkageException("Level " + kindName + " needs a number, e.g. " + kindName + ": 0.9");
                }
                yield new Level(kind, n.doubleValue(), false, null);
            }
            case SQL -> {
                if (!(argument instanceof String s) || s.isBlank()) {
                    throw new LinkageException("Level sql needs a condition on l. and r. columns");
                }
                yield new Level(kind, 0, false, s);
            }
            default -> new Level(kind, 0, false, null);
        };
    }

    private static String formatOf(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".parquet")) {
            return "parquet";
        }
        if (p.endsWith(".jsonl") || p.endsWith(".ndjson")) {
            return "jsonl";
        }
        return "csv";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map<?, ?>)) {
            throw new LinkageException(what + " must be a mapping");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        ((Map<Object, Object>) o).forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

    private static List<?> list(Object o, String what) {
        if (!(o instanceof List<?> l) || l.isEmpty()) {
            throw new LinkageException(what + " must be a non-empty list");
        }
        return l;
    }

    private static List<String> strings(Object o, String what) {
        return list(o, what).stream().map(String::valueOf).toList();
    }

    private static void known(Map<String, Object> m, String what, String... keys) {
        for (String k : m.keySet()) {
            if (!List.of(keys).contains(k)) {
                throw new LinkageException("Unknown key " + k + " in " + what + "; known: " + String.join(", ", keys));
            }
        }
    }

    private static String required(Map<String, Object> m, String key, String what) {
        Object v = m.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            throw new LinkageException(what + " needs " + key);
        }
        return String.valueOf(v);
    }

    private static String text(Map<String, Object> m, String key, String fallback) {
        Object v = m.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static double number(Map<String, Object> m, String key, double fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new LinkageException(key + " must be a number");
    }
}
