package vn.datafloor.integration.pipeline;

/**
 * Masks values shown as failing examples in quality reports: enough to recognise the kind of error
 * ("0912***678", "N****n V*n A*"), not enough to identify a person.
 */
public final class Masking {

    private Masking() {}

    public static String mask(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            return value;
        }
        long digits = trimmed.chars().filter(Character::isDigit).count();
        if (digits >= 6 && trimmed.chars().noneMatch(Character::isLetter)) {
            // Identifiers and phone numbers: keep the shape and the last three digits.
            StringBuilder masked = new StringBuilder();
            long seen = 0;
            for (int i = 0; i < trimmed.length(); i++) {
                char c = trimmed.charAt(i);
                boolean digit = Character.isDigit(c);
                masked.append(digit && seen++ < digits - 3 ? '*' : c);
            }
            return masked.toString();
        }
        int at = trimmed.indexOf('@');
        if (at > 0) {
            return trimmed.charAt(0) + "***" + trimmed.substring(at);
        }
        StringBuilder masked = new StringBuilder();
        for (String word : trimmed.split(" ", -1)) {
            if (masked.length() > 0) {
                masked.append(' ');
            }
            int length = word.codePointCount(0, word.length());
            if (length <= 2) {
                masked.append(word.isEmpty() ? "" : word.substring(0, word.offsetByCodePoints(0, 1)))
                        .append(length == 2 ? "*" : "");
            } else {
                int firstEnd = word.offsetByCodePoints(0, 1);
                int lastStart = word.offsetByCodePoints(0, length - 1);
                masked.append(word, 0, firstEnd).append("*".repeat(length - 2)).append(word.substring(lastStart));
            }
        }
        return masked.toString();
    }
}
