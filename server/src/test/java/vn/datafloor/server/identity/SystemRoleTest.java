package vn.datafloor.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.platform.ProblemException;

/** The platform's own role is nobody's: no administrator can grant it to an account. */
class SystemRoleTest extends PlatformTest {

    @Autowired
    UserService users;

    @Test
    void theSystemRoleCannotBeGranted() {
        UserAccount admin = users.findByUsername("admin").orElseThrow();
        Actor operator = new Actor(admin.id(), admin.username(), admin.orgId(), admin.roles(), null, Set.of());
        UserAccount steward = users.findByUsername("yte.dulieu").orElseThrow();
        assertThatThrownBy(() -> users.setRoles(operator, steward.id(), EnumSet.of(Role.DATA_STEWARD, Role.SYSTEM)))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("cannot be granted");
        assertThat(users.findByUsername("yte.dulieu").orElseThrow().roles()).doesNotContain(Role.SYSTEM);
    }
}
