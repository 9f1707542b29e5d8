package vn.datafloor.integration.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each mask shows the shape the contract promises and nothing more, whichever channel reads it. */
class AccessMasksTest {

    @TempDir
    Path dir;

    Path file;

    @BeforeEach
    void data() throws Exception {
        file = People.write(dir);
    }

    private AccessSession open(Map<String, Mask> masks, byte[] key) throws Exception {
        return AccessSession.open(
                List.of(People.view(file, masks, List.of(), Optional.empty(), key)),
                AccessLimits.defaults(),
                dir.resolve("work"));
    }

    private static Map<String, Object> person(QueryResult result, int row) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < result.columns().size(); i++) {
            values.put(result.columns().get(i), result.rows().get(row).get(i));
        }
        return values;
    }

    @Test
    void eachMaskKeepsTheShapeItPromises() throws Exception {
        Map<String, Mask> masks = Map.of(
                "full_name", Mask.REDACT,
                "citizen_id", Mask.LAST4,
                "birth_date", Mask.YEAR_ONLY,
                "age", Mask.AGE_BAND,
                "commune_code", Mask.GENERALISE_PROVINCE,
                "income", Mask.NULL);
        try (AccessSession session = open(masks, People.key(1))) {
            // P1: Trần Thị Bích-Ngọc, age 21, born 1991, commune 25747 in Hồ Chí Minh (79)
            QueryResult p1 = session.rows("persons", List.of(), List.of(RowFilter.eq("id", "P1")), 0, 10);
            assertThat(p1.rows()).hasSize(1);
            Map<String, Object> one = person(p1, 0);
            assertThat(one.get("full_name")).isEqualTo("xxxx xxx xxxx-xxxx");
            assertThat(one.get("citizen_id")).isEqualTo("********0001");
            assertThat(one.get("birth_date")).isEqualTo(1991L);
            assertThat(one.get("age")).isEqualTo("20-24");
            assertThat(one.get("commune_code")).isEqualTo("79");
            assertThat(one.get("income")).isNull();

            // P27: Nguyễn Văn An, age 47, commune 00004 in Hà Nội (01)
            QueryResult sql = session.query(
                    "SELECT full_name, citizen_id, age, commune_code, income FROM persons WHERE id = 'P27'", 10);
            assertThat(sql.rows())
                    .containsExactly(java.util.Arrays.asList("xxxxxx xxx xx", "********0027", "45-49", "01", null));
        }
    }

    @Test
    void redactKeepsSeparatorsAndDigitsBecomeZeros() throws Exception {
        try (AccessSession session = open(Map.of("citizen_id", Mask.REDACT, "id", Mask.REDACT), People.key(1))) {
            QueryResult result = session.query("SELECT id, citizen_id FROM persons WHERE citizen_id LIKE '%12'", 10);
            assertThat(result.rows()).isEmpty(); // the clear value is no longer there to match
            QueryResult all = session.query("SELECT DISTINCT citizen_id FROM persons", 10);
            assertThat(all.rows()).containsExactly(List.of("000000000000"));
            assertThat(session.query("SELECT count(DISTINCT id) FROM persons", 1)
                            .rows()
                            .get(0)
                            .get(0))
                    .as("P1..P9 become x0, P10..P30 x00")
                    .isEqualTo(2L);
        }
    }

    @Test
    void keyedHashIsHmacSha256UnderTheAgreementKey() throws Exception {
        byte[] key = People.key(7);
        try (AccessSession session = open(Map.of("citizen_id", Mask.KEYED_HASH), key)) {
            Object hashed = session.query("SELECT citizen_id FROM persons WHERE id = 'P5'", 1)
                    .rows()
                    .get(0)
                    .get(0);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String expected = HexFormat.of()
                    .formatHex(mac.doFinal("079000000005".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(hashed).isEqualTo(expected);
        }
    }

    @Test
    void aKeyLongerThanTheBlockIsHashedFirstAsRfc2104Says() throws Exception {
        byte[] key = new byte[100];
        java.util.Arrays.fill(key, (byte) 0x42);
        try (AccessSession session = open(Map.of("citizen_id", Mask.KEYED_HASH), key)) {
            Object hashed = session.query("SELECT citizen_id FROM persons WHERE id = 'P5'", 1)
                    .rows()
                    .get(0)
                    .get(0);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            assertThat(hashed)
                    .isEqualTo(HexFormat.of()
                            .formatHex(mac.doFinal("079000000005".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }
    }

    @Test
    void twoAgreementsCannotJoinOnTheirHashesButOneAgreementAlwaysGetsTheSame() throws Exception {
        String sql = "SELECT citizen_id FROM persons ORDER BY id";
        List<List<Object>> first;
        List<List<Object>> again;
        List<List<Object>> other;
        try (AccessSession session = open(Map.of("citizen_id", Mask.KEYED_HASH), People.key(1))) {
            first = session.query(sql, 100).rows();
        }
        try (AccessSession session = open(Map.of("citizen_id", Mask.KEYED_HASH), People.key(1))) {
            again = session.query(sql, 100).rows();
        }
        try (AccessSession session = open(Map.of("citizen_id", Mask.KEYED_HASH), People.key(2))) {
            other = session.query(sql, 100).rows();
        }
        assertThat(first).hasSize(People.COUNT).isEqualTo(again);
        assertThat(first.stream().map(r -> r.get(0)).distinct()).hasSize(People.COUNT);
        assertThat(other.stream().map(r -> r.get(0)))
                .doesNotContainAnyElementsOf(first.stream().map(r -> r.get(0)).toList());
    }

    @Test
    void aMaskOnAColumnThatIsNotVisibleIsAMistake() {
        assertThatThrownBy(() -> AccessSession.open(
                        List.of(new AccessView(
                                "persons",
                                List.of(file),
                                List.of("id"),
                                Map.of("income", Mask.NULL),
                                List.of(),
                                Optional.empty(),
                                "id",
                                People.key(1))),
                        AccessLimits.defaults(),
                        dir.resolve("work")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVisibleColumnMissingFromTheFilesIsRefusedWhenTheSessionOpens() {
        assertThatThrownBy(() -> AccessSession.open(
                        List.of(new AccessView(
                                "persons",
                                List.of(file),
                                List.of("id", "salary"),
                                Map.of(),
                                List.of(),
                                Optional.empty(),
                                "id",
                                People.key(1))),
                        AccessLimits.defaults(),
                        dir.resolve("work")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("salary");
    }
}
