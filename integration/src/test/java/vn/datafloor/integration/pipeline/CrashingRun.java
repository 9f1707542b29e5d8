package vn.datafloor.integration.pipeline;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Child process for {@link PipelineCrashTest}: runs a pipeline and reports each stage on stdout. With
 * a run id and a records directory it also keeps the run's records the way the server does: the run
 * is RUNNING before it starts; after the version is published, the ledger entry, then the status.
 */
public final class CrashingRun {

    private CrashingRun() {}

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        Path lake = Path.of(args[1]);
        String runId = args.length > 2 ? args[2] : "crash-" + System.nanoTime();
        FileRecords records = args.length > 3 ? new FileRecords(Path.of(args[3])) : null;
        if (records != null) {
            records.status(runId, "RUNNING");
        }
        PipelineRunner runner = new PipelineRunner(
                PipelineCrashTest.encrypted(lake), lake.resolveSibling("work"), "256MB", 1, SqlLibrary.NONE);
        RunControl control = new RunControl(new RunControl.Listener() {
            @Override
            public void progress(String stage, int percent) {
                stage(stage);
            }

            @Override
            public void log(String level, String message) {}
        });
        RunResult result = runner.run(
                PipelineSpecs.parse(PipelineCrashTest.SPEC).spec(),
                new PipelineRunner.RunRequest(
                        runId, input, null, name -> "", PipelineRunner.SourceResolver.NONE, Map.of(), Instant.now()),
                control);
        if (records != null) {
            records.append(FileRecords.publishedEntry(runId, result.version()));
            stage("ledgered");
            records.status(
                    runId,
                    "SUCCEEDED " + result.version().dataset() + " "
                            + result.version().version());
        }
        System.out.println("PUBLISHED");
        System.out.flush();
    }

    private static void stage(String stage) {
        System.out.println("STAGE " + stage);
        System.out.flush();
    }
}
