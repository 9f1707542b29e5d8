package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.linkage.LinkageParameters.ComparisonParameters;
import vn.datafloor.linkage.LinkageParameters.LevelParameters;

/** Small hand-built datasets whose right answer is known record by record. */
class LinkerTest {

    @TempDir
    Path dir;

    static final String REGISTRY = """
            id,ho_ten,ngay_sinh,cccd
            A1,Nguyễn Văn An,1990-01-15,001090000101
            A2,Trần Thị Bình,1985-03-04,001185000202
            A3,Lê Văn Cường,1972-11-30,079072000303
            A4,Phạm Thị Dung,2001-07-07,031301000404
            A5,Hoàng Văn Em,1999-09-09,001099000505
            A6,Vũ Thị Giang,1960-02-29,036160000606
            A7,Đặng Văn Hải,1995-12-01,001095000707
            A8,Bùi Thị Lan,1988-06-15,001188000808
            """;

    // B1 upper-case ASCII, B2 a typo and day/month swapped, B3 no diacritics and no CCCD, B4 two CCCD
    // digits swapped, B7 Ð for Đ; A8 pays no tax; B9 is another Nguyễn Văn An, born a year later.
    static final String TAX = """
            ma,ten,sinh,so_id
            B1,NGUYEN VAN AN,15/01/1990,001090000101
            B2,Trần Thị Bìnhh,03/04/1985,001185000202
            B3,Le Van Cuong,30/11/1972,
            B4,Phạm Thị Dung,07/07/2001,031301000440
            B5,Hoàng Văn Em,09/09/1999,001099000505
            B6,Vũ Thị Giang,29/02/1960,036160000606
            B7,Ðặng Văn Hải,01/12/1995,001095000707
            B9,Nguyễn Văn An,15/01/1991,001091000909
            """;

    static final String LINK = """
            name: tiny
            mode: link
            inputs:
              - name: registry
                path: registry.csv
                id: id
                columns:
                  name: std_name_key(ho_ten)
                  dob: TRY_CAST(ngay_sinh AS DATE)
                  cccd: cccd
              - name: tax
                path: tax.csv
                id: ma
                columns:
                  name: std_name_key(ten)
                  dob: (std_date(sinh)).value
                  cccd: so_id
            blocking:
              - l.dob = r.dob
              - l.cccd = r.cccd
              - l.name = r.name
            comparisons:
              - name: name
                column: name
                levels: [exact, {jaro_winkler: 0.9}]
              - name: dob
                column: dob
                levels: [exact, date_day_month_swapped, date_one_component]
              - name: cccd
                column: cccd
                levels: [exact, id_one_digit, id_transposition]
            training:
              deterministic_rules: [l.cccd = r.cccd]
              u_sample_pairs: 100
              seed: 1
            """;

    Linker linkTiny(String config) throws Exception {
        Files.writeString(dir.resolve("registry.csv"), REGISTRY);
        Files.writeString(dir.resolve("tax.csv"), TAX);
        return Linker.open(LinkageModel.parse(config, dir), dir);
    }

    @Test
    void linksEightPeopleDespiteTyposAndRejectsTheNamesake() throws Exception {
        try (Linker linker = linkTiny(LINK)) {
            LinkageParameters parameters = linker.train();
            linker.predict(parameters);
            // With 8 people one random pair in ten is a match, so u (measured on random pairs) is
            // inflated and weights are modest: A3-B3, name and date only, scores 0.87, the namesake 0.25.
            Set<String> links = linker.pairs(0.8, 100).stream()
                    .map(p -> p.leftId() + "-" + p.rightId())
                    .collect(Collectors.toSet());
            assertThat(links).containsExactlyInAnyOrder("A1-B1", "A2-B2", "A3-B3", "A4-B4", "A5-B5", "A6-B6", "A7-B7");

            ScoredPair transposed = linker.pairs(0, 100).stream()
                    .filter(p -> p.rightId().equals("B4"))
                    .findFirst()
                    .orElseThrow();
            assertThat(transposed.contributions())
                    .extracting(ScoredPair.Contribution::level)
                    .containsExactly("exact", "exact", "id_transposition");
            ScoredPair withoutId = linker.pairs(0, 100).stream()
                    .filter(p -> p.rightId().equals("B3"))
                    .findFirst()
                    .orElseThrow();
            assertThat(withoutId.contributions().get(2)).isEqualTo(new ScoredPair.Contribution("cccd", "null", 0.0));
        }
    }

    @Test
    void pairsOfAProbabilityBandAndTheHistogramOfEveryPair() throws Exception {
        try (Linker linker = linkTiny(LINK)) {
            long scored = linker.predict(linker.train());
            List<ScoredPair> all = linker.pairs(0, 1000);
            assertThat(all).hasSize((int) scored);
            List<ScoredPair> band = linker.pairs(0.2, 0.9, 1000);
            assertThat(band)
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p.matchProbability())
                            .isGreaterThanOrEqualTo(0.2)
                            .isLessThan(0.9));
            assertThat(band)
                    .containsExactlyElementsOf(all.stream()
                            .filter(p -> p.matchProbability() >= 0.2 && p.matchProbability() < 0.9)
                            .toList());
            assertThat(linker.pairs(0.2, 0.9, 1)).containsExactly(band.get(0));

            java.util.SortedMap<Integer, Long> histogram = linker.weightHistogram(5, 30);
            assertThat(histogram.values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(scored);
            for (ScoredPair p : all) {
                int bin = (int) Math.max(-30, Math.min(30, Math.floor(p.matchWeight() / 5) * 5));
                assertThat(histogram).containsKey(bin);
            }
            assertThat(histogram.keySet()).allSatisfy(bin -> assertThat(bin % 5).isZero());
        }
    }

    @Test
    void clustersWithTruthGiveFullScores() throws Exception {
        Path truth = dir.resolve("truth.csv");
        Files.writeString(
                truth,
                "source,record_id,entity_id\n"
                        + "registry,A1,p1\nregistry,A2,p2\nregistry,A3,p3\nregistry,A4,p4\nregistry,A5,p5\n"
                        + "registry,A6,p6\nregistry,A7,p7\nregistry,A8,p8\n"
                        + "tax,B1,p1\ntax,B2,p2\ntax,B3,p3\ntax,B4,p4\ntax,B5,p5\ntax,B6,p6\ntax,B7,p7\ntax,B9,p9\n");
        try (Linker linker = linkTiny(LINK)) {
            linker.predict(linker.train());
            assertThat(linker.cluster(0.8)).isEqualTo(9);
            Evaluation evaluation = linker.evaluateClusters(truth);
            assertThat(evaluation).isEqualTo(new Evaluation(7, 0, 0));
            assertThat(evaluation.f1()).isEqualTo(1.0);
            Map<String, String> clusterOf = linker.clusters().stream()
                    .collect(Collectors.toMap(m -> m.source() + ":" + m.recordId(), ClusterMember::clusterId));
            assertThat(clusterOf.get("tax:B2")).isEqualTo("registry:A2");
            assertThat(clusterOf.get("tax:B9")).isEqualTo("tax:B9");

            linker.writeClusters(dir.resolve("clusters.csv"));
            assertThat(Files.readAllLines(dir.resolve("clusters.csv")))
                    .hasSize(17)
                    .first()
                    .isEqualTo("source,record_id,cluster_id");
            linker.writePredictions(dir.resolve("pairs.parquet"));
            assertThat(dir.resolve("pairs.parquet")).isNotEmptyFile();
        }
    }

    // ------------------------------------------------------------------ chaining protection

    static final String PEOPLE = """
            id,name,dob,cccd
            r1,nguyen van an,1990-01-01,001090000001
            r2,nguyen van an,1990-01-01,
            r3,nguyen van an,1990-01-01,001090000002
            r4,tran thi binh,1985-05-05,001185000003
            r5,tran thi binh,1985-05-05,
            """;

    static String dedupe(String clustering) {
        return """
                mode: dedupe
                inputs:
                  - {name: people, path: people.csv, id: id}
                blocking: [l.name = r.name]
                comparisons:
                  - {name: name, column: name, levels: [exact]}
                  - {name: dob, column: dob, levels: [exact]}
                  - {name: cccd, column: cccd, levels: [exact]}
                """ + clustering;
    }

    /** Hand-set parameters: name and date agreement are strong evidence, a CCCD disagreement weak. */
    static LinkageParameters handSet() {
        List<LevelParameters> agreeOrNot =
                List.of(new LevelParameters("exact", 0.9, 0.01, true), new LevelParameters("else", 0.1, 0.99, true));
        return new LinkageParameters(
                "chain",
                0.01,
                List.of(
                        new ComparisonParameters("name", agreeOrNot),
                        new ComparisonParameters("dob", agreeOrNot),
                        new ComparisonParameters(
                                "cccd",
                                List.of(
                                        new LevelParameters("exact", 0.9, 0.001, true),
                                        new LevelParameters("else", 0.1, 0.999, true)))),
                List.of());
    }

    @Test
    void parametersTrainedForAnotherModelAreRefusedBeforeAnyScoring() throws Exception {
        Files.writeString(dir.resolve("people.csv"), PEOPLE);
        LinkageModel model = LinkageModel.parse(dedupe(""), dir);
        handSet().checkFits(model);

        LinkageModel fuzzier = LinkageModel.parse(
                dedupe("")
                        .replace(
                                "{name: name, column: name, levels: [exact]}",
                                "{name: name, column: name, levels: [exact, {jaro_winkler: 0.9}]}"),
                dir);
        assertThatThrownBy(() -> handSet().checkFits(fuzzier))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("comparison name")
                .hasMessageContaining("train again");

        LinkageModel fewer =
                LinkageModel.parse(dedupe("").replace("  - {name: cccd, column: cccd, levels: [exact]}\n", ""), dir);
        assertThatThrownBy(() -> handSet().checkFits(fewer))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("[cccd]");

        LinkageModel other = LinkageModel.parse(
                dedupe("")
                        .replace(
                                "{name: dob, column: dob, levels: [exact]}",
                                "{name: birth, column: dob, levels: [exact]}"),
                dir);
        try (Linker linker = Linker.open(other, dir)) {
            assertThatThrownBy(() -> linker.predict(handSet()))
                    .isInstanceOf(LinkageException.class)
                    .hasMessageContaining("no comparison birth");
        }
    }

    Map<String, String> clustersOf(String clustering) throws Exception {
        Files.writeString(dir.resolve("people.csv"), PEOPLE);
        try (Linker linker = Linker.open(LinkageModel.parse(dedupe(clustering), dir), dir)) {
            linker.predict(handSet());
            linker.cluster(0.8);
            return linker.clusters().stream()
                    .collect(Collectors.toMap(ClusterMember::recordId, ClusterMember::clusterId));
        }
    }

    @Test
    void withoutProtectionARecordWithoutIdChainsTwoPeople() throws Exception {
        Map<String, String> clusters = clustersOf("");
        assertThat(clusters.get("r1")).isEqualTo(clusters.get("r3")).isEqualTo(clusters.get("r2"));
    }

    @Test
    void conflictingIdsAreNeverMergedEvenThroughAChain() throws Exception {
        Map<String, String> clusters = clustersOf("clustering: {threshold: 0.8, conflicting_id: cccd}\n");
        assertThat(clusters.get("r1")).isNotEqualTo(clusters.get("r3"));
        // r2 is as close to r1 as to r3: the tie goes to the first cluster.
        assertThat(clusters.get("r2")).isEqualTo(clusters.get("r1")).isEqualTo("people:r1");
        assertThat(clusters.get("r3")).isEqualTo("people:r3");
        assertThat(clusters.get("r5")).isEqualTo(clusters.get("r4"));
    }

    @Test
    void contributionsOfHandSetParametersAreTheirLogRatios() throws Exception {
        Files.writeString(dir.resolve("people.csv"), PEOPLE);
        try (Linker linker = Linker.open(LinkageModel.parse(dedupe(""), dir), dir)) {
            assertThat(linker.predict(handSet())).isEqualTo(4);
            ScoredPair r1r2 = linker.pairs(0, 10).stream()
                    .filter(p -> p.leftId().equals("r1") && p.rightId().equals("r2"))
                    .findFirst()
                    .orElseThrow();
            double agree = Math.log(90) / Math.log(2);
            assertThat(r1r2.contributions())
                    .extracting(ScoredPair.Contribution::weight)
                    .containsExactly(agree, agree, 0.0);
            assertThat(r1r2.matchWeight()).isCloseTo(Math.log(0.01 / 0.99) / Math.log(2) + 2 * agree, within(1e-9));
        }
    }
}
