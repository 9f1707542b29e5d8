package vn.datafloor.synth;

/**
 * Vietnamese enterprise tax codes (mã số thuế, MST): 10 digits whose 10th is a check digit over the first
 * nine with weights 31, 29, 23, 19, 17, 13, 7, 5, 3: check = 10 − (Σ weight·digit mod 11). When that is
 * 10 (Σ mod 11 = 0) the nine digits cannot carry a valid code and the issuer picks other digits.
 */
final class TaxCode {
    private static final int[] WEIGHTS = {31, 29, 23, 19, 17, 13, 7, 5, 3};
    private static final long BODIES = 90_000_000L;

    private TaxCode() {}

    /** The check digit for nine digits, or -1 when they have none (the issuer must resample). */
    static int checkDigit(long nineDigits) {
        int sum = 0;
        long rest = nineDigits;
        for (int i = 8; i >= 0; i--) {
            sum += WEIGHTS[i] * (int) (rest % 10);
            rest /= 10;
        }
        int check = 10 - sum % 11;
        return check <= 9 ? check : -1;
    }

    static boolean isValid(String code) {
        if (code == null || code.length() != 10 || !code.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return false;
        }
        return checkDigit(Long.parseLong(code.substring(0, 9))) == code.charAt(9) - '0';
    }

    /**
     * The tax code of business number {@code index}: a pure function so any part of the generator can name
     * a business before it is written. Distinct indexes get distinct codes: the first eight digits come
     * from a bijection of the index (multiplication by 7654321, a unit mod 9·10⁷, shifted by the seed), and the
     * ninth is the first of ten candidates with a valid check digit — stepping the ninth digit changes Σ
     * by 3 mod 11, so at most one of the ten is invalid.
     */
    static String forBusiness(long index, long seed) {
        if (index < 0 || index >= BODIES) {
            throw new IllegalArgumentException("business index out of range: " + index);
        }
        long eight = 10_000_000L + Math.floorMod(index * 7_654_321L + Ids.mix(seed, 7), BODIES);
        for (int ninth = 0; ninth <= 9; ninth++) {
            long body = eight * 10 + ninth;
            int check = checkDigit(body);
            if (check >= 0) {
                return Long.toString(body) + check;
            }
        }
        throw new AssertionError("unreachable: at most one of ten candidates lacks a check digit");
    }
}
