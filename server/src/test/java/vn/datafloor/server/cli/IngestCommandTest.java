package vn.datafloor.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./datafloor ingest}: a spec with standardizers on the default engine, and the engine option. */
class IngestCommandTest {

    static final String SPEC = """
            pipeline: cli-people
            source: {type: csv, path: people.csv}
            target: {dataset: cli.people, schema: person}
            mapping:
              person_id: id
              full_name: ho_ten
              birth_date_raw: ngay_sinh
            standardize:
              full_name: std_person_name(full_name)
              birth_date: std_date(birth_date_raw).value
            quality:
              - {rule: completeness, columns: [person_id, full_name], severity: reject}
            key: [person_id]
            """;

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout;
    PrintStream stderr;

    @BeforeEach
    void capture() throws Exception {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Files.writeString(
                dir.resolve("people.csv"),
                "id,ho_ten,ngay_sinh\n1,nguyễn văn an,02/03/1990\n2,,1985-01-01\n3,TRẦN THỊ BÌNH,1991-12-31\n");
        Files.writeString(dir.resolve("people.yaml"), SPEC);
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    int ingest(String... arguments) {
        String[] all = new String[arguments.length + 1];
        all[0] = "ingest";
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        return new CommandLine(new DatafloorCli()).execute(all);
    }

    @Test
    void aSpecCallingTheStandardizersRunsOnTheDefaultEngine() {
        int status = ingest(
                "--pipeline",
                dir.resolve("people.yaml").toString(),
                "--data",
                dir.resolve("data").toString());
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("cli.people version 1")
                .contains("rows in 3 = published 2 + quarantined 1");
    }

    @Test
    void anUnknownEngineIsRefused() {
        assertThat(ingest("--pipeline", dir.resolve("people.yaml").toString(), "--engine", "flink"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--engine must be duckdb or spark");
    }

    @Test
    void onSparkASpecWithProblemsIsRefusedBeforeAJvmStarts() throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), SPEC.replace("schema: person", "schema: persons"));
        assertThat(ingest("--pipeline", dir.resolve("broken.yaml").toString(), "--engine", "spark"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("has problems")
                .contains("Unknown schema persons");
    }
}
