package vn.datafloor.server.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import vn.datafloor.integration.connect.InputLimitException;
import vn.datafloor.integration.connect.LoadedSource;
import vn.datafloor.integration.connect.SourceConnector;
import vn.datafloor.integration.connect.SourceConnectors;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.connect.SourceLoader;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.integration.pipeline.PipelineSpec;
import vn.datafloor.integration.pipeline.QualityReport;
import vn.datafloor.integration.pipeline.QualityReports;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/** Datasets in the lake and their version history, with where each version came from. */
@Service
public class DatasetService {

    private final IntegrationStore store;
    private final IntegrationPaths paths;
    private final AccessPolicy policy;

    private final DatasetPublishing publishing;
    private final Clock clock;
    private final long maxUploadBytes;

    DatasetService(
            IntegrationStore store,
            IntegrationPaths paths,
            AccessPolicy policy,
            DatasetPublishing publishing,
            Clock clock,
            @Value("${datafloor.integration.max-upload-bytes:2147483648}") long maxUploadBytes) {
        this.store = store;
        this.paths = paths;
        this.policy = policy;
        this.publishing = publishing;
        this.clock = clock;
        this.maxUploadBytes = maxUploadBytes;
    }

    public record Version(
            int version,
            Instant createdAt,
            long rows,
            List<LakeManifest.Column> columns,
            LakeManifest.Diff diff,
            Map<String, String> lineage,
            String runId) {}

    public record Dataset(String name, long orgId, List<Version> versions) {
        public Version latest() {
            return versions.isEmpty() ? null : versions.get(versions.size() - 1);
        }
    }

    public List<Dataset> visibleTo(Actor actor) {
        policy.require(actor, Action.VIEW_INTEGRATION);
        Long org = policy.seesAllTenants(actor, Action.VIEW_INTEGRATION) ? null : actor.orgId();
        return store.datasetsOf(org).stream().map(this::dataset).toList();
    }

    public Dataset get(Actor actor, String name) {
        long owner = store.datasetOwner(name).orElseThrow(() -> ProblemException.notFound("No dataset " + name));
        policy.require(actor, Action.VIEW_INTEGRATION, owner);
        return dataset(name);
    }

    /** Total published rows of the latest versions, for the dashboard. */
    public long count() {
        return store.datasetsOf(null).size();
    }

    /** Every dataset in the lake with its owner, for capabilities that describe them (the catalog applies its own rules). */
    public Map<String, Long> allWithOwners() {
        Map<String, Long> owners = new LinkedHashMap<>();
        for (String name : store.datasetsOf(null)) {
            store.datasetOwner(name).ifPresent(owner -> owners.put(name, owner));
        }
        return owners;
    }

    public Optional<vn.datafloor.integration.lake.DatasetVersion> latestVersion(String dataset) {
        return Lake.validName(dataset) ? paths.lake().latest(dataset) : Optional.empty();
    }

    /**
     * A version's files in clear, for the trusted readers docs/encryption.md lists (held to that list by
     * {@code LakeKeysRulesTest}): copies decrypted under {@code scratch}, deleted on close.
     */
    public ClearVersion clear(vn.datafloor.integration.lake.DatasetVersion version, Path scratch) {
        return paths.lake().clear(version, scratch);
    }

    /** The same for the files an access view carries (a version's files). */
    public ClearVersion clear(List<Path> files, Path scratch) {
        return paths.lake().clear(files, scratch);
    }

    public Optional<vn.datafloor.integration.lake.DatasetVersion> version(String dataset, int version) {
        return Lake.validName(dataset) ? paths.lake().version(dataset, version) : Optional.empty();
    }

    /** One version with the quality report of the run that made it (null for uploads and the register). */
    public record VersionFacts(
            int version,
            Instant createdAt,
            long rows,
            Map<String, String> lineage,
            String runId,
            QualityReport quality,
            LakeManifest.Diff diff) {}

    /** A dataset's versions, oldest first, for the catalog's history, quality trend and lineage. */
    public List<VersionFacts> history(String dataset) {
        if (!Lake.validName(dataset)) {
            return List.of();
        }
        List<VersionFacts> facts = new ArrayList<>();
        for (vn.datafloor.integration.lake.DatasetVersion v : paths.lake().versions(dataset)) {
            LakeManifest m = v.manifest();
            QualityReport quality = store.latestSuccessfulRun(dataset, v.version())
                    .map(IntegrationStore.RunRow::qualityJson)
                    .filter(json -> json != null)
                    .map(QualityReports::fromJson)
                    .orElse(null);
            facts.add(new VersionFacts(
                    v.version(), m.createdAt(), m.rowCount(), m.lineage(), m.runId(), quality, m.diff()));
        }
        return facts;
    }

    /** The overall quality score of one version's run, if a pipeline made it. */
    public Optional<Double> qualityScore(String dataset, int version) {
        return store.latestSuccessfulRun(dataset, version)
                .map(IntegrationStore.RunRow::qualityJson)
                .filter(json -> json != null)
                .map(json -> QualityReports.fromJson(json).overallScore());
    }

    /** Datasets whose latest version was built from {@code dataset} (their lineage lists it as an input). */
    public List<String> derivedFrom(String dataset) {
        List<String> derived = new ArrayList<>();
        for (String other : paths.lake().datasets()) {
            paths.lake().latest(other).ifPresent(v -> {
                String inputs = v.manifest().lineage() == null
                        ? null
                        : v.manifest().lineage().get("inputs");
                if (inputs != null
                        && java.util.Arrays.stream(inputs.split(","))
                                .anyMatch(i -> i.strip().startsWith(dataset + "@"))) {
                    derived.add(other);
                }
            });
        }
        return derived;
    }

    /**
     * Publishes an uploaded file (CSV, JSON Lines, Parquet, xlsx) as the next version of an
     * organisation's dataset, without a pipeline. The caller has authorized the actor for the
     * organisation. A file with unreadable records publishes nothing and says which lines.
     */
    public vn.datafloor.integration.lake.DatasetVersion publishUpload(
            Actor actor, long orgId, String dataset, String filename, InputStream content) {
        return publishUpload(actor, orgId, dataset, filename, content, Map.of());
    }

    /**
     * {@link #publishUpload(Actor, long, String, String, InputStream)} with where the file came from, added to the
     * version's lineage (for rows pulled from another dataspace: the transfer, the agreement, the provider).
     */
    public vn.datafloor.integration.lake.DatasetVersion publishUpload(
            Actor actor,
            long orgId,
            String dataset,
            String filename,
            InputStream content,
            Map<String, String> provenance) {
        if (!Lake.validName(dataset)) {
            throw ProblemException.badRequest(
                    "upload.badName", "Dataset names are 1-100 lower-case letters, digits, '.', '-' or '_'");
        }
        Optional<Long> owner = store.datasetOwner(dataset);
        if (owner.isPresent() && owner.get() != orgId) {
            throw ProblemException.conflict(
                    "upload.nameTaken", "Another organisation publishes a dataset of that name");
        }
        SourceConnector<?> kind = uploadKind(filename);
        Path dir = paths.work().resolve("upload-" + UUID.randomUUID());
        try {
            Files.createDirectories(dir);
            String stored = "upload." + kind.kind();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(content, sha);
                    OutputStream out = Files.newOutputStream(dir.resolve(stored))) {
                SourceService.copyLimited(in, out, maxUploadBytes);
            }
            String fingerprint = HexFormat.of().formatHex(sha.digest());
            try (Connection duck = DuckDbConnections.open(dir, "512MB", 2);
                    Statement statement = duck.createStatement()) {
                SourceLoader loader = new SourceLoader(duck, dir, dir, name -> null, () -> false, paths.inputLimits());
                // Each kind with its defaults: a CSV's encoding is detected (auto), as a steward would mostly choose.
                LoadedSource loaded =
                        loader.load(PipelineSpec.SourceSpec.of(kind.kind(), Map.of("path", stored)), null);
                if (loaded.rejected() > 0) {
                    String first = "";
                    try (ResultSet rs =
                            statement.executeQuery("SELECT line, reason FROM source_rejects ORDER BY line LIMIT 1")) {
                        if (rs.next()) {
                            first = " (first: line " + rs.getLong(1) + ": " + rs.getString(2) + ")";
                        }
                    }
                    throw new ProblemException(
                            HttpStatus.UNPROCESSABLE_CONTENT,
                            "upload.rejected",
                            loaded.rejected() + " records could not be read" + first
                                    + "; fix the file and upload it again. " + "Nothing was published.",
                            loaded.rejected());
                }
                if (loaded.rows() == 0) {
                    throw new ProblemException(
                            HttpStatus.UNPROCESSABLE_CONTENT, "upload.empty", "The file holds no records");
                }
                List<LakeManifest.Column> columns = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery("DESCRIBE source_rows")) {
                    while (rs.next()) {
                        columns.add(new LakeManifest.Column(rs.getString(1), rs.getString(2)));
                    }
                }
                try {
                    // Claimed before anything is published, so two organisations cannot race for the name.
                    publishing.claim(dataset, orgId);
                } catch (DatasetPublishing.NameTakenException e) {
                    throw ProblemException.conflict(
                            "upload.nameTaken", "Another organisation publishes a dataset of that name");
                }
                Path staging = publishing.stage(dataset);
                try {
                    statement.execute("COPY source_rows TO "
                            + DuckDbConnections.literal(
                                    staging.resolve("part-0.parquet").toString())
                            + " (FORMAT parquet, COMPRESSION zstd)");
                } catch (SQLException e) {
                    publishing.discard(staging);
                    throw e;
                }
                Instant now = clock.instant();
                Map<String, String> lineage = new LinkedHashMap<>();
                lineage.put("source", "upload:" + safeFileName(filename));
                lineage.put("uploaded_by", Long.toString(actor.userId()));
                lineage.putAll(provenance);
                vn.datafloor.integration.lake.DatasetVersion version = publishing.publish(
                        staging,
                        new LakeManifest(
                                dataset,
                                0,
                                now,
                                loaded.rows(),
                                columns,
                                List.of("part-0.parquet"),
                                fingerprint,
                                "upload",
                                null,
                                lineage,
                                null),
                        new DatasetPublishing.Publication(
                                orgId,
                                DatasetPublishing.Via.UPLOAD,
                                actor.userId(),
                                actor.username(),
                                ClientAddress.current(),
                                loaded.rows() + " rows uploaded",
                                Map.of()));
                return version;
            }
        } catch (InputLimitException e) {
            throw InputLimitProblem.of(e, paths.inputLimits());
        } catch (SourceException e) {
            throw new ProblemException(
                    HttpStatus.UNPROCESSABLE_CONTENT, "upload.unreadable", e.getMessage() + ". Nothing was published.");
        } catch (SQLException e) {
            throw new ProblemException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "upload.unreadable",
                    "The file could not be read: "
                            + e.getMessage().lines().findFirst().orElse("") + ". Nothing was published.");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store the upload", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The file kind that reads this name's ending, from the registry of kinds. */
    private static SourceConnector<?> uploadKind(String filename) {
        return SourceConnectors.forFileName(filename)
                .orElseThrow(() -> new ProblemException(
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "upload.badType",
                        "Upload a file ending in one of " + SourceConnectors.fileExtensions(),
                        String.join(", ", SourceConnectors.fileExtensions())));
    }

    private static String safeFileName(String filename) {
        String base = filename == null
                ? "file"
                : Path.of(filename.replace('\\', '/')).getFileName().toString();
        return base.replaceAll("[^\\p{L}\\p{N}._-]", "_");
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // scratch space; swept again at the next start
        }
    }

    private Dataset dataset(String name) {
        long owner = store.datasetOwner(name).orElseThrow();
        List<Version> versions = paths.lake().versions(name).stream()
                .map(DatasetService::version)
                .toList();
        return new Dataset(name, owner, versions);
    }

    private static Version version(DatasetVersion v) {
        LakeManifest m = v.manifest();
        return new Version(v.version(), m.createdAt(), m.rowCount(), m.columns(), m.diff(), m.lineage(), m.runId());
    }
}
