package vn.datafloor.integration.connect;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Database changes: a PostgreSQL table followed by change data capture ({@code
 * vn.datafloor.integration.cdc.ChangeFollower}, docs/cdc.md). Following publishes versions on its own;
 * a pipeline that refers to such a source reads the table as it is now, through the jdbc connector and
 * its guards.
 */
final class ChangesConnector implements SourceConnector<ChangesSettings> {

    @Override
    public String kind() {
        return "pg_changes";
    }

    @Override
    public Class<ChangesSettings> settingsType() {
        return ChangesSettings.class;
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.required("url", "jdbc:postgresql://host:5432/db (wal_level=logical on the server)"),
                Setting.required("user", "a role with REPLICATION and SELECT on the table"),
                new Setting(
                        "credential",
                        false,
                        Setting.Supply.SECRET,
                        "the password: given as the source's secret at registration, sealed, never shown again"),
                Setting.required("table", "schema.table to follow; it needs a primary key"),
                Setting.required("dataset", "the dataset each batch of changes is published as a new version of"),
                Setting.optional("batch_changes", "publish once this many changes wait, 1000 when not given"),
                Setting.optional("batch_seconds", "or once the oldest waiting change is this old, 60 when not given"));
    }

    @Override
    public Reach reach() {
        return Reach.NETWORK;
    }

    @Override
    public ChangesSettings parse(Map<String, String> values) {
        return ChangesSettings.parse(values);
    }

    @Override
    public LoadedSource load(ChangesSettings settings, SourceLoader staging, String lastWatermark)
            throws SQLException, IOException {
        return new JdbcConnector().load(settings.asJdbc(), staging, null);
    }
}
