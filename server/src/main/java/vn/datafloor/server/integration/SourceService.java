package vn.datafloor.server.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.connect.InputChecks;
import vn.datafloor.integration.connect.InputLimitException;
import vn.datafloor.integration.connect.JdbcSettings;
import vn.datafloor.integration.connect.Setting;
import vn.datafloor.integration.connect.SettingsException;
import vn.datafloor.integration.connect.SourceConnector;
import vn.datafloor.integration.connect.SourceConnectors;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.connect.SourceSettings;
import vn.datafloor.integration.pipeline.PipelineSpec.SourceSpec;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.SecretBox;

/**
 * Sources an organisation registers: uploaded files, databases and HTTP APIs. A source's secret
 * (database password, API token) is sealed with the platform's {@link SecretBox}, never shown again,
 * never logged, and only opened inside a run.
 */
@Service
public class SourceService {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    private final IntegrationStore store;
    private final IntegrationPaths paths;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final Clock clock;
    private final JsonMapper json;
    private final long maxUploadBytes;

    SourceService(
            IntegrationStore store,
            IntegrationPaths paths,
            AccessPolicy policy,
            AuditLog audit,
            SecretBox secrets,
            Clock clock,
            JsonMapper json,
            @org.springframework.beans.factory.annotation.Value("${datafloor.integration.max-upload-bytes:2147483648}")
                    long maxUploadBytes) {
        this.store = store;
        this.paths = paths;
        this.policy = policy;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
        this.json = json;
        this.maxUploadBytes = maxUploadBytes;
    }

    /** A source as people see it: never the secret, only whether there is one. */
    public record Source(
            long id,
            long orgId,
            String name,
            String type,
            String location,
            Map<String, String> settings,
            boolean hasSecret,
            java.time.Instant createdAt) {}

    /** A setting of a source kind, as the API lists it. */
    public record SettingView(
            String name, boolean required, boolean secret, String supply, String help, List<String> choices) {}

    /** A source kind, as the API lists it: which settings a registration gives, and which come otherwise. */
    public record SourceKind(String kind, boolean takesFile, List<String> fileExtensions, List<SettingView> settings) {}

    /** Every kind the platform connects to, from the engine's one registry, in its order. */
    public List<SourceKind> kinds() {
        return SourceConnectors.all().stream()
                .map(c -> new SourceKind(
                        c.kind(),
                        c.reach() == SourceConnector.Reach.UPLOADED_FILE,
                        c.fileExtensions(),
                        c.settings().stream()
                                .map(s -> new SettingView(
                                        s.name(),
                                        s.required(),
                                        s.secret(),
                                        s.supply().name().toLowerCase(Locale.ROOT),
                                        s.help(),
                                        s.choices()))
                                .toList()))
                .toList();
    }

    public List<Source> visibleTo(Actor actor) {
        policy.require(actor, Action.VIEW_INTEGRATION);
        Long org = policy.seesAllTenants(actor, Action.VIEW_INTEGRATION) ? null : actor.orgId();
        return store.sources(org).stream().map(this::view).toList();
    }

    /** One organisation's sources, for an actor who may see them (its staff, those who see all, the platform). */
    public List<Source> visibleTo(Actor actor, long orgId) {
        policy.require(actor, Action.VIEW_INTEGRATION, orgId);
        return store.sources(orgId).stream().map(this::view).toList();
    }

    public Source get(Actor actor, long id) {
        IntegrationStore.SourceRow row =
                store.source(id).orElseThrow(() -> ProblemException.notFound("No source " + id));
        policy.require(actor, Action.VIEW_INTEGRATION, row.orgId());
        return view(row);
    }

    public Source register(Actor actor, String name, String type, Map<String, String> settings, String secret) {
        policy.require(actor, Action.MANAGE_INTEGRATION);
        return register(actor, actor.orgId(), name, type, settings, secret);
    }

    /** Registers for {@code orgId}: one's own organisation, or any for the platform (the demo loader). */
    public Source register(
            Actor actor, Long orgId, String name, String type, Map<String, String> settings, String secret) {
        if (orgId == null) {
            throw ProblemException.badRequest("source.noOrganisation", "Sources belong to an organisation");
        }
        policy.require(actor, Action.MANAGE_INTEGRATION, orgId);
        return register(orgId.longValue(), actor.personId(), actor.personName(), name, type, settings, secret);
    }

    private Source register(
            long orgId,
            Long userId,
            String username,
            String name,
            String type,
            Map<String, String> settings,
            String secret) {
        String cleanName = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (!NAME.matcher(cleanName).matches()) {
            throw ProblemException.badRequest(
                    "source.nameInvalid", "Source names are 1-100 of a-z, 0-9, '.', '_', '-'");
        }
        SourceConnector<?> connector = SourceConnectors.find(type)
                .orElseThrow(() -> ProblemException.badRequest(
                        "source.typeInvalid", "Type must be one of " + SourceConnectors.kinds()));
        String cleanType = connector.kind();
        if (store.source(orgId, cleanName).isPresent()) {
            throw ProblemException.conflict(
                    "source.nameTaken", "Your organisation already has a source with this name");
        }
        // Only what the steward writes is stored in clear: the file comes by upload, the secret is sealed apart.
        Set<String> writable = new java.util.HashSet<>();
        connector.settings().stream()
                .filter(s -> s.supply() == Setting.Supply.VALUE)
                .forEach(s -> writable.add(s.name()));
        Map<String, String> clean = new LinkedHashMap<>();
        (settings == null ? Map.<String, String>of() : settings).forEach((k, v) -> {
            if (!writable.contains(k)) {
                throw ProblemException.badRequest(
                        "source.settingUnknown",
                        "Unknown setting " + k + " for a " + cleanType + " source; it takes "
                                + new java.util.TreeSet<>(writable),
                        k);
            }
            if (v != null && !v.isBlank()) {
                clean.put(k, v.strip());
            }
        });
        SourceSettings parsed;
        try {
            parsed = connector.parseForRegistration(clean);
        } catch (SettingsException e) {
            throw settingsProblem(orgId, userId, name, e);
        }
        if (parsed instanceof JdbcSettings jdbc) {
            // The engine checked the url's form; whether a DuckDB file lies in this organisation's inbox is known here.
            String problem = jdbcUrlProblem(orgId, jdbc.url());
            if (problem != null) {
                refused(orgId, userId, name, problem);
                throw ProblemException.badRequest("source.jdbcNotAllowed", problem);
            }
        }
        long id = store.insertSource(
                orgId, cleanName, cleanType, null, json.writeValueAsString(clean), userId, clock.instant());
        if (secret != null && !secret.isEmpty()) {
            store.setSourceSecret(id, secrets.seal(secret, "source:" + id));
        }
        audit.record(new AuditEvent(
                EventType.SOURCE_REGISTERED,
                userId,
                username,
                orgId,
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "source " + id + " (" + cleanType + ") registered"
                        + (secret == null || secret.isEmpty() ? "" : " with a sealed secret"),
                Map.of("source", Long.toString(id), "type", cleanType)));
        return view(store.source(id).orElseThrow());
    }

    /**
     * The answer to settings a connector refused: the first problem decides the message key. A refusal
     * for security goes on the ledger first, as it did when only database urls were checked here.
     */
    private ProblemException settingsProblem(long orgId, Long userId, String sourceName, SettingsException e) {
        var refusal = e.refusal();
        if (refusal.isPresent()) {
            refused(orgId, userId, sourceName, refusal.get().message());
            return ProblemException.badRequest(
                    "source.jdbcNotAllowed", refusal.get().message());
        }
        SettingsException.Problem first = e.problems().stream()
                .filter(p -> p.reason() == SettingsException.Reason.SECRET_IN_URL)
                .findFirst()
                .orElse(e.problems().get(0));
        if (first.reason() == SettingsException.Reason.SECRET_IN_URL) {
            return ProblemException.badRequest("source.secretInUrl", first.message());
        }
        if ("url".equals(first.field())) {
            return ProblemException.badRequest("source.urlMissing", first.message());
        }
        return ProblemException.badRequest(
                "source.settingInvalid", first.field() + ": " + first.message(), first.field());
    }

    /** Stores an uploaded file as the source's current file; written aside and moved into place whole. */
    public Source upload(Actor actor, long sourceId, String filename, InputStream content) {
        IntegrationStore.SourceRow row =
                store.source(sourceId).orElseThrow(() -> ProblemException.notFound("No source " + sourceId));
        policy.require(actor, Action.MANAGE_INTEGRATION, row.orgId());
        return upload(row, actor.personId(), actor.personName(), filename, content);
    }

    private Source upload(
            IntegrationStore.SourceRow row, Long userId, String username, String filename, InputStream content) {
        if (!takesFile(row.type())) {
            throw ProblemException.badRequest("source.notAFileSource", "Only " + fileKinds() + " sources take files");
        }
        String safe = Path.of(filename == null ? "upload" : filename)
                .getFileName()
                .toString()
                .replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty() || safe.startsWith(".")) {
            safe = "upload." + row.type();
        }
        Path directory = paths.inbox(row.orgId()).resolve(row.name());
        try {
            Files.createDirectories(directory);
            Path partial = Files.createTempFile(directory, ".upload-", ".part");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha)) {
                size = copyLimited(content, out, maxUploadBytes);
            } catch (RuntimeException | IOException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            if (size == 0) {
                Files.deleteIfExists(partial);
                throw ProblemException.badRequest("source.fileEmpty", "The file is empty");
            }
            // What the file expands to is checked now, before it is kept: a bomb is refused at the door.
            try {
                InputChecks.check(partial, row.type(), safe, paths.inputLimits());
            } catch (InputLimitException e) {
                Files.deleteIfExists(partial);
                throw InputLimitProblem.of(e, paths.inputLimits());
            } catch (SourceException e) {
                Files.deleteIfExists(partial);
                throw new ProblemException(
                        org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT, "upload.unreadable", e.getMessage());
            }
            Path target = directory.resolve(safe);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            String location = paths.inbox(row.orgId()).relativize(target).toString();
            store.setSourceLocation(row.id(), location);
            audit.record(new AuditEvent(
                    EventType.SOURCE_FILE_UPLOADED,
                    userId,
                    username,
                    row.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "file for source " + row.id() + " (" + size + " bytes)",
                    Map.of(
                            "source",
                            Long.toString(row.id()),
                            "bytes",
                            Long.toString(size),
                            "sha256",
                            HexFormat.of().formatHex(sha.digest()))));
            return view(store.source(row.id()).orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store the upload", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies an upload, refusing it (413) as soon as it passes {@code maxUploadBytes}; shared by every upload path. */
    static long copyLimited(InputStream in, OutputStream out, long maxUploadBytes) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > maxUploadBytes) {
                throw new ProblemException(
                        org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE,
                        "source.fileTooLarge",
                        "The file is larger than " + maxUploadBytes + " bytes",
                        maxUploadBytes / (1024 * 1024));
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    /**
     * Why a database URL may not be used by the organisation, or null: the engine's one check
     * ({@link vn.datafloor.integration.connect.JdbcSources}), the same for inline sources in specs. A
     * DuckDB file must already be in the organisation's inbox.
     */
    String jdbcUrlProblem(long orgId, String url) {
        try {
            vn.datafloor.integration.connect.JdbcSources.Target target =
                    vn.datafloor.integration.connect.JdbcSources.resolve(url, paths.inbox(orgId));
            return target.duckDb() || !target.hosts().isEmpty() ? null : "The database URL names no host";
        } catch (vn.datafloor.integration.connect.SecurityRefusal e) {
            return e.getMessage();
        } catch (SourceException e) {
            // a DuckDB file not uploaded yet: allowed, the run says what is missing
            return null;
        }
    }

    /** A refused registration is a security event: who tried which kind of reach. */
    private void refused(long orgId, Long userId, String sourceName, String why) {
        audit.record(new AuditEvent(
                EventType.SECURITY_REFUSED,
                userId,
                null,
                orgId,
                AuditEvent.Outcome.FAILURE,
                vn.datafloor.server.platform.ClientAddress.current(),
                "source " + sourceName + " refused: " + why,
                Map.of("source", sourceName, "why", why)));
    }

    /** A host or range the operator allowed an organisation's sources to reach. */
    public record NetworkAllowance(long id, long orgId, String allowance, String reason, java.time.Instant createdAt) {}

    public List<NetworkAllowance> networkAllowances(Actor actor, long orgId) {
        policy.require(actor, Action.MANAGE_ORGANISATIONS, orgId);
        return store.networkAllowances(orgId).stream()
                .map(a -> new NetworkAllowance(a.id(), a.orgId(), a.allowance(), a.reason(), a.createdAt()))
                .toList();
    }

    /** The operator allows a private host or range for one organisation; the decision goes on the ledger. */
    public NetworkAllowance allowNetwork(Actor actor, long orgId, String allowance, String reason) {
        policy.require(actor, Action.MANAGE_ORGANISATIONS, orgId);
        String invalid = vn.datafloor.integration.connect.NetworkPolicy.invalidAllowance(allowance);
        if (invalid != null) {
            throw ProblemException.badRequest("network.invalid", invalid);
        }
        if (reason == null || reason.isBlank() || reason.length() > 1000) {
            throw ProblemException.badRequest(
                    "network.reason", "Give the reason for this allowance (at most 1000 characters)");
        }
        String clean = allowance.strip().toLowerCase(Locale.ROOT);
        if (store.networkAllowances(orgId).stream().anyMatch(a -> a.allowance().equals(clean))) {
            throw ProblemException.conflict(
                    "network.duplicate", "This host or range is already allowed for the organisation");
        }
        long id = store.addNetworkAllowance(orgId, clean, reason.strip(), actor.userId(), clock.instant());
        audit.record(new AuditEvent(
                EventType.NETWORK_ALLOWANCE_GRANTED,
                actor.userId(),
                actor.username(),
                orgId,
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "sources of organisation " + orgId + " may reach " + clean,
                Map.of("allowance", clean, "reason", reason.strip(), "id", Long.toString(id))));
        return networkAllowances(actor, orgId).stream()
                .filter(a -> a.id() == id)
                .findFirst()
                .orElseThrow();
    }

    /** Withdraws an allowance; idempotent, like the HTTP DELETE that calls it. */
    public void revokeNetwork(Actor actor, long orgId, long allowanceId) {
        policy.require(actor, Action.MANAGE_ORGANISATIONS, orgId);
        if (!store.removeNetworkAllowance(orgId, allowanceId)) {
            return; // already gone: withdrawing twice changes nothing and records nothing
        }
        audit.record(new AuditEvent(
                EventType.NETWORK_ALLOWANCE_REVOKED,
                actor.userId(),
                actor.username(),
                orgId,
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "allowance " + allowanceId + " of organisation " + orgId + " withdrawn",
                Map.of("id", Long.toString(allowanceId))));
    }

    /** Which addresses the organisation's sources may reach: public ones, plus what the operator allowed. */
    public vn.datafloor.integration.connect.NetworkPolicy networkPolicy(long orgId) {
        return new vn.datafloor.integration.connect.NetworkPolicy(store.networkAllowances(orgId).stream()
                .map(IntegrationStore.NetworkAllowance::allowance)
                .toList());
    }

    /** The engine's description of a registered source, for {@code source: {ref: name}}. */
    SourceSpec resolve(long orgId, String ref) {
        IntegrationStore.SourceRow row = store.source(orgId, ref)
                .orElseThrow(() -> new vn.datafloor.integration.pipeline.PipelineException(
                        "source.ref " + ref + ": your organisation has no source with this name"));
        if (takesFile(row.type()) && row.location() == null) {
            throw new vn.datafloor.integration.pipeline.PipelineException(
                    "Source " + ref + " has no file yet: upload one first");
        }
        // Rows keep the columns they always had: settings as JSON, the file in location, the secret sealed apart.
        Map<String, String> values = new LinkedHashMap<>(settings(row));
        if (row.location() != null) {
            values.put("path", row.location());
        }
        if (row.secret() != null) {
            values.put("credential", "source:" + row.id());
        }
        SourceSpec spec;
        try {
            spec = SourceSpec.of(row.type(), values);
        } catch (SettingsException e) {
            if (e.refusal().isPresent()) {
                throw new vn.datafloor.integration.connect.SecurityRefusal(
                        "Source " + ref + ": " + e.refusal().get().message());
            }
            throw new vn.datafloor.integration.pipeline.PipelineException("Source " + ref + ": " + e.getMessage());
        }
        if (spec.settings() instanceof JdbcSettings jdbc) {
            // A DuckDB file's path stays relative: the run resolves it inside the organisation's inbox (JdbcSources).
            String jdbcProblem = jdbcUrlProblem(orgId, jdbc.url());
            if (jdbcProblem != null) {
                throw new vn.datafloor.integration.connect.SecurityRefusal("Source " + ref + ": " + jdbcProblem);
            }
        }
        return spec;
    }

    /** Whether sources of this kind take an uploaded file (the registry says; unknown kinds do not). */
    static boolean takesFile(String kind) {
        return SourceConnectors.find(kind)
                .map(c -> c.reach() == SourceConnector.Reach.UPLOADED_FILE)
                .orElse(false);
    }

    private static String fileKinds() {
        return String.join(
                ", ",
                SourceConnectors.all().stream()
                        .filter(c -> c.reach() == SourceConnector.Reach.UPLOADED_FILE)
                        .map(SourceConnector::kind)
                        .toList());
    }

    /** Opens a sealed secret inside a run; {@code name} is "source:&lt;id&gt;" of a source of {@code orgId}. */
    String secret(long orgId, String name) {
        if (name == null || !name.startsWith("source:")) {
            throw new vn.datafloor.integration.pipeline.PipelineException(
                    "Unknown credential " + name + ": register the source with its secret and use source: {ref: …}");
        }
        IntegrationStore.SourceRow row = store.source(Long.parseLong(name.substring(7)))
                .filter(r -> r.orgId() == orgId)
                .orElseThrow(
                        () -> new vn.datafloor.integration.pipeline.PipelineException("Unknown credential " + name));
        return secrets.open(row.secret(), name);
    }

    boolean exists(long orgId, String name) {
        return store.source(orgId, name).isPresent();
    }

    private Source view(IntegrationStore.SourceRow row) {
        return new Source(
                row.id(),
                row.orgId(),
                row.name(),
                row.type(),
                row.location(),
                settings(row),
                row.secret() != null,
                row.createdAt());
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> settings(IntegrationStore.SourceRow row) {
        return json.readValue(row.settings(), Map.class);
    }
}
