package vn.datafloor.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import vn.datafloor.server.PlatformTest;

/** A crash between a durable ledger append and its index row must not lose the event from search. */
class AuditIndexRecoveryTest extends PlatformTest {

    @Autowired
    AuditLog audit;

    @Autowired
    AuditIndexRecovery recovery;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditQueries queries;

    @Test
    void entriesOnTheLedgerButMissingFromTheIndexAreReindexedAtStart() throws Exception {
        long index = audit.record(new AuditEvent(EventType.USER_DISABLED, 42L, null, 7L, AuditEvent.Outcome.SUCCESS, null,
                "crash probe", Map.of("user", "42")));
        // Simulate the crash: the index row never made it.
        jdbc.sql("delete from audit_event where ledger_index >= ?").param(index).update();
        assertThat(queries.search("USER_DISABLED", null, null, 7L, 42L, 10, 0)).isEmpty();

        recovery.run(null);

        var found = queries.search("USER_DISABLED", null, null, 7L, 42L, 10, 0);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).ledgerIndex()).isEqualTo(index);
        assertThat(found.get(0).outcome()).isEqualTo("SUCCESS");
    }
}
