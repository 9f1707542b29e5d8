package vn.datafloor.server.identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.springframework.stereotype.Component;

/**
 * Password rules after NIST SP 800-63B and OWASP: length over composition, none of the 100,000
 * most common passwords (nor one of them with only digits or symbols around it), no keyboard or
 * alphabet runs, nothing derived from the account name.
 */
@Component
public class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;

    /** The list and where it comes from: resources/passwords/SOURCE.md. */
    static final String COMMON_PASSWORDS = "/passwords/10-million-password-list-top-100000.txt.gz";

    /** Common choices of this platform's users that no international list has. */
    private static final Set<String> LOCAL = Set.of(
            "matkhau",
            "matkhau123",
            "matkhau12345",
            "matkhau123456",
            "vietnam",
            "vietnam12345",
            "hanoi1234567",
            "saigon123456",
            "datafloor",
            "datafloor123",
            "administrator");

    /**
     * Keys in the order fingers meet them: keyboard rows (QWERTY, AZERTY, QWERTZ), the digit row,
     * keypad columns and the alphabet. A password that is nothing but runs along these (either way)
     * is guessed early by every cracker, however long it is.
     */
    private static final List<String> SEQUENCES = List.of(
            "qwertyuiopasdfghjklzxcvbnm",
            "azertyuiopqsdfghjklmwxcvbn",
            "qwertzuiopasdfghjklyxcvbnm",
            "1234567890",
            "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
            "zaq1xsw2cde3vfr4bgt5nhy6mju7",
            "abcdefghijklmnopqrstuvwxyz",
            "7894561230",
            "1472583690",
            "1593574862");

    /** Each sequence forwards and backwards, written twice so that a run may wrap ("…7890123"). */
    private static final List<String> WALKS = SEQUENCES.stream()
            .flatMap(sequence -> java.util.stream.Stream.of(
                    sequence + sequence,
                    new StringBuilder(sequence + sequence).reverse().toString()))
            .toList();

    /** The shortest run that counts as one piece of a keyboard walk. */
    private static final int MIN_RUN = 4;

    private final Set<String> common;

    public PasswordPolicy() {
        this.common = load();
    }

    private static Set<String> load() {
        Set<String> passwords = new HashSet<>(150_000);
        try (InputStream raw = PasswordPolicy.class.getResourceAsStream(COMMON_PASSWORDS)) {
            if (raw == null) {
                throw new IllegalStateException("missing resource " + COMMON_PASSWORDS);
            }
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null; ) {
                String password = normalise(line);
                if (!password.isEmpty()) {
                    passwords.add(password);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String local : LOCAL) {
            passwords.add(normalise(local));
        }
        return Set.copyOf(passwords);
    }

    /** The form passwords are compared in: Unicode NFKC (full-width letters become plain), lower case. */
    static String normalise(String password) {
        return Normalizer.normalize(password.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** Message keys of every rule the password breaks; empty when it is acceptable. */
    public List<String> violations(String username, String password) {
        List<String> broken = new ArrayList<>();
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            broken.add("password.tooShort");
            return broken;
        }
        if (password.length() > MAX_LENGTH) {
            broken.add("password.tooLong");
        }
        String normal = normalise(password);
        if (isCommon(normal)) {
            broken.add("password.common");
        } else if (isKeyboardWalk(normal)) {
            broken.add("password.keyboardWalk");
        }
        if (username != null && username.length() >= 3 && normal.contains(normalise(username))) {
            broken.add("password.containsUsername");
        }
        if (password.chars().distinct().count() < 5) {
            broken.add("password.tooRepetitive");
        }
        return broken;
    }

    /** A listed password as it is, or with only digits, symbols and spaces before or after it ("Password2026!"). */
    boolean isCommon(String normal) {
        if (common.contains(normal)) {
            return true;
        }
        int start = 0;
        int end = normal.length();
        while (start < end && !Character.isLetter(normal.codePointAt(start))) {
            start += Character.charCount(normal.codePointAt(start));
        }
        while (end > start && !Character.isLetter(normal.codePointBefore(end))) {
            end -= Character.charCount(normal.codePointBefore(end));
        }
        String core = normal.substring(start, end);
        return core.length() >= MIN_RUN && core.length() < normal.length() && common.contains(core);
    }

    /**
     * Whether the password, symbols and spaces aside, is made only of runs of at least
     * {@value #MIN_RUN} keys along a keyboard row or column or the alphabet, forwards or backwards
     * ("qwertyuiopasdf", "1qaz2wsx3edc", "zxcvbnm0987654321").
     */
    static boolean isKeyboardWalk(String normal) {
        StringBuilder keys = new StringBuilder();
        normal.codePoints().filter(Character::isLetterOrDigit).forEach(keys::appendCodePoint);
        String text = keys.toString();
        if (text.length() < MIN_RUN) {
            return false;
        }
        int at = 0;
        while (at < text.length()) {
            int run = longestRun(text, at);
            if (run < MIN_RUN) {
                return false;
            }
            at += run;
        }
        return true;
    }

    private static int longestRun(String text, int from) {
        int best = 0;
        for (String walk : WALKS) {
            int length = best + 1;
            while (from + length <= text.length() && walk.contains(text.substring(from, from + length))) {
                best = length;
                length++;
            }
        }
        return best;
    }
}
