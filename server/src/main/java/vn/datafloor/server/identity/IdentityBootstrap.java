package vn.datafloor.server.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.platform.DatafloorProperties;

/**
 * A new installation has nobody who could sign in. On first start this creates the operator
 * organisation and an administrator whose random password is written to a file only the owner
 * can read (never to the log); the operator changes it after the first sign-in.
 */
@Component
class IdentityBootstrap {

    private static final Logger log = LoggerFactory.getLogger(IdentityBootstrap.class);
    static final String OPERATOR_NAME = "Trung tâm Dữ liệu quốc gia";

    private final IdentityStore store;
    private final OrganisationService organisations;
    private final UserService users;
    private final AuditLog audit;
    private final DatafloorProperties properties;
    private final SecureRandom random;
    private final vn.datafloor.server.platform.ClusterNode node;

    IdentityBootstrap(
            IdentityStore store,
            OrganisationService organisations,
            UserService users,
            AuditLog audit,
            DatafloorProperties properties,
            SecureRandom random,
            vn.datafloor.server.platform.ClusterNode node) {
        this.node = node;
        this.store = store;
        this.organisations = organisations;
        this.users = users;
        this.audit = audit;
        this.properties = properties;
        this.random = random;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void onReady() {
        audit.record(new AuditEvent(
                EventType.PLATFORM_STARTED,
                null,
                null,
                null,
                AuditEvent.Outcome.SUCCESS,
                null,
                "platform started",
                Map.of()));
        if (!node.writes() || store.countUsers() > 0) {
            return; // the first administrator is made once, by the writer, whose keys folder keeps its password
        }
        Organisation operator = organisations.bootstrap(OPERATOR_NAME, OrganisationKind.OPERATOR);
        byte[] secret = new byte[18];
        random.nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        users.bootstrapStaff(
                operator.id(), "admin", "Quản trị viên vận hành", null, EnumSet.of(Role.OPERATOR_ADMIN), password);
        Path file = properties.keysDir().resolve("initial-admin-password");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, password + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the data directory's own permissions protect it.
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the initial administrator password", e);
        }
        log.warn("Created operator administrator 'admin'; its initial password is in {}", file.toAbsolutePath());
    }
}
