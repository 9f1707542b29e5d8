package vn.datafloor.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.lake.LocalMasterKey;

/** Lake maintenance that works on the files directly, beside a running server or without one. */
@Command(
        name = "lake",
        mixinStandardHelpOptions = true,
        description = "Lake maintenance: rotate the master key that wraps the versions' data keys.",
        subcommands = {LakeCommands.RotateKey.class})
class LakeCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "rotate-key",
            mixinStandardHelpOptions = true,
            description = {
                "Rotate the lake's master key: a new primary key in DATA/keys/lake.keyset.json, the old ones kept.",
                "Every encrypted version's data key is re-wrapped with the new key. A running server picks up the",
                "new keyset at its next read and records the rotation on the ledger (docs/encryption.md)."
            })
    static class RotateKey implements Callable<Integer> {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--data",
                defaultValue = "./data",
                description = "Data directory: keys/ and lake/ (default: ${DEFAULT-VALUE}).")
        Path data;

        @Override
        public Integer call() {
            java.io.PrintWriter out = spec.commandLine().getOut();
            Path keyset = data.resolve("keys").resolve(LakeKeys.KEYSET_FILE);
            if (!Files.isRegularFile(keyset)) {
                // Creating one here would wrap nothing and hide a wrong --data.
                spec.commandLine()
                        .getErr()
                        .println("No lake master keyset at " + keyset + ": nothing to rotate (check --data)");
                return 2;
            }
            LocalMasterKey master = LocalMasterKey.open(keyset);
            int previous = master.primaryKeyId();
            int primary = master.rotate();
            out.printf(
                    "Lake master key rotated: key %d is primary (was %d); %d older key(s) kept for reading.%n",
                    Integer.toUnsignedLong(primary), Integer.toUnsignedLong(previous), master.size() - 1);
            Path lake = data.resolve("lake");
            int rewrapped = Files.isDirectory(lake) ? new LakeKeys(master).rewrap(lake) : 0;
            out.printf(
                    "Re-wrapped the data keys of %d version(s) with key %d.%n",
                    rewrapped, Integer.toUnsignedLong(primary));
            return 0;
        }
    }
}
