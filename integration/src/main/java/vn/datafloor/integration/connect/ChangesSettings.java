package vn.datafloor.integration.connect;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An agency's PostgreSQL table followed by change data capture (docs/cdc.md): every insert, update and
 * delete becomes part of the next version of {@code dataset}.
 *
 * @param url jdbc:postgresql://host:port/db, one host; never with a password in it
 * @param user a role with REPLICATION (and SELECT on the table, for the first copy)
 * @param credential name of the stored credential holding the password; never the password
 * @param table {@code schema.table} or {@code table} (schema public); it needs a primary key
 * @param dataset the dataset its versions are published as
 * @param batchChanges a version is published once this many changes wait (1 to 1,000,000; 1000)
 * @param batchSeconds or once the oldest waiting change is this old (1 to 86,400; 60)
 */
public record ChangesSettings(
        String url, String user, String credential, String table, String dataset, int batchChanges, int batchSeconds)
        implements SourceSettings {

    static final Pattern TABLE = Pattern.compile("([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}");
    private static final Pattern DATASET = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    static final int DEFAULT_BATCH_CHANGES = 1000;
    static final int MAX_BATCH_CHANGES = 1_000_000;
    static final int DEFAULT_BATCH_SECONDS = 60;
    static final int MAX_BATCH_SECONDS = 86_400;
    private static final String POSTGRESQL = "jdbc:postgresql://";

    public ChangesSettings {
        SettingValues checks = new SettingValues(Map.of());
        if (url == null || url.isBlank()) {
            checks.missing("url", "A database changes source needs a url");
        } else if (!url.toLowerCase(Locale.ROOT).startsWith(POSTGRESQL)) {
            checks.invalid("url", "Change data capture reads PostgreSQL: jdbc:postgresql://host:5432/db");
        } else {
            // The same check as every database source: allow-listed parameters, a host, no user or password.
            for (String problem : JdbcSources.problems(url)) {
                checks.problem("url", SettingsException.Reason.REFUSED, problem);
            }
            if (url.toLowerCase(Locale.ROOT).contains("password=")) {
                checks.problem(
                        "url",
                        SettingsException.Reason.SECRET_IN_URL,
                        "Put the password in the secret field, not in the url: urls are shown and logged");
            } else if (url.substring(POSTGRESQL.length()).split("[/?]", 2)[0].contains(",")) {
                checks.invalid("url", "Change data capture follows one server: name one host");
            }
        }
        if (user == null || user.isBlank()) {
            checks.missing("user", "Name the database role that may replicate (REPLICATION)");
        }
        if (table == null) {
            checks.missing("table", "Name the table to follow: schema.table");
        } else if (!TABLE.matcher(table).matches()) {
            checks.invalid("table", "The table is schema.table in lower-case letters, digits and _");
        }
        if (dataset == null) {
            checks.missing("dataset", "Name the dataset the changes are published as");
        } else if (!DATASET.matcher(dataset).matches()) {
            checks.invalid("dataset", "Dataset names are 1-100 of a-z, 0-9, '.', '_', '-'");
        }
        if (batchChanges < 1 || batchChanges > MAX_BATCH_CHANGES) {
            checks.invalid("batch_changes", "Expected a whole number from 1 to " + MAX_BATCH_CHANGES);
        }
        if (batchSeconds < 1 || batchSeconds > MAX_BATCH_SECONDS) {
            checks.invalid("batch_seconds", "Expected a whole number from 1 to " + MAX_BATCH_SECONDS);
        }
        checks.throwIfAny();
    }

    static ChangesSettings parse(Map<String, String> values) {
        SettingValues v = new SettingValues(values);
        Integer changes = v.number("batch_changes", 1, MAX_BATCH_CHANGES, DEFAULT_BATCH_CHANGES);
        Integer seconds = v.number("batch_seconds", 1, MAX_BATCH_SECONDS, DEFAULT_BATCH_SECONDS);
        String table = v.text("table");
        ChangesSettings settings;
        try {
            settings = new ChangesSettings(
                    v.text("url"),
                    v.text("user"),
                    v.text("credential"),
                    table == null ? null : table.toLowerCase(Locale.ROOT),
                    v.text("dataset"),
                    changes == null ? DEFAULT_BATCH_CHANGES : changes,
                    seconds == null ? DEFAULT_BATCH_SECONDS : seconds);
        } catch (SettingsException e) {
            e.problems().forEach(p -> v.problem(p.field(), p.reason(), p.message()));
            v.throwIfAny();
            throw e;
        }
        v.throwIfAny();
        return settings;
    }

    /** The table's schema: {@code public} when the table was given without one. */
    public String schema() {
        int dot = table.indexOf('.');
        return dot < 0 ? "public" : table.substring(0, dot);
    }

    /** The table's name without its schema. */
    public String tableName() {
        int dot = table.indexOf('.');
        return dot < 0 ? table : table.substring(dot + 1);
    }

    /** The same table read whole through the jdbc connector: what a pipeline that refers to this source reads. */
    JdbcSettings asJdbc() {
        return new JdbcSettings(url, user, credential, schema() + "." + tableName(), null, null, 60);
    }

    @Override
    public String describe() {
        return schema() + "." + tableName();
    }

    @Override
    public String toString() {
        return "ChangesSettings[url=" + url + ", user=" + user + ", credential="
                + (credential == null ? "none" : "(stored)") + ", table=" + table + ", dataset=" + dataset
                + ", batchChanges=" + batchChanges + ", batchSeconds=" + batchSeconds + "]";
    }
}
