package vn.datafloor.integration.connect;

import java.util.List;

/**
 * One setting a source kind takes, as listed to users (the API and the Sources page).
 *
 * @param name the key written in YAML and sent to the API (snake_case)
 * @param required whether a source of this kind cannot work without it
 * @param supply who gives the value, and how
 * @param help one line of English for API users; pages use their own translated labels
 * @param choices the values allowed, when there are few (a form shows a list); empty when free
 */
public record Setting(String name, boolean required, Supply supply, String help, List<String> choices) {

    public Setting {
        choices = List.copyOf(choices);
    }

    public Setting(String name, boolean required, Supply supply, String help) {
        this(name, required, supply, help, List.of());
    }

    /** Who gives a setting's value. */
    public enum Supply {
        /** Written by the steward, stored in clear with the source. */
        VALUE,
        /** The uploaded file: the platform fills it in when a file is uploaded. */
        UPLOAD,
        /**
         * A secret (password, token): given once at registration, sealed, and referred to only by name
         * (a stored credential) until a run opens it. Never stored or shown in clear.
         */
        SECRET
    }

    public boolean secret() {
        return supply == Supply.SECRET;
    }

    static Setting required(String name, String help) {
        return new Setting(name, true, Supply.VALUE, help);
    }

    static Setting optional(String name, String help) {
        return new Setting(name, false, Supply.VALUE, help);
    }
}
