package vn.datafloor.server.audit;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.ledger.Checkpoint;
import vn.datafloor.ledger.MerkleProofs;
import vn.datafloor.ledger.NoteVerifier;

/**
 * Audit events exported with what proves them, checkable offline with nothing but the ledger's public
 * key ({@code ./datafloor audit verify-export}): the signed checkpoint every event is proven against, and
 * for each event its exact ledger entry and RFC 9162 inclusion proof in that checkpoint's tree. The JSON
 * download is this record; the CSV download holds the same, one event a row (docs/audit-export.md).
 *
 * @param format {@value #FORMAT}
 * @param checkpoint the signed note (C2SP tlog-checkpoint) every proof leads to
 * @param verifierKey the ledger's key as the server states it; a careful verifier gets it out of band
 * @param from the filter's start (inclusive), null when open
 * @param to the filter's end (exclusive), null when open
 * @param type the filter's event type, null for all
 * @param awaitingCheckpoint events matching the filter that are newer than the checkpoint, so not in here
 */
public record AuditExport(
        String format,
        Instant exportedAt,
        String checkpoint,
        String verifierKey,
        Instant from,
        Instant to,
        String type,
        long awaitingCheckpoint,
        List<Event> events) {

    public static final String FORMAT = "datafloor-audit-export/1";

    /** The largest export file the verifier reads. */
    public static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

    /**
     * One event.
     *
     * @param entry the ledger entry's exact bytes as UTF-8 text (its leaf hash is SHA-256(0x00 ‖ entry))
     * @param summary the platform's index text for the event: readable, but not on the ledger, so not proven
     * @param inclusionProof RFC 9162 audit path of the entry in the checkpoint's tree, base64
     */
    public record Event(
            long ledgerIndex,
            String type,
            Instant occurredAt,
            String outcome,
            String summary,
            String entry,
            List<String> inclusionProof) {
        public Event {
            inclusionProof = inclusionProof == null ? List.of() : List.copyOf(inclusionProof);
        }
    }

    public AuditExport {
        events = events == null ? List.of() : List.copyOf(events);
    }

    /** One event that does not verify, and why. */
    public record Failure(long ledgerIndex, String reason) {}

    /**
     * What the check found.
     *
     * @param checkpointValid the checkpoint is well formed and signed by the trusted key
     * @param failures the events that do not verify; empty when all do
     */
    public record Verification(
            boolean checkpointValid, long checkpointSize, int eventsChecked, List<Failure> failures) {
        public boolean ok() {
            return checkpointValid && failures.isEmpty();
        }
    }

    /**
     * Checks the export against a key the checker trusts: the checkpoint's signature, then each event's
     * inclusion proof against the checkpoint's root, and that the type, time and outcome shown beside the
     * entry are the entry's own. Never throws on malformed content: a malformed part fails its step.
     */
    public Verification verify(String trustedVerifierKey) {
        Checkpoint tree;
        try {
            if (checkpoint == null
                    || !NoteVerifier.fromVerifierKey(trustedVerifierKey).verify(checkpoint)) {
                return new Verification(false, 0, 0, List.of());
            }
            tree = Checkpoint.parse(checkpoint);
        } catch (RuntimeException malformed) {
            return new Verification(false, 0, 0, List.of());
        }
        List<Failure> failures = new ArrayList<>();
        for (Event event : events) {
            String problem = problemWith(event, tree);
            if (problem != null) {
                failures.add(new Failure(event.ledgerIndex(), problem));
            }
        }
        return new Verification(true, tree.size(), events.size(), List.copyOf(failures));
    }

    private static String problemWith(Event event, Checkpoint tree) {
        if (event.entry() == null) {
            return "no ledger entry";
        }
        if (event.ledgerIndex() < 0 || event.ledgerIndex() >= tree.size()) {
            return "index outside the checkpoint's tree of " + tree.size();
        }
        try {
            boolean included = MerkleProofs.verifyInclusion(
                    event.ledgerIndex(),
                    tree.size(),
                    MerkleProofs.leafHash(event.entry().getBytes(StandardCharsets.UTF_8)),
                    event.inclusionProof().stream()
                            .map(Base64.getDecoder()::decode)
                            .toList(),
                    tree.rootHash());
            if (!included) {
                return "the entry is not in the checkpoint's tree at this index (changed entry or proof)";
            }
            Map<?, ?> parsed = ENTRY.readValue(event.entry(), Map.class);
            if (!String.valueOf(parsed.get("type")).equals(event.type())) {
                return "the type shown is not the entry's";
            }
            if (event.occurredAt() == null
                    || !String.valueOf(parsed.get("at"))
                            .equals(event.occurredAt().toString())) {
                return "the time shown is not the entry's";
            }
            if (!String.valueOf(parsed.get("outcome")).equals(event.outcome())) {
                return "the outcome shown is not the entry's";
            }
            return null;
        } catch (RuntimeException malformed) {
            return "malformed proof or entry";
        }
    }

    // ------------------------------------------------------------------ JSON

    public String toJson() {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    }

    public static AuditExport fromJson(String json) {
        AuditExport export = JSON.readValue(json, AuditExport.class);
        if (!FORMAT.equals(export.format())) {
            throw new IllegalArgumentException("not a " + FORMAT + " file");
        }
        return export;
    }

    // ------------------------------------------------------------------ CSV

    static final String[] CSV_HEADER = {
        "ledger_index",
        "type",
        "occurred_at",
        "outcome",
        "summary",
        "entry",
        "inclusion_proof",
        "checkpoint",
        "verifier_key",
        "format"
    };

    /**
     * One row per event; the proof's hashes are separated by spaces, and every row repeats the checkpoint
     * note and key, so that any row can be checked on its own (a spreadsheet's filter keeps them whole).
     */
    public String toCsv() {
        StringWriter out = new StringWriter();
        try (CSVPrinter csv = new CSVPrinter(
                out, CSVFormat.RFC4180.builder().setHeader(CSV_HEADER).get())) {
            for (Event e : events) {
                csv.printRecord(
                        e.ledgerIndex(),
                        e.type(),
                        e.occurredAt(),
                        e.outcome(),
                        e.summary(),
                        e.entry(),
                        String.join(" ", e.inclusionProof()),
                        checkpoint,
                        verifierKey,
                        format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads a CSV export; all rows must name the same checkpoint (an empty export has none to check). */
    public static AuditExport fromCsv(String text) {
        List<Event> events = new ArrayList<>();
        String note = null;
        String key = null;
        try (CSVParser parser = CSVParser.parse(
                new StringReader(text),
                CSVFormat.RFC4180
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get())) {
            if (!Arrays.asList(CSV_HEADER).equals(parser.getHeaderNames())) {
                throw new IllegalArgumentException("not a " + FORMAT + " CSV: unexpected columns");
            }
            for (CSVRecord row : parser) {
                if (!FORMAT.equals(row.get("format"))) {
                    throw new IllegalArgumentException("not a " + FORMAT + " CSV");
                }
                if (note == null) {
                    note = row.get("checkpoint");
                    key = row.get("verifier_key");
                } else if (!note.equals(row.get("checkpoint"))) {
                    throw new IllegalArgumentException("rows refer to different checkpoints");
                }
                String proof = row.get("inclusion_proof");
                events.add(new Event(
                        Long.parseLong(row.get("ledger_index")),
                        row.get("type"),
                        Instant.parse(row.get("occurred_at")),
                        row.get("outcome"),
                        row.get("summary"),
                        row.get("entry"),
                        proof.isBlank() ? List.of() : List.of(proof.strip().split(" +"))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AuditExport(FORMAT, null, note, key, null, null, null, 0, events);
    }

    /** Reads either form, by its first character. */
    public static AuditExport parse(String text) {
        String start = text.stripLeading();
        return start.startsWith("{") ? fromJson(start) : fromCsv(text);
    }

    /** Exports are deep only a few levels: anything deeper is not one. */
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(16)
                            .maxStringLength(1_000_000)
                            .build())
                    .build())
            .build();

    private static final JsonMapper ENTRY = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(8).build())
                    .build())
            .build();
}
