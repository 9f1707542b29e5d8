package vn.datafloor.server.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;
import vn.datafloor.server.authz.Role;

/** The identity capability's tables, in plain SQL that runs on H2 and PostgreSQL. */
@Repository
class IdentityStore {

    private static final String USER_COLUMNS =
            "id, org_id, username, display_name, email, kind, enabled, failed_attempts, locked_until, last_login_at, created_at";

    private final JdbcClient jdbc;

    IdentityStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // --- organisations

    long insertOrganisation(String name, OrganisationKind kind, boolean verified, Instant now) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("insert into organisation(name, kind, verified, enabled, created_at) values (?,?,?,true,?)")
                .params(name, kind.name(), verified, Timestamp.from(now))
                .update(keys, "id");
        return keys.getKeyAs(Number.class).longValue();
    }

    List<Organisation> organisations() {
        return jdbc.sql("select id, name, kind, verified, enabled, created_at from organisation order by name")
                .query(IdentityStore::organisation)
                .list();
    }

    Optional<Organisation> organisation(long id) {
        return jdbc.sql("select id, name, kind, verified, enabled, created_at from organisation where id = ?")
                .param(id)
                .query(IdentityStore::organisation)
                .optional();
    }

    Optional<Organisation> organisationByName(String name) {
        return jdbc.sql(
                        "select id, name, kind, verified, enabled, created_at from organisation where lower(name) = lower(?)")
                .param(name)
                .query(IdentityStore::organisation)
                .optional();
    }

    void setOrganisationFlags(long id, boolean verified, boolean enabled) {
        jdbc.sql("update organisation set verified = ?, enabled = ? where id = ?")
                .params(verified, enabled, id)
                .update();
    }

    private static Organisation organisation(ResultSet rs, int row) throws SQLException {
        return new Organisation(
                rs.getLong("id"),
                rs.getString("name"),
                OrganisationKind.valueOf(rs.getString("kind")),
                rs.getBoolean("verified"),
                rs.getBoolean("enabled"),
                rs.getTimestamp("created_at").toInstant());
    }

    // --- users

    long insertUser(
            Long orgId,
            String username,
            String displayName,
            String email,
            UserAccount.AccountKind kind,
            String citizenId,
            String passwordHash,
            Set<Role> roles,
            Instant now) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                insert into app_user(org_id, username, display_name, email, kind, citizen_id, password_hash, enabled,
                                     failed_attempts, created_at)
                values (?,?,?,?,?,?,?,true,0,?)""")
                .params(orgId, username, displayName, email, kind.name(), citizenId, passwordHash, Timestamp.from(now))
                .update(keys, "id");
        long id = keys.getKeyAs(Number.class).longValue();
        replaceRoles(id, roles);
        return id;
    }

    void replaceRoles(long userId, Set<Role> roles) {
        jdbc.sql("delete from user_role where user_id = ?").param(userId).update();
        for (Role role : roles) {
            jdbc.sql("insert into user_role(user_id, role) values (?,?)")
                    .params(userId, role.name())
                    .update();
        }
    }

    Optional<UserAccount> user(long id) {
        return withRoles(jdbc.sql("select " + USER_COLUMNS + " from app_user where id = ?")
                        .param(id)
                        .query(IdentityStore::userRow)
                        .list())
                .stream()
                .findFirst();
    }

    Optional<UserAccount> userByUsername(String username) {
        return withRoles(jdbc.sql("select " + USER_COLUMNS + " from app_user where lower(username) = lower(?)")
                        .param(username)
                        .query(IdentityStore::userRow)
                        .list())
                .stream()
                .findFirst();
    }

    Optional<UserAccount> userByEmail(String email) {
        return withRoles(jdbc.sql("select " + USER_COLUMNS + " from app_user where lower(email) = lower(?)")
                        .param(email)
                        .query(IdentityStore::userRow)
                        .list())
                .stream()
                .findFirst();
    }

    /** An account's id, login name and password hash (null for accounts that sign in elsewhere). */
    record Credentials(long id, String username, String passwordHash) {}

    Optional<Credentials> credentials(String username) {
        return jdbc.sql("select id, username, password_hash from app_user where lower(username) = lower(?)")
                .param(username)
                .query((rs, n) -> new Credentials(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .optional();
    }

    Optional<String> passwordHash(long userId) {
        return jdbc.sql("select password_hash from app_user where id = ?")
                .param(userId)
                .query(String.class)
                .optional();
    }

    List<UserAccount> usersOf(Long orgId) {
        List<UserAccount> rows = orgId == null
                ? jdbc.sql("select " + USER_COLUMNS + " from app_user order by username")
                        .query(IdentityStore::userRow)
                        .list()
                : jdbc.sql("select " + USER_COLUMNS + " from app_user where org_id = ? order by username")
                        .param(orgId)
                        .query(IdentityStore::userRow)
                        .list();
        return withRoles(rows);
    }

    void setEnabled(long userId, boolean enabled) {
        jdbc.sql("update app_user set enabled = ? where id = ?")
                .params(enabled, userId)
                .update();
    }

    void setPasswordHash(long userId, String hash) {
        jdbc.sql("update app_user set password_hash = ? where id = ?")
                .params(hash, userId)
                .update();
    }

    void recordSuccess(long userId, Instant now) {
        jdbc.sql("update app_user set failed_attempts = 0, locked_until = null, last_login_at = ? where id = ?")
                .params(Timestamp.from(now), userId)
                .update();
    }

    long countUsers() {
        return jdbc.sql("select count(*) from app_user").query(Long.class).single();
    }

    private List<UserAccount> withRoles(List<UserAccount> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        String ids = rows.stream().map(u -> Long.toString(u.id())).collect(Collectors.joining(","));
        Map<Long, Set<Role>> roles = jdbc
                .sql("select user_id, role from user_role where user_id in (" + ids + ")")
                .query((rs, n) -> Map.entry(rs.getLong(1), Role.valueOf(rs.getString(2))))
                .list()
                .stream()
                .collect(Collectors.groupingBy(
                        Map.Entry::getKey,
                        Collectors.mapping(
                                Map.Entry::getValue, Collectors.toCollection(() -> EnumSet.noneOf(Role.class)))));
        return rows.stream()
                .map(u -> new UserAccount(
                        u.id(),
                        u.orgId(),
                        u.username(),
                        u.displayName(),
                        u.email(),
                        u.kind(),
                        u.enabled(),
                        roles.getOrDefault(u.id(), Set.of()),
                        u.failedAttempts(),
                        u.lockedUntil(),
                        u.lastLoginAt(),
                        u.createdAt()))
                .toList();
    }

    private static UserAccount userRow(ResultSet rs, int row) throws SQLException {
        return new UserAccount(
                rs.getLong("id"),
                (Long) rs.getObject("org_id", Long.class),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getString("email"),
                UserAccount.AccountKind.valueOf(rs.getString("kind")),
                rs.getBoolean("enabled"),
                Set.of(),
                rs.getInt("failed_attempts"),
                instant(rs.getTimestamp("locked_until")),
                instant(rs.getTimestamp("last_login_at")),
                rs.getTimestamp("created_at").toInstant());
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    // --- API keys

    void insertApiKey(
            String id,
            long orgId,
            long userId,
            String name,
            String scopes,
            String secretHash,
            Instant now,
            Instant expiresAt) {
        jdbc.sql("""
                insert into api_key(id, org_id, user_id, name, scopes, secret_hash, created_at, expires_at)
                values (?,?,?,?,?,?,?,?)""")
                .params(id, orgId, userId, name, scopes, secretHash, Timestamp.from(now), Timestamp.from(expiresAt))
                .update();
    }

    record StoredApiKey(
            String id,
            long orgId,
            long userId,
            String name,
            String scopes,
            String secretHash,
            Instant createdAt,
            Instant expiresAt,
            Instant revokedAt,
            Instant lastUsedAt) {}

    private static final String KEY_COLUMNS =
            "id, org_id, user_id, name, scopes, secret_hash, created_at, expires_at, revoked_at, last_used_at";

    Optional<StoredApiKey> apiKey(String id) {
        return jdbc.sql("select " + KEY_COLUMNS + " from api_key where id = ?")
                .param(id)
                .query(IdentityStore::apiKeyRow)
                .optional();
    }

    List<StoredApiKey> apiKeys(Long orgId, Long userId) {
        StringBuilder sql = new StringBuilder("select " + KEY_COLUMNS + " from api_key where 1=1");
        List<Object> params = new java.util.ArrayList<>();
        if (orgId != null) {
            sql.append(" and org_id = ?");
            params.add(orgId);
        }
        if (userId != null) {
            sql.append(" and user_id = ?");
            params.add(userId);
        }
        sql.append(" order by created_at desc");
        return jdbc.sql(sql.toString())
                .params(params)
                .query(IdentityStore::apiKeyRow)
                .list();
    }

    void revokeApiKey(String id, Instant now) {
        jdbc.sql("update api_key set revoked_at = ? where id = ? and revoked_at is null")
                .params(Timestamp.from(now), id)
                .update();
    }

    void touchApiKey(String id, Instant now) {
        jdbc.sql("update api_key set last_used_at = ? where id = ?")
                .params(Timestamp.from(now), id)
                .update();
    }

    private static StoredApiKey apiKeyRow(ResultSet rs, int row) throws SQLException {
        return new StoredApiKey(
                rs.getString("id"),
                rs.getLong("org_id"),
                rs.getLong("user_id"),
                rs.getString("name"),
                rs.getString("scopes"),
                rs.getString("secret_hash"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(),
                instant(rs.getTimestamp("revoked_at")),
                instant(rs.getTimestamp("last_used_at")));
    }
}
