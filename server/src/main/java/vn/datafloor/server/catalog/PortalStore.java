package vn.datafloor.server.catalog;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** The portal's tables: publishers' own descriptions, dataset requests and their answers (plain SQL, H2 and PostgreSQL). */
@Repository
class PortalStore {

    /** What a publisher says about itself, in both languages (either may be null). */
    record PublisherDescription(String vi, String en) {}

    /** One request as stored, with its answers oldest first. */
    record StoredRequest(
            long id,
            String title,
            String description,
            Long orgId,
            Long requesterId,
            String contact,
            String status,
            Instant createdAt,
            Long ledgerIndex,
            String closeReason,
            List<StoredAnswer> answers) {}

    record StoredAnswer(
            long id, long orgId, long authorId, String body, String datasetSlug, Instant createdAt, Long ledgerIndex) {}

    private final JdbcClient jdbc;

    PortalStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<PublisherDescription> publisher(long orgId) {
        return jdbc.sql("select description_vi, description_en from catalog_publisher where org_id = ?")
                .param(orgId)
                .query((rs, i) -> new PublisherDescription(rs.getString(1), rs.getString(2)))
                .optional();
    }

    void describePublisher(long orgId, String vi, String en, long userId, Instant now) {
        int updated = jdbc.sql("update catalog_publisher set description_vi = ?, description_en = ?, updated_by = ?, "
                        + "updated_at = ? where org_id = ?")
                .params(vi, en, userId, ts(now), orgId)
                .update();
        if (updated == 0) {
            jdbc.sql("insert into catalog_publisher(org_id, description_vi, description_en, updated_by, updated_at) "
                            + "values (?,?,?,?,?)")
                    .params(orgId, vi, en, userId, ts(now))
                    .update();
        }
    }

    long insertRequest(String title, String description, Long orgId, Long requesterId, String contact, Instant now) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("insert into catalog_request(title, description, org_id, requester_id, contact, status, created_at) "
                        + "values (?,?,?,?,?, 'OPEN', ?)")
                .params(title, description, orgId, requesterId, contact, ts(now))
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    void setRequestLedgerIndex(long id, long index) {
        jdbc.sql("update catalog_request set ledger_index = ? where id = ?")
                .params(index, id)
                .update();
    }

    long insertAnswer(long requestId, long orgId, long authorId, String body, String datasetSlug, Instant now) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("insert into catalog_request_answer(request_id, org_id, author_id, body, dataset_slug, created_at) "
                        + "values (?,?,?,?,?,?)")
                .params(requestId, orgId, authorId, body, datasetSlug, ts(now))
                .update(keys, "id");
        jdbc.sql("update catalog_request set status = 'ANSWERED' where id = ? and status = 'OPEN'")
                .param(requestId)
                .update();
        return keys.getKey().longValue();
    }

    void setAnswerLedgerIndex(long id, long index) {
        jdbc.sql("update catalog_request_answer set ledger_index = ? where id = ?")
                .params(index, id)
                .update();
    }

    void close(long requestId, long userId, String reason, Instant now) {
        jdbc.sql("update catalog_request set status = 'CLOSED', closed_by = ?, closed_at = ?, close_reason = ? "
                        + "where id = ?")
                .params(userId, ts(now), reason, requestId)
                .update();
    }

    Optional<StoredRequest> request(long id) {
        return requests("id = ?", List.of(id), 0, 1).stream().findFirst();
    }

    /** A page of requests, newest first; {@code withClosed}: closed ones too (the operator). */
    List<StoredRequest> requests(boolean withClosed, Long orgId, int offset, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(withClosed ? "1 = 1" : "status <> 'CLOSED'");
        if (orgId != null) {
            where.append(" and org_id = ?");
            params.add(orgId);
        }
        return requests(where.toString(), params, offset, limit);
    }

    long countRequests(boolean withClosed, Long orgId) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select count(*) from catalog_request where ")
                .append(withClosed ? "1 = 1" : "status <> 'CLOSED'");
        if (orgId != null) {
            sql.append(" and org_id = ?");
            params.add(orgId);
        }
        return jdbc.sql(sql.toString()).params(params).query(Long.class).single();
    }

    private List<StoredRequest> requests(String where, List<Object> params, int offset, int limit) {
        List<Object> all = new ArrayList<>(params);
        all.add(limit);
        all.add(offset);
        Map<Long, Object[]> rows = new LinkedHashMap<>();
        jdbc.sql("select id, title, description, org_id, requester_id, contact, status, created_at, ledger_index, "
                        + "close_reason from catalog_request where " + where
                        + " order by created_at desc, id desc limit ? offset ?")
                .params(all)
                .query(rs -> {
                    rows.put(rs.getLong(1), new Object[] {
                        rs.getString(2),
                        rs.getString(3),
                        rs.getObject(4, Long.class),
                        rs.getObject(5, Long.class),
                        rs.getString(6),
                        rs.getString(7),
                        instant(rs.getTimestamp(8)),
                        rs.getObject(9, Long.class),
                        rs.getString(10)
                    });
                });
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, List<StoredAnswer>> answers = new LinkedHashMap<>();
        String ids =
                String.join(",", rows.keySet().stream().map(String::valueOf).toList());
        jdbc.sql("select id, request_id, org_id, author_id, body, dataset_slug, created_at, ledger_index "
                        + "from catalog_request_answer where request_id in (" + ids + ") order by created_at, id")
                .query(rs -> {
                    answers.computeIfAbsent(rs.getLong(2), k -> new ArrayList<>())
                            .add(new StoredAnswer(
                                    rs.getLong(1),
                                    rs.getLong(3),
                                    rs.getLong(4),
                                    rs.getString(5),
                                    rs.getString(6),
                                    instant(rs.getTimestamp(7)),
                                    rs.getObject(8, Long.class)));
                });
        List<StoredRequest> result = new ArrayList<>();
        rows.forEach((id, r) -> result.add(new StoredRequest(
                id,
                (String) r[0],
                (String) r[1],
                (Long) r[2],
                (Long) r[3],
                (String) r[4],
                (String) r[5],
                (Instant) r[6],
                (Long) r[7],
                (String) r[8],
                answers.getOrDefault(id, List.of()))));
        return result;
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
