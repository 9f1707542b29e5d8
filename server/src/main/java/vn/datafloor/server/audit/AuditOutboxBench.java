package vn.datafloor.server.audit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.server.DatafloorApplication;

/**
 * {@code ./datafloor bench audit-outbox}: what the transactional outbox costs. The whole server starts on
 * its embedded default in a fresh folder; then several threads each record entries the way services do
 * now (a row and its entry in one transaction, appended after the commit, index row swapped in) and,
 * as the baseline in the same run, the way they did before the outbox (salt row, durable append, index
 * row, each committed on its own). Both wait for the ledger's fsync and H2's durable commits.
 */
public final class AuditOutboxBench {

    private AuditOutboxBench() {}

    public static int run(List<String> options) throws Exception {
        int entries = option(options, "--entries", 4000);
        int threads = option(options, "--threads", 4);
        Path data = Files.createTempDirectory("datafloor-bench-audit-");
        try {
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DatafloorApplication.class)
                    .run(
                            "--datafloor.data-dir=" + data,
                            "--server.port=0",
                            "--datafloor.demo=false",
                            "--datafloor.ledger.checkpoint-interval=PT1H",
                            "--logging.level.root=WARN")) {
                JdbcClient jdbc = context.getBean(JdbcClient.class);
                jdbc.sql("create table bench_row(id varchar(36) primary key)").update();
                AuditLog audit = context.getBean(AuditLog.class);
                LedgerService ledger = context.getBean(LedgerService.class);
                TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
                AtomicLong baselineIndexes = new AtomicLong();

                Runnable outbox = () -> transactions.executeWithoutResult(status -> {
                    String id = UUID.randomUUID().toString();
                    jdbc.sql("insert into bench_row(id) values (?)").param(id).update();
                    audit.record(event(id));
                });
                Runnable before = () -> {
                    String id = UUID.randomUUID().toString();
                    Instant at = Instant.now();
                    jdbc.sql("insert into bench_row(id) values (?)").param(id).update();
                    jdbc.sql(
                                    "insert into ledger_commitment(commitment, salt, clear_value, subject_user_id, created_at) values (?,?,?,?,?)")
                            .params(
                                    id.replace("-", "") + "00000000000000000000000000000000",
                                    "00",
                                    "bench",
                                    null,
                                    Timestamp.from(at))
                            .update();
                    long index = ledger.append(("{\"bench\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
                    jdbc.sql(
                                    "insert into audit_event(ledger_index, event_type, occurred_at, actor_user_id, org_id, outcome, summary) "
                                            + "values (?,?,?,?,?,?,?)")
                            .params(index, "SOURCE_REGISTERED", Timestamp.from(at), null, null, "SUCCESS", "bench")
                            .update();
                    baselineIndexes.incrementAndGet();
                };
                time(outbox, entries / 10, threads); // warm-up of both paths
                time(before, entries / 10, threads);
                double project = entries / time(outbox, entries, threads);
                double baseline = entries / time(before, entries, threads);
                double ratio = baseline / project;
                System.out.printf(
                        Locale.ROOT,
                        "outbox (row + entry in one transaction, appended after commit): %.0f entries/s%n",
                        project);
                System.out.printf(
                        Locale.ROOT,
                        "before the outbox (salt, append, index; separate commits): %.0f entries/s%n",
                        baseline);
                System.out.printf(
                        Locale.ROOT,
                        "entries still waiting in the outbox: %d%n",
                        context.getBean(AuditOutbox.class).waiting());
                System.out.printf(
                        Locale.ROOT,
                        "BENCH audit-outbox project=%.0f/s baseline=%.0f/s ratio=%.2f target=<=3.0 %s%n",
                        project,
                        baseline,
                        ratio,
                        ratio <= 3.0 ? "PASS" : "FAIL");
            }
        } finally {
            // Its database, lake and ledger: gigabytes a run.
            vn.datafloor.server.platform.ScratchDirectories.delete(data);
        }
        return 0;
    }

    private static AuditEvent event(String id) {
        return new AuditEvent(
                EventType.SOURCE_REGISTERED,
                null,
                "bench",
                null,
                AuditEvent.Outcome.SUCCESS,
                "192.0.2.1",
                "bench " + id,
                Map.of("bench", id));
    }

    /** Seconds taken by {@code threads} threads doing {@code total} calls between them. */
    private static double time(Runnable call, int total, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int share = total / threads + (t < total % threads ? 1 : 0);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        call.run();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdown();
        }
    }

    private static int option(List<String> options, String name, int fallback) {
        int at = options.indexOf(name);
        return at >= 0 && at + 1 < options.size() ? Integer.parseInt(options.get(at + 1)) : fallback;
    }
}
