package vn.datafloor.server.dsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * How an import walks a provider's pages: every row once, whether the provider pages as asked, sends every row at
 * once, or ignores offset and limit; refused rows and too many rows stop it.
 */
class ConsumerImportTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ArrayNode rows(int from, int to) {
        ArrayNode page = JSON.createArrayNode();
        for (int i = from; i < to; i++) {
            page.addObject().put("id", i).put("ten", "người " + i);
        }
        return page;
    }

    @Test
    void aPagingProviderGivesEveryRowOnceAndTheLastShortPageEndsIt() throws Exception {
        List<Integer> asked = new ArrayList<>();
        StringWriter out = new StringWriter();
        ConsumerImport.Copied copied = ConsumerImport.copyPages(
                offset -> {
                    asked.add(offset);
                    return rows(offset, Math.min(offset + 100, 250));
                },
                100,
                1_000,
                JSON,
                out);
        assertThat(copied).isEqualTo(new ConsumerImport.Copied(250, 3));
        assertThat(asked).containsExactly(0, 100, 200);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(250);
        assertThat(JSON.readTree(lines.get(249)).get("id").asInt()).isEqualTo(249);
    }

    @Test
    void aProviderThatIgnoresPagingIsReadOnce() throws Exception {
        // Every row at once, more than a page: one call.
        StringWriter all = new StringWriter();
        assertThat(ConsumerImport.copyPages(offset -> rows(0, 150), 100, 1_000, JSON, all))
                .isEqualTo(new ConsumerImport.Copied(150, 1));
        // Exactly a page, again and again: the repeat ends it, without writing the rows twice.
        StringWriter same = new StringWriter();
        assertThat(ConsumerImport.copyPages(offset -> rows(0, 100), 100, 1_000, JSON, same))
                .isEqualTo(new ConsumerImport.Copied(100, 1));
        assertThat(same.toString().lines()).hasSize(100);
    }

    @Test
    void whatACrashLeftInTheImportsFolderIsGoneAtStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
            throws Exception {
        java.nio.file.Path imports = data.resolve("dsp").resolve("imports");
        java.nio.file.Path left = imports.resolve("crashed").resolve("transfer-7.jsonl");
        java.nio.file.Files.createDirectories(left.getParent());
        java.nio.file.Files.writeString(left, "{\"so_cccd\": \"001085000123\"}\n");
        ConsumerImport.clearLeftovers(imports);
        assertThat(imports).doesNotExist();
        assertThat(data.resolve("dsp")).exists();
    }

    @Test
    void rowsThatAreNotObjectsAndTooManyRowsAreRefused() {
        JsonNode scalars = JSON.createArrayNode().add(1).add(2);
        assertThatThrownBy(() -> ConsumerImport.copyPages(offset -> scalars, 100, 1_000, JSON, new StringWriter()))
                .isInstanceOf(DspException.class)
                .hasMessageContaining("not JSON objects (row 1)");
        assertThatThrownBy(() -> ConsumerImport.copyPages(
                        offset -> rows(offset, offset + 100), 100, 250, JSON, new StringWriter()))
                .isInstanceOf(DspException.class)
                .hasMessageContaining("more than 250 rows");
    }
}
