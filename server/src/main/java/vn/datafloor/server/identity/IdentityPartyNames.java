package vn.datafloor.server.identity;

import org.springframework.stereotype.Component;
import vn.datafloor.server.audit.PartyNames;

/** The names behind the user and organisation numbers of audit events, for the auditors' pages. */
@Component
class IdentityPartyNames implements PartyNames {

    private final IdentityStore store;

    IdentityPartyNames(IdentityStore store) {
        this.store = store;
    }

    @Override
    public String person(long userId) {
        return store.user(userId)
                .map(u -> u.displayName() == null || u.displayName().isBlank()
                        ? u.username()
                        : u.displayName() + " (" + u.username() + ")")
                .orElse(null);
    }

    @Override
    public String organisation(long orgId) {
        return store.organisation(orgId).map(Organisation::name).orElse(null);
    }
}
