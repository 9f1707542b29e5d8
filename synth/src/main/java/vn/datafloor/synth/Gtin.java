package vn.datafloor.synth;

/** GTIN-13 (EAN-13) with the GS1 prefix 893 that GS1 Vietnam assigns. */
final class Gtin {
    private static final long ITEMS = 1_000_000_000L;

    private Gtin() {}

    /** GS1 mod-10 check digit: weights 1,3,1,3… from the left over twelve digits, check = (10 − Σ mod 10) mod 10. */
    static int checkDigit(String twelveDigits) {
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (twelveDigits.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return (10 - sum % 10) % 10;
    }

    static boolean isValid(String gtin) {
        return gtin != null
                && gtin.length() == 13
                && gtin.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                && checkDigit(gtin) == gtin.charAt(12) - '0';
    }

    /** Product number {@code index} gets a distinct code: a bijection (×7654321, a unit mod 10⁹) plus a seed-derived offset. */
    static String forProduct(long index, long seed) {
        long item = Math.floorMod(index * 7_654_321L + Ids.mix(seed, 8), ITEMS);
        String twelve = "893" + String.format("%09d", item);
        return twelve + checkDigit(twelve);
    }
}
