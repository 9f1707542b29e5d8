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
import org.yaml.snakeyaml.DumperOptions;
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
    public record Comparison(String name, String column, List<Level> levels) {

        /** The level a pair is at, -1 for "null on either side", as every engine labels it in its output. */
        public String levelLabel(int level) {
            if (level < 0) {
                return "null";
            }
            return level < levels.size() ? levels.get(level).label() : "else";
        }
    }

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
        DATE_PARTIAL,
        NAME_REORDERED,
        NAME_WORDS_CONTAINED,
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
        checkRanges(comparisons, training, clustering, maxPairsPerRule);
    }

    /**
     * Every numeric setting against the range its use gives it meaning in; the message names the
     * setting as the YAML spells it, the value and the range.
     */
    private static void checkRanges(
            List<Comparison> comparisons, Training training, Clustering clustering, long maxPairsPerRule) {
        for (int c = 0; c < comparisons.size(); c++) {
            List<Level> levels = comparisons.get(c).levels();
            for (int l = 0; l < levels.size(); l++) {
                Level level = levels.get(l);
                String setting = "comparisons[" + c + "].levels[" + l + "]."
                        + level.kind().name().toLowerCase(Locale.ROOT);
                double v = level.parameter();
                switch (level.kind()) {
                    case JARO_WINKLER ->
                        range(setting, v, v >= 0 && v <= 1, "[0, 1] (a Jaro-Winkler similarity, 1 = identical)");
                    case LEVENSHTEIN, DAMERAU_LEVENSHTEIN ->
                        range(
                                setting,
                                v,
                                v >= 1 && v <= 1000 && v == Math.rint(v),
                                "a whole number of edits from 1 to 1000 (0 edits is the exact level)");
                    case NUMBER_WITHIN ->
                        range(setting, v, v >= 0 && Double.isFinite(v), "a finite number >= 0 (|l - r| <= x)");
                    default -> {}
                }
            }
        }
        if (training != null) {
            double recall = training.deterministicRecall();
            range("training.deterministic_recall", recall, recall > 0 && recall <= 1, "(0, 1], a share of matches");
            range(
                    "training.u_sample_pairs",
                    training.uSamplePairs(),
                    training.uSamplePairs() >= 1,
                    "a whole number >= 1 of random pairs");
            range(
                    "training.max_iterations",
                    training.maxIterations(),
                    training.maxIterations() >= 1,
                    "a whole number >= 1 of EM iterations");
            double tolerance = training.tolerance();
            range(
                    "training.tolerance",
                    tolerance,
                    tolerance > 0 && tolerance < 1,
                    "(0, 1), the largest change of an m probability that counts as converged");
        }
        if (clustering != null) {
            double threshold = clustering.threshold();
            range("clustering.threshold", threshold, threshold > 0 && threshold <= 1, "(0, 1], a match probability");
        }
        range("limits.max_pairs_per_rule", maxPairsPerRule, maxPairsPerRule >= 1, "a whole number >= 1 of pairs");
    }

    private static void range(String setting, double value, boolean ok, String allowed) {
        if (!ok || Double.isNaN(value)) {
            throw new LinkageException(setting + " is " + plain(value) + ", outside its range: " + allowed);
        }
    }

    /** 92 rather than 92.0, 0.925 as written. */
    static String plain(double value) {
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
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

    /**
     * The config as the model reads it: a {@code preset} written out into columns, blocking rules,
     * comparisons, training and clustering (see {@code docs/linkage.md}); a config without a preset
     * comes back as it is, re-printed.
     */
    public static String expandPreset(String yaml) {
        Map<String, Object> top = load(yaml);
        if (LinkagePreset.named(top)) {
            top = LinkagePreset.expand(top);
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(120);
        return new Yaml(options).dump(top);
    }

    private static Map<String, Object> load(String yaml) {
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
        return map(root, "the config");
    }

    /** Reads a model from YAML text; relative input paths are resolved against {@code baseDirectory}. */
    public static LinkageModel parse(String yaml, Path baseDirectory) {
        Map<String, Object> top = load(yaml);
        if (LinkagePreset.named(top)) {
            top = LinkagePreset.expand(top);
        }
        known(
                top,
                "the top level",
                "preset",
                "name",
                "mode",
                "inputs",
                "blocking",
                "comparisons",
                "training",
                "clustering",
                "limits");

        String modeName = text(top, "mode", "dedupe");
        Mode mode = switch (modeName.toLowerCase(Locale.ROOT)) {
            case "dedupe" -> Mode.DEDUPE;
            case "link" -> Mode.LINK;
            case "link_and_dedupe" -> Mode.LINK_AND_DEDUPE;
            default ->
                throw new LinkageException("mode must be dedupe, link or link_and_dedupe, not " + modeName
                        + didYouMean(modeName, List.of("dedupe", "link", "link_and_dedupe")));
        };

        List<Input> inputs = new ArrayList<>();
        for (Object o : list(top.get("inputs"), "inputs")) {
            Map<String, Object> in = map(o, "an input");
            known(in, "inputs[" + inputs.size() + "]", "name", "path", "format", "id", "columns");
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
            String where = "comparisons[" + comparisons.size() + "]";
            known(c, where, "name", "column", "levels");
            String column = required(c, "column", "a comparison");
            List<Level> levels = new ArrayList<>();
            for (Object l : list(c.get("levels"), "levels")) {
                levels.add(level(l, where + ".levels[" + levels.size() + "]"));
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
                number(t, "training.deterministic_recall", defaults.deterministicRecall()),
                whole(t, "training.u_sample_pairs", defaults.uSamplePairs()),
                whole(t, "training.seed", defaults.seed()),
                (int) Math.min(Integer.MAX_VALUE, whole(t, "training.max_iterations", defaults.maxIterations())),
                number(t, "training.tolerance", defaults.tolerance()),
                t.get("em_blocking_rules") == null
                        ? List.of()
                        : strings(t.get("em_blocking_rules"), "em_blocking_rules"),
                labelled);

        Map<String, Object> cl = top.get("clustering") == null ? Map.of() : map(top.get("clustering"), "clustering");
        known(cl, "clustering", "threshold", "conflicting_id", "tolerate_id_typo");
        Object conflicting = cl.get("conflicting_id");
        Clustering clustering = new Clustering(
                number(cl, "clustering.threshold", DEFAULT_THRESHOLD),
                conflicting == null ? null : String.valueOf(conflicting),
                flag(cl, "tolerate_id_typo", "clustering.tolerate_id_typo"));

        Map<String, Object> limits = top.get("limits") == null ? Map.of() : map(top.get("limits"), "limits");
        known(limits, "limits", "max_pairs_per_rule");
        return new LinkageModel(
                text(top, "name", "linkage"),
                mode,
                inputs,
                blocking,
                comparisons,
                training,
                clustering,
                whole(limits, "limits.max_pairs_per_rule", DEFAULT_MAX_PAIRS_PER_RULE));
    }

    /** A level is a bare kind ("exact") or a one-key mapping ("jaro_winkler: 0.9", "exact: {term_frequency: true}"). */
    private static Level level(Object o, String where) {
        String kindName;
        Object argument = null;
        boolean hasArgument = false;
        if (o instanceof String s) {
            kindName = s;
        } else if (o instanceof Map<?, ?> m && m.size() == 1) {
            Map.Entry<?, ?> e = m.entrySet().iterator().next();
            kindName = String.valueOf(e.getKey());
            argument = e.getValue();
            hasArgument = true;
        } else {
            throw new LinkageException(where + ": a level is a kind such as exact, or a one-key mapping such as"
                    + " jaro_winkler: 0.9; got " + o);
        }
        List<String> kinds = java.util.Arrays.stream(LevelKind.values())
                .map(k -> k.name().toLowerCase(Locale.ROOT))
                .toList();
        LevelKind kind;
        try {
            kind = LevelKind.valueOf(kindName.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LinkageException("Unknown level kind \"" + kindName + "\" at " + where
                    + didYouMean(kindName, kinds) + "; known: " + kinds);
        }
        String setting = where + "." + kind.name().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case EXACT -> {
                boolean termFrequency = false;
                if (hasArgument) {
                    if (!(argument instanceof Map<?, ?>)) {
                        throw new LinkageException(setting + " takes no value, or options such as"
                                + " {term_frequency: true}; got " + argument);
                    }
                    Map<String, Object> options = map(argument, setting);
                    known(options, setting, "term_frequency");
                    termFrequency = flag(options, "term_frequency", setting + ".term_frequency");
                }
                yield new Level(kind, 0, termFrequency, null);
            }
            case JARO_WINKLER, LEVENSHTEIN, DAMERAU_LEVENSHTEIN, NUMBER_WITHIN -> {
                if (!(argument instanceof Number n)) {
                    throw new LinkageException(setting + " needs a number, e.g. " + kindName
                            + (kind == LevelKind.JARO_WINKLER ? ": 0.9" : ": 2") + "; got " + argument);
                }
                yield new Level(kind, n.doubleValue(), false, null);
            }
            case SQL -> {
                if (!(argument instanceof String s) || s.isBlank()) {
                    throw new LinkageException(setting + " needs a condition on l. and r. columns");
                }
                yield new Level(kind, 0, false, s);
            }
            default -> {
                if (hasArgument) {
                    throw new LinkageException(setting + " takes no value; write it as a bare kind (- "
                            + kind.name().toLowerCase(Locale.ROOT) + "), got " + argument);
                }
                yield new Level(kind, 0, false, null);
            }
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

    /** Refuses a key the config reference does not list at {@code where}, suggesting the likely one. */
    private static void known(Map<String, Object> m, String where, String... keys) {
        for (String k : m.keySet()) {
            if (!List.of(keys).contains(k)) {
                throw new LinkageException("Unknown key \"" + k + "\" at " + where + didYouMean(k, List.of(keys))
                        + "; the keys there are " + String.join(", ", keys));
            }
        }
    }

    /** "; did you mean x?" when one candidate is a few edits from {@code given}, else empty. */
    static String didYouMean(String given, List<String> candidates) {
        String g = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(g, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int allowed = Math.max(2, Math.min(g.length(), best == null ? 0 : best.length()) / 3);
        return best != null && bestDistance > 0 && bestDistance <= allowed ? "; did you mean " + best + "?" : "";
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static boolean flag(Map<String, Object> m, String key, String setting) {
        Object v = m.get(key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new LinkageException(setting + " must be true or false, not " + v);
    }

    /** A whole number setting; 1.0e6 is accepted, 2.5 and values beyond a long are not. */
    private static long whole(Map<String, Object> m, String setting, long fallback) {
        String key = setting.substring(setting.lastIndexOf('.') + 1);
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.0e18) {
            return d.longValue();
        }
        throw new LinkageException(setting + " is " + v + ", which is not a whole number");
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

    private static double number(Map<String, Object> m, String setting, double fallback) {
        Object v = m.get(setting.substring(setting.lastIndexOf('.') + 1));
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new LinkageException(setting + " must be a number, not " + v);
    }
}
