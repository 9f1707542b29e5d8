package vn.datafloor.linkage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trained Fellegi–Sunter parameters: λ, the prior proportion of matching pairs among all pairs, and
 * per comparison the m and u probability of each level (null level excluded; the last level is "else").
 * Saved next to the model as JSON so prediction can reuse them without retraining.
 */
public record LinkageParameters(
        String model, double lambda, List<ComparisonParameters> comparisons, List<EmRun> training) {

    public record ComparisonParameters(String name, List<LevelParameters> levels) {}

    /** m = P(level | match), u = P(level | non-match); {@code trained} false when EM never saw this comparison. */
    public record LevelParameters(String label, double m, double u, boolean trained) {

        /** log2(m/u): the weight this level adds to a pair's match weight. */
        public double weight() {
            return Math.log(m / u) / Math.log(2);
        }
    }

    /** One EM run over the pairs of one blocking rule. */
    public record EmRun(String blockingRule, long pairs, int iterations, boolean converged, double matchProportion) {}

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public LinkageParameters {
        comparisons = List.copyOf(comparisons);
        training = List.copyOf(training);
    }

    /** log2(λ / (1 − λ)): the match weight of a pair before any comparison. */
    public double priorWeight() {
        return Math.log(lambda / (1 - lambda)) / Math.log(2);
    }

    public void write(Path file) {
        try {
            Files.writeString(file, JSON.writeValueAsString(this));
        } catch (IOException | JacksonException e) {
            throw new LinkageException("Cannot write parameters to " + file + ": " + e.getMessage(), e);
        }
    }

    public static LinkageParameters read(Path file) {
        try {
            return JSON.readValue(Files.readString(file), LinkageParameters.class);
        } catch (IOException | JacksonException e) {
            throw new LinkageException("Cannot read parameters from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses parameters trained for another model: every comparison of {@code model} must be here
     * with the same levels (by their labels, in order, then "else"; a term-frequency mark aside), and no
     * other. Checked before
     * reused parameters score anything, so a parameters file from another model is never applied to
     * comparisons it does not describe.
     */
    public void checkFits(LinkageModel model) {
        java.util.Set<String> expected = new java.util.LinkedHashSet<>();
        for (LinkageModel.Comparison c : model.comparisons()) {
            expected.add(c.name());
            ComparisonParameters p = comparison(c.name());
            List<String> levels = new java.util.ArrayList<>();
            c.levels().forEach(level -> levels.add(kindOf(level.label())));
            levels.add("else");
            List<String> found = p.levels().stream().map(l -> kindOf(l.label())).toList();
            if (!found.equals(levels)) {
                throw new LinkageException("The parameters of comparison " + c.name() + " have the levels " + found
                        + ", the model's are " + levels + "; they were trained for another model: train again");
            }
        }
        List<String> extra = comparisons.stream()
                .map(ComparisonParameters::name)
                .filter(name -> !expected.contains(name))
                .toList();
        if (!extra.isEmpty()) {
            throw new LinkageException("The parameters have comparisons the model does not: " + extra
                    + "; they were trained for another model: train again");
        }
    }

    /**
     * A level's label without its term-frequency mark: the adjustment is computed from the records at
     * scoring time, so parameters trained with it or without it fit the same level.
     */
    private static String kindOf(String label) {
        return label == null ? "" : label.replace(" (term frequency)", "");
    }

    public ComparisonParameters comparison(String name) {
        return comparisons.stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new LinkageException("The parameters have no comparison " + name
                        + "; they were trained for another model: train again"));
    }
}
