package vn.datafloor.server.audit;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.DatafloorApplication;

/**
 * Child process of {@link AuditCrashTest}: the whole server on its embedded default in a given data
 * directory. In {@code write} mode it records entries from two threads until it is SIGKILLed and prints
 * {@code ack <kind><n> .} only once the call has returned: kind {@code t} inserts a probe row and
 * records its entry in one transaction (the outbox path), kind {@code n} records outside any
 * transaction. In both modes it first prints, once started (the start-up recovery has run), one line
 * of JSON: the probe rows, how many ledger entries carry each probe, how many ledger entries are not
 * indexed and how many outbox rows remain; {@code check} mode then stops.
 */
public final class AuditCrashChild {

    private AuditCrashChild() {}

    public static void main(String[] args) {
        String mode = args[0];
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DatafloorApplication.class)
                .run(
                        "--datafloor.data-dir=" + args[1],
                        "--server.port=0",
                        "--datafloor.demo=false",
                        "--datafloor.ledger.checkpoint-interval=PT1H",
                        "--logging.level.root=WARN");
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        jdbc.sql("create table if not exists crash_probe(id bigint primary key)")
                .update();
        // What the start-up recovery left, before anything new is written (one start serves both). The
        // start itself records entries (the platform started, say), some handed to the relay after their
        // commit: wait until the relay has settled them, or the check would count an entry in flight as left.
        // A row the crash left and the recovery missed stays (nothing else relays it within the wait), and
        // the check then finds it.
        awaitEmptyOutbox(jdbc, Duration.ofSeconds(30));
        out.println(check(context, jdbc));
        if (mode.equals("check")) {
            context.close();
            return;
        }
        AuditLog audit = context.getBean(AuditLog.class);
        TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
        AtomicLong ids = new AtomicLong(jdbc.sql("select coalesce(max(id) + 1, 0) from crash_probe")
                        .query(Long.class)
                        .single()
                + System.nanoTime() % 1_000_000 * 1_000_000);
        out.println("ready");
        Thread inTransaction = new Thread(() -> {
            while (true) {
                long id = ids.getAndIncrement();
                transactions.executeWithoutResult(status -> {
                    jdbc.sql("insert into crash_probe(id) values (?)").param(id).update();
                    audit.record(probe("t" + id));
                });
                ack(out, "t" + id);
            }
        });
        Thread alone = new Thread(() -> {
            while (true) {
                String id = "n" + ids.getAndIncrement();
                audit.record(probe(id));
                ack(out, id);
            }
        });
        inTransaction.start();
        alone.start();
    }

    private static void awaitEmptyOutbox(JdbcClient jdbc, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline
                && jdbc.sql("select count(*) from audit_outbox")
                                .query(Long.class)
                                .single()
                        > 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static AuditEvent probe(String id) {
        return new AuditEvent(
                EventType.SOURCE_REGISTERED,
                null,
                "probe " + id,
                null,
                AuditEvent.Outcome.SUCCESS,
                "192.0.2.1",
                "crash probe " + id,
                Map.of("probe", id));
    }

    private static void ack(PrintStream out, String id) {
        synchronized (out) {
            out.println("ack " + id + " .");
        }
    }

    private static String check(ConfigurableApplicationContext context, JdbcClient jdbc) {
        LedgerService ledger = context.getBean(LedgerService.class);
        JsonMapper json = JsonMapper.builder().build();
        Map<String, Integer> onLedger = new HashMap<>();
        int unopenable = 0;
        for (long i = 0; i < ledger.size(); i++) {
            Map<?, ?> entry = json.readValue(ledger.entry(i), Map.class);
            if (entry.get("details") instanceof Map<?, ?> details && details.get("probe") instanceof String probe) {
                onLedger.merge(probe, 1, Integer::sum);
                String commitment = ((String) entry.get("actorName")).substring(7);
                if (jdbc.sql("select count(*) from ledger_commitment where commitment = ?")
                                .param(commitment)
                                .query(Long.class)
                                .single()
                        == 0) {
                    unopenable++;
                }
            }
        }
        List<Long> rows =
                jdbc.sql("select id from crash_probe").query(Long.class).list();
        Map<String, Object> result = new TreeMap<>();
        result.put("rows", rows);
        result.put("onLedger", onLedger);
        result.put(
                "unindexed",
                ledger.size()
                        - jdbc.sql("select count(*) from audit_event")
                                .query(Long.class)
                                .single());
        result.put(
                "outbox",
                jdbc.sql("select count(*) from audit_outbox").query(Long.class).single());
        result.put("unopenable", unopenable);
        return json.writeValueAsString(result);
    }
}
