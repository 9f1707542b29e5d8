package vn.datafloor.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./datafloor link} on the worked example of docs/linkage.md. */
class LinkCommandTest {

    @TempDir
    Path dir;

    Path config;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void workedExample() throws Exception {
        String doc = Files.readString(Path.of("../docs/linkage.md"));
        String example = doc.substring(doc.indexOf("## Worked example"));
        Files.writeString(dir.resolve("people.csv"), between(example, "```csv\n", "```"));
        config = Files.writeString(dir.resolve("people.yaml"), between(example, "```yaml\n", "```"));
    }

    int link(String... arguments) {
        CommandLine cli = new CommandLine(new DatafloorCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[arguments.length + 1];
        all[0] = "link";
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        return cli.execute(all);
    }

    @Test
    void showConfigWritesOutTheDocumentedPreset() throws Exception {
        String doc = Files.readString(Path.of("../docs/linkage.md"));
        String presets = doc.substring(doc.indexOf("## Presets"));
        Path presetConfig = Files.writeString(dir.resolve("preset.yaml"), between(presets, "```yaml\n", "```"));
        assertThat(link("--config", presetConfig.toString(), "--show-config"))
                .as(err.toString())
                .isZero();
        assertThat(out.toString())
                .doesNotContain("preset:")
                .contains("std_partial_date((ngay_sinh))")
                .contains("std_name_key((full_name))")
                .contains("name_reordered")
                .contains("date_partial")
                .contains("conflicting_id: cccd");
        assertThat(out.toString())
                .as("nothing is linked")
                .doesNotContain("trained:")
                .doesNotContain("scored");
    }

    @Test
    void reusedParametersAreWrittenToTheOutputToo() throws Exception {
        Path first = dir.resolve("first");
        assertThat(link("--config", config.toString(), "--out", first.toString()))
                .isZero();
        Path trained = first.resolve("parameters.json");
        assertThat(trained).isRegularFile();

        Path second = dir.resolve("second");
        assertThat(link("--config", config.toString(), "--out", second.toString(), "--parameters", trained.toString()))
                .as(err.toString())
                .isZero();
        assertThat(second.resolve("parameters.json")).isRegularFile().hasSameTextualContentAs(trained);
        assertThat(second.resolve("pairs.csv")).isRegularFile();
        assertThat(out.toString()).contains("written to " + second.resolve("parameters.json"));

        // Reusing the file in place (the docs' own example) keeps it whole.
        String before = Files.readString(trained);
        assertThat(link("--config", config.toString(), "--out", first.toString(), "--parameters", trained.toString()))
                .isZero();
        assertThat(Files.readString(trained)).isEqualTo(before);
    }

    @Test
    void aPairsTruthFileIsScoredUndirected() throws Exception {
        // The example clusters {1, 2}, {3, 4}, {5} at 0.5; the truth lists 1-2 both ways round.
        Path truth = Files.writeString(dir.resolve("truth.csv"), "id_l,id_r\n1,2\n2,1\n3,4\n");
        assertThat(link(
                        "--config",
                        config.toString(),
                        "--out",
                        dir.resolve("out").toString(),
                        "--truth",
                        truth.toString()))
                .as(err.toString())
                .isZero();
        assertThat(out.toString())
                .contains("pairwise:  precision 1.0000  recall 1.0000  F1 1.0000")
                .contains("clusters:  precision 1.0000  recall 1.0000  F1 1.0000");
    }

    @Test
    void parametersOfAnotherModelAreRefusedBeforeAnyWork() throws Exception {
        Path first = dir.resolve("first");
        assertThat(link("--config", config.toString(), "--out", first.toString()))
                .isZero();
        var json = new tools.jackson.databind.ObjectMapper();
        var parameters = (tools.jackson.databind.node.ObjectNode)
                json.readTree(first.resolve("parameters.json").toFile());
        // The same parameters, one comparison renamed: trained for another model.
        var comparison = (tools.jackson.databind.node.ObjectNode)
                parameters.get("comparisons").get(0);
        String name = comparison.get("name").asString();
        comparison.put("name", "other");
        Path foreign = Files.writeString(dir.resolve("foreign.json"), json.writeValueAsString(parameters));
        Path output = dir.resolve("out");
        assertThat(link("--config", config.toString(), "--out", output.toString(), "--parameters", foreign.toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("no comparison " + name).contains("train again");
        assertThat(output).doesNotExist();
    }

    @Test
    void aMalformedTruthFileIsRefusedBeforeAnyWork() throws Exception {
        Path truth = Files.writeString(dir.resolve("truth.csv"), "left,right\n1,2\n");
        Path output = dir.resolve("out");
        assertThat(link("--config", config.toString(), "--out", output.toString(), "--truth", truth.toString()))
                .isEqualTo(1);
        assertThat(err.toString())
                .contains("Failed: Truth file " + truth + " lacks the columns source, record_id, entity_id");
        assertThat(out.toString()).doesNotContain("trained").doesNotContain("scored");
        assertThat(output).doesNotExist();
    }

    @Test
    void anUnknownEngineIsRefused() {
        assertThat(link(
                        "--config",
                        config.toString(),
                        "--out",
                        dir.resolve("out").toString(),
                        "--engine",
                        "flink"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--engine must be duckdb or spark");
    }

    @Test
    void onSparkAMalformedTruthFileIsRefusedBeforeAJvmStarts() throws Exception {
        Path truth = Files.writeString(dir.resolve("truth.csv"), "left,right\n1,2\n");
        Path output = dir.resolve("out");
        assertThat(link(
                        "--config",
                        config.toString(),
                        "--out",
                        output.toString(),
                        "--truth",
                        truth.toString(),
                        "--engine",
                        "spark"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("Failed: Truth file " + truth + " lacks the columns");
        assertThat(output).doesNotExist();
    }

    @Test
    void theHelpSaysWhatIsWrittenAndWhichTruthLayoutsAreRead() {
        assertThat(link("--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains("parameters.json")
                .contains("clusters (columns source, record_id, entity_id) or pairs (columns id_l, id_r,");
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start) + start.length();
        return text.substring(from, text.indexOf(end, from));
    }
}
