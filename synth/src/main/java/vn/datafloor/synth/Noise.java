package vn.datafloor.synth;

/**
 * How dirty the agency extracts are. Each rate is the probability that one record (or one field, where
 * said) in a noisy source gets that defect; the civil registry stays clean because it is the reference
 * copy. Rates are independent, so a record may carry several defects.
 *
 * @param typo            one character of a name deleted, doubled, replaced or swapped with its neighbour
 * @param missingDiacritics name written without any diacritics (tax; insured names never have them)
 * @param nfd             name stored decomposed (NFD) instead of NFC (UTF-8 sources only)
 * @param tonePlacement   tone mark moved between old and new style on oa/oe/uy ("hòa" ⇄ "hoà")
 * @param ethForD         Đ written as Ð (U+00D0), in UTF-8 sources (Windows-1258 cannot hold U+00D0)
 * @param swappedNames    middle and given names swapped ("Nguyễn Lan Thị")
 * @param missingField    an optional field (phone, ID, address part) left empty
 * @param dayMonthSwap    day and month of a date exchanged, when both are ≤ 12
 * @param duplicate       the record appears a second time in the same source, with its own record_id
 * @param outdatedAddress address given in the pre-2025 (63-province, with district) form where the
 *                        source otherwise uses the current one
 * @param idError         an ID number (CCCD, tax code) with one digit changed or two adjacent digits swapped
 */
public record Noise(
        double typo,
        double missingDiacritics,
        double nfd,
        double tonePlacement,
        double ethForD,
        double swappedNames,
        double missingField,
        double dayMonthSwap,
        double duplicate,
        double outdatedAddress,
        double idError) {

    public Noise {
        for (double rate : new double[] {
            typo,
            missingDiacritics,
            nfd,
            tonePlacement,
            ethForD,
            swappedNames,
            missingField,
            dayMonthSwap,
            duplicate,
            outdatedAddress,
            idError
        }) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("Noise rates must be in [0, 1]: " + rate);
            }
        }
    }

    /** Rates in the range seen in real agency exports: most records clean, every defect present. */
    public static Noise defaults() {
        return new Noise(0.02, 0.05, 0.05, 0.10, 0.20, 0.01, 0.03, 0.01, 0.02, 0.10, 0.01);
    }

    public static Noise none() {
        return new Noise(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Every rate multiplied by {@code factor} and capped at 1: one knob for "cleaner" or "dirtier". */
    public Noise scaled(double factor) {
        if (!(factor >= 0)) {
            throw new IllegalArgumentException("Noise scale must be ≥ 0: " + factor);
        }
        return new Noise(
                cap(typo * factor),
                cap(missingDiacritics * factor),
                cap(nfd * factor),
                cap(tonePlacement * factor),
                cap(ethForD * factor),
                cap(swappedNames * factor),
                cap(missingField * factor),
                cap(dayMonthSwap * factor),
                cap(duplicate * factor),
                cap(outdatedAddress * factor),
                cap(idError * factor));
    }

    private static double cap(double rate) {
        return Math.min(1, rate);
    }
}
