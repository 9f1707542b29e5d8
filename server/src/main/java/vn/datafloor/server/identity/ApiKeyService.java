package vn.datafloor.server.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Decision;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.ProblemException;

/**
 * API keys for machine clients. A key is {@code dfk_<id>_<secret>}: the id finds the row, the
 * 256-bit secret is checked against its SHA-256 (a slow hash buys nothing for a random secret and
 * would cost every API call). The secret is shown once and never stored.
 */
@Service
public class ApiKeyService {

    static final String PREFIX = "dfk_";

    private final IdentityStore store;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration maxLifetime;

    ApiKeyService(
            IdentityStore store,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            SecureRandom random,
            DatafloorProperties properties) {
        this.store = store;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.maxLifetime = properties.apiKeys().maxLifetime();
    }

    public record ApiKey(
            String id,
            long orgId,
            long userId,
            String name,
            Set<String> scopes,
            Instant createdAt,
            Instant expiresAt,
            Instant revokedAt,
            Instant lastUsedAt) {
        public boolean activeAt(Instant now) {
            return revokedAt == null && expiresAt.isAfter(now);
        }
    }

    /** The new key and, once only, its token. */
    public record CreatedKey(ApiKey key, String token) {}

    @Transactional
    public CreatedKey create(Actor actor, String name, Set<String> scopes, Duration lifetime) {
        return create(actor, name, scopes, lifetime, null);
    }

    /**
     * A key that reads one agreement's data only: the {@code data:access} scope and the agreement's own
     * scope ({@code agreement:<id>}), which the delivery channels require. The caller has checked that the
     * actor's organisation holds the agreement.
     */
    @Transactional
    public CreatedKey createForAgreement(Actor actor, String name, String agreementScope, Duration lifetime) {
        if (agreementScope == null || !agreementScope.matches("agreement:\\d{1,18}")) {
            throw new IllegalArgumentException("an agreement scope is agreement:<id>");
        }
        return create(actor, name, Set.of(Action.ACCESS_DATA.scope()), lifetime, agreementScope);
    }

    private CreatedKey create(Actor actor, String name, Set<String> scopes, Duration lifetime, String resourceScope) {
        policy.require(actor, Action.MANAGE_API_KEYS);
        if (actor.viaApiKey()) {
            // A key never mints keys: a leaked key must not be able to outlive its own revocation.
            throw new vn.datafloor.server.authz.NotPermittedException(Decision.FORBIDDEN, Action.MANAGE_API_KEYS);
        }
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty() || clean.length() > 100) {
            throw ProblemException.badRequest("apikey.nameInvalid", "Name must be 1 to 100 characters");
        }
        Set<String> granted = new TreeSet<>(scopes == null ? Set.of() : scopes);
        if (granted.isEmpty()) {
            throw ProblemException.badRequest("apikey.scopesMissing", "Choose at least one scope");
        }
        for (String scope : granted) {
            if (!allowedScopes(actor).contains(scope)) {
                throw ProblemException.badRequest(
                        "apikey.scopeNotAllowed", "Scope not allowed for your roles: " + scope, scope);
            }
        }
        if (resourceScope != null) {
            granted.add(resourceScope);
        }
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(maxLifetime) > 0) {
            throw ProblemException.badRequest(
                    "apikey.lifetimeInvalid",
                    "Expiry must be within " + maxLifetime.toDays() + " days",
                    maxLifetime.toDays());
        }
        byte[] idBytes = new byte[8];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        store.insertApiKey(
                id,
                actor.orgId(),
                actor.userId(),
                clean,
                String.join(" ", granted),
                sha256(secretText),
                now,
                now.plus(lifetime));
        audit.record(new AuditEvent(
                EventType.API_KEY_CREATED,
                actor.userId(),
                actor.username(),
                actor.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "API key " + id + " created, scopes " + granted,
                Map.of(
                        "apiKey",
                        id,
                        "scopes",
                        String.join(" ", granted),
                        "expires",
                        now.plus(lifetime).toString())));
        return new CreatedKey(view(store.apiKey(id).orElseThrow()), PREFIX + id + "_" + secretText);
    }

    /** Scopes this actor could put on a key: those of actions their roles may perform. */
    public Set<String> allowedScopes(Actor actor) {
        Set<String> scopes = new TreeSet<>();
        for (Action action : Action.values()) {
            if (action.scope() != null
                    && !action.anyone()
                    && actor.roles().stream().anyMatch(action.roles()::contains)
                    && action != Action.MANAGE_API_KEYS) {
                scopes.add(action.scope());
            }
        }
        return scopes;
    }

    /** Keys the actor may see: all for the operator, the organisation's for its admin, else one's own. */
    public List<ApiKey> visibleTo(Actor actor) {
        List<IdentityStore.StoredApiKey> keys = switch (policy.apiKeyReach(actor)) {
            case ALL -> store.apiKeys(null, null);
            case ORGANISATION -> store.apiKeys(actor.orgId(), null);
            case OWN -> store.apiKeys(actor.orgId(), actor.userId());
        };
        return keys.stream().map(ApiKeyService::view).toList();
    }

    @Transactional
    public ApiKey revoke(Actor actor, String id) {
        IdentityStore.StoredApiKey key =
                store.apiKey(id).orElseThrow(() -> ProblemException.notFound("No API key " + id));
        Decision decision = policy.decideOnApiKey(actor, key.userId(), key.orgId());
        if (!decision.allowed()) {
            throw new vn.datafloor.server.authz.NotPermittedException(decision, Action.MANAGE_API_KEYS);
        }
        if (key.revokedAt() == null) {
            store.revokeApiKey(id, clock.instant());
            audit.record(new AuditEvent(
                    EventType.API_KEY_REVOKED,
                    actor.userId(),
                    actor.username(),
                    key.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "API key " + id + " revoked",
                    Map.of("apiKey", id)));
        }
        return view(store.apiKey(id).orElseThrow());
    }

    /** The stored key a presented token belongs to, if the token is well-formed and its secret matches. */
    Optional<IdentityStore.StoredApiKey> match(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 120) {
            return Optional.empty();
        }
        String rest = token.substring(PREFIX.length());
        int split = rest.indexOf('_');
        if (split != 16) {
            return Optional.empty();
        }
        String id = rest.substring(0, split);
        String secret = rest.substring(split + 1);
        return store.apiKey(id)
                .filter(key -> MessageDigest.isEqual(
                        key.secretHash().getBytes(StandardCharsets.US_ASCII),
                        sha256(secret).getBytes(StandardCharsets.US_ASCII)));
    }

    void touch(String id) {
        store.touchApiKey(id, clock.instant());
    }

    static ApiKey view(IdentityStore.StoredApiKey key) {
        return new ApiKey(
                key.id(),
                key.orgId(),
                key.userId(),
                key.name(),
                new TreeSet<>(Arrays.asList(key.scopes().split(" "))),
                key.createdAt(),
                key.expiresAt(),
                key.revokedAt(),
                key.lastUsedAt());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
