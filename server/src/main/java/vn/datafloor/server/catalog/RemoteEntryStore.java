package vn.datafloor.server.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The table of harvested entries, in plain SQL that runs on H2 and PostgreSQL. */
@Repository
class RemoteEntryStore {

    private static final String COLUMNS =
            "id, source_id, source_name, remote_id, kind, title, description, publisher, licence, landing_url, keywords, "
                    + "modified, dsp_endpoint, offer_id, terms, content_hash, first_seen, last_seen, updated_at";

    private final JdbcClient jdbc;

    RemoteEntryStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The content hash of each entry of a source, by remote id. */
    Map<String, String> hashes(long sourceId) {
        return jdbc
                .sql("select remote_id, content_hash from catalog_remote_entry where source_id = ?")
                .param(sourceId)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    long insert(long sourceId, String sourceName, RemoteCatalog.RemoteRecord r, String hash, Instant now) {
        jdbc.sql("""
                insert into catalog_remote_entry(source_id, source_name, remote_id, kind, title, description, publisher,
                licence, landing_url, keywords, modified, dsp_endpoint, offer_id, terms, content_hash, first_seen, last_seen,
                updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
                .params(
                        sourceId,
                        sourceName,
                        r.remoteId(),
                        r.kind(),
                        r.title(),
                        r.description(),
                        r.publisher(),
                        r.licence(),
                        r.landingUrl(),
                        String.join("\n", r.keywords()),
                        ts(r.modified()),
                        r.dspEndpoint(),
                        r.offerId(),
                        r.terms(),
                        hash,
                        ts(now),
                        ts(now),
                        ts(now))
                .update();
        return jdbc.sql("select id from catalog_remote_entry where source_id = ? and remote_id = ?")
                .params(sourceId, r.remoteId())
                .query(Long.class)
                .single();
    }

    void update(long sourceId, String sourceName, RemoteCatalog.RemoteRecord r, String hash, Instant now) {
        jdbc.sql("""
                update catalog_remote_entry set source_name = ?, kind = ?, title = ?, description = ?, publisher = ?,
                licence = ?, landing_url = ?, keywords = ?, modified = ?, dsp_endpoint = ?, offer_id = ?, terms = ?,
                content_hash = ?, last_seen = ?, updated_at = ? where source_id = ? and remote_id = ?""")
                .params(
                        sourceName,
                        r.kind(),
                        r.title(),
                        r.description(),
                        r.publisher(),
                        r.licence(),
                        r.landingUrl(),
                        String.join("\n", r.keywords()),
                        ts(r.modified()),
                        r.dspEndpoint(),
                        r.offerId(),
                        r.terms(),
                        hash,
                        ts(now),
                        ts(now),
                        sourceId,
                        r.remoteId())
                .update();
    }

    /** Marks entries as seen in a harvest without changing them (their content is the same). */
    void seen(long sourceId, List<String> remoteIds, Instant now) {
        for (int i = 0; i < remoteIds.size(); i += 500) {
            List<String> batch = remoteIds.subList(i, Math.min(remoteIds.size(), i + 500));
            jdbc.sql("update catalog_remote_entry set last_seen = ? where source_id = ? and remote_id in (:ids)"
                            .replace(":ids", String.join(",", java.util.Collections.nCopies(batch.size(), "?"))))
                    .params(concat(List.of(ts(now), sourceId), batch))
                    .update();
        }
    }

    private static List<Object> concat(List<Object> head, List<String> tail) {
        List<Object> all = new java.util.ArrayList<>(head);
        all.addAll(tail);
        return all;
    }

    void delete(long sourceId, String remoteId) {
        jdbc.sql("delete from catalog_remote_entry where source_id = ? and remote_id = ?")
                .params(sourceId, remoteId)
                .update();
    }

    Optional<CatalogEntry> byId(long id) {
        return jdbc.sql("select " + COLUMNS + " from catalog_remote_entry where id = ?")
                .param(id)
                .query((rs, n) -> entry(rs))
                .optional();
    }

    Optional<CatalogEntry> bySourceAndRemoteId(long sourceId, String remoteId) {
        return jdbc.sql("select " + COLUMNS + " from catalog_remote_entry where source_id = ? and remote_id = ?")
                .params(sourceId, remoteId)
                .query((rs, n) -> entry(rs))
                .optional();
    }

    List<CatalogEntry> ofSource(long sourceId) {
        return jdbc.sql("select " + COLUMNS + " from catalog_remote_entry where source_id = ? order by title, id")
                .param(sourceId)
                .query((rs, n) -> entry(rs))
                .list();
    }

    /** Entries of one kind (null: all), by title. A list, not a stream: a stream holds its connection open. */
    List<CatalogEntry> ofKind(String kind, int limit) {
        String order = " order by title, id limit " + Math.max(1, limit);
        return kind == null
                ? jdbc.sql("select " + COLUMNS + " from catalog_remote_entry" + order)
                        .query((rs, n) -> entry(rs))
                        .list()
                : jdbc.sql("select " + COLUMNS + " from catalog_remote_entry where kind = ?" + order)
                        .param(kind)
                        .query((rs, n) -> entry(rs))
                        .list();
    }

    List<CatalogEntry> all() {
        return jdbc.sql("select " + COLUMNS + " from catalog_remote_entry order by id")
                .query((rs, n) -> entry(rs))
                .list();
    }

    List<CatalogEntry> changedSince(Instant since) {
        return jdbc.sql("select " + COLUMNS + " from catalog_remote_entry where updated_at >= ? order by id")
                .param(ts(since))
                .query((rs, n) -> entry(rs))
                .list();
    }

    List<Long> idsOfSource(long sourceId) {
        return jdbc.sql("select id from catalog_remote_entry where source_id = ?")
                .param(sourceId)
                .query(Long.class)
                .list();
    }

    int count(long sourceId) {
        return jdbc.sql("select count(*) from catalog_remote_entry where source_id = ?")
                .param(sourceId)
                .query(Integer.class)
                .single();
    }

    int deleteSource(long sourceId) {
        return jdbc.sql("delete from catalog_remote_entry where source_id = ?")
                .param(sourceId)
                .update();
    }

    /**
     * A harvested entry as a catalog entry: published metadata anyone may read, of "other" importance,
     * open when it comes from an open-data portal and shared when it is another exchange's offer; no
     * columns, no lake version, no organisation of Datafloor's own.
     */
    private static CatalogEntry entry(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        String kind = rs.getString(5);
        Instant updated = instant(rs.getTimestamp(19));
        Instant modified = instant(rs.getTimestamp(12));
        String keywords = rs.getString(11);
        CatalogEntry.Remote remote = new CatalogEntry.Remote(
                id,
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                kind,
                rs.getString(9),
                rs.getString(10),
                rs.getString(13),
                rs.getString(14),
                rs.getString(15),
                instant(rs.getTimestamp(17)),
                instant(rs.getTimestamp(18)));
        return new CatalogEntry(
                0,
                RemoteCatalog.slugOf(id),
                null,
                0,
                rs.getString(8),
                null,
                rs.getString(6),
                null,
                rs.getString(7),
                null,
                null,
                null,
                List.of(),
                keywords == null || keywords.isEmpty() ? List.of() : Arrays.asList(keywords.split("\n")),
                List.of(),
                (LocalDate) null,
                null,
                "irregular",
                RemoteCatalog.licenceCode(rs.getString(9)),
                rs.getString(10),
                "other",
                "OFFER".equals(kind) ? "shared" : "open",
                null,
                "NONE",
                null,
                "PUBLISHED",
                modified == null ? updated : modified,
                instant(rs.getTimestamp(17)),
                modified == null ? updated : modified,
                List.of(),
                null,
                remote);
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
