package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three inputs linked and deduplicated at once: Nguyễn Văn An (p1) is in all three, Hoàng Văn Em (p2)
 * twice in the tax file, and the health file has another Nguyễn Văn An born a year later (p9).
 */
class LinkAndDedupeTest {

    @TempDir
    Path dir;

    static final String REGISTRY = """
            id,name,dob,cccd
            R1,nguyen van an,1990-01-15,001090000101
            R2,tran thi binh,1985-03-04,001185000202
            R3,le van cuong,1972-11-30,079072000303
            R4,pham thi dung,2001-07-07,031301000404
            """;

    static final String TAX = """
            id,name,dob,cccd
            T1,nguyen van an,1990-01-15,001090000101
            T2,hoang van em,1999-09-09,001099000505
            T3,hoang van emm,1999-09-09,001099000505
            T4,vu thi giang,1960-02-29,036160000606
            """;

    static final String HEALTH = """
            id,name,dob,cccd
            H1,nguyen van an,1990-01-15,
            H2,dang van hai,1995-12-01,001095000707
            H3,nguyen van an,1991-01-15,001091000909
            H4,bui thi lan,1988-06-15,001188000808
            """;

    static final String CONFIG = """
            mode: link_and_dedupe
            inputs:
              - {name: registry, path: registry.csv, id: id}
              - {name: tax, path: tax.csv, id: id}
              - {name: health, path: health.csv, id: id}
            blocking:
              - l.dob = r.dob
              - l.cccd = r.cccd
              - l.name = r.name
            comparisons:
              - {name: name, column: name, levels: [exact, {jaro_winkler: 0.9}]}
              - {name: dob, column: dob, levels: [exact, date_one_component]}
              - {name: cccd, column: cccd, levels: [exact, id_one_digit]}
            training:
              deterministic_rules: [l.cccd = r.cccd]
              u_sample_pairs: 144  # 12 × 12: every record on each side, so no sample order decides u
              seed: 1
            clustering: {conflicting_id: cccd}
            """;

    Linker open(String config) throws Exception {
        Files.writeString(dir.resolve("registry.csv"), REGISTRY);
        Files.writeString(dir.resolve("tax.csv"), TAX);
        Files.writeString(dir.resolve("health.csv"), HEALTH);
        return Linker.open(LinkageModel.parse(config, dir), dir);
    }

    @Test
    void pairsWithinAndAcrossAllInputsAreTrainedAndClustered() throws Exception {
        Files.writeString(
                dir.resolve("truth.csv"),
                "source,record_id,entity_id\n"
                        + "registry,R1,p1\ntax,T1,p1\nhealth,H1,p1\ntax,T2,p2\ntax,T3,p2\n"
                        + "registry,R2,p3\nregistry,R3,p4\nregistry,R4,p5\ntax,T4,p6\nhealth,H2,p7\nhealth,H3,p9\nhealth,H4,p8\n");
        try (Linker linker = open(CONFIG)) {
            LinkageParameters parameters = linker.train();
            linker.predict(parameters);
            Set<String> candidates = linker.pairs(0, 100).stream()
                    .map(p -> p.leftSource() + ":" + p.leftId() + "-" + p.rightSource() + ":" + p.rightId())
                    .collect(Collectors.toSet());
            // Within one input (tax) and across inputs, each unordered pair once, in input order then id.
            assertThat(candidates)
                    .contains(
                            "tax:T2-tax:T3",
                            "registry:R1-tax:T1",
                            "registry:R1-health:H1",
                            "tax:T1-health:H1",
                            "health:H1-health:H3");
            assertThat(candidates).doesNotContain("tax:T3-tax:T2", "tax:T1-registry:R1", "health:H1-tax:T1");

            // Twelve records teach EM little (see LinkerTest): R1-H1 and T1-H1, name and date without a
            // CCCD, score 0.72; the namesake H1-H3, whose date differs in one component, 0.51.
            assertThat(linker.cluster(0.6)).isEqualTo(9);
            Map<String, String> clusterOf = linker.clusters().stream()
                    .collect(Collectors.toMap(m -> m.source() + ":" + m.recordId(), ClusterMember::clusterId));
            assertThat(clusterOf.get("tax:T1"))
                    .isEqualTo(clusterOf.get("health:H1"))
                    .isEqualTo(clusterOf.get("registry:R1"));
            assertThat(clusterOf.get("tax:T3")).isEqualTo(clusterOf.get("tax:T2"));
            assertThat(clusterOf.get("health:H3")).isEqualTo("health:H3");

            // p1: three pairs, p2: one pair.
            assertThat(linker.evaluateClusters(dir.resolve("truth.csv"))).isEqualTo(new Evaluation(4, 0, 0));
            assertThat(linker.evaluatePairs(dir.resolve("truth.csv"), 0.6)).isEqualTo(new Evaluation(4, 0, 0));
        }
    }

    @Test
    void blockingEstimatesAndLabelsWorkOverTheUnion() throws Exception {
        Files.writeString(
                dir.resolve("labels.csv"),
                "left_source,left_id,right_source,right_id,is_match\n"
                        + "tax,T1,registry,R1,1\ntax,T3,tax,T2,1\nhealth,H1,health,H3,0\nregistry,R2,tax,T4,0\n");
        String config = CONFIG.replace("  deterministic_rules: [l.cccd = r.cccd]\n", "  labelled_pairs: labels.csv\n");
        try (Linker linker = open(config)) {
            // Σ n_b² / 2 over the dob blocks of all 12 records: R1, T1, H1 share a date, T2 and T3 another, 7 are
            // alone.
            assertThat(linker.estimatePairs("l.dob = r.dob")).isEqualTo((9 + 4 + 7) / 2);
            LinkageParameters parameters = linker.train();
            assertThat(parameters.training())
                    .singleElement()
                    .satisfies(run -> assertThat(run.pairs()).isEqualTo(4));
            assertThat(parameters.comparison("dob").levels().get(0).m()).isEqualTo(2.5 / 3.5);
        }
    }

    @Test
    void needsTwoOrMoreDistinctInputs() {
        String one = CONFIG.replace("  - {name: tax, path: tax.csv, id: id}\n", "")
                .replace("  - {name: health, path: health.csv, id: id}\n", "");
        assertThatThrownBy(() -> LinkageModel.parse(one, dir))
                .isInstanceOf(LinkageException.class)
                .hasMessage("mode link_and_dedupe needs two or more inputs, found 1; use dedupe for one");
        assertThatThrownBy(() -> LinkageModel.parse(CONFIG.replace("name: health", "name: tax"), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("tax appears twice");
    }
}
