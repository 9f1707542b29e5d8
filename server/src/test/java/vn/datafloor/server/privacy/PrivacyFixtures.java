package vn.datafloor.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;

/** The privacy tests' shared helpers: the demo's people as actors, citizens, the ledger's relay. */
abstract class PrivacyFixtures extends PlatformTest {

    /** The demo's citizen. */
    static final String DEMO_CITIZEN = vn.datafloor.server.demo.DemoData.CITIZEN;

    @Autowired
    UserService users;

    @Autowired
    AuditLog auditLog;

    @Autowired
    AuditQueries auditQueries;

    Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    /** A citizen account (created once), as an actor. */
    Actor citizen(String citizenId, String name) {
        users.bootstrapCitizen(citizenId, name, "Cong-dan-thu-2026");
        return actor(citizenId);
    }

    long orgOf(String username) {
        return users.findByUsername(username).orElseThrow().orgId();
    }

    void awaitLedger() {
        try {
            assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The newest ledger entry of a type, as appended (JSON text). */
    String newestEntry(String type) {
        awaitLedger();
        var found = auditQueries.search(type, null, null, null, null, 1, 0);
        assertThat(found).as("a ledger entry of type " + type).isNotEmpty();
        return auditQueries.entryText(found.get(0).ledgerIndex());
    }

    static final List<String> NAME_AND_BIRTH = List.of("name", "date_of_birth");
}
