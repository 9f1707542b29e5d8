package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What durable commits cost: single-row auto-committed inserts per second on one connection, with
 * H2's default write delay (the settings before {@code WRITE_DELAY=0}) and with the platform's
 * settings. Prints the figures; asserts nothing about time (machines differ), only that every row is there.
 */
class H2CommitRateTest {

    private static final long RUN_NANOS = 1_500_000_000L;
    private static final int WARM_UP_ROWS = 500;

    @TempDir
    Path tmp;

    @Test
    void printsCommittedInsertsPerSecondBeforeAndAfter() throws Exception {
        assertThat(EmbeddedDatabase.SETTINGS).contains(";WRITE_DELAY=0");
        String delayed = EmbeddedDatabase.SETTINGS.replace(";WRITE_DELAY=0", "");
        double bestDelayed = 0;
        double bestDurable = 0;
        // Alternate, so that neither setting gets all of a quiet or busy moment of the machine.
        for (int run = 0; run < 2; run++) {
            bestDelayed = Math.max(bestDelayed, insertsPerSecond(tmp.resolve("delayed-" + run), delayed));
            bestDurable =
                    Math.max(bestDurable, insertsPerSecond(tmp.resolve("durable-" + run), EmbeddedDatabase.SETTINGS));
        }
        System.out.printf(
                Locale.ROOT,
                "H2 committed single-row inserts/s: default WRITE_DELAY (500 ms) %.0f, "
                        + "WRITE_DELAY=0 (platform) %.0f, ratio %.2f%n",
                bestDelayed,
                bestDurable,
                bestDurable / bestDelayed);
    }

    private static double insertsPerSecond(Path dataDir, String settings) throws Exception {
        String url = "jdbc:h2:file:" + dataDir.resolve("db").resolve("datafloor") + settings;
        try (Connection c = DriverManager.getConnection(url, "datafloor", "");
                Statement s = c.createStatement()) {
            s.execute("create table bench_row(id bigint primary key, payload varchar(200) not null)");
            try (PreparedStatement insert = c.prepareStatement("insert into bench_row(id, payload) values (?, ?)")) {
                return insertsPerSecond(insert, s, settings);
            }
        }
    }

    private static double insertsPerSecond(PreparedStatement insert, Statement s, String settings) throws Exception {
        long id = 0;
        for (; id < WARM_UP_ROWS; id++) {
            insert(insert, id);
        }
        long start = System.nanoTime();
        long rows = 0;
        long elapsed;
        do {
            insert(insert, id++);
            rows++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < RUN_NANOS);
        try (ResultSet rs = s.executeQuery("select count(*) from bench_row")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(id);
        }
        double perSecond = rows * 1e9 / elapsed;
        System.out.printf(
                Locale.ROOT,
                "  %-60s %.0f inserts/s%n",
                settings.substring(settings.indexOf("AUTO_SERVER")),
                perSecond);
        return perSecond;
    }

    private static void insert(PreparedStatement insert, long id) throws Exception {
        insert.setLong(1, id);
        insert.setString(2, "user " + id + " signed in from 198.51.100." + (id % 250));
        insert.executeUpdate();
    }
}
