package vn.datafloor.server.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** The decision point on its own: the platform as an actor, API-key reach and catalog visibility. */
class AccessPolicyTest {

    private static final long AGENCY = 7;
    private static final long ENTERPRISE = 9;

    private final AccessPolicy policy = policy();

    private static AccessPolicy policy() {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("sectors", (OrganisationSectors) orgId -> orgId == AGENCY);
        return new AccessPolicy(beans.getBeanProvider(OrganisationSectors.class));
    }

    private static Actor person(long id, Long org, Role... roles) {
        return new Actor(id, "u" + id, org, EnumSet.of(roles[0], roles), null, Set.of());
    }

    @Test
    void thePlatformMayDoItsOwnWorkForAnyOrganisationAndNothingElse() {
        Actor system = Actor.SYSTEM;
        assertThat(policy.decide(system, Action.MANAGE_INTEGRATION, AGENCY)).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(system, Action.MANAGE_INTEGRATION, ENTERPRISE)).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(system, Action.MANAGE_REGISTER)).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(system, Action.MANAGE_CATALOG, ENTERPRISE)).isEqualTo(Decision.ALLOW);
        for (Action action : Set.of(
                Action.VIEW_AUDIT,
                Action.MANAGE_USERS,
                Action.MANAGE_ORGANISATIONS,
                Action.VIEW_QUARANTINE,
                Action.VIEW_REGISTER,
                Action.MANAGE_API_KEYS,
                Action.VIEW_DASHBOARD,
                Action.PUBLISH_CHECKPOINT)) {
            assertThat(policy.decide(system, action)).as("%s", action).isEqualTo(Decision.FORBIDDEN);
        }
        assertThat(system.personId()).isNull();
        assertThat(system.personName()).isNull();
        assertThat(Role.SYSTEM.isStaff()).isFalse();
        // A steward remains confined to the own organisation.
        Actor steward = person(3, AGENCY, Role.DATA_STEWARD);
        assertThat(policy.decide(steward, Action.MANAGE_INTEGRATION, ENTERPRISE))
                .isEqualTo(Decision.HIDDEN);
        assertThat(steward.personId()).isEqualTo(3L);
    }

    @Test
    void apiKeysReachOwnOrganisationOrAll() {
        Actor analyst = person(1, AGENCY, Role.ANALYST);
        Actor admin = person(2, AGENCY, Role.ORG_ADMIN);
        Actor operator = person(3, 1L, Role.OPERATOR_ADMIN);
        assertThat(policy.apiKeyReach(analyst)).isEqualTo(AccessPolicy.KeyReach.OWN);
        assertThat(policy.apiKeyReach(admin)).isEqualTo(AccessPolicy.KeyReach.ORGANISATION);
        assertThat(policy.apiKeyReach(operator)).isEqualTo(AccessPolicy.KeyReach.ALL);
        assertThat(policy.decideOnApiKey(analyst, 1, AGENCY)).isEqualTo(Decision.ALLOW);
        assertThat(policy.decideOnApiKey(analyst, 2, AGENCY)).isEqualTo(Decision.HIDDEN);
        assertThat(policy.decideOnApiKey(admin, 1, AGENCY)).isEqualTo(Decision.ALLOW);
        assertThat(policy.decideOnApiKey(admin, 5, ENTERPRISE)).isEqualTo(Decision.HIDDEN);
        assertThat(policy.decideOnApiKey(operator, 5, ENTERPRISE)).isEqualTo(Decision.ALLOW);
    }

    @Test
    void catalogEntriesAreReadByOwnersPublicReadersAndStateStaffForSharedCoreData() {
        var draft = new AccessPolicy.CatalogEntryFacts(ENTERPRISE, false, false, false, false);
        var sharedCore = new AccessPolicy.CatalogEntryFacts(ENTERPRISE, true, false, true, false);
        var privateCore = new AccessPolicy.CatalogEntryFacts(ENTERPRISE, true, false, true, true);
        var open = new AccessPolicy.CatalogEntryFacts(ENTERPRISE, true, true, false, false);
        Actor agencyAnalyst = person(1, AGENCY, Role.ANALYST);
        Actor otherEnterprise = person(2, 11L, Role.ANALYST);
        Actor owner = person(3, ENTERPRISE, Role.DATA_STEWARD);
        Actor auditor = person(4, 1L, Role.AUDITOR);

        assertThat(policy.mayReadCatalogEntry(null, open)).isTrue();
        assertThat(policy.mayReadCatalogEntry(null, sharedCore)).isFalse();
        assertThat(policy.mayReadCatalogEntry(agencyAnalyst, sharedCore)).isTrue();
        assertThat(policy.mayReadCatalogEntry(otherEnterprise, sharedCore)).isFalse();
        assertThat(policy.mayReadCatalogEntry(agencyAnalyst, privateCore)).isFalse();
        assertThat(policy.mayReadCatalogEntry(owner, draft)).isTrue();
        assertThat(policy.mayReadCatalogEntry(auditor, draft)).isTrue();
        assertThat(policy.mayReadCatalogEntry(agencyAnalyst, draft)).isFalse();
        assertThat(policy.mayReadCatalogDataInClear(owner, ENTERPRISE)).isTrue();
        assertThat(policy.mayReadCatalogDataInClear(auditor, ENTERPRISE)).isFalse();
        Actor ownerByKey = new Actor(3, "u3", ENTERPRISE, Set.of(Role.DATA_STEWARD), "key-1", Set.of("catalog:read"));
        assertThat(policy.mayReadCatalogDataInClear(ownerByKey, ENTERPRISE)).isFalse();
    }
}
