package vn.datafloor.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Offline audit of a ledger directory: recomputes every leaf and subtree hash from
 * {@code entries.dat} and compares them, byte for byte, with every other file. Any single changed
 * byte anywhere is caught: records by their CRC, derived files by recomputation, and a payload whose
 * CRC was forged along with it by the stored hashes and the signed checkpoint roots.
 *
 * <p>Run it on a closed ledger (or a copy); a live writer may be midway through a batch.
 */
public final class LedgerVerifier {

    private static final int HASH = MerkleProofs.HASH_SIZE;
    private static final Pattern LEVEL_FILE = Pattern.compile("level-(\\d{2})\\.hash");

    private LedgerVerifier() {}

    private static final class Problem extends Exception {
        Problem(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param verifierKey the log's vkey; without it, checkpoint signatures are only checked for form
     *     and for all coming from the same key
     */
    public static VerificationReport verify(Path ledgerDir, Optional<String> verifierKey) {
        State st = new State();
        try {
            st.run(ledgerDir, verifierKey);
            return new VerificationReport(true, st.entries, st.checkpointsChecked, null);
        } catch (Problem p) {
            return new VerificationReport(false, st.entries, st.checkpointsChecked, p.getMessage());
        } catch (IOException e) {
            return new VerificationReport(false, st.entries, st.checkpointsChecked, "I/O error: " + e);
        } catch (IllegalArgumentException e) {
            return new VerificationReport(
                    false, st.entries, st.checkpointsChecked, "invalid verifier key: " + e.getMessage());
        }
    }

    private static final class State {
        long entries;
        long checkpointsChecked;
        private final MessageDigest md = MerkleProofs.newSha256();

        void run(Path dir, Optional<String> verifierKey) throws IOException, Problem {
            if (!Files.isDirectory(dir)) {
                throw new Problem(dir + ": not a directory");
            }
            Optional<NoteVerifier> verifier = verifierKey.map(NoteVerifier::fromVerifierKey);
            Map<Integer, Path> levels = new HashMap<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path f : ds) {
                    String name = f.getFileName().toString();
                    var m = LEVEL_FILE.matcher(name);
                    if (m.matches()) {
                        levels.put(Integer.parseInt(m.group(1)), f);
                    } else if (name.equals(Ledger.LOCK)) {
                        if (Files.size(f) != 0) {
                            throw new Problem(name + ": lock file should be empty but has " + Files.size(f) + " bytes");
                        }
                    } else if (!name.equals(Ledger.ENTRIES)
                            && !name.equals(Ledger.INDEX)
                            && !name.equals(CheckpointLog.FILE)) {
                        throw new Problem(name + ": unexpected file in ledger directory");
                    }
                }
            }
            if (!Files.exists(dir.resolve(Ledger.ENTRIES))) {
                throw new Problem(Ledger.ENTRIES + ": missing");
            }
            List<Checkpoint> cps = readCheckpoints(dir.resolve(CheckpointLog.FILE), verifier);
            scan(dir, levels, cps);
        }

        private List<Checkpoint> readCheckpoints(Path file, Optional<NoteVerifier> verifier)
                throws IOException, Problem {
            List<Checkpoint> out = new ArrayList<>();
            if (!Files.exists(file)) {
                return out;
            }
            String signerLine = null;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                Records.Reader r = new Records.Reader(ch, 0);
                for (byte[] p; ; ) {
                    long at = r.offset();
                    try {
                        p = r.next();
                    } catch (Records.BadRecord bad) {
                        throw new Problem(CheckpointLog.FILE + ": checkpoint #" + out.size() + ": " + bad.getMessage());
                    }
                    if (p == null) {
                        break;
                    }
                    String where = CheckpointLog.FILE + ": checkpoint #" + out.size() + " at offset " + at;
                    String note = new String(p, StandardCharsets.UTF_8);
                    Checkpoint cp;
                    try {
                        cp = Checkpoint.parse(note);
                    } catch (IllegalArgumentException e) {
                        throw new Problem(where + ": " + e.getMessage());
                    }
                    if (!note.startsWith(cp.body() + "\n")) {
                        throw new Problem(where + ": body is not in canonical form");
                    }
                    String sigs = note.substring(cp.body().length() + 1);
                    if (verifier.isPresent()) {
                        if (!verifier.get().verify(note)) {
                            throw new Problem(where + ": signature does not verify with the given key");
                        }
                    } else {
                        // Without the key, at least require one well-formed signature line and the same signer
                        // throughout.
                        String first = sigs.lines().findFirst().orElse("");
                        String[] f = first.startsWith(NoteKeys.SIGNATURE_PREFIX)
                                ? first.substring(NoteKeys.SIGNATURE_PREFIX.length())
                                        .split(" ", -1)
                                : new String[0];
                        byte[] sig = f.length == 2 ? decode(f[1]) : null;
                        if (sig == null || sig.length != 68) {
                            throw new Problem(where + ": no well-formed Ed25519 signature line");
                        }
                        String signer = f[0] + "+" + java.util.HexFormat.of().formatHex(sig, 0, 4);
                        if (signerLine != null && !signerLine.equals(signer)) {
                            throw new Problem(
                                    where + ": signed by " + signer + " but earlier checkpoints by " + signerLine);
                        }
                        signerLine = signer;
                    }
                    if (!out.isEmpty() && cp.size() < out.get(out.size() - 1).size()) {
                        throw new Problem(
                                where + ": tree size " + cp.size() + " is smaller than the previous checkpoint's "
                                        + out.get(out.size() - 1).size());
                    }
                    out.add(cp);
                }
            }
            return out;
        }

        private static byte[] decode(String b64) {
            try {
                return java.util.Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private void scan(Path dir, Map<Integer, Path> levelFiles, List<Checkpoint> cps) throws IOException, Problem {
            Path idxPath = dir.resolve(Ledger.INDEX);
            List<AutoCloseable> toClose = new ArrayList<>();
            try (FileChannel data = FileChannel.open(dir.resolve(Ledger.ENTRIES), StandardOpenOption.READ)) {
                Stream idx = Files.exists(idxPath) ? new Stream(Ledger.INDEX, Files.newInputStream(idxPath)) : null;
                if (idx != null) {
                    toClose.add(idx.in);
                }
                Stream[] levels = new Stream[64];
                for (var e : levelFiles.entrySet()) {
                    levels[e.getKey()] =
                            new Stream(e.getValue().getFileName().toString(), Files.newInputStream(e.getValue()));
                    toClose.add(levels[e.getKey()].in);
                }
                byte[][] frontier = new byte[64][];
                int nextCp = 0;
                while (nextCp < cps.size() && cps.get(nextCp).size() == 0) {
                    checkRoot(cps.get(nextCp), nextCp, MerkleProofs.emptyRoot());
                    nextCp++;
                }
                Records.Reader r = new Records.Reader(data, 0);
                for (byte[] payload; ; ) {
                    long at = r.offset();
                    try {
                        payload = r.next();
                    } catch (Records.BadRecord bad) {
                        throw new Problem(Ledger.ENTRIES + ": entry #" + entries + ": " + bad.getMessage());
                    }
                    if (payload == null) {
                        break;
                    }
                    String where = "entry #" + entries + " (" + Ledger.ENTRIES + " offset " + at + ")";
                    byte[] end =
                            java.nio.ByteBuffer.allocate(8).putLong(r.offset()).array();
                    if (idx == null) {
                        throw new Problem(Ledger.INDEX + ": missing");
                    }
                    idx.expect(end, entries, where);
                    // RFC 9162 §2.1.1, incrementally: each odd node completes its parent.
                    byte[] node = MerkleProofs.leafHash(md, payload);
                    long i = entries;
                    int level = 0;
                    expect(levels, 0, node, i, where);
                    while ((i & 1) == 1) {
                        node = MerkleProofs.nodeHash(md, frontier[level], node);
                        level++;
                        i >>>= 1;
                        expect(levels, level, node, i, where);
                    }
                    frontier[level] = node;
                    entries++;
                    while (nextCp < cps.size() && cps.get(nextCp).size() == entries) {
                        checkRoot(cps.get(nextCp), nextCp, root(frontier, entries));
                        nextCp++;
                    }
                }
                if (nextCp < cps.size()) {
                    throw new Problem(CheckpointLog.FILE + ": checkpoint #" + nextCp + " has size "
                            + cps.get(nextCp).size() + " but " + Ledger.ENTRIES + " holds only " + entries
                            + " entries");
                }
                if (idx == null && entries > 0) {
                    throw new Problem(Ledger.INDEX + ": missing");
                }
                if (idx != null) {
                    idx.expectEnd();
                }
                for (Stream s : levels) {
                    if (s != null) {
                        s.expectEnd();
                    }
                }
                for (int k = 0; (entries >>> k) > 0; k++) {
                    if (levels[k] == null) {
                        throw new Problem(HashStore.fileName(k) + ": missing");
                    }
                }
            } finally {
                for (AutoCloseable c : toClose) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // Read-only streams; nothing to lose.
                    }
                }
            }
        }

        private void expect(Stream[] levels, int level, byte[] hash, long index, String where)
                throws IOException, Problem {
            if (levels[level] == null) {
                throw new Problem(HashStore.fileName(level) + ": missing (needed from " + where + ")");
            }
            levels[level].expect(hash, index, "the hash recomputed from " + where);
        }

        private void checkRoot(Checkpoint cp, int n, byte[] root) throws Problem {
            if (!MessageDigest.isEqual(cp.rootHash(), root)) {
                throw new Problem(CheckpointLog.FILE + ": checkpoint #" + n + " (size " + cp.size()
                        + ") root hash does not match the tree recomputed from " + Ledger.ENTRIES);
            }
            checkpointsChecked++;
        }

        /** RFC 9162 §2.1.1 MTH over the frontier: fold the perfect subtrees of size's decomposition right to left. */
        private byte[] root(byte[][] frontier, long size) {
            byte[] acc = null;
            for (int k = 0; k < 64; k++) {
                if ((size >>> k & 1) == 1) {
                    acc = acc == null ? frontier[k] : MerkleProofs.nodeHash(md, frontier[k], acc);
                }
            }
            return acc;
        }
    }

    /** Sequential reader of a file of fixed-size records, reporting mismatches with file and offset. */
    private static final class Stream {
        final String name;
        final InputStream in;
        long offset;

        Stream(String name, InputStream in) {
            this.name = name;
            this.in = new java.io.BufferedInputStream(in, 1 << 16);
        }

        void expect(byte[] want, long index, String from) throws IOException, Problem {
            byte[] got = in.readNBytes(want.length);
            if (got.length < want.length) {
                throw new Problem(name + ": ends at offset " + (offset + got.length) + ", record #" + index
                        + " missing (" + "needed for " + from + ")");
            }
            if (!Arrays.equals(got, want)) {
                throw new Problem(name + ": record #" + index + " at offset " + offset + " does not match " + from);
            }
            offset += want.length;
        }

        void expectEnd() throws IOException, Problem {
            int extra = in.readNBytes(HASH).length;
            if (extra > 0) {
                throw new Problem(name + ": unexpected trailing bytes at offset " + offset);
            }
        }
    }
}
