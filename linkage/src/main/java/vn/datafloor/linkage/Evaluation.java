package vn.datafloor.linkage;

/**
 * Pairwise quality against ground truth. A pair is a true positive when both records carry the
 * same truth entity; true pairs that blocking never produced count as false negatives.
 */
public record Evaluation(long truePositives, long falsePositives, long falseNegatives) {

    public double precision() {
        long predicted = truePositives + falsePositives;
        return predicted == 0 ? 1.0 : (double) truePositives / predicted;
    }

    public double recall() {
        long actual = truePositives + falseNegatives;
        return actual == 0 ? 1.0 : (double) truePositives / actual;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "precision %.4f recall %.4f F1 %.4f (tp %d, fp %d, fn %d)",
                precision(),
                recall(),
                f1(),
                truePositives,
                falsePositives,
                falseNegatives);
    }
}
