package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worked example of docs/linkage.md, verbatim, so the documentation cannot drift from the code. */
class WorkedExampleTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleRuns() throws Exception {
        String doc = Files.readString(Path.of("../docs/linkage.md"));
        String example = doc.substring(doc.indexOf("## Worked example"));
        String csv = between(example, "```csv\n", "```");
        String yaml = between(example, "```yaml\n", "```");
        Files.writeString(dir.resolve("people.csv"), csv);
        Files.writeString(dir.resolve("people.yaml"), yaml);
        LinkageModel model = LinkageModel.parse(dir.resolve("people.yaml"));
        try (Linker linker = Linker.open(model, dir)) {
            LinkageParameters parameters = linker.train();
            linker.predict(parameters);
            assertThat(linker.cluster(model.clustering().threshold())).isEqualTo(3);
            Map<String, String> clusters = linker.clusters().stream()
                    .collect(Collectors.toMap(ClusterMember::recordId, ClusterMember::clusterId));
            assertThat(clusters.get("2")).isEqualTo(clusters.get("1"));
            assertThat(clusters.get("4")).isEqualTo(clusters.get("3"));
            assertThat(clusters.get("5")).isNotEqualTo(clusters.get("1"));
            assertThat(linker.pairs(0, 20))
                    .filteredOn(p -> p.rightId().equals("5") && p.leftId().equals("1"))
                    .singleElement()
                    .satisfies(p -> assertThat(p.matchWeight()).isNegative());
        }
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start) + start.length();
        return text.substring(from, text.indexOf(end, from));
    }
}
