package vn.datafloor.server.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.authentication.AccountStatusException;
import org.springframework.stereotype.Component;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.DatafloorProperties;

/**
 * Slows down password guessing without letting anyone lock someone else out, and without telling
 * whether a name belongs to an account.
 *
 * <ul>
 *   <li><b>Back-off per name and client address.</b> After {@code max-failures} failures of one
 *       typed name from one address, further tries of that name from that address are refused
 *       without looking at the password until a back-off ends; it starts at {@code backoff} and
 *       doubles with each further failure, up to {@code max-backoff}. The refusal reads exactly like
 *       a wrong password, and names that match no account back off the same way, so it reveals
 *       nothing. The owner, signing in from their own address, is not held up by a guesser
 *       elsewhere.
 *   <li><b>Throttle per client address.</b> An address with {@code ip-max-failures-per-minute}
 *       failures in the last minute is refused for any name (429 with Retry-After), which bounds
 *       how fast one address can spread guesses over many names.
 * </ul>
 *
 * Both are kept in memory, by each server for the requests it serves (see docs/security.md). The
 * back-off is keyed by a hash of name and address, so the memory holds no typed name in clear.
 */
@Component
public class LoginAttempts {

    /** A back-off nobody has touched for this long is forgotten. */
    static final Duration FORGET_AFTER = Duration.ofDays(1);

    /** Above this many tracked name-and-address pairs, those not backing off now are dropped first. */
    static final int MAX_TRACKED = 200_000;

    /** Why a sign-in did not succeed; the first two read the same to the person and on the public ledger. */
    enum Failure {
        /** Unknown name or wrong password. */
        CREDENTIALS,
        /** Refused without looking at the password: this name is backing off at this address. */
        BACKING_OFF,
        /** The right password of a disabled account, or of an account of a disabled organisation. */
        DISABLED,
        /** The client address failed too often in the last minute. */
        THROTTLED
    }

    /** Thrown before any password check when the client address has failed too often. */
    static final class ThrottledException extends AccountStatusException {
        private final long retryAfterSeconds;

        ThrottledException(long retryAfterSeconds) {
            super("too many failed sign-ins from this address");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private record Backoff(int failures, Instant blockedUntil, Instant lastFailure) {
        boolean blockedAt(Instant now) {
            return blockedUntil != null && now.isBefore(blockedUntil);
        }
    }

    private final IdentityStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final int maxFailures;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final int ipMaxFailuresPerMinute;
    private final Map<String, Deque<Instant>> failuresByAddress = new ConcurrentHashMap<>();
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();

    LoginAttempts(IdentityStore store, AuditLog audit, Clock clock, DatafloorProperties properties) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        DatafloorProperties.Login login = properties.login();
        this.maxFailures = Math.max(1, login.maxFailures());
        this.backoff = login.backoff();
        this.maxBackoff = login.maxBackoff();
        this.ipMaxFailuresPerMinute = login.ipMaxFailuresPerMinute();
    }

    /** Refuses at once when the client address is being throttled; no password is checked then. */
    void checkAddress(String address) {
        Deque<Instant> failures = failuresByAddress.get(ClientAddress.throttleKey(address));
        if (failures == null) {
            return;
        }
        synchronized (failures) {
            prune(failures);
            if (failures.size() >= ipMaxFailuresPerMinute) {
                // The address is let in again when enough of its failures have left the one-minute window.
                Instant freed = failures.stream()
                        .skip(failures.size() - ipMaxFailuresPerMinute)
                        .findFirst()
                        .orElseThrow()
                        .plus(Duration.ofMinutes(1));
                long seconds = Duration.between(clock.instant(), freed).toMillis();
                throw new ThrottledException(Math.max(1, (seconds + 999) / 1000));
            }
        }
    }

    /** Whether tries of {@code typedName} from {@code address} are refused for now, whatever the password. */
    boolean backingOff(String typedName, String address) {
        Backoff state = backoffs.get(key(typedName, address));
        return state != null && state.blockedAt(clock.instant());
    }

    /**
     * Counts a failure and records it on the ledger. The entry is the same for an unknown name, a
     * wrong password and a refusal during back-off; only the audit index, which auditors alone
     * read, says which it was.
     *
     * @param account the account the typed name belongs to, or null
     */
    void failed(String typedName, IdentityStore.Credentials account, String address, Failure failure) {
        Instant now = clock.instant();
        String reason = switch (failure) {
            case CREDENTIALS, BACKING_OFF -> "credentials";
            case DISABLED -> "disabled";
            case THROTTLED -> "throttled";
        };
        String summary = switch (failure) {
            case CREDENTIALS -> account == null ? "sign-in failed: no such account" : "sign-in failed: wrong password";
            case BACKING_OFF -> "sign-in refused: this name is backing off at this address";
            case DISABLED -> "sign-in refused: account or organisation disabled";
            case THROTTLED -> "sign-in refused: too many failures from this address";
        };
        AuditLog.UserRef ref = account == null ? null : new AuditLog.UserRef(account.id(), account.username());
        if (failure != Failure.THROTTLED) {
            Deque<Instant> failures =
                    failuresByAddress.computeIfAbsent(ClientAddress.throttleKey(address), a -> new ArrayDeque<>());
            synchronized (failures) {
                prune(failures);
                failures.addLast(now);
            }
        }
        audit.recordSignInAttempt(
                new AuditEvent(
                        EventType.LOGIN_FAILED,
                        null,
                        null,
                        null,
                        AuditEvent.Outcome.FAILURE,
                        address,
                        summary,
                        Map.of("reason", reason)),
                ref);
        if (failure == Failure.CREDENTIALS) {
            Backoff after = backoffs.compute(key(typedName, address), (k, before) -> {
                int count = before == null ? 1 : before.failures() + 1;
                return new Backoff(count, count >= maxFailures ? now.plus(delayAfter(count)) : null, now);
            });
            if (after.blockedUntil() != null) {
                Duration delay = delayAfter(after.failures());
                audit.recordSignInAttempt(
                        new AuditEvent(
                                EventType.LOGIN_BACKOFF,
                                null,
                                null,
                                null,
                                AuditEvent.Outcome.FAILURE,
                                address,
                                "sign-in back-off of " + delay.toSeconds() + " s after " + after.failures()
                                        + " failures",
                                Map.of(
                                        "failures",
                                        Integer.toString(after.failures()),
                                        "seconds",
                                        Long.toString(delay.toSeconds()))),
                        ref);
            }
        }
        if (backoffs.size() > MAX_TRACKED) {
            backoffs.entrySet().removeIf(e -> !e.getValue().blockedAt(now));
        }
    }

    /** The back-off after the {@code failures}-th failure: {@code backoff}, doubling, at most {@code maxBackoff}. */
    Duration delayAfter(int failures) {
        int doublings = Math.min(30, failures - maxFailures);
        Duration delay = backoff.multipliedBy(1L << Math.max(0, doublings));
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }

    /** A success clears the back-off of this name at this address, not elsewhere. */
    void succeeded(String typedName, String address) {
        backoffs.remove(key(typedName, address));
    }

    void recordSuccess(long userId, String username, Long orgId, String address, String method) {
        store.recordSuccess(userId, clock.instant());
        audit.record(new AuditEvent(
                EventType.LOGIN_SUCCEEDED,
                userId,
                username,
                orgId,
                AuditEvent.Outcome.SUCCESS,
                address,
                "login (" + method + ")",
                Map.of("method", method)));
    }

    /** Forgets what can no longer matter, so that the maps cannot grow without bound. */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = 60_000)
    void forgetOldFailures() {
        failuresByAddress.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                prune(entry.getValue());
                return entry.getValue().isEmpty();
            }
        });
        Instant now = clock.instant();
        for (Iterator<Backoff> it = backoffs.values().iterator(); it.hasNext(); ) {
            Backoff state = it.next();
            if (!state.blockedAt(now) && state.lastFailure().plus(FORGET_AFTER).isBefore(now)) {
                it.remove();
            }
        }
    }

    int trackedBackoffs() {
        return backoffs.size();
    }

    private void prune(Deque<Instant> failures) {
        Instant horizon = clock.instant().minus(Duration.ofMinutes(1));
        while (!failures.isEmpty() && !failures.peekFirst().isAfter(horizon)) {
            failures.removeFirst();
        }
    }

    /** SHA-256 of the normalised name and the address's throttle key: the same for "Admin" and "admin ". */
    static String key(String typedName, String address) {
        String name = Normalizer.normalize(typedName == null ? "" : typedName.strip(), Normalizer.Form.NFC)
                .toLowerCase(Locale.ROOT);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(ClientAddress.throttleKey(address).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
