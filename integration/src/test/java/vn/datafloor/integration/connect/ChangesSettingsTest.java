package vn.datafloor.integration.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A database changes source's settings: PostgreSQL only, one host, a plain table, a dataset, bounded batches. */
class ChangesSettingsTest {

    private static Map<String, String> valid() {
        Map<String, String> values = new HashMap<>();
        values.put("url", "jdbc:postgresql://db.so-y-te.example:5432/benhvien?sslmode=require");
        values.put("user", "datafloor_cdc");
        values.put("table", "Public.Benh_Nhan");
        values.put("dataset", "health.patients");
        return values;
    }

    private static SettingsException refused(Map<String, String> values) {
        return catchThrowableOfType(
                SettingsException.class,
                () -> SourceConnectors.get("pg_changes").parse(values));
    }

    @Test
    void validSettingsAreReadWithTheirDefaults() {
        ChangesSettings settings =
                (ChangesSettings) SourceConnectors.get("pg_changes").parse(valid());
        assertThat(settings.schema()).isEqualTo("public");
        assertThat(settings.tableName()).isEqualTo("benh_nhan");
        assertThat(settings.batchChanges()).isEqualTo(1000);
        assertThat(settings.batchSeconds()).isEqualTo(60);
        assertThat(settings.describe()).isEqualTo("public.benh_nhan");
        assertThat(SourceConnectors.get("pg_changes").reach()).isEqualTo(SourceConnector.Reach.NETWORK);
    }

    @Test
    void onlyOnePostgresqlServerWithAllowedParametersAndNoPassword() {
        Map<String, String> mysql = valid();
        mysql.put("url", "jdbc:mysql://db.example/x");
        assertThat(refused(mysql).problems()).anyMatch(p -> p.field().equals("url"));

        Map<String, String> classLoading = valid();
        classLoading.put("url", "jdbc:postgresql://db.example/x?socketFactory=evil.Factory");
        assertThat(refused(classLoading).refusal()).isPresent();

        Map<String, String> password = valid();
        password.put("url", "jdbc:postgresql://db.example/x?password=secret");
        SettingsException withPassword = refused(password);
        assertThat(withPassword.problems())
                .anyMatch(p -> p.reason() == SettingsException.Reason.SECRET_IN_URL
                        || p.reason() == SettingsException.Reason.REFUSED);
        assertThat(withPassword.getMessage()).doesNotContain("secret=");

        Map<String, String> twoHosts = valid();
        twoHosts.put("url", "jdbc:postgresql://a.example,b.example/x");
        assertThat(refused(twoHosts).problems()).anyMatch(p -> p.field().equals("url"));
    }

    @Test
    void theTableIsAPlainNameAndTheDatasetAndBatchesAreChecked() {
        Map<String, String> injected = valid();
        injected.put("table", "public.x; drop table y");
        assertThat(refused(injected).problems()).anyMatch(p -> p.field().equals("table"));

        Map<String, String> noDataset = valid();
        noDataset.remove("dataset");
        assertThat(refused(noDataset).problems()).anyMatch(p -> p.field().equals("dataset"));

        Map<String, String> batches = valid();
        batches.put("batch_changes", "0");
        batches.put("batch_seconds", "100000");
        assertThat(refused(batches).problems())
                .extracting(SettingsException.Problem::field)
                .contains("batch_changes", "batch_seconds");

        Map<String, String> noUser = valid();
        noUser.remove("user");
        assertThat(refused(noUser).problems()).anyMatch(p -> p.field().equals("user"));
    }

    @Test
    void theCredentialIsNeverShown() {
        Map<String, String> values = valid();
        values.put("credential", "source:42");
        assertThat(SourceConnectors.get("pg_changes").parse(values).toString())
                .doesNotContain("source:42")
                .contains("(stored)");
    }
}
