package vn.datafloor.server.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Entries harvested from other portals' catalogs and other exchanges' DSP catalogs. The harvest
 * capability hands over what a source lists now; this keeps the catalog's copy in step: new entries
 * added, changed ones (by a hash of their content) updated, and — only after a complete harvest —
 * entries the source no longer lists removed. They are found by search on the portal with the
 * portal they come from and a link back; Datafloor's own CKAN API and DCAT-AP export leave them out,
 * so that two portals harvesting each other do not copy each other's copies back and forth.
 */
@Service
public class RemoteCatalog {

    /** Slugs of harvested entries: a '.' never occurs in the slugs of Datafloor's own entries. */
    static final String SLUG_PREFIX = "remote.";

    private static final java.util.regex.Pattern WEB_ADDRESS =
            java.util.regex.Pattern.compile("(?i)https?://[^\\s\"<>]+");

    private final RemoteEntryStore store;
    private final CatalogSearch search;
    private final Clock clock;

    RemoteCatalog(RemoteEntryStore store, CatalogSearch search, Clock clock) {
        this.store = store;
        this.search = search;
        this.clock = clock;
    }

    /**
     * One entry as a source lists it.
     *
     * @param remoteId the source's identifier of it (a CKAN package id, a DCAT dataset IRI, a DSP dataset id)
     * @param kind DATASET or OFFER
     * @param licence the licence as the source names it
     * @param landingUrl the page of the entry on the source, the link back
     * @param dspEndpoint for an offer: the DSP endpoint to negotiate with
     * @param offerId for an offer: the offer's identifier
     * @param terms for an offer: a summary of its policy
     */
    public record RemoteRecord(
            String remoteId,
            String kind,
            String title,
            String description,
            String publisher,
            String licence,
            String landingUrl,
            List<String> keywords,
            Instant modified,
            String dspEndpoint,
            String offerId,
            String terms) {

        public RemoteRecord {
            keywords = List.copyOf(keywords);
            // The link back is rendered as a link: only http(s), never javascript: or data: from a harvested IRI.
            landingUrl = webAddress(landingUrl);
            dspEndpoint = webAddress(dspEndpoint);
        }

        private static String webAddress(String url) {
            return url != null && WEB_ADDRESS.matcher(url).matches() ? url : null;
        }

        /** A hash of everything shown of the entry: a change of any of it is an update. */
        String contentHash() {
            StringBuilder text = new StringBuilder();
            for (Object part : List.of(
                    kind,
                    nz(title),
                    nz(description),
                    nz(publisher),
                    nz(licence),
                    nz(landingUrl),
                    String.join("\n", keywords),
                    modified == null ? "" : modified.toString(),
                    nz(dspEndpoint),
                    nz(offerId),
                    nz(terms))) {
                text.append(part).append('\u0000');
            }
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }
    }

    /** What a synchronisation changed. */
    public record SyncResult(int added, int updated, int unchanged, int removed) {}

    /**
     * Brings a source's entries in line with what it lists now. {@code complete}: the harvest read the
     * whole source without error, so entries it did not list are gone from it and are removed; after
     * a partial harvest nothing is removed (an entry missing may only have been unreadable).
     */
    @Transactional
    public SyncResult sync(long sourceId, String sourceName, List<RemoteRecord> records, boolean complete) {
        Instant now = clock.instant();
        Map<String, String> known = store.hashes(sourceId);
        Set<String> listed = new HashSet<>();
        List<String> unchanged = new ArrayList<>();
        List<String> touched = new ArrayList<>();
        int added = 0;
        int updated = 0;
        for (RemoteRecord r : records) {
            if (!listed.add(r.remoteId())) {
                continue; // listed twice (pages shifted while reading): the first one counts
            }
            String hash = r.contentHash();
            String before = known.get(r.remoteId());
            if (before == null) {
                store.insert(sourceId, sourceName, r, hash, now);
                touched.add(r.remoteId());
                added++;
            } else if (!before.equals(hash)) {
                store.update(sourceId, sourceName, r, hash, now);
                touched.add(r.remoteId());
                updated++;
            } else {
                unchanged.add(r.remoteId());
            }
        }
        store.seen(sourceId, unchanged, now);
        int removed = 0;
        if (complete) {
            for (String gone : known.keySet()) {
                if (!listed.contains(gone)) {
                    store.bySourceAndRemoteId(sourceId, gone).ifPresent(e -> search.remove(e.slug()));
                    store.delete(sourceId, gone);
                    removed++;
                }
            }
        }
        for (String id : touched) {
            store.bySourceAndRemoteId(sourceId, id).ifPresent(search::put);
        }
        return new SyncResult(added, updated, unchanged.size(), removed);
    }

    /** Removes every entry of a source (the source itself was removed); returns how many. */
    @Transactional
    public int removeSource(long sourceId) {
        store.idsOfSource(sourceId).forEach(id -> search.remove(slugOf(id)));
        return store.deleteSource(sourceId);
    }

    /** A harvested entry; its metadata is public (harvested from public catalogs), so anyone may read it. */
    public Optional<CatalogEntry> find(long id) {
        return store.byId(id);
    }

    public int count(long sourceId) {
        return store.count(sourceId);
    }

    public List<CatalogEntry> ofSource(long sourceId) {
        return store.ofSource(sourceId);
    }

    /** Harvested entries of one kind (DATASET, OFFER; null: both), by title, at most {@code limit}. */
    public List<CatalogEntry> list(String kind, int limit) {
        return store.ofKind(kind, limit);
    }

    /** The entry of a search hit, when the hit is a harvested entry. */
    Optional<CatalogEntry> forSlug(String slug) {
        if (!slug.startsWith(SLUG_PREFIX)) {
            return Optional.empty();
        }
        try {
            return store.byId(Long.parseLong(slug.substring(SLUG_PREFIX.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    List<CatalogEntry> all() {
        return store.all();
    }

    List<CatalogEntry> changedSince(Instant since) {
        return store.changedSince(since);
    }

    static String slugOf(long id) {
        return SLUG_PREFIX + id;
    }

    /**
     * The catalog's licence code for a licence as a source names it (a CKAN id such as "cc-by", a title,
     * or a URL), when it is one the catalog knows; otherwise the source's own words, shortened.
     */
    static String licenceCode(String licence) {
        if (licence == null || licence.isBlank()) {
            return "unknown";
        }
        String l = licence.strip().toLowerCase(Locale.ROOT);
        for (CatalogVocabulary.Licence known : CatalogVocabulary.Licence.values()) {
            String url = known.url().toLowerCase(Locale.ROOT);
            if (l.equals(known.code())
                    || l.equals(url)
                    || l.equals(url.replace("https://", "http://"))
                    || l.equals(url.substring(0, url.length() - 1))) {
                return known.code();
            }
        }
        if (l.equals("cc-by") || l.equals("cc-by-4") || l.equals("creative commons attribution 4.0")) {
            return "cc-by-4.0";
        }
        if (l.equals("cc-zero") || l.equals("cc0")) {
            return "cc0-1.0";
        }
        if (l.equals("odc-odbl")) {
            return "odbl-1.0";
        }
        return licence.length() > 60 ? licence.substring(0, 60) : licence;
    }
}
