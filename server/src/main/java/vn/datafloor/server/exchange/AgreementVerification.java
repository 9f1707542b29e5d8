package vn.datafloor.server.exchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.ledger.SignedCheckpoint;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.AuditRecord;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.audit.ProofStatus;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ProblemException;

/**
 * Checks an agreement document three ways: its SHA-256 against the hash stored with the contract,
 * against the hash in the contract's {@code CONTRACT_AGREED} ledger entry, and that entry against the
 * latest signed checkpoint (an RFC 9162 inclusion proof). The stored copy can be changed by whoever
 * reaches the database; the ledger entry cannot be changed without breaking the proof, so a document
 * that matches the ledger is the one both parties agreed to.
 */
@Service
public class AgreementVerification {

    /** A copy someone holds is at most this big; agreements are a few kilobytes. */
    static final int MAX_UPLOAD_BYTES = 1_048_576;

    /** How far from the agreement's time its ledger entry is looked for (both come from the same clock). */
    private static final Duration ENTRY_WINDOW = Duration.ofHours(1);

    private static final Pattern AGREEMENT_ID = Pattern.compile("\"agreement\"\\s*:\\s*(\\d{1,18})");

    /** What the check found; {@link #VERIFIED} only when every comparison holds. */
    public enum Outcome {
        /** The document, the stored hash and the ledger agree, and the entry is in the ledger. */
        VERIFIED,
        /** A copy someone holds is not byte for byte the agreement. */
        DIFFERS_FROM_AGREEMENT,
        /** The platform's own copy no longer hashes to the hash stored with it. */
        STORED_COPY_ALTERED,
        /** The document's hash is not the one on the ledger. */
        LEDGER_DISAGREES,
        /** No CONTRACT_AGREED entry for this contract was found on the ledger. */
        NOT_ON_LEDGER,
        /** The entry does not verify against the latest signed checkpoint: the ledger was tampered with. */
        PROOF_FAILED
    }

    /**
     * The result of a check.
     *
     * @param source {@code stored} (the platform's copy) or {@code uploaded} (a copy someone holds)
     * @param computedHash the SHA-256 of the checked bytes, recomputed now
     * @param storedHash the hash stored with the contract when it was agreed
     * @param ledgerHash the hash in the contract's CONTRACT_AGREED ledger entry (null: not found)
     * @param ledgerIndex that entry's index in the public ledger
     * @param inclusionProof the entry's inclusion proof against the latest signed checkpoint
     * @param checkpointSize the size of that checkpoint (null: none yet)
     * @param firstDifference the byte offset where an uploaded copy first differs from the agreement
     * @param firstDifferenceLine the line (from 1) of that byte
     * @param changedFields JSON pointers of the fields whose values differ (at most 20)
     * @param explanation what the result means, in English
     */
    public record Verification(
            long contractId,
            String source,
            Outcome outcome,
            boolean verified,
            String computedHash,
            String storedHash,
            String ledgerHash,
            Long ledgerIndex,
            ProofStatus inclusionProof,
            Long checkpointSize,
            boolean matchesStored,
            boolean matchesLedger,
            Long firstDifference,
            Integer firstDifferenceLine,
            List<String> changedFields,
            String explanation)
            implements java.io.Serializable {}

    /** The contract's CONTRACT_AGREED entry as the public ledger holds it. */
    public record LedgerEntry(long index, String hash, ProofStatus proof, Long checkpointSize) {}

    private final ContractService contracts;
    private final AuditQueries audit;
    private final LedgerService ledger;
    private final JsonMapper json;

    AgreementVerification(ContractService contracts, AuditQueries audit, LedgerService ledger, JsonMapper json) {
        this.contracts = contracts;
        this.audit = audit;
        this.ledger = ledger;
        this.json = json;
    }

    /** Checks the platform's stored copy of a contract's agreement (for its parties, the operator and auditors). */
    public Verification ofContract(Actor actor, long contractId) {
        ContractService.AgreementDocument stored = contracts.agreement(actor, contractId);
        ContractService.Contract contract = contracts.visible(actor, contractId);
        byte[] bytes = stored.document().getBytes(StandardCharsets.UTF_8);
        return check(contract, stored, bytes, "stored");
    }

    /**
     * Checks a copy someone holds, as downloaded ({@code document.json}): the contract is the one the
     * document names, and the caller must be allowed to see it (others get 404).
     */
    public Verification ofUpload(Actor actor, byte[] uploaded) {
        if (uploaded == null || uploaded.length == 0) {
            throw ProblemException.badRequest(
                    "agreement.documentMissing", "Send the agreement document (JSON) as the multipart file 'document'");
        }
        if (uploaded.length > MAX_UPLOAD_BYTES) {
            throw ProblemException.badRequest(
                    "agreement.tooLarge", "An agreement document is at most 1 MB; this is not one", MAX_UPLOAD_BYTES);
        }
        long contractId = namedContract(uploaded)
                .orElseThrow(() -> ProblemException.badRequest(
                        "agreement.notADocument",
                        "This file names no agreement: an agreement document is the JSON downloaded from "
                                + "/api/exchange/agreements/{id}/document.json"));
        ContractService.AgreementDocument stored = contracts.agreement(actor, contractId);
        ContractService.Contract contract = contracts.visible(actor, contractId);
        return check(contract, stored, uploaded, "uploaded");
    }

    /** The contract the document names: from its JSON, or, in a copy no longer valid JSON, from its text. */
    private Optional<Long> namedContract(byte[] document) {
        try {
            JsonNode node = json.readTree(document);
            if (node != null && node.path("agreement").canConvertToLong()) {
                return Optional.of(node.path("agreement").asLong());
            }
        } catch (JacksonException notJson) {
            // A tampered copy may no longer parse; it still names its contract, and is checked against it.
        }
        Matcher m = AGREEMENT_ID.matcher(new String(document, StandardCharsets.UTF_8));
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    private Verification check(
            ContractService.Contract contract,
            ContractService.AgreementDocument stored,
            byte[] checked,
            String source) {
        String computed = sha256(checked);
        String storedHash = contract.agreementHash();
        Optional<LedgerEntry> entry = agreedEntry(contract);
        String ledgerHash = entry.map(LedgerEntry::hash).orElse(null);
        boolean matchesStored = computed.equals(storedHash);
        boolean matchesLedger = computed.equals(ledgerHash);
        ProofStatus proof = entry.map(LedgerEntry::proof).orElse(null);

        Long firstDifference = null;
        Integer line = null;
        List<String> changed = List.of();
        byte[] agreement = stored.document().getBytes(StandardCharsets.UTF_8);
        if ("uploaded".equals(source) && !java.util.Arrays.equals(checked, agreement)) {
            int at = java.util.Arrays.mismatch(checked, agreement);
            firstDifference = (long) at;
            line = lineOf(checked, at);
            changed = changedFields(checked, agreement);
        }

        Outcome outcome;
        String explanation;
        if (entry.isEmpty()) {
            outcome = Outcome.NOT_ON_LEDGER;
            explanation = "No CONTRACT_AGREED entry for agreement " + contract.id() + " was found on the ledger, so "
                    + "nothing independent of the platform's database vouches for this document.";
        } else if (firstDifference != null) {
            outcome = Outcome.DIFFERS_FROM_AGREEMENT;
            explanation = "This copy is not the agreement: its SHA-256 is " + computed + ", but the agreement's, on "
                    + "the ledger at entry " + entry.get().index() + ", is " + ledgerHash + ". The first difference "
                    + "is at byte " + firstDifference + " (line " + line + ")"
                    + (changed.isEmpty() ? "" : "; changed: " + String.join(", ", changed))
                    + ". Only a byte-for-byte copy of document.json verifies.";
        } else if (!matchesStored) {
            outcome = Outcome.STORED_COPY_ALTERED;
            explanation = "The platform's stored copy hashes to " + computed + ", not to the hash stored with it ("
                    + storedHash + "): the copy was changed after the agreement. The ledger's hash is " + ledgerHash
                    + "; report this to the operator.";
        } else if (!matchesLedger) {
            outcome = Outcome.LEDGER_DISAGREES;
            explanation = "The document hashes to " + computed + ", but the CONTRACT_AGREED entry "
                    + entry.get().index()
                    + " on the ledger says " + ledgerHash + ": the document and its stored hash were changed "
                    + "together after the agreement; report this to the operator.";
        } else if (proof == ProofStatus.FAILED) {
            outcome = Outcome.PROOF_FAILED;
            explanation = "The hashes agree, but ledger entry " + entry.get().index()
                    + " does not verify against the latest signed checkpoint: the ledger was tampered with.";
        } else {
            outcome = Outcome.VERIFIED;
            explanation = "The document's SHA-256 " + computed + " is the hash stored with the contract and the hash "
                    + "in CONTRACT_AGREED entry " + entry.get().index() + " of the public ledger"
                    + (proof == ProofStatus.VERIFIED
                            ? ", whose inclusion in the signed checkpoint of size "
                                    + entry.get().checkpointSize() + " verifies."
                            : "; the entry is newer than the latest signed checkpoint and will be covered by the next.");
        }
        return new Verification(
                contract.id(),
                source,
                outcome,
                outcome == Outcome.VERIFIED,
                computed,
                storedHash,
                ledgerHash,
                entry.map(LedgerEntry::index).orElse(null),
                proof,
                entry.map(LedgerEntry::checkpointSize).orElse(null),
                matchesStored,
                matchesLedger,
                firstDifference,
                line,
                changed,
                explanation);
    }

    /**
     * The contract's CONTRACT_AGREED entry, read from the ledger itself (the index only narrows the
     * search): the hash is the one in the entry's bytes, which the inclusion proof covers.
     */
    public Optional<LedgerEntry> agreedEntry(ContractService.Contract contract) {
        if (contract.agreedAt() == null) {
            return Optional.empty();
        }
        Instant from = contract.agreedAt().minus(ENTRY_WINDOW);
        Instant to = contract.agreedAt().plus(ENTRY_WINDOW);
        String id = Long.toString(contract.id());
        for (int offset = 0; offset < 100_000; offset += 500) {
            List<AuditRecord> page =
                    audit.search(EventType.CONTRACT_AGREED.name(), from, to, contract.buyerOrg(), null, 500, offset);
            for (AuditRecord candidate : page) {
                JsonNode details =
                        json.readTree(audit.entryText(candidate.ledgerIndex())).path("details");
                if (id.equals(details.path("contract").asString(null))) {
                    Long checkpoint = ledger.latestCheckpoint()
                            .map(c -> c.checkpoint().size())
                            .orElse(null);
                    return Optional.of(new LedgerEntry(
                            candidate.ledgerIndex(),
                            details.path("hash").asString(null),
                            audit.proofStatus(candidate.ledgerIndex()),
                            checkpoint));
                }
            }
            if (page.size() < 500) {
                break;
            }
        }
        return Optional.empty();
    }

    /** The latest signed checkpoint, for telling a reader what to verify against. */
    Optional<SignedCheckpoint> latestCheckpoint() {
        return ledger.latestCheckpoint();
    }

    private static int lineOf(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, bytes.length); i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Where two JSON documents differ, as JSON pointers; none when the copy is not JSON any more. */
    private List<String> changedFields(byte[] copy, byte[] agreement) {
        JsonNode a;
        try {
            a = json.readTree(copy);
        } catch (JacksonException notJson) {
            return List.of("(not valid JSON)");
        }
        List<String> out = new ArrayList<>();
        diff("", a, json.readTree(agreement), out);
        return out;
    }

    private static void diff(String path, JsonNode copy, JsonNode agreed, List<String> out) {
        if (out.size() >= 20) {
            return;
        }
        if (copy == null || agreed == null || copy.getNodeType() != agreed.getNodeType()) {
            out.add(path.isEmpty() ? "/" : path);
            return;
        }
        if (agreed.isObject()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            copy.propertyNames().forEach(names::add);
            agreed.propertyNames().forEach(names::add);
            for (String name : names) {
                diff(path + "/" + name.replace("~", "~0").replace("/", "~1"), copy.get(name), agreed.get(name), out);
            }
        } else if (agreed.isArray()) {
            if (copy.size() != agreed.size()) {
                out.add(path);
                return;
            }
            Iterator<JsonNode> c = copy.iterator();
            Iterator<JsonNode> g = agreed.iterator();
            for (int i = 0; c.hasNext(); i++) {
                diff(path + "/" + i, c.next(), g.next(), out);
            }
        } else if (!copy.equals(agreed)) {
            out.add(path);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
