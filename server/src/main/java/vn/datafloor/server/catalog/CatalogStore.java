package vn.datafloor.server.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The catalog's tables, in plain SQL that runs on H2 and PostgreSQL. */
@Repository
class CatalogStore {

    private final JdbcClient jdbc;

    CatalogStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private static final String DATASET_COLUMNS =
            "id, slug, dataset, org_id, title_vi, title_en, description_vi, description_en, "
                    + "contact_name, contact_email, themes, keywords, spatial, temporal_start, temporal_end, frequency, licence, "
                    + "documentation_url, importance, sharing, classification_reason, review_status, review_note, status, published_at, "
                    + "created_at, updated_at";

    long insertDataset(String slug, String dataset, long orgId, String titleVi, Instant now) {
        jdbc.sql(
                        "insert into catalog_dataset(slug, dataset, org_id, title_vi, created_at, updated_at) values (?,?,?,?,?,?)")
                .params(slug, dataset, orgId, titleVi, ts(now), ts(now))
                .update();
        return jdbc.sql("select id from catalog_dataset where dataset = ?")
                .param(dataset)
                .query(Long.class)
                .single();
    }

    boolean slugTaken(String slug) {
        return jdbc.sql("select count(*) from catalog_dataset where slug = ?")
                        .param(slug)
                        .query(Long.class)
                        .single()
                > 0;
    }

    Optional<CatalogEntry> bySlug(String slug) {
        return one("slug = ?", slug);
    }

    /**
     * The entries with these slugs (those that exist), by slug, in two queries that both look up by key
     * (slugs, then the ids found): a page of search results, not a scan of the catalog.
     */
    Map<String, CatalogEntry> bySlugs(List<String> slugs) {
        Map<String, CatalogEntry> found = new LinkedHashMap<>();
        if (slugs.isEmpty()) {
            return found;
        }
        List<ResultRow> rows = jdbc.sql("select " + DATASET_COLUMNS + " from catalog_dataset where slug in ("
                        + marks(slugs.size()) + ")")
                .params(slugs.toArray())
                .query((rs, n) -> new ResultRow(rs.getLong(1), dataset(rs, null)))
                .list();
        if (rows.isEmpty()) {
            return found;
        }
        Map<Long, List<CatalogEntry.Column>> columns = new LinkedHashMap<>();
        jdbc.sql("select dataset_id, " + COLUMN_COLUMNS + " from catalog_column where dataset_id in ("
                        + marks(rows.size()) + ") order by dataset_id, position")
                .params(rows.stream().map(ResultRow::id).toArray())
                .query(rs -> {
                    columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(column(rs, 1));
                });
        for (ResultRow row : rows) {
            found.put(row.entry().slug(), row.entry().withColumns(columns.getOrDefault(row.id(), List.of())));
        }
        return found;
    }

    private record ResultRow(long id, CatalogEntry entry) {}

    private static String marks(int count) {
        return String.join(",", java.util.Collections.nCopies(count, "?"));
    }

    Optional<CatalogEntry> byDataset(String dataset) {
        return one("dataset = ?", dataset);
    }

    Optional<CatalogEntry> byId(long id) {
        return one("id = ?", id);
    }

    /** Every entry with its columns, for (re)building the search index. */
    List<CatalogEntry> all() {
        return entries("true order by id");
    }

    /** Entries changed at or after {@code since}, with their columns (other servers' changes, for the index). */
    List<CatalogEntry> changedSince(Instant since) {
        return entries("updated_at >= ? order by id", ts(since));
    }

    /** Every entry without its columns: enough for status, classification and timestamps. */
    List<CatalogEntry> headers() {
        return jdbc.sql("select " + DATASET_COLUMNS + " from catalog_dataset order by id")
                .query((rs, n) -> dataset(rs, null))
                .list();
    }

    /** Entries of one organisation (null: all), most recently changed first. */
    List<CatalogEntry> ofOrganisation(Long orgId) {
        return orgId == null
                ? entries("true order by updated_at desc")
                : entries("org_id = ? order by updated_at desc", orgId);
    }

    private Optional<CatalogEntry> one(String where, Object param) {
        return entries(where, param).stream().findFirst();
    }

    /** Entries matching {@code where} (which may end in an order), each with its columns, in two queries. */
    private List<CatalogEntry> entries(String where, Object... params) {
        String condition = where.contains(" order by ") ? where.substring(0, where.indexOf(" order by ")) : where;
        Map<Long, List<CatalogEntry.Column>> columns = new LinkedHashMap<>();
        jdbc.sql("select dataset_id, " + COLUMN_COLUMNS
                        + " from catalog_column where dataset_id in (select id from catalog_dataset where " + condition
                        + ") order by dataset_id, position")
                .params(params)
                .query(rs -> {
                    columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(column(rs, 1));
                });
        return jdbc.sql("select " + DATASET_COLUMNS + " from catalog_dataset where " + where)
                .params(params)
                .query((rs, n) -> dataset(rs, columns.getOrDefault(rs.getLong(1), List.of())))
                .list();
    }

    private static CatalogEntry dataset(ResultSet rs, List<CatalogEntry.Column> columns) throws SQLException {
        return new CatalogEntry(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                null,
                null,
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                split(rs.getString(11), ","),
                split(rs.getString(12), "\n"),
                split(rs.getString(13), ","),
                date(rs, 14),
                date(rs, 15),
                rs.getString(16),
                rs.getString(17),
                rs.getString(18),
                rs.getString(19),
                rs.getString(20),
                rs.getString(21),
                rs.getString(22),
                rs.getString(23),
                rs.getString(24),
                instant(rs.getTimestamp(25)),
                instant(rs.getTimestamp(26)),
                instant(rs.getTimestamp(27)),
                columns == null ? List.of() : columns,
                null,
                null);
    }

    private static final String COLUMN_COLUMNS =
            "position, name, type, description_vi, description_en, unit, example, tags, "
                    + "proposed_category, proposed_confidence, proposed_evidence, personal_category, "
                    + "proposed_evidence_parts";

    private static CatalogEntry.Column column(ResultSet rs, int offset) throws SQLException {
        int i = offset;
        double confidence = rs.getDouble(i + 10);
        Double proposedConfidence = rs.wasNull() ? null : confidence;
        return new CatalogEntry.Column(
                rs.getInt(i + 1),
                rs.getString(i + 2),
                rs.getString(i + 3),
                rs.getString(i + 4),
                rs.getString(i + 5),
                rs.getString(i + 6),
                rs.getString(i + 7),
                split(rs.getString(i + 8), ","),
                rs.getString(i + 9),
                proposedConfidence,
                rs.getString(i + 11),
                rs.getString(i + 12),
                rs.getString(i + 13));
    }

    /** Stores a checked description; lists are joined here so the service deals in lists only. */
    void updateMetadata(long id, CatalogService.Description m, Instant now) {
        jdbc.sql("""
                update catalog_dataset set title_vi = ?, title_en = ?, description_vi = ?, description_en = ?, contact_name = ?,
                contact_email = ?, themes = ?, keywords = ?, spatial = ?, temporal_start = ?, temporal_end = ?, frequency = ?,
                licence = ?, documentation_url = ?, updated_at = ? where id = ?""")
                .params(
                        m.titleVi(),
                        m.titleEn(),
                        m.descriptionVi(),
                        m.descriptionEn(),
                        m.contactName(),
                        m.contactEmail(),
                        String.join(",", m.themes()),
                        String.join("\n", m.keywords()),
                        String.join(",", m.spatial()),
                        m.temporalStart(),
                        m.temporalEnd(),
                        m.frequency(),
                        m.licence(),
                        m.documentationUrl(),
                        ts(now),
                        id)
                .update();
    }

    void setClassification(
            long id, String importance, String sharing, String reason, long actorId, String reviewStatus, Instant now) {
        jdbc.sql("""
                update catalog_dataset set importance = ?, sharing = ?, classification_reason = ?, classified_by = ?,
                classified_at = ?, review_status = ?, reviewed_by = null, reviewed_at = null, review_note = null, updated_at = ?
                where id = ?""")
                .params(importance, sharing, reason, actorId, ts(now), reviewStatus, ts(now), id)
                .update();
    }

    void setReview(
            long id, String reviewStatus, String importance, String sharing, long actorId, String note, Instant now) {
        jdbc.sql("""
                update catalog_dataset set review_status = ?, importance = ?, sharing = ?, reviewed_by = ?, reviewed_at = ?,
                review_note = ?, updated_at = ? where id = ?""")
                .params(reviewStatus, importance, sharing, actorId, ts(now), note, ts(now), id)
                .update();
    }

    void setStatus(long id, String status, Instant publishedAt, Instant now) {
        jdbc.sql("update catalog_dataset set status = ?, published_at = ?, updated_at = ? where id = ?")
                .params(status, ts(publishedAt), ts(now), id)
                .update();
    }

    void touch(long id, Instant now) {
        jdbc.sql("update catalog_dataset set updated_at = ? where id = ?")
                .params(ts(now), id)
                .update();
    }

    /** Brings the schema in line with the newest version: new columns added, vanished ones dropped, descriptions kept. */
    void syncColumns(long datasetId, List<String[]> nameAndType) {
        List<String> names = nameAndType.stream().map(c -> c[0]).toList();
        for (CatalogEntry.Column existing : byId(datasetId).orElseThrow().columns()) {
            if (!names.contains(existing.name())) {
                jdbc.sql("delete from catalog_column where dataset_id = ? and name = ?")
                        .params(datasetId, existing.name())
                        .update();
            }
        }
        for (int i = 0; i < nameAndType.size(); i++) {
            String[] c = nameAndType.get(i);
            int updated = jdbc.sql("update catalog_column set position = ?, type = ? where dataset_id = ? and name = ?")
                    .params(i, c[1], datasetId, c[0])
                    .update();
            if (updated == 0) {
                jdbc.sql("insert into catalog_column(dataset_id, position, name, type) values (?,?,?,?)")
                        .params(datasetId, i, c[0], c[1])
                        .update();
            }
        }
    }

    /** {@code evidenceParts}: JSON of at most {@link PersonalDataEvidence#MAX_STORED} characters, or null. */
    void propose(
            long datasetId, String column, String category, Double confidence, String evidence, String evidenceParts) {
        jdbc.sql("update catalog_column set proposed_category = ?, proposed_confidence = ?, proposed_evidence = ?, "
                        + "proposed_evidence_parts = ? where dataset_id = ? and name = ?")
                .params(category, confidence, truncate(evidence, 500), evidenceParts, datasetId, column)
                .update();
    }

    void describeColumn(
            long datasetId,
            String column,
            String descriptionVi,
            String descriptionEn,
            String unit,
            String example,
            List<String> tags) {
        jdbc.sql("update catalog_column set description_vi = ?, description_en = ?, unit = ?, example = ?, tags = ? "
                        + "where dataset_id = ? and name = ?")
                .params(descriptionVi, descriptionEn, unit, example, String.join(",", tags), datasetId, column)
                .update();
    }

    void confirmColumn(long datasetId, String column, String category, long actorId, Instant now) {
        jdbc.sql(
                        "update catalog_column set personal_category = ?, confirmed_by = ?, confirmed_at = ? where dataset_id = ? and name = ?")
                .params(category, actorId, ts(now), datasetId, column)
                .update();
    }

    void recordClassification(
            long datasetId,
            Instant at,
            Long actorId,
            String kind,
            String importance,
            String sharing,
            String reason,
            long ledgerIndex) {
        jdbc.sql(
                        "insert into catalog_classification_event(dataset_id, at, actor_id, kind, importance, sharing, reason, ledger_index) "
                                + "values (?,?,?,?,?,?,?,?)")
                .params(datasetId, ts(at), actorId, kind, importance, sharing, reason, ledgerIndex)
                .update();
    }

    List<ClassificationEvent> classificationHistory(long datasetId) {
        return jdbc.sql(
                        "select at, actor_id, kind, importance, sharing, reason, ledger_index from catalog_classification_event "
                                + "where dataset_id = ? order by at desc, id desc")
                .param(datasetId)
                .query((rs, n) -> new ClassificationEvent(
                        instant(rs.getTimestamp(1)),
                        (Long) rs.getObject(2, Long.class),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        (Long) rs.getObject(7, Long.class)))
                .list();
    }

    void recordDownload(long datasetId, Instant at, String format, int version) {
        jdbc.sql("insert into catalog_download(dataset_id, at, format, version) values (?,?,?,?)")
                .params(datasetId, ts(at), format, version)
                .update();
    }

    /** An organisation's published entries, newest change first (the portal's publisher page). */
    List<CatalogEntry> publishedOf(long orgId) {
        return entries("org_id = ? and status = 'PUBLISHED' order by updated_at desc, id", orgId);
    }

    /** The ids of the entries downloaded most since {@code since}, most first. */
    List<Long> mostDownloaded(Instant since, int limit) {
        return jdbc.sql("select dataset_id from catalog_download where at >= ? group by dataset_id "
                        + "order by count(*) desc, dataset_id limit ?")
                .params(ts(since), limit)
                .query(Long.class)
                .list();
    }

    long downloads(long datasetId) {
        return jdbc.sql("select count(*) from catalog_download where dataset_id = ?")
                .param(datasetId)
                .query(Long.class)
                .single();
    }

    private static List<String> split(String joined, String separator) {
        if (joined == null || joined.isBlank()) {
            return List.of();
        }
        return Arrays.stream(joined.split(separator))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static LocalDate date(ResultSet rs, int i) throws SQLException {
        java.sql.Date d = rs.getDate(i);
        return d == null ? null : d.toLocalDate();
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
