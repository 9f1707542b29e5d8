package vn.datafloor.synth;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.Locale;
import java.util.SplittableRandom;

/** The defects of {@link Noise}, as pure functions of a value and a random source. */
final class Corruptor {

    private static final String TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323";

    private Corruptor() {}

    /** "Nguyễn Đức" → "Nguyen Duc": what systems without Vietnamese fonts or input methods store. */
    static String stripDiacritics(String s) {
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); i++) {
            char c = nfd.charAt(i);
            if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue;
            }
            out.append(c == 'đ' || c == 'ð' ? 'd' : c == 'Đ' || c == 'Ð' ? 'D' : c);
        }
        return out.toString();
    }

    static String upperAscii(String s) {
        return stripDiacritics(s).toUpperCase(Locale.ROOT);
    }

    static String nfd(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD);
    }

    /** Đ (U+0110) written as Ð (U+00D0, Latin ETH), which looks the same; a common keyboard/font mix-up. */
    static String ethForD(String s) {
        return s.replace('\u0110', '\u00D0');
    }

    /**
     * Moves the tone mark of every syllable ending in oa, oe or uy to the other vowel: old style puts it on
     * the first ("hòa", "thủy"), new style on the second ("hoà", "thuỷ"). Both spellings are in real use.
     */
    static String toggleTonePlacement(String s) {
        StringBuilder out = new StringBuilder(s.length() + 4);
        int start = 0;
        while (start <= s.length()) {
            int end = s.indexOf(' ', start);
            if (end < 0) {
                end = s.length();
            }
            out.append(toggleSyllable(s.substring(start, end)));
            if (end < s.length()) {
                out.append(' ');
            }
            start = end + 1;
        }
        return out.toString();
    }

    private static String toggleSyllable(String syllable) {
        String d = Normalizer.normalize(syllable, Normalizer.Form.NFD);
        int tone = -1;
        StringBuilder bare = new StringBuilder(d.length());
        char mark = 0;
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (TONE_MARKS.indexOf(c) >= 0) {
                tone = bare.length();
                mark = c;
            } else {
                bare.append(c);
            }
        }
        String b = bare.toString();
        String lower = b.toLowerCase(Locale.ROOT);
        if (tone < 0 || lower.length() < 2) {
            return syllable;
        }
        String end = lower.substring(lower.length() - 2);
        if (!end.equals("oa") && !end.equals("oe") && !end.equals("uy")) {
            return syllable;
        }
        int first = b.length() - 2;
        int second = b.length() - 1;
        // The tone sits after the vowel it belongs to (plus that vowel's own marks, none for o/u/a/e/y here).
        int newPosition = tone == first + 1 ? second + 1 : tone == second + 1 ? first + 1 : -1;
        if (newPosition < 0) {
            return syllable;
        }
        StringBuilder moved = new StringBuilder(b).insert(newPosition, mark);
        return Normalizer.normalize(moved, Normalizer.Form.NFC);
    }

    /** One keyboard slip: a letter dropped, doubled, swapped with its neighbour, or replaced. */
    static String typo(String s, SplittableRandom random) {
        if (s.length() < 3) {
            return s;
        }
        int i = 1 + random.nextInt(s.length() - 2);
        char c = s.charAt(i);
        if (c == ' ' || Character.getType(c) == Character.NON_SPACING_MARK) {
            return s;
        }
        StringBuilder out = new StringBuilder(s);
        switch (random.nextInt(4)) {
            case 0 -> out.deleteCharAt(i);
            case 1 -> out.insert(i, c);
            case 2 -> {
                char next = s.charAt(i + 1);
                if (next != ' ' && Character.getType(next) != Character.NON_SPACING_MARK) {
                    out.setCharAt(i, next);
                    out.setCharAt(i + 1, c);
                } else {
                    out.deleteCharAt(i);
                }
            }
            default -> out.setCharAt(i, "aeionhtgum".charAt(random.nextInt(10)));
        }
        return out.toString();
    }

    /** A mistyped ID: one digit changed, or two adjacent different digits transposed. */
    static String idError(String digits, SplittableRandom random) {
        char[] c = digits.toCharArray();
        int i = random.nextInt(c.length - 1);
        if (random.nextBoolean() && c[i] != c[i + 1]) {
            char t = c[i];
            c[i] = c[i + 1];
            c[i + 1] = t;
        } else {
            int j = random.nextInt(c.length);
            c[j] = (char) ('0' + (c[j] - '0' + 1 + random.nextInt(9)) % 10);
        }
        return new String(c);
    }

    /** The date with day and month exchanged, when that is still a valid date and differs; else unchanged. */
    static LocalDate swapDayMonth(LocalDate date) {
        if (date.getDayOfMonth() > 12 || date.getDayOfMonth() == date.getMonthValue()) {
            return date;
        }
        return LocalDate.of(date.getYear(), date.getDayOfMonth(), date.getMonthValue());
    }
}
