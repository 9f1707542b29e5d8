package vn.datafloor.server.privacy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.ledger.Checkpoint;
import vn.datafloor.ledger.MerkleProofs;
import vn.datafloor.ledger.NoteVerifier;

/**
 * Everything a citizen needs to show, to anyone, that an access to their data was recorded on the
 * public ledger and names them, checkable offline with only the ledger's public key: the ledger entry
 * (its exact text), the signed checkpoint, the entry's inclusion proof against that checkpoint, and
 * the opening of the entry's commitment to the data subjects for this one subject. The downloadable
 * JSON is this record.
 *
 * @param status {@link Status#VERIFIABLE} when every part is here; otherwise what is still missing
 * @param ledgerIndex the entry's index on the ledger (null when the access never reached it)
 * @param entry the ledger entry's exact bytes as UTF-8 text (its leaf hash is SHA-256(0x00 ‖ entry))
 * @param checkpoint the signed note (C2SP tlog-checkpoint) the proof leads to
 * @param verifierKey the ledger's key as the server states it; a careful verifier gets it out of band
 * @param inclusionProof RFC 9162 audit path of the entry in the checkpoint's tree, base64
 * @param subjectSalt the subject's salt, hex
 * @param subjectPath RFC 9162 audit path of the subject's leaf in the subjects' tree, base64
 * @param subjectsRoot hex root of the subjects' tree, as the entry states it
 */
public record AccessProof(
        long accessId,
        Status status,
        Long ledgerIndex,
        String entry,
        String checkpoint,
        String verifierKey,
        List<String> inclusionProof,
        String subjectId,
        String subjectSalt,
        int subjectLeafIndex,
        int subjectCount,
        List<String> subjectPath,
        String subjectsRoot) {

    public enum Status {
        /** Entry, checkpoint and both proofs are here. */
        VERIFIABLE,
        /** The entry is on the ledger but no signed checkpoint covers it yet (one is signed every minute). */
        AWAITING_CHECKPOINT,
        /** The access's rows exist but its entry was never appended (a crash between the two). */
        NOT_ON_LEDGER
    }

    public AccessProof {
        inclusionProof = inclusionProof == null ? List.of() : List.copyOf(inclusionProof);
        subjectPath = subjectPath == null ? List.of() : List.copyOf(subjectPath);
    }

    static AccessProof complete(
            long accessId,
            long ledgerIndex,
            String entry,
            String checkpoint,
            String verifierKey,
            List<String> inclusionProof,
            String subjectId,
            SubjectCommitment.Opening opening,
            String subjectsRoot) {
        return new AccessProof(
                accessId,
                Status.VERIFIABLE,
                ledgerIndex,
                entry,
                checkpoint,
                verifierKey,
                inclusionProof,
                subjectId,
                opening.saltHex(),
                opening.leafIndex(),
                opening.treeSize(),
                base64(opening.auditPath()),
                subjectsRoot);
    }

    static AccessProof pending(
            long accessId,
            Long ledgerIndex,
            Status status,
            String subjectId,
            SubjectCommitment.Opening opening,
            String subjectsRoot,
            String verifierKey) {
        return new AccessProof(
                accessId,
                status,
                ledgerIndex,
                null,
                null,
                verifierKey,
                List.of(),
                subjectId,
                opening.saltHex(),
                opening.leafIndex(),
                opening.treeSize(),
                base64(opening.auditPath()),
                subjectsRoot);
    }

    /** What each step of the check found; {@link #ok()} only when all four hold. */
    public record Verification(
            boolean checkpointSigned, boolean entryOnLedger, boolean entryIsThisAccess, boolean subjectNamed) {
        public boolean ok() {
            return checkpointSigned && entryOnLedger && entryIsThisAccess && subjectNamed;
        }
    }

    /**
     * Checks the proof offline against a verifier key the checker trusts (the ledger's published
     * {@code /ledger/public-key}, obtained out of band): the checkpoint is signed by it; the entry is
     * in the checkpoint's tree at {@code ledgerIndex}; the entry is a {@code DATA_ACCESSED} entry of
     * this access whose subjects' root and count are the ones opened here; and the opening leads from
     * this subject's salted leaf to that root. Never throws on malformed input.
     */
    public Verification verify(String trustedVerifierKey) {
        boolean signed = false;
        boolean included = false;
        boolean sameAccess = false;
        boolean named = false;
        try {
            signed = checkpoint != null
                    && NoteVerifier.fromVerifierKey(trustedVerifierKey).verify(checkpoint);
            if (signed && entry != null && ledgerIndex != null) {
                Checkpoint tree = Checkpoint.parse(checkpoint);
                included = ledgerIndex < tree.size()
                        && MerkleProofs.verifyInclusion(
                                ledgerIndex,
                                tree.size(),
                                MerkleProofs.leafHash(entry.getBytes(StandardCharsets.UTF_8)),
                                decode(inclusionProof),
                                tree.rootHash());
            }
            if (entry != null) {
                Map<?, ?> parsed = JSON.readValue(entry, Map.class);
                Object details = parsed.get("details");
                if ("DATA_ACCESSED".equals(parsed.get("type")) && details instanceof Map<?, ?> d) {
                    sameAccess = Long.toString(accessId).equals(d.get("access"))
                            && subjectsRoot != null
                            && subjectsRoot.equals(d.get("subjectsRoot"))
                            && Integer.toString(subjectCount).equals(d.get("subjects"));
                }
            }
            if (subjectsRoot != null && subjectSalt != null) {
                named = SubjectCommitment.verify(
                        subjectId,
                        new SubjectCommitment.Opening(
                                HexFormat.of().parseHex(subjectSalt),
                                subjectLeafIndex,
                                subjectCount,
                                decode(subjectPath)),
                        HexFormat.of().parseHex(subjectsRoot));
            }
        } catch (RuntimeException malformed) {
            // A malformed part fails its step; the steps found so far stand.
        }
        return new Verification(signed, included, sameAccess, named);
    }

    /** The JSON a citizen downloads. */
    public String toJson() {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    }

    public static AccessProof fromJson(String json) {
        return JSON.readValue(json, AccessProof.class);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static List<String> base64(List<byte[]> hashes) {
        return hashes.stream().map(Base64.getEncoder()::encodeToString).toList();
    }

    private static List<byte[]> decode(List<String> hashes) {
        return hashes.stream().map(Base64.getDecoder()::decode).toList();
    }
}
