package vn.datafloor.server.dsp;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.lake.PrivateFiles;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.dsp.DspStore.Transfer;
import vn.datafloor.server.platform.DatafloorProperties;

/**
 * Datafloor as consumer keeps what it bought: every row of a started transfer is pulled, page by page, from the
 * provider's data address (each pull through the outbound guard and on the ledger, as a pull by hand) into a
 * private JSON Lines file, which is published as the next version of one of the organisation's datasets through
 * the upload path: the same reading limits, the same lake, a draft catalog entry for its steward to describe and
 * classify. The version's lineage names the transfer, the agreement and the provider. Nothing is published when
 * any page fails, the provider sends no rows or more than the operator's limit.
 */
@Service
class ConsumerImport {

    /** What an import published. */
    record Imported(long transferId, String dataset, int version, long rows, int pages) {}

    private final ConsumerPull pull;
    private final CatalogService catalog;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Path work;
    private final long maxRows;
    private final JsonMapper json = JsonMapper.builder().build();

    ConsumerImport(
            ConsumerPull pull,
            CatalogService catalog,
            AccessPolicy policy,
            AuditLog audit,
            DatafloorProperties properties,
            @Value("${datafloor.dsp.import-max-rows:1000000}") long maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("datafloor.dsp.import-max-rows must be at least 1");
        }
        this.pull = pull;
        this.catalog = catalog;
        this.policy = policy;
        this.audit = audit;
        this.work = properties.dataDir().resolve("dsp").resolve("imports");
        this.maxRows = maxRows;
        clearLeftovers(work);
    }

    /**
     * An import's file lives as long as the request that pulls it: what a crash left behind (rows pulled in the
     * clear, never published) is removed when the server starts, before any import can run.
     */
    static void clearLeftovers(Path work) {
        vn.datafloor.server.platform.ScratchDirectories.delete(work);
    }

    /**
     * Pulls every row of the organisation's started transfer and publishes them as the next version of
     * {@code dataset} (a new dataset gets a draft catalog entry). The actor needs the catalog's management
     * besides the pull's data access: publishing a dataset is a steward's act.
     */
    Imported importRows(Actor actor, long orgId, long transferId, String dataset) {
        policy.require(actor, Action.MANAGE_CATALOG, orgId);
        if (dataset == null || dataset.isBlank()) {
            throw DspException.badRequest(
                    "Name the dataset to import into (lower-case letters, digits, '.', '-', '_')");
        }
        Transfer transfer = pull.own(orgId, transferId);
        Path dir;
        try {
            dir = PrivateFiles.createDirectory(work.resolve(UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path file = dir.resolve("transfer-" + transferId + ".jsonl");
            Copied copied;
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                PrivateFiles.restrictFile(file);
                copied = copyPages(
                        offset -> rowsOf(pull.rows(actor, orgId, transferId, offset, ConsumerPull.MAX_ROWS)
                                .body()),
                        ConsumerPull.MAX_ROWS,
                        maxRows,
                        json,
                        out);
            }
            long rows = copied.rows();
            int pages = copied.pages();
            if (rows == 0) {
                throw DspException.conflict(
                        "The provider sent no rows for this transfer; nothing was imported",
                        transfer.providerPid(),
                        transfer.consumerPid());
            }
            Map<String, String> provenance = new LinkedHashMap<>();
            provenance.put("source", "dsp:transfer:" + transferId);
            provenance.put("dsp_agreement", transfer.agreementId());
            provenance.put("dsp_provider", ProviderProtocol.strip(transfer.counterpartyAddress()));
            CatalogEntry entry;
            try (InputStream in = Files.newInputStream(file)) {
                entry = catalog.upload(actor, dataset, file.getFileName().toString(), in, provenance);
            }
            int version = entry.latest() == null ? 0 : entry.latest().version();
            audit.record(new AuditEvent(
                    EventType.DSP_DATA_IMPORTED,
                    actor.userId(),
                    actor.username(),
                    orgId,
                    AuditEvent.Outcome.SUCCESS,
                    null,
                    "DSP transfer " + transferId + ": " + rows + " rows imported as " + dataset + " v" + version,
                    Map.of(
                            "process", "transfer:" + transferId,
                            "agreementId", transfer.agreementId(),
                            "dataset", dataset,
                            "version", Integer.toString(version),
                            "rows", Long.toString(rows))));
            return new Imported(transferId, dataset, version, rows, pages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            vn.datafloor.server.platform.ScratchDirectories.delete(dir);
        }
    }

    /** What {@link #copyPages} wrote: rows, and the pages they came in. */
    record Copied(long rows, int pages) {}

    /**
     * Writes every row the provider's pages hold as JSON Lines: pages of {@code pageSize} from offset 0 until a page
     * holds fewer (the last) or more (a provider that sent every row at once), or repeats the page before it (a
     * provider that ignores offset and limit: it has sent them all). Refuses rows that are not objects and more than
     * {@code maxRows} rows; the caller then publishes nothing.
     */
    static Copied copyPages(
            java.util.function.IntFunction<JsonNode> pageAt, int pageSize, long maxRows, JsonMapper json, Writer out)
            throws IOException {
        long rows = 0;
        int pages = 0;
        int offset = 0;
        JsonNode previous = null;
        while (true) {
            JsonNode page = pageAt.apply(offset);
            if (page.size() > 0 && page.equals(previous)) {
                break;
            }
            previous = page;
            pages++;
            for (JsonNode row : page) {
                if (!row.isObject()) {
                    throw new DspException(
                            HttpStatus.BAD_GATEWAY,
                            "The provider's rows are not JSON objects (row " + (rows + 1) + "); nothing was imported",
                            null,
                            null);
                }
                if (++rows > maxRows) {
                    throw new DspException(
                            HttpStatus.PAYLOAD_TOO_LARGE,
                            "The transfer holds more than " + maxRows + " rows, the most an import takes "
                                    + "(datafloor.dsp.import-max-rows); nothing was imported",
                            null,
                            null);
                }
                out.write(json.writeValueAsString(row));
                out.write('\n');
            }
            if (page.size() != pageSize) {
                return new Copied(rows, pages);
            }
            offset += page.size();
        }
        return new Copied(rows, pages);
    }

    /** The rows of a provider's answer: Datafloor's {@code {"rows": [...]}}, or a bare array of objects. */
    private static JsonNode rowsOf(JsonNode body) {
        JsonNode rows = body != null && body.isObject() ? body.get("rows") : body;
        if (rows == null || !rows.isArray()) {
            throw new DspException(
                    HttpStatus.BAD_GATEWAY,
                    "The provider's answer holds no rows (an array of objects, or an object with a rows array); "
                            + "nothing was imported",
                    null,
                    null);
        }
        return rows;
    }
}
