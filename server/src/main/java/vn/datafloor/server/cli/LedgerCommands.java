package vn.datafloor.server.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vn.datafloor.ledger.Checkpoint;
import vn.datafloor.ledger.InclusionCheck;
import vn.datafloor.ledger.Ledger;
import vn.datafloor.ledger.LedgerVerifier;
import vn.datafloor.ledger.MerkleProofs;
import vn.datafloor.ledger.NoteSigner;
import vn.datafloor.ledger.NoteVerifier;
import vn.datafloor.ledger.VerificationReport;

/** Offline ledger tools: they read the files directly and need no running server. */
@Command(
        name = "ledger",
        mixinStandardHelpOptions = true,
        description = "Verify the ledger, print proofs, check checkpoints.",
        subcommands = {
            LedgerCommands.Verify.class,
            LedgerCommands.Prove.class,
            LedgerCommands.CheckConsistency.class,
            LedgerCommands.VerifyAccessProof.class
        })
class LedgerCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final String DEFAULT_DIR = "./data/ledger";

    /** The verifier key: given, or derived from the platform's signing key beside the ledger. */
    static Optional<String> verifierKey(String given, Path ledgerDir) throws Exception {
        if (given != null) {
            return Optional.of(given.strip());
        }
        Path keyFile = ledgerDir.toAbsolutePath().getParent().resolve("keys/ledger-ed25519.key");
        if (Files.exists(keyFile)) {
            return Optional.of(
                    NoteSigner.loadOrCreate(keyFile, "datafloor.local").verifierKey());
        }
        return Optional.empty();
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Recompute every hash and signature from the files; report the first corruption.")
    static class Verify implements Callable<Integer> {
        @Option(
                names = "--dir",
                defaultValue = DEFAULT_DIR,
                description = "Ledger directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--verifier-key", description = "Verifier key (name+keyID+base64). Default: from ../keys.")
        String key;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) {
                System.err.println("No ledger directory at " + dir.toAbsolutePath() + " (use --dir).");
                return 2;
            }
            Optional<String> vkey = verifierKey(key, dir);
            if (vkey.isEmpty()) {
                System.out.println("No verifier key given or found: checkpoint signatures are not checked.");
            }
            VerificationReport report = LedgerVerifier.verify(dir, vkey);
            if (report.ok()) {
                System.out.printf(
                        "OK: %d entries and %d checkpoints verified.%n",
                        report.entriesChecked(), report.checkpointsChecked());
                return 0;
            }
            System.out.println("CORRUPT: " + report.firstProblem());
            return 1;
        }
    }

    @Command(
            name = "prove",
            mixinStandardHelpOptions = true,
            description = "Print the inclusion proof of entry N (RFC 9162 §2.1.3) with the entry and root.")
    static class Prove implements Callable<Integer> {
        @Option(
                names = "--dir",
                defaultValue = DEFAULT_DIR,
                description = "Ledger directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--index", required = true, description = "Entry index (0-based).")
        long index;

        @Option(
                names = "--size",
                description = "Tree size to prove against (default: the latest checkpoint's, else the whole log).")
        Long size;

        @Override
        public Integer call() throws Exception {
            try (Ledger ledger = Ledger.open(dir)) {
                long treeSize = size != null
                        ? size
                        : ledger.latestCheckpoint()
                                .map(c -> c.checkpoint().size())
                                .filter(s -> s > index)
                                .orElse(ledger.size());
                if (index < 0 || index >= treeSize || treeSize > ledger.size()) {
                    System.err.printf("Need 0 <= index < size <= %d%n", ledger.size());
                    return 2;
                }
                byte[] entry = ledger.entry(index);
                List<byte[]> proof = ledger.inclusionProof(index, treeSize);
                byte[] root = ledger.rootHash(treeSize);
                Base64.Encoder b64 = Base64.getEncoder();
                System.out.println("index: " + index);
                System.out.println("size: " + treeSize);
                System.out.println("entry: " + new String(entry, StandardCharsets.UTF_8));
                System.out.println("leaf-hash: " + b64.encodeToString(MerkleProofs.leafHash(entry)));
                System.out.println("root: " + b64.encodeToString(root));
                for (byte[] hash : proof) {
                    System.out.println("proof: " + b64.encodeToString(hash));
                }
                InclusionCheck check = InclusionCheck.of(index, treeSize, MerkleProofs.leafHash(entry), proof, root);
                System.out.println(check.valid() ? "verified: yes" : "verified: NO (" + check.describe() + ")");
                return check.valid() ? 0 : 1;
            }
        }
    }

    @Command(
            name = "check-consistency",
            mixinStandardHelpOptions = true,
            description = "Check that checkpoint NEW extends checkpoint OLD (signatures and RFC 9162 §2.1.4 proof).")
    static class CheckConsistency implements Callable<Integer> {
        @Parameters(index = "0", description = "File holding the older signed checkpoint.")
        Path oldFile;

        @Parameters(index = "1", description = "File holding the newer signed checkpoint.")
        Path newFile;

        @Option(
                names = "--dir",
                defaultValue = DEFAULT_DIR,
                description = "Ledger directory serving the proof (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--verifier-key", description = "Verifier key (name+keyID+base64). Default: from ../keys.")
        String key;

        @Override
        public Integer call() throws Exception {
            String oldNote = Files.readString(oldFile, StandardCharsets.UTF_8);
            String newNote = Files.readString(newFile, StandardCharsets.UTF_8);
            Optional<String> vkey = verifierKey(key, dir);
            if (vkey.isPresent()) {
                NoteVerifier verifier = NoteVerifier.fromVerifierKey(vkey.get());
                if (!verifier.verify(oldNote) || !verifier.verify(newNote)) {
                    System.out.println("INVALID: a checkpoint's signature does not verify with " + vkey.get());
                    return 1;
                }
            } else {
                System.out.println("No verifier key given or found: signatures are not checked.");
            }
            Checkpoint older = Checkpoint.parse(oldNote);
            Checkpoint newer = Checkpoint.parse(newNote);
            if (!older.origin().equals(newer.origin())) {
                System.out.println("INCONSISTENT: different origins");
                return 1;
            }
            if (older.size() > newer.size()) {
                System.out.println("INCONSISTENT: the old checkpoint is larger than the new one");
                return 1;
            }
            if (older.size() == newer.size() || older.size() == 0) {
                boolean same = older.size() == 0 || java.util.Arrays.equals(older.rootHash(), newer.rootHash());
                System.out.println(same ? "CONSISTENT" : "INCONSISTENT: same size, different roots");
                return same ? 0 : 1;
            }
            try (Ledger ledger = Ledger.open(dir)) {
                if (newer.size() > ledger.size()) {
                    System.out.println(
                            "Cannot check: the ledger at " + dir + " has only " + ledger.size() + " entries");
                    return 2;
                }
                List<byte[]> proof = ledger.consistencyProof(older.size(), newer.size());
                boolean ok = MerkleProofs.verifyConsistency(
                        older.size(), newer.size(), proof, older.rootHash(), newer.rootHash());
                System.out.println(
                        ok
                                ? "CONSISTENT (" + proof.size() + " proof hashes)"
                                : "INCONSISTENT: the proof does not verify");
                return ok ? 0 : 1;
            }
        }
    }

    @Command(
            name = "verify-access-proof",
            mixinStandardHelpOptions = true,
            description =
                    "Check a citizen's access proof (GET /api/me/accesses/{id}/proof): signed checkpoint, the "
                            + "entry's inclusion, and the opening that names the citizen. Needs nothing but the file and the key.")
    static class VerifyAccessProof implements Callable<Integer> {
        @Parameters(index = "0", description = "The proof's JSON file.")
        Path file;

        @Option(
                names = "--verifier-key",
                description = "The ledger's verifier key (from /ledger/public-key, better out of band). "
                        + "Default: from ../keys beside --dir, else the key written in the file (then only "
                        + "the proof's consistency is shown, not who signed it).")
        String key;

        @Option(
                names = "--dir",
                defaultValue = DEFAULT_DIR,
                description = "Ledger directory whose ../keys holds the signing key (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            vn.datafloor.server.privacy.AccessProof proof =
                    vn.datafloor.server.privacy.AccessProof.fromJson(Files.readString(file, StandardCharsets.UTF_8));
            Optional<String> vkey = verifierKey(key, dir);
            if (vkey.isEmpty()) {
                System.out.println("No verifier key given or found: using the key written in the proof itself, which "
                        + "shows the proof is consistent but not that the platform signed it.");
            }
            vn.datafloor.server.privacy.AccessProof.Verification check = proof.verify(vkey.orElse(proof.verifierKey()));
            System.out.println("access " + proof.accessId() + ", subject " + proof.subjectId() + ", ledger entry "
                    + proof.ledgerIndex() + " (" + proof.status() + ")");
            System.out.println("  checkpoint signed:           " + check.checkpointSigned());
            System.out.println("  entry in the checkpoint:     " + check.entryOnLedger());
            System.out.println("  entry is this access:        " + check.entryIsThisAccess());
            System.out.println("  subject named by the entry:  " + check.subjectNamed());
            System.out.println(check.ok() ? "VERIFIED" : "NOT VERIFIED");
            return check.ok() ? 0 : 1;
        }
    }
}
