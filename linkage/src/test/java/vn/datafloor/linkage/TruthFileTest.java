package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truth as clusters or as pairs gives the same scores; pairs are undirected and counted once; a
 * malformed truth file is refused before any linkage work.
 */
class TruthFileTest {

    @TempDir
    Path dir;

    /** The tiny link scores exactly A1-B1 … A7-B7 at 0.8; this truth says A7, B7 differ and A8, B9 are one. */
    static final String CLUSTERS = """
            source,record_id,entity_id
            registry,A1,p1
            tax,B1,p1
            registry,A2,p2
            tax,B2,p2
            registry,A3,p3
            tax,B3,p3
            registry,A4,p4
            tax,B4,p4
            registry,A5,p5
            tax,B5,p5
            registry,A6,p6
            tax,B6,p6
            registry,A7,p7
            tax,B7,p7b
            registry,A8,p8
            tax,B9,p8
            """;

    /** The same truth as pairs: given both ways round, repeated, and with a within-input pair link cannot make. */
    static final String PAIRS = """
            source_l,id_l,source_r,id_r
            registry,A1,tax,B1
            tax,B1,registry,A1
            registry,A1,tax,B1
            tax,B2,registry,A2
            registry,A3,tax,B3
            registry,A4,tax,B4
            registry,A5,tax,B5
            registry,A6,tax,B6
            registry,A8,tax,B9
            registry,A8,registry,A1
            """;

    Linker scoredTinyLink() throws Exception {
        Files.writeString(dir.resolve("registry.csv"), LinkerTest.REGISTRY);
        Files.writeString(dir.resolve("tax.csv"), LinkerTest.TAX);
        Linker linker = Linker.open(LinkageModel.parse(LinkerTest.LINK, dir), dir);
        linker.predict(linker.train());
        linker.cluster(0.8);
        return linker;
    }

    @Test
    void pairsAndClustersGiveTheSameScores() throws Exception {
        Path clusters = Files.writeString(dir.resolve("clusters-truth.csv"), CLUSTERS);
        Path pairs = Files.writeString(dir.resolve("pairs-truth.csv"), PAIRS);
        try (Linker linker = scoredTinyLink()) {
            Evaluation expected = new Evaluation(6, 1, 1);
            assertThat(linker.evaluatePairs(clusters, 0.8)).isEqualTo(expected);
            assertThat(linker.evaluatePairs(pairs, 0.8)).isEqualTo(expected);
            assertThat(linker.evaluateClusters(clusters)).isEqualTo(expected);
            assertThat(linker.evaluateClusters(pairs)).isEqualTo(expected);
            assertThat(linker.evaluatePairs(pairs, 0.8).f1())
                    .isEqualTo(6.0 / 7.0, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void inDedupeModePairsNeedNoSources() throws Exception {
        Files.writeString(dir.resolve("people.csv"), BadInputTest.PEOPLE);
        LinkageModel model = LinkageModel.parse(
                BadInputTest.config("name", "l.name = r.name", "training: {deterministic_rules: [l.dob = r.dob]}"),
                dir);
        Path truth = Files.writeString(dir.resolve("truth.csv"), "id_l,id_r\n2,1\n1,2\n3,3\n");
        try (Linker linker = Linker.open(model, dir)) {
            linker.predict(linker.train());
            linker.cluster(0.000001);
            // 1-2 is the only candidate pair, it is in the truth once, and 3-3 is no pair.
            assertThat(linker.evaluateClusters(truth)).isEqualTo(new Evaluation(1, 0, 0));
        }
    }

    @Test
    void malformedTruthFilesAreRefusedBeforeAnyWork() throws Exception {
        LinkageModel link = LinkageModel.parse(LinkerTest.LINK, dir);
        assertThatThrownBy(() -> Linker.checkTruth(link, dir.resolve("absent.csv")))
                .hasMessageStartingWith("No truth file at");
        Path wrongHeader = Files.writeString(dir.resolve("a.csv"), "left,right\nA1,B1\n");
        assertThatThrownBy(() -> Linker.checkTruth(link, wrongHeader))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("lacks the columns source, record_id, entity_id (its header is left,right)")
                .hasMessageContaining("or pairs, with the header id_l,id_r");
        Path noSources = Files.writeString(dir.resolve("b.csv"), "id_l,id_r\nA1,B1\n");
        assertThatThrownBy(() -> Linker.checkTruth(link, noSources))
                .hasMessageContaining("lacks the columns source_l, source_r")
                .hasMessageContaining("in link mode a pair needs the sources");
        Path headerOnly = Files.writeString(dir.resolve("c.csv"), "source,record_id,entity_id\n");
        assertThatThrownBy(() -> Linker.checkTruth(link, headerOnly)).hasMessageEndingWith("has a header but no rows");
        Path latin = dir.resolve("d.csv");
        Files.write(latin, "source,record_id,entity_id\nregistry,A1,Bàng\n".getBytes(Charset.forName("windows-1258")));
        assertThatThrownBy(() -> Linker.checkTruth(link, latin)).hasMessageEndingWith("the text is not UTF-8");
        Path fine = Files.writeString(dir.resolve("e.csv"), "\"source\",record_id,entity_id\nregistry,A1,p1\n");
        Linker.checkTruth(link, fine);
    }
}
