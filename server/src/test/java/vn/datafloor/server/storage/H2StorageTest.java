package vn.datafloor.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import vn.datafloor.server.platform.EmbeddedDatabase;

/** The storage contract on the embedded default: an H2 file database (PostgreSQL mode) in a fresh data directory. */
class H2StorageTest extends StorageContract {

    private static final Path DATA_DIR = newDataDir("h2-");

    @Autowired
    Environment environment;

    @DynamicPropertySource
    static void h2(DynamicPropertyRegistry registry) {
        registry.add("datafloor.data-dir", DATA_DIR::toString);
    }

    /** The server opens exactly the URL the crash test proves ({@code H2CrashTest}), and H2 took its write delay. */
    @Test
    void theEmbeddedDatabaseIsOpenedWithDurableCommits() throws Exception {
        assertThat(environment.getProperty("spring.datasource.url")).isEqualTo(EmbeddedDatabase.url(DATA_DIR));
        assertThat(jdbc.sql("select setting_value from information_schema.settings where setting_name = 'WRITE_DELAY'")
                        .query(String.class)
                        .single())
                .isEqualTo("0");
    }
}
