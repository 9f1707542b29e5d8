package vn.datafloor.integration.lake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process for {@link S3LakeCrashTest}: opens the lake on S3 (which runs recovery) and publishes versions.
 * Before every write to the bucket it prints {@code OP <write>} and waits for a line on stdin, so that the
 * test can kill it exactly there; after each version it prints {@code PUBLISHED <dataset> <version>}.
 *
 * <p>Arguments: endpoint bucket prefix root cache keys-directory|- dataset versions first-row-count.
 */
public final class S3CrashingPublisher {

    private S3CrashingPublisher() {}

    public static void main(String[] args) throws Exception {
        BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ObjectStore s3 = new S3ObjectStore(S3ProxyServer.settingsFrom(args[0], args[1], args[2]));
        ObjectStore store = new ObservedStore(s3, write -> {
            System.out.println("OP " + write);
            System.out.flush();
            try {
                if (control.readLine() == null) {
                    throw new IllegalStateException("the test went away");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        LakeKeys keys = args[5].equals("-") ? null : LakeKeys.local(Path.of(args[5]));
        Lake lake = Lake.open(Path.of(args[3]), keys, new ObjectStorage(store, Path.of(args[4]), 0, keys == null));
        String dataset = args[6];
        int versions = Integer.parseInt(args[7]);
        int rows = Integer.parseInt(args[8]);
        for (int i = 0; i < versions; i++) {
            DatasetVersion version = S3LakeTest.publish(lake, dataset, rows + i);
            System.out.println("PUBLISHED " + dataset + " " + version.version());
            System.out.flush();
        }
        System.out.println("DONE");
        System.out.flush();
    }
}
