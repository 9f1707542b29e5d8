package vn.datafloor.server.storage;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import vn.datafloor.integration.cdc.ChangeFollower;
import vn.datafloor.integration.connect.ChangesSettings;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.Lake;

/**
 * The process {@link ChangeCaptureCrashTest} kills: follows a table into an encrypted lake and prints
 * each step, so the test can kill it at any of them. Arguments: lake, url, user, table, dataset,
 * follower id, batch size; the password comes from the environment.
 */
public final class ChangeFollowingChild {

    private ChangeFollowingChild() {}

    public static void main(String[] args) throws Exception {
        Path lakeDir = Path.of(args[0]);
        Lake lake = ChangeCaptureCrashTest.encrypted(lakeDir);
        ChangesSettings settings =
                new ChangesSettings(args[1], args[2], "pg", args[3], args[4], Integer.parseInt(args[6]), 3600);
        ChangeFollower follower = ChangeFollower.start(
                args[5],
                settings,
                System.getenv("DATAFLOOR_TEST_PG_PASSWORD"),
                ChangeCaptureDatabase.LOOPBACK,
                lake,
                lake::publish,
                Map.of(),
                new ChangeFollower.Options(
                        lakeDir.resolveSibling("work"),
                        "128MB",
                        Duration.ofMillis(200),
                        Clock.systemUTC(),
                        vn.datafloor.integration.connect.InputLimits.DEFAULTS),
                new ChangeFollower.Events() {
                    @Override
                    public void stage(String stage) {
                        System.out.println("STAGE " + stage);
                        System.out.flush();
                    }

                    @Override
                    public void published(DatasetVersion version, long changes) {
                        System.out.println("PUBLISHED v" + version.version());
                        System.out.flush();
                    }

                    @Override
                    public void stopped(String error) {
                        System.out.println("STOPPED " + error);
                        System.out.flush();
                    }
                });
        follower.awaitStop(Duration.ofHours(1));
        System.exit(1);
    }
}
