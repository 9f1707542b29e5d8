package vn.datafloor.integration.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads settings from the generic key → value map that YAML specs and the API both give, and
 * collects every problem before failing, so a steward fixes them all at once.
 */
final class SettingValues {

    private final Map<String, String> values;
    private final List<SettingsException.Problem> problems = new ArrayList<>();

    SettingValues(Map<String, String> values) {
        this.values = values == null ? Map.of() : values;
    }

    /** The value, stripped; blank counts as absent (forms send empty fields). */
    String text(String field) {
        String value = values.get(field);
        return value == null || value.isBlank() ? null : value.strip();
    }

    String required(String field, String what) {
        String value = text(field);
        if (value == null) {
            missing(field, what);
        }
        return value;
    }

    /** A whole number in [min, max], or {@code otherwise} when absent. The bad value is not repeated: it may be anything. */
    Integer number(String field, int min, int max, Integer otherwise) {
        String value = text(field);
        if (value == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, like a number out of range
        }
        invalid(field, "Expected a whole number from " + min + " to " + max);
        return otherwise;
    }

    void missing(String field, String what) {
        problems.add(new SettingsException.Problem(field, SettingsException.Reason.MISSING, what));
    }

    void invalid(String field, String message) {
        problems.add(new SettingsException.Problem(field, SettingsException.Reason.INVALID, message));
    }

    void problem(String field, SettingsException.Reason reason, String message) {
        problems.add(new SettingsException.Problem(field, reason, message));
    }

    boolean ok() {
        return problems.isEmpty();
    }

    /** Throws when anything was wrong; call before building the settings record. */
    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
    }
}
