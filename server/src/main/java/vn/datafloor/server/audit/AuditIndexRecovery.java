package vn.datafloor.server.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ledger is the record and the audit table only an index of it. A crash between a durable
 * append and its index row would leave the event unsearchable, so at start the index catches up
 * from the ledger.
 */
@Component
@Order(0)
class AuditIndexRecovery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AuditIndexRecovery.class);

    private final LedgerService ledger;
    private final AuditQueries queries;
    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditIndexRecovery(LedgerService ledger, AuditQueries queries, JdbcClient jdbc, JsonMapper json) {
        this.ledger = ledger;
        this.queries = queries;
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public void run(ApplicationArguments args) {
        long size = ledger.size();
        long recovered = 0;
        for (long index = queries.indexedUpTo(); index < size; index++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = json.readValue(new String(ledger.entry(index), StandardCharsets.UTF_8), Map.class);
            jdbc.sql("""
                    insert into audit_event(ledger_index, event_type, occurred_at, actor_user_id, org_id, outcome, summary)
                    values (?,?,?,?,?,?,?)""")
                    .params(index, entry.get("type"), Timestamp.from(Instant.parse((String) entry.get("at"))),
                            asLong(entry.get("actor")), asLong(entry.get("org")), entry.get("outcome"),
                            "recovered from ledger")
                    .update();
            recovered++;
        }
        if (recovered > 0) {
            log.warn("Re-indexed {} ledger entries that were durable but not yet indexed", recovered);
        }
    }

    private static Long asLong(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }
}
