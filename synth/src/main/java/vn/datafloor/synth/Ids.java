package vn.datafloor.synth;

/** Identifier formatting shared by the writers. */
final class Ids {
    private Ids() {}

    /** Zero-padded decimal without String.format, which is slow on the hot path. */
    static String pad(long value, int width) {
        String digits = Long.toString(value);
        if (digits.length() >= width) {
            return digits;
        }
        StringBuilder out = new StringBuilder(width);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits).toString();
    }

    static String businessId(long index) {
        return "B" + pad(index + 1, 8);
    }

    static String productId(long index) {
        return "G" + pad(index + 1, 9);
    }

    static String householdId(long index) {
        return "H" + pad(index + 1, 9);
    }

    /** SplitMix64's finaliser: spreads a seed and a counter into an independent-looking 64-bit seed. */
    static long mix(long seed, long salt) {
        long z = seed + 0x9E3779B97F4A7C15L * (salt + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
