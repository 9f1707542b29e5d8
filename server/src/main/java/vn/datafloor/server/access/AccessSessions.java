package vn.datafloor.server.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.datafloor.integration.access.AccessLimits;
import vn.datafloor.integration.access.AccessSession;
import vn.datafloor.integration.access.AccessView;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.server.integration.DatasetService;

/**
 * Open access sessions, one per permitted view. Opening one copies the permitted rows with their masks
 * (seconds on millions of rows, docs/access-engine.md), so a view's session serves every request until
 * the view changes: a new consent set (a withdrawal), another dataset version or agreement. The key is a
 * digest of everything the view is made of, so a changed view never finds an old session.
 */
final class AccessSessions {

    private static final Logger LOG = LoggerFactory.getLogger(AccessSessions.class);

    private final Path workDirectory;
    private final int capacity;
    private final DatasetService datasets;
    private final Map<String, AccessSession> open = new LinkedHashMap<>(16, 0.75f, true);

    AccessSessions(Path workDirectory, int capacity, DatasetService datasets) {
        this.workDirectory = workDirectory;
        this.capacity = capacity;
        this.datasets = datasets;
    }

    /** The session of this view, opened if none is. */
    AccessSession session(AccessView view) {
        String key = key(view);
        synchronized (open) {
            AccessSession session = open.get(key);
            if (session != null) {
                return session;
            }
        }
        // Opened outside the lock: other views' requests go on meanwhile. Two first requests of one view
        // may both open one; the second is closed.
        AccessSession fresh;
        try {
            Files.createDirectories(workDirectory);
            // The one place delivery decrypts: the grant was decided before this is called, and the session
            // copies the permitted, masked rows out of the clear copies, which are deleted once it is open.
            try (ClearVersion clear = datasets.clear(view.files(), workDirectory)) {
                fresh = AccessSession.open(List.of(reading(view, clear)), AccessLimits.defaults(), workDirectory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("The access session could not be opened", e);
        }
        List<AccessSession> evicted = new ArrayList<>();
        AccessSession chosen;
        synchronized (open) {
            AccessSession raced = open.get(key);
            if (raced != null) {
                evicted.add(fresh);
                chosen = raced;
            } else {
                open.entrySet().removeIf(e -> {
                    // The agreement's older views (before a withdrawal, or of an older version) go at once.
                    boolean stale = e.getKey().startsWith(view.name() + "#")
                            && !e.getKey().equals(key)
                            && sameAgreement(e.getKey(), key);
                    if (stale) {
                        evicted.add(e.getValue());
                    }
                    return stale;
                });
                open.put(key, fresh);
                chosen = fresh;
                while (open.size() > capacity) {
                    var eldest = open.entrySet().iterator().next();
                    evicted.add(eldest.getValue());
                    open.remove(eldest.getKey());
                }
            }
        }
        evicted.forEach(AccessSessions::closeQuietly);
        return chosen;
    }

    /** The view over the clear copies; the session's key stays that of the view over the lake's files. */
    private static AccessView reading(AccessView view, ClearVersion clear) {
        return new AccessView(
                view.name(),
                clear.files(),
                view.visibleColumns(),
                view.masks(),
                view.rowFilters(),
                view.consent(),
                view.subjectColumn(),
                view.hashKey());
    }

    /** Forgets a session that failed (closed meanwhile, or broken), so the next request opens another. */
    void discard(AccessView view) {
        AccessSession session;
        synchronized (open) {
            session = open.remove(key(view));
        }
        if (session != null) {
            closeQuietly(session);
        }
    }

    private static boolean sameAgreement(String a, String b) {
        return a.substring(a.indexOf('#') + 1, a.indexOf('@')).equals(b.substring(b.indexOf('#') + 1, b.indexOf('@')));
    }

    /**
     * The digest of each consent set lately seen, by identity: the consent service hands out the same
     * immutable set until a consent changes, and sorting and hashing a set of many thousand subjects on
     * every request cost more than the request's page. At most {@link #CONSENT_DIGESTS} are kept.
     */
    private final Map<Set<String>, byte[]> consentDigests = new IdentityHashMap<>();

    private static final int CONSENT_DIGESTS = 256;

    /** {@code table#agreementKeyDigest@viewDigest}. */
    String key(AccessView view) {
        try {
            MessageDigest agreement = MessageDigest.getInstance("SHA-256");
            agreement.update(view.hashKey());
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            all.update(view.hashKey());
            update(all, view.name());
            view.files().forEach(f -> update(all, f.toAbsolutePath().toString()));
            view.visibleColumns().forEach(c -> update(all, c));
            view.masks().forEach((c, m) -> update(all, c + "=" + m));
            view.rowFilters().forEach(f -> update(all, f.toString()));
            update(all, view.subjectColumn());
            view.consent().ifPresent(c -> {
                update(all, "consent:" + c.subjectColumn());
                all.update(consentDigest(c.consented()));
            });
            return view.name() + "#" + HexFormat.of().formatHex(agreement.digest(), 0, 8) + "@"
                    + HexFormat.of().formatHex(all.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] consentDigest(Set<String> consented) {
        synchronized (consentDigests) {
            byte[] kept = consentDigests.get(consented);
            if (kept != null) {
                return kept;
            }
        }
        byte[] digest = digestOf(consented);
        synchronized (consentDigests) {
            if (consentDigests.size() >= CONSENT_DIGESTS) {
                consentDigests.clear();
            }
            consentDigests.put(consented, digest);
        }
        return digest;
    }

    /** The subjects in order, so equal sets have equal digests whichever their iteration order. */
    static byte[] digestOf(Set<String> consented) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeSet<>(consented).forEach(id -> update(digest, id));
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    private static void closeQuietly(AccessSession session) {
        try {
            session.close();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("an access session did not close cleanly: {}", e.getClass().getSimpleName());
        }
    }

    void closeAll() {
        List<AccessSession> all;
        synchronized (open) {
            all = new ArrayList<>(open.values());
            open.clear();
        }
        all.forEach(AccessSessions::closeQuietly);
    }
}
