package vn.datafloor.server.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Password rules after NIST SP 800-63B and OWASP: length over composition, no known-common
 * passwords, nothing derived from the account name.
 */
@Component
public class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;

    private static final Set<String> COMMON = Set.of(
            "123456789012", "password1234", "passwordpassword", "qwertyuiopas", "abc123456789", "matkhau12345",
            "matkhau123456", "111111111111", "000000000000", "iloveyou1234", "admin1234567", "administrator",
            "123456abcdef", "qwerty123456", "vietnam12345", "hanoi1234567", "saigon123456", "datafloor123");

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
        String lower = password.toLowerCase(Locale.ROOT);
        if (COMMON.contains(lower)) {
            broken.add("password.common");
        }
        if (username != null && username.length() >= 3 && lower.contains(username.toLowerCase(Locale.ROOT))) {
            broken.add("password.containsUsername");
        }
        if (password.chars().distinct().count() < 5) {
            broken.add("password.tooRepetitive");
        }
        return broken;
    }
}
