package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import vn.datafloor.server.PlatformTest;

/** A pipeline with a schedule starts when its time comes, once, and not before. */
class SchedulerTest extends PlatformTest {

    @Autowired
    SourceService sources;

    @Autowired
    PipelineService pipelines;

    @Autowired
    RunService runs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    vn.datafloor.server.identity.UserService users;

    @Test
    void aScheduledPipelineRunsWhenItsTimeComes() throws Exception {
        long org = users.findByUsername("yte.admin").orElseThrow().orgId();
        var source = sources.register(
                vn.datafloor.server.authz.Actor.SYSTEM, org, "lich.nguoi", "csv", java.util.Map.of(), null);
        sources.upload(
                vn.datafloor.server.authz.Actor.SYSTEM,
                source.id(),
                "nguoi.csv",
                new ByteArrayInputStream("record_id,ho_ten\n1,An\n".getBytes(StandardCharsets.UTF_8)));
        var pipeline = pipelines.save(vn.datafloor.server.authz.Actor.SYSTEM, org, """
                pipeline: lich-nguoi
                source: {ref: lich.nguoi}
                target: {dataset: lich.nguoi}
                mapping: {record_id: record_id, full_name: ho_ten}
                key: [record_id]
                schedule: "0 0 2 * * *"
                """);
        // Pretend the pipeline was saved yesterday at 01:00 (Vietnam), so 02:00 has passed once.
        jdbc.sql("update pipeline set updated_at = ? where id = ?")
                .params(java.sql.Timestamp.from(clock.instant().minus(Duration.ofDays(1))), pipeline.id())
                .update();
        runs.startScheduled();
        // Read as the test sees the database: the run service has no test-only doors.
        var triggers = jdbc.sql("select trigger_kind from pipeline_run where pipeline_id = ?")
                .param(pipeline.id())
                .query(String.class)
                .list();
        assertThat(triggers).containsExactly("SCHEDULE");
        // The same tick again does not start it twice.
        runs.startScheduled();
        assertThat(jdbc.sql("select count(*) from pipeline_run where pipeline_id = ?")
                        .param(pipeline.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }
}
