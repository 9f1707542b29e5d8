package vn.datafloor.synth;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Picks from a fixed list by weight with one uniform draw and a binary search over cumulative weights. */
final class WeightedChoice<T> {
    private final List<T> items;
    private final double[] cumulative;

    WeightedChoice(List<T> items, double[] weights) {
        if (items.size() != weights.length || items.isEmpty()) {
            throw new IllegalArgumentException("items and weights differ in length or are empty");
        }
        this.items = List.copyOf(items);
        this.cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        for (int i = 0; i < cumulative.length; i++) {
            cumulative[i] /= sum;
        }
    }

    /** Weights following Zipf's law (rank^-s) for lists without published frequencies. */
    static <T> WeightedChoice<T> zipf(List<T> items, double s) {
        double[] weights = new double[items.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.pow(i + 1, -s);
        }
        return new WeightedChoice<>(items, weights);
    }

    T pick(SplittableRandom random) {
        return items.get(index(random.nextDouble()));
    }

    int index(double u) {
        int i = Arrays.binarySearch(cumulative, u);
        i = i >= 0 ? i + 1 : -i - 1;
        return Math.min(i, cumulative.length - 1);
    }

    List<T> items() {
        return items;
    }
}
