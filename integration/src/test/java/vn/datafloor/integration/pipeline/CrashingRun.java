package vn.datafloor.integration.pipeline;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import vn.datafloor.integration.lake.Lake;

/** Child process for {@link PipelineCrashTest}: runs a pipeline and reports each stage on stdout. */
public final class CrashingRun {

    private CrashingRun() {}

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        Path lake = Path.of(args[1]);
        PipelineRunner runner = new PipelineRunner(Lake.open(lake), lake.resolveSibling("work"), "256MB", 1, SqlLibrary.NONE);
        RunControl control = new RunControl(new RunControl.Listener() {
            @Override
            public void progress(String stage, int percent) {
                System.out.println("STAGE " + stage);
                System.out.flush();
            }

            @Override
            public void log(String level, String message) {}
        });
        runner.run(PipelineSpecs.parse(PipelineCrashTest.SPEC).spec(), new PipelineRunner.RunRequest("crash-" + System.nanoTime(),
                input, null, name -> "", PipelineRunner.SourceResolver.NONE, Map.of(), Instant.now()), control);
        System.out.println("PUBLISHED");
        System.out.flush();
    }
}
