package vn.datafloor.server.identity;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/** Accounts: creation, roles, enabling, passwords. */
@Service
public class UserService {

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s]{2,}");
    private static final Pattern CITIZEN_ID = Pattern.compile("\\d{12}");
    /** Roles only the operator may hand out: they see across every tenant. */
    private static final Set<Role> OPERATOR_GRANTED = EnumSet.of(Role.OPERATOR_ADMIN, Role.AUDITOR);

    private final IdentityStore store;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final PasswordEncoder passwords;
    private final PasswordPolicy passwordPolicy;
    private final Clock clock;

    UserService(
            IdentityStore store,
            AccessPolicy policy,
            AuditLog audit,
            PasswordEncoder passwords,
            PasswordPolicy passwordPolicy,
            Clock clock) {
        this.store = store;
        this.policy = policy;
        this.audit = audit;
        this.passwords = passwords;
        this.passwordPolicy = passwordPolicy;
        this.clock = clock;
    }

    /** Users of one organisation, or of all for operators and auditors when {@code orgId} is null. */
    public List<UserAccount> list(Actor actor, Long orgId) {
        if (orgId == null) {
            policy.require(actor, Action.LIST_USERS);
            return policy.seesAllTenants(actor, Action.LIST_USERS) ? store.usersOf(null) : store.usersOf(actor.orgId());
        }
        policy.require(actor, Action.LIST_USERS, orgId);
        return store.usersOf(orgId);
    }

    public UserAccount get(Actor actor, long userId) {
        UserAccount user = store.user(userId).orElseThrow(() -> ProblemException.notFound("No user " + userId));
        if (actor.userId() != userId) {
            policy.require(actor, Action.LIST_USERS, user.orgId());
        }
        return user;
    }

    public Optional<UserAccount> findByUsername(String username) {
        return store.userByUsername(username);
    }

    @Transactional
    public UserAccount create(Actor actor, long orgId, NewUser request) {
        return insertStaff(actor, orgId, request, false);
    }

    private UserAccount insertStaff(Actor actor, long orgId, NewUser request, boolean invited) {
        policy.require(actor, Action.MANAGE_USERS, orgId);
        Organisation org =
                store.organisation(orgId).orElseThrow(() -> ProblemException.notFound("No organisation " + orgId));
        String username = validUsername(request.username());
        if (store.userByUsername(username).isPresent()) {
            throw ProblemException.conflict("user.usernameTaken", "That username is taken");
        }
        Set<Role> roles = grantable(actor, org, request.roles());
        String email = validEmail(request.email());
        String displayName = validDisplayName(request.displayName());
        String hash = null;
        if (!invited) {
            requireGoodPassword(username, request.password());
            hash = passwords.encode(request.password());
        } else if (email == null) {
            throw ProblemException.badRequest("user.emailMissing", "An invitation needs the person's e-mail address");
        }
        long id = store.insertUser(
                orgId, username, displayName, email, UserAccount.AccountKind.STAFF, null, hash, roles, clock.instant());
        audit.record(new AuditEvent(
                EventType.USER_CREATED,
                actor.userId(),
                actor.username(),
                orgId,
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "user " + id + " created with roles " + roles + (hash == null ? ", invited (no password yet)" : ""),
                Map.of("user", Long.toString(id), "roles", names(roles))));
        return store.user(id).orElseThrow();
    }

    /**
     * An account for an invited person: like {@link #create} but with no password, so nobody can sign in
     * to it until the person sets one through the invitation's one-time link (see {@link AccountLinks}).
     */
    @Transactional
    UserAccount createInvited(
            Actor actor, long orgId, String username, String displayName, String email, Set<Role> roles) {
        return insertStaff(actor, orgId, new NewUser(username, displayName, email, roles, null), true);
    }

    /** Sets a password chosen through a one-time link, under the same policy as every other password. */
    void setPasswordFromLink(UserAccount user, String newPassword) {
        requireGoodPassword(user.username(), newPassword);
        store.setPasswordHash(user.id(), passwords.encode(newPassword));
    }

    /** The rules a new password breaks for this account (message keys); empty when it is acceptable. */
    List<String> passwordViolations(String username, String password) {
        return passwordPolicy.violations(username, password);
    }

    public record NewUser(String username, String displayName, String email, Set<Role> roles, String password) {}

    @Transactional
    public UserAccount setRoles(Actor actor, long userId, Set<Role> requested) {
        UserAccount user = forManagement(actor, userId);
        Organisation org = store.organisation(user.orgId()).orElseThrow();
        Set<Role> roles = grantable(actor, org, requested);
        if (actor.userId() == userId && actor.has(Role.OPERATOR_ADMIN) && !roles.contains(Role.OPERATOR_ADMIN)
                || actor.userId() == userId
                        && actor.has(Role.ORG_ADMIN)
                        && !roles.contains(Role.ORG_ADMIN)
                        && !roles.contains(Role.OPERATOR_ADMIN)) {
            throw ProblemException.conflict("user.cannotDemoteSelf", "You cannot remove your own administrator role");
        }
        store.replaceRoles(userId, roles);
        audit.record(new AuditEvent(
                EventType.USER_ROLES_CHANGED,
                actor.userId(),
                actor.username(),
                user.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "roles of user " + userId + ": " + user.roles() + " → " + roles,
                Map.of("user", Long.toString(userId), "before", names(user.roles()), "after", names(roles))));
        return store.user(userId).orElseThrow();
    }

    @Transactional
    public UserAccount setEnabled(Actor actor, long userId, boolean enabled) {
        UserAccount user = forManagement(actor, userId);
        if (!enabled && actor.userId() == userId) {
            throw ProblemException.conflict("user.cannotDisableSelf", "You cannot disable your own account");
        }
        store.setEnabled(userId, enabled);
        audit.record(new AuditEvent(
                enabled ? EventType.USER_ENABLED : EventType.USER_DISABLED,
                actor.userId(),
                actor.username(),
                user.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                (enabled ? "user enabled: " : "user disabled: ") + userId,
                Map.of("user", Long.toString(userId))));
        return store.user(userId).orElseThrow();
    }

    @Transactional
    public void changePassword(Actor actor, String currentPassword, String newPassword) {
        UserAccount user = store.user(actor.userId()).orElseThrow();
        String hash = store.passwordHash(user.id()).orElse(null);
        if (hash == null || currentPassword == null || !passwords.matches(currentPassword, hash)) {
            throw ProblemException.badRequest("password.currentWrong", "The current password is not correct");
        }
        requireGoodPassword(user.username(), newPassword);
        if (newPassword.equals(currentPassword)) { // the current one was just checked against the hash
            throw ProblemException.badRequest("password.sameAsCurrent", "The new password is the current one");
        }
        store.setPasswordHash(user.id(), passwords.encode(newPassword));
        audit.record(new AuditEvent(
                EventType.PASSWORD_CHANGED,
                user.id(),
                user.username(),
                user.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "password changed",
                Map.of()));
    }

    /** For bootstrap and the demo only: creates a staff account without an actor (idempotent by username). */
    public UserAccount bootstrapStaff(
            long orgId, String username, String displayName, String email, Set<Role> roles, String password) {
        return store.userByUsername(username).orElseGet(() -> {
            long id = store.insertUser(
                    orgId,
                    username,
                    displayName,
                    email,
                    UserAccount.AccountKind.STAFF,
                    null,
                    passwords.encode(password),
                    roles,
                    clock.instant());
            audit.record(new AuditEvent(
                    EventType.USER_CREATED,
                    null,
                    null,
                    orgId,
                    AuditEvent.Outcome.SUCCESS,
                    null,
                    "user " + id + " created at bootstrap with roles " + roles,
                    Map.of("user", Long.toString(id), "roles", names(roles))));
            return store.user(id).orElseThrow();
        });
    }

    /** For bootstrap and the demo only: a citizen's account, signed in with the 12-digit identity number. */
    public UserAccount bootstrapCitizen(String citizenId, String displayName, String password) {
        if (!CITIZEN_ID.matcher(citizenId).matches()) {
            throw ProblemException.badRequest("citizen.idInvalid", "A citizen identity number has 12 digits");
        }
        return store.userByUsername(citizenId).orElseGet(() -> {
            long id = store.insertUser(
                    null,
                    citizenId,
                    displayName,
                    null,
                    UserAccount.AccountKind.CITIZEN,
                    citizenId,
                    passwords.encode(password),
                    EnumSet.of(Role.CITIZEN),
                    clock.instant());
            audit.record(new AuditEvent(
                    EventType.USER_CREATED,
                    null,
                    null,
                    null,
                    AuditEvent.Outcome.SUCCESS,
                    null,
                    "citizen account " + id + " created",
                    Map.of("user", Long.toString(id), "roles", "CITIZEN")));
            return store.user(id).orElseThrow();
        });
    }

    public long count() {
        return store.countUsers();
    }

    /** The account, if {@code actor} may manage it (citizens: the operator only); refused otherwise. */
    UserAccount forManagement(Actor actor, long userId) {
        UserAccount user = store.user(userId).orElseThrow(() -> ProblemException.notFound("No user " + userId));
        if (user.kind() == UserAccount.AccountKind.CITIZEN) {
            policy.require(actor, Action.MANAGE_USERS, -1L); // citizens are managed by the operator only
        } else {
            policy.require(actor, Action.MANAGE_USERS, user.orgId());
        }
        return user;
    }

    private Set<Role> grantable(Actor actor, Organisation org, Set<Role> requested) {
        if (requested == null || requested.isEmpty()) {
            throw ProblemException.badRequest("user.rolesMissing", "Give the user at least one role");
        }
        Set<Role> roles = EnumSet.copyOf(requested);
        if (roles.contains(Role.SYSTEM)) {
            throw ProblemException.badRequest(
                    "user.systemRole", "SYSTEM is the platform's own role and cannot be granted");
        }
        if (roles.contains(Role.CITIZEN)) {
            throw ProblemException.badRequest("user.citizenRole", "CITIZEN is an account kind, not a staff role");
        }
        if (roles.contains(Role.OPERATOR_ADMIN) && org.kind() != OrganisationKind.OPERATOR) {
            throw ProblemException.badRequest(
                    "user.operatorRoleOutsideOperator", "OPERATOR_ADMIN is only for the operator's own staff");
        }
        if (!actor.has(Role.OPERATOR_ADMIN) && roles.stream().anyMatch(OPERATOR_GRANTED::contains)) {
            throw new vn.datafloor.server.authz.NotPermittedException(
                    vn.datafloor.server.authz.Decision.FORBIDDEN, Action.MANAGE_USERS);
        }
        return roles;
    }

    private void requireGoodPassword(String username, String password) {
        List<String> broken = passwordPolicy.violations(username, password);
        if (!broken.isEmpty()) {
            throw ProblemException.badRequest(
                    broken.get(0), "Password rejected: " + String.join(", ", broken), PasswordPolicy.MIN_LENGTH);
        }
    }

    private static String validUsername(String username) {
        String clean = username == null ? "" : username.strip().toLowerCase(java.util.Locale.ROOT);
        if (!USERNAME.matcher(clean).matches()) {
            throw ProblemException.badRequest(
                    "user.usernameInvalid",
                    "Username: 3 to 64 of a-z, 0-9, dot, dash, underscore, starting with a letter or digit");
        }
        return clean;
    }

    private String validEmail(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        String clean = email.strip();
        if (!EMAIL.matcher(clean).matches()) {
            throw ProblemException.badRequest("user.emailInvalid", "That e-mail address is not valid");
        }
        return clean;
    }

    private static String validDisplayName(String name) {
        String clean = name == null ? "" : java.text.Normalizer.normalize(name.strip(), java.text.Normalizer.Form.NFC);
        if (clean.isEmpty() || clean.length() > 200) {
            throw ProblemException.badRequest("user.displayNameInvalid", "Full name must be 1 to 200 characters");
        }
        return clean;
    }

    private static String names(Set<Role> roles) {
        return roles.stream().map(Role::name).sorted().collect(Collectors.joining(","));
    }
}
