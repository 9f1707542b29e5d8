package vn.datafloor.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import vn.datafloor.server.PlatformTest;

/**
 * A crash between a durable ledger append and its index row must not lose the event from search,
 * wherever the missing row sits.
 */
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
        long index = audit.record(new AuditEvent(
                EventType.USER_DISABLED,
                42L,
                null,
                7L,
                AuditEvent.Outcome.SUCCESS,
                null,
                "crash probe",
                Map.of("user", "42")));
        // Simulate the crash: the index row never made it.
        jdbc.sql("delete from audit_event where ledger_index >= ?").param(index).update();
        assertThat(queries.search("USER_DISABLED", null, null, 7L, 42L, 10, 0)).isEmpty();

        recovery.run(null);

        var found = queries.search("USER_DISABLED", null, null, 7L, 42L, 10, 0);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).ledgerIndex()).isEqualTo(index);
        assertThat(found.get(0).outcome()).isEqualTo("SUCCESS");
    }

    @Test
    void aGapBelowASurvivingEntryIsReindexedAndACommitmentThatCannotBeOpenedIsReported() throws Exception {
        long lost = audit.record(new AuditEvent(
                EventType.USER_DISABLED,
                43L,
                "gap-probe-a",
                8L,
                AuditEvent.Outcome.SUCCESS,
                "203.0.113.7",
                "gap probe a",
                Map.of("user", "43")));
        long lostToo = audit.record(new AuditEvent(
                EventType.USER_DISABLED,
                44L,
                "gap-probe-b",
                8L,
                AuditEvent.Outcome.DENIED,
                null,
                "gap probe b",
                Map.of("user", "44")));
        long survivor = audit.record(new AuditEvent(
                EventType.USER_DISABLED,
                45L,
                "gap-probe-c",
                8L,
                AuditEvent.Outcome.SUCCESS,
                null,
                "gap probe c",
                Map.of("user", "45")));
        // Simulate the crash: two index rows below a surviving one never made it, and neither did the salt
        // and clear value behind the first entry's name commitment.
        jdbc.sql("delete from audit_event where ledger_index in (?, ?)")
                .params(lost, lostToo)
                .update();
        Matcher name =
                Pattern.compile("\"actorName\":\"sha256:([0-9a-f]{64})\"").matcher(queries.entryText(lost));
        assertThat(name.find()).isTrue();
        assertThat(jdbc.sql("delete from ledger_commitment where commitment = ?")
                        .param(name.group(1))
                        .update())
                .isEqualTo(1);
        assertThat(queries.search("USER_DISABLED", null, null, 8L, null, 10, 0))
                .extracting(AuditRecord::ledgerIndex)
                .containsExactly(survivor);

        AuditIndexRecovery.Report report = recovery.recover();

        assertThat(report.reindexed()).isGreaterThanOrEqualTo(2);
        assertThat(report.unopenable())
                .filteredOn(u -> u.ledgerIndex() == lost || u.ledgerIndex() == lostToo)
                .containsExactly(new AuditIndexRecovery.Unopenable(lost, List.of("actorName")));
        var found = queries.search("USER_DISABLED", null, null, 8L, null, 10, 0);
        assertThat(found).extracting(AuditRecord::ledgerIndex).containsExactly(survivor, lostToo, lost);
        assertThat(found).extracting(AuditRecord::outcome).containsExactly("SUCCESS", "DENIED", "SUCCESS");
        // The client address commitment of the same entry is still there, so only the name is reported.
        assertThat(queries.openCommitments(lost))
                .extracting(AuditQueries.OpenedCommitment::clearValue)
                .containsExactly("203.0.113.7");
        assertThat(recovery.recover().reindexed()).isZero();
    }
}
