package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.lake.LocalMasterKey;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.EventType;

class LakeKeyLedgerTest {

    @TempDir
    Path keys;

    @Test
    void eachNewPrimaryKeyIsRecordedOnceAndAFreshKeysetNotAtAll() {
        LocalMasterKey server = LocalMasterKey.openOrCreate(keys.resolve(LakeKeys.KEYSET_FILE));
        Set<String> onLedger = new HashSet<>();
        List<AuditEvent> appended = new ArrayList<>();
        assertThat(LakeKeyLedger.record(server, onLedger::contains, appended::add))
                .isFalse();

        // The command line rotates the file; the server's key sees it at its next look.
        int rotated = LocalMasterKey.open(keys.resolve(LakeKeys.KEYSET_FILE)).rotate();
        assertThat(LakeKeyLedger.record(server, onLedger::contains, e -> {
                    appended.add(e);
                    onLedger.add(e.details().get("primary_key_id"));
                }))
                .isTrue();
        assertThat(LakeKeyLedger.record(server, onLedger::contains, appended::add))
                .isFalse();

        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.LAKE_KEY_ROTATED);
            assertThat(e.details()).containsEntry("primary_key_id", Integer.toUnsignedString(rotated));
            assertThat(e.details()).containsEntry("keys", "2");
        });
    }
}
