package vn.datafloor.server.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.authentication.AccountStatusException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.platform.DatafloorProperties;

/**
 * Slows down password guessing twice over: an account is locked for a while after repeated
 * failures (stored, so it holds across restarts and servers), and one client address is refused
 * after too many failures in a minute, whatever accounts it tries.
 */
@Component
public class LoginAttempts {

    private final IdentityStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final int maxFailures;
    private final Duration lockout;
    private final int ipMaxFailuresPerMinute;
    private final Map<String, Deque<Instant>> failuresByAddress = new ConcurrentHashMap<>();

    LoginAttempts(IdentityStore store, AuditLog audit, Clock clock, DatafloorProperties properties) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.maxFailures = properties.login().maxFailures();
        this.lockout = properties.login().lockout();
        this.ipMaxFailuresPerMinute = properties.login().ipMaxFailuresPerMinute();
    }

    /** Thrown before any password check when the client address has failed too often. */
    static final class ThrottledException extends AccountStatusException {
        ThrottledException() {
            super("too many failed logins from this address");
        }
    }

    void checkAddress(String address) {
        Deque<Instant> failures = failuresByAddress.get(address == null ? "?" : address);
        if (failures == null) {
            return;
        }
        synchronized (failures) {
            prune(failures);
            if (failures.size() >= ipMaxFailuresPerMinute) {
                throw new ThrottledException();
            }
        }
    }

    /** Records a failure; true when this failure locked the account. */
    boolean failed(String attemptedUsername, String address, AuthenticationException reason) {
        Deque<Instant> failures = failuresByAddress.computeIfAbsent(address == null ? "?" : address, a -> new ArrayDeque<>());
        synchronized (failures) {
            prune(failures);
            failures.addLast(clock.instant());
        }
        var user = attemptedUsername == null ? java.util.Optional.<UserAccount>empty()
                : store.userByUsername(attemptedUsername.strip());
        String why = reason instanceof ThrottledException ? "too many failures from this address"
                : reason instanceof org.springframework.security.authentication.LockedException ? "account locked"
                : reason instanceof org.springframework.security.authentication.DisabledException ? "account or organisation disabled"
                : reason instanceof org.springframework.security.authentication.BadCredentialsException ? "wrong password"
                : reason.getClass().getSimpleName();
        if (user.isEmpty()) {
            // The attempted name is not recorded: it is often a mistyped password or someone else's name.
            audit.record(new AuditEvent(EventType.LOGIN_FAILED, null, null, null, AuditEvent.Outcome.FAILURE, address,
                    "login failed: unknown account", Map.of("reason", why)));
            return false;
        }
        UserAccount account = user.get();
        audit.record(new AuditEvent(EventType.LOGIN_FAILED, account.id(), account.username(), account.orgId(),
                AuditEvent.Outcome.FAILURE, address, "login failed: " + why, Map.of("reason", why)));
        if (reason instanceof org.springframework.security.authentication.BadCredentialsException) {
            int count = store.recordFailure(account.id());
            if (count >= maxFailures) {
                Instant until = clock.instant().plus(lockout);
                store.lockUntil(account.id(), until);
                audit.record(new AuditEvent(EventType.ACCOUNT_LOCKED, account.id(), account.username(), account.orgId(),
                        AuditEvent.Outcome.FAILURE, address, "account locked after " + count + " failed logins",
                        Map.of("until", until.toString(), "failures", Integer.toString(count))));
                return true;
            }
        }
        return false;
    }

    void succeeded(long userId, String username, Long orgId, String address, String method) {
        store.recordSuccess(userId, clock.instant());
        audit.record(new AuditEvent(EventType.LOGIN_SUCCEEDED, userId, username, orgId, AuditEvent.Outcome.SUCCESS, address,
                "login (" + method + ")", Map.of("method", method)));
    }

    /** Forgets addresses whose failures are all older than a minute, so the map cannot grow without bound. */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = 60_000)
    void forgetOldFailures() {
        failuresByAddress.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                prune(entry.getValue());
                return entry.getValue().isEmpty();
            }
        });
    }

    private void prune(Deque<Instant> failures) {
        Instant horizon = clock.instant().minus(Duration.ofMinutes(1));
        while (!failures.isEmpty() && failures.peekFirst().isBefore(horizon)) {
            failures.removeFirst();
        }
    }
}
