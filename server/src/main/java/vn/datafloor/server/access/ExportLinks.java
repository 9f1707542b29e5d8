package vn.datafloor.server.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.access.AccessSession;
import vn.datafloor.integration.access.ExportResult;
import vn.datafloor.integration.lake.PrivateFiles;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.ProblemException;

/**
 * Export files and their links: a link names a random token, kept only as its SHA-256, valid for a few
 * minutes and for one download, and only to its buyer while the agreement is in force (the token alone
 * opens nothing). Spent and expired files are deleted.
 */
@Component
class ExportLinks {

    /** What the buyer gets back: where to fetch the file, until when, and what it holds. */
    record Link(String url, Instant expiresAt, long rows, long bytes, String sha256, long accessId) {}

    record Pending(long contractId, long orgId, Path file, String format, Instant expiresAt) {}

    record Download(Path file, String filename, String contentType) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random;
    private final Path directory;
    private final Duration lifetime;

    ExportLinks(
            JdbcClient jdbc,
            Clock clock,
            SecureRandom random,
            DatafloorProperties properties,
            @Value("${datafloor.access.export-lifetime:PT15M}") Duration lifetime) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.random = random;
        this.directory = properties.dataDir().resolve("access").resolve("exports");
        this.lifetime = lifetime;
    }

    Path newFile(AccessSession.Format format) {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory.getParent());
                PrivateFiles.createDirectory(directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return directory.resolve(UUID.randomUUID() + (format == AccessSession.Format.CSV ? ".csv" : ".parquet"));
    }

    Link issue(long contractId, long orgId, AccessSession.Format format, ExportResult result, long accessId) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        jdbc.sql("""
                        insert into access_export(token_hash, contract_id, org_id, file, format, rows_count, bytes,
                          sha256, created_at, expires_at) values (?,?,?,?,?,?,?,?,?,?)""")
                .params(
                        sha256(token),
                        contractId,
                        orgId,
                        result.file().getFileName().toString(),
                        format.name(),
                        result.rows(),
                        result.bytes(),
                        result.sha256(),
                        Timestamp.from(now),
                        Timestamp.from(expires))
                .update();
        return new Link(
                "/api/access/exports/" + token, expires, result.rows(), result.bytes(), result.sha256(), accessId);
    }

    /** The link's export if it is neither spent nor expired. */
    Optional<Pending> pending(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("select contract_id, org_id, file, format, expires_at from access_export "
                        + "where token_hash = ? and used_at is null and expires_at > ?")
                .params(sha256(token), Timestamp.from(clock.instant()))
                .query((rs, n) -> new Pending(
                        rs.getLong(1),
                        rs.getLong(2),
                        directory.resolve(rs.getString(3)),
                        rs.getString(4),
                        rs.getTimestamp(5).toInstant()))
                .optional();
    }

    /** The agreement a link was made for, spent or expired or not; empty for a token never issued. */
    Optional<Long> contractOf(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("select contract_id from access_export where token_hash = ?")
                .param(sha256(token))
                .query(Long.class)
                .optional();
    }

    /** Spends the link: a second request, even a concurrent one, finds it gone. */
    Download take(String token, Pending pending) {
        int spent = jdbc.sql("update access_export set used_at = ? where token_hash = ? and used_at is null "
                        + "and expires_at > ?")
                .params(Timestamp.from(clock.instant()), sha256(token), Timestamp.from(clock.instant()))
                .update();
        if (spent != 1 || !Files.isRegularFile(pending.file())) {
            throw gone();
        }
        boolean csv = "CSV".equals(pending.format());
        return new Download(
                pending.file(),
                "agreement-" + pending.contractId() + (csv ? ".csv" : ".parquet"),
                csv ? "text/csv; charset=UTF-8" : "application/vnd.apache.parquet");
    }

    /** Deletes the files of spent and expired links (a spent file is deleted after its download too). */
    @Scheduled(fixedDelayString = "${datafloor.access.export-cleanup:PT5M}")
    void deleteSpent() {
        Instant now = clock.instant();
        for (String file : jdbc.sql("select file from access_export where (used_at is not null or expires_at <= ?) "
                        + "and file_deleted = false")
                .param(Timestamp.from(now))
                .query(String.class)
                .list()) {
            try {
                Files.deleteIfExists(directory.resolve(file));
                jdbc.sql("update access_export set file_deleted = true where file = ?")
                        .param(file)
                        .update();
            } catch (IOException e) {
                // left for the next round
            }
        }
    }

    /** 410: a spent, expired or unknown link (which of them is not said). */
    static ProblemException gone() {
        return new ProblemException(
                org.springframework.http.HttpStatus.GONE,
                "access.exportGone",
                "This download link is spent, expired or unknown: create a new export");
    }

    static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
