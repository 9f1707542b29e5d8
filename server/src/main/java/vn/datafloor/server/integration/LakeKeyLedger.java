package vn.datafloor.server.integration;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.lake.LocalMasterKey;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.EventType;

/**
 * Puts lake master-key rotations on the ledger. The command line rotates the keyset file but must not
 * write the ledger, which has one writer, the server; so the server looks at the keyset at start and
 * every minute, and records each primary key it has not recorded yet. A keyset with one key was never
 * rotated: nothing to record.
 */
@Component
class LakeKeyLedger implements ApplicationRunner {

    private final IntegrationPaths paths;
    private final AuditLog audit;
    private final AuditQueries ledger;

    private final vn.datafloor.server.platform.ClusterNode node;

    LakeKeyLedger(
            IntegrationPaths paths,
            AuditLog audit,
            AuditQueries ledger,
            vn.datafloor.server.platform.ClusterNode node) {
        this.node = node;
        this.paths = paths;
        this.audit = audit;
        this.ledger = ledger;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!node.writes()) {
            return; // an API replica: the writer does this at its own start
        }
        recordRotation();
    }

    @Scheduled(
            fixedDelayString = "${datafloor.lake.key-check:PT1M}",
            initialDelayString = "${datafloor.lake.key-check:PT1M}")
    void recordRotation() {
        record(
                paths.lakeMasterKey(),
                keyId -> ledger.recorded(EventType.LAKE_KEY_ROTATED, "primary_key_id", keyId, Instant.EPOCH),
                audit::record);
    }

    /** Records the keyset's primary key unless the keyset was never rotated or the ledger has it. */
    static boolean record(LocalMasterKey key, Predicate<String> recorded, Consumer<AuditEvent> ledger) {
        int keys = key.size();
        String primary = Integer.toUnsignedString(key.primaryKeyId());
        if (keys < 2 || recorded.test(primary)) {
            return false;
        }
        ledger.accept(new AuditEvent(
                EventType.LAKE_KEY_ROTATED,
                null,
                null,
                null,
                AuditEvent.Outcome.SUCCESS,
                null,
                "lake master key " + primary + " is primary; " + (keys - 1) + " older key(s) kept for reading",
                Map.of("primary_key_id", primary, "keys", Integer.toString(keys))));
        return true;
    }
}
