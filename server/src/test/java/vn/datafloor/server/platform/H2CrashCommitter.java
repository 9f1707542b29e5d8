package vn.datafloor.server.platform;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child process for {@link H2CrashTest}: opens the control database exactly as the server does
 * ({@link EmbeddedDatabase#url}), then commits rows forever from two threads and prints
 * {@code ack <id> .} only after the commit that made the row durable has returned, until it is
 * SIGKILLed. Thread 0 commits one row per statement (auto-commit, like {@code JdbcClient}); thread 1
 * commits three rows per explicit transaction.
 */
public final class H2CrashCommitter {

    private H2CrashCommitter() {}

    public static void main(String[] args) throws Exception {
        String url = EmbeddedDatabase.url(Path.of(args[0]));
        EmbeddedDatabase.recoverAfterCrash(url);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        long next;
        try (Connection c = DriverManager.getConnection(url, "datafloor", "");
                Statement s = c.createStatement()) {
            s.execute("create table if not exists crash_probe(id bigint primary key, payload varchar(400) not null)");
            // A server that has run for a while reuses the space of chunks that died more than the retention time
            // (45 s) ago, and writes its new chunks there, wherever they fit. Without retention it does so from the
            // first seconds, which is where H2's own crash recovery lost acknowledged commits (see
            // EmbeddedDatabase#recoverAfterCrash).
            s.execute("set retention_time 0");
            try (ResultSet rs = s.executeQuery("select coalesce(max(id) + 1, 0) from crash_probe")) {
                rs.next();
                next = rs.getLong(1);
            }
            // The committer threads' own connections keep the database open after this one closes.
            AtomicLong ids = new AtomicLong(next);
            Connection single = DriverManager.getConnection(url, "datafloor", "");
            Connection batched = DriverManager.getConnection(url, "datafloor", "");
            synchronized (out) {
                out.println("ready " + next);
            }
            start(() -> commitSingly(single, ids, out));
            start(() -> commitInBatches(batched, ids, out));
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void start(Work work) {
        new Thread(() -> {
                    try {
                        work.run();
                    } catch (Exception e) {
                        e.printStackTrace();
                        System.exit(3);
                    }
                })
                .start();
    }

    private static void commitSingly(Connection c, AtomicLong ids, PrintStream out) throws Exception {
        c.setAutoCommit(true);
        try (PreparedStatement insert = c.prepareStatement("insert into crash_probe(id, payload) values (?, ?)")) {
            while (true) {
                long id = ids.getAndIncrement();
                insert.setLong(1, id);
                insert.setString(2, payload(id));
                insert.executeUpdate();
                ack(out, id);
            }
        }
    }

    private static void commitInBatches(Connection c, AtomicLong ids, PrintStream out) throws Exception {
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("insert into crash_probe(id, payload) values (?, ?)")) {
            while (true) {
                long[] batch = new long[3];
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = ids.getAndIncrement();
                    insert.setLong(1, batch[i]);
                    insert.setString(2, payload(batch[i]));
                    insert.executeUpdate();
                }
                c.commit();
                for (long id : batch) {
                    ack(out, id);
                }
            }
        }
    }

    private static void ack(PrintStream out, long id) {
        synchronized (out) {
            out.println("ack " + id + " .");
        }
    }

    /** Rows vary in size so that kills land in chunks of different lengths. */
    static String payload(long id) {
        return ("row " + id + ";").repeat(1 + (int) (id * 31 % 40));
    }
}
