package vn.datafloor.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One generated population of 20,000 people, checked against its own ground truth. */
class SyntheticPopulationTest {

    @TempDir
    static Path out;

    static Summary summary;
    static Map<String, Map<String, String>> people;
    static Map<String, String> linkedEntity;

    @BeforeAll
    static void generate() throws IOException {
        List<long[]> calls = new ArrayList<>();
        summary = SyntheticPopulation.generate(
                SynthOptions.of(20_000, 7), out, (done, total) -> calls.add(new long[] {done, total}));
        assertThat(calls).isNotEmpty();
        assertThat(calls.get(calls.size() - 1)).containsExactly(20_000, 20_000);
        people = new HashMap<>();
        for (Map<String, String> p : TestFiles.csv(out.resolve("truth/people.csv"), StandardCharsets.UTF_8)) {
            people.put(p.get("person_id"), p);
        }
        linkedEntity = new HashMap<>();
        for (Map<String, String> l : TestFiles.csv(out.resolve("truth/record_links.csv"), StandardCharsets.UTF_8)) {
            String previous = linkedEntity.put(l.get("source") + "|" + l.get("record_id"), l.get("entity_id"));
            assertThat(previous).as("record linked twice: %s", l).isNull();
        }
    }

    @Test
    void everyPersonIsInTheCivilRegistryAndTruth() {
        assertThat(people).hasSize(20_000);
        assertThat(summary.records()).containsEntry("civil-registry/people", 20_000L);
    }

    @Test
    void cccdAgreesWithBirthProvinceYearAndSexAndIsUnique() {
        Set<String> seen = new HashSet<>();
        for (Map<String, String> p : people.values()) {
            String cccd = p.get("cccd");
            LocalDate born = LocalDate.parse(p.get("date_of_birth"));
            assertThat(cccd).hasSize(12).containsOnlyDigits();
            assertThat(cccd.substring(0, 3)).isEqualTo("0" + p.get("birth_province_code"));
            int centuryAndSex = (born.getYear() / 100 - 19) * 2 + (p.get("sex").equals("M") ? 0 : 1);
            assertThat(cccd.charAt(3) - '0').as(cccd).isEqualTo(centuryAndSex);
            assertThat(cccd.substring(4, 6)).isEqualTo(String.format("%02d", born.getYear() % 100));
            assertThat(p.get("birth_province_list"))
                    .isEqualTo(born.isBefore(LocalDate.of(2025, 7, 1)) ? "PRE_2025" : "V2025");
            assertThat(seen.add(cccd)).as("duplicate CCCD %s", cccd).isTrue();
        }
    }

    @Test
    void phonesUseVietnameseMobilePrefixes() {
        long withPhone = 0;
        for (Map<String, String> p : people.values()) {
            String phone = p.get("phone");
            if (phone != null) {
                withPhone++;
                assertThat(phone).hasSize(10).containsOnlyDigits().matches("0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9[0-9]).*");
            }
        }
        assertThat(withPhone).isGreaterThan(people.size() / 2);
    }

    @Test
    void taxCodesAndGtinsInTruthCarryValidCheckDigitsAndOwnersExist() throws IOException {
        List<Map<String, String>> businesses =
                TestFiles.csv(out.resolve("truth/businesses.csv"), StandardCharsets.UTF_8);
        assertThat(businesses).hasSize((int) summary.businesses());
        for (Map<String, String> b : businesses) {
            assertThat(TaxCode.isValid(b.get("tax_code"))).as(b.get("tax_code")).isTrue();
            Map<String, String> owner = people.get(b.get("owner_person_id"));
            assertThat(owner).isNotNull();
            LocalDate registered = LocalDate.parse(b.get("registered_on"));
            assertThat(registered)
                    .isAfterOrEqualTo(
                            LocalDate.parse(owner.get("date_of_birth")).plusYears(20));
            if (owner.get("date_of_death") != null) {
                assertThat(registered).isBeforeOrEqualTo(LocalDate.parse(owner.get("date_of_death")));
            }
            assertThat(b.get("name")).isNotBlank();
        }
        List<Map<String, String>> products = TestFiles.csv(out.resolve("truth/products.csv"), StandardCharsets.UTF_8);
        assertThat(products).isNotEmpty();
        for (Map<String, String> p : products) {
            assertThat(p.get("gtin")).startsWith("893");
            assertThat(Gtin.isValid(p.get("gtin"))).as(p.get("gtin")).isTrue();
        }
    }

    @Test
    void householdsShareAPermanentAddressAndHaveRealisticSizes() {
        Map<String, List<Map<String, String>>> households = new HashMap<>();
        people.values()
                .forEach(p -> households
                        .computeIfAbsent(p.get("household_id"), k -> new ArrayList<>())
                        .add(p));
        Map<Integer, Integer> sizes = new TreeMap<>();
        for (List<Map<String, String>> members : households.values()) {
            sizes.merge(members.size(), 1, Integer::sum);
            Set<String> addresses = new HashSet<>();
            members.forEach(m -> addresses.add(m.get("permanent_street") + "|" + m.get("permanent_commune_code")));
            assertThat(addresses).hasSize(1);
            assertThat(members)
                    .filteredOn(m -> m.get("household_role").equals("head"))
                    .hasSize(1);
        }
        assertThat(sizes.keySet()).containsExactly(1, 2, 3, 4, 5, 6);
        double mean = 20_000.0 / households.size();
        assertThat(mean).isBetween(2.8, 4.2);
    }

    @Test
    void deathsAndMovesHappenToAFewPercent() {
        long dead = people.values().stream()
                .filter(p -> p.get("date_of_death") != null)
                .count();
        long moved = people.values().stream()
                .filter(p -> !p.get("current_commune_code").equals(p.get("permanent_commune_code")))
                .count();
        assertThat(dead / 20_000.0).isBetween(0.01, 0.08);
        assertThat(moved / 20_000.0).isBetween(0.03, 0.15);
    }

    @Test
    void truthLinksCoverEveryExtractRecordExactlyOnce() throws Exception {
        Map<String, List<String>> recordIds = new HashMap<>();
        for (String csv :
                List.of("civil-registry/people.csv", "tax/taxpayers.csv", "tax/filings.csv", "market/products.csv")) {
            recordIds.put(
                    csv.substring(0, csv.lastIndexOf('.')),
                    column(TestFiles.csv(out.resolve(csv), StandardCharsets.UTF_8)));
        }
        for (String csv : List.of("health/patients.csv", "health/visits.csv")) {
            recordIds.put(
                    csv.substring(0, csv.lastIndexOf('.')),
                    column(TestFiles.csv(out.resolve(csv), Windows1258.CHARSET)));
        }
        List<String> insured = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("social-insurance/insured.jsonl"))) {
            insured.add((String) TestFiles.jsonObject(line).get("record_id"));
        }
        recordIds.put("social-insurance/insured", insured);
        recordIds.put("business-registry/doanh_nghiep", registryIds());

        long total = 0;
        for (Map.Entry<String, List<String>> e : recordIds.entrySet()) {
            assertThat(new HashSet<>(e.getValue()))
                    .as("unique ids in %s", e.getKey())
                    .hasSize(e.getValue().size());
            assertThat(summary.records())
                    .containsEntry(e.getKey(), (long) e.getValue().size());
            for (String id : e.getValue()) {
                assertThat(linkedEntity).as("link for %s %s", e.getKey(), id).containsKey(e.getKey() + "|" + id);
            }
            total += e.getValue().size();
        }
        assertThat(linkedEntity).hasSize((int) total);
    }

    @Test
    void jsonLinesParseWithUpperCaseAsciiNamesAndInternationalPhones() throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("social-insurance/insured.jsonl"));
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            Map<String, Object> record = TestFiles.jsonObject(line);
            assertThat((String) record.get("ho_ten")).matches("[A-Z ]+");
            Object phone = record.get("dien_thoai");
            if (phone != null) {
                assertThat((String) phone).matches("\\+84[35789]\\d{8}");
            }
        }
    }

    @Test
    void windows1258HealthFileDecodesToTheTrueNamesOfCleanRecords() throws IOException {
        byte[] raw = Files.readAllBytes(out.resolve("health/patients.csv"));
        // Not UTF-8: code page 1258 bytes for Vietnamese letters are not valid UTF-8 sequences.
        assertThatThrownBy(() -> StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw)))
                .isInstanceOf(java.nio.charset.CharacterCodingException.class);
        List<Map<String, String>> patients = TestFiles.csv(out.resolve("health/patients.csv"), Windows1258.CHARSET);
        long exact = 0;
        long withToneOnHat = 0;
        for (Map<String, String> p : patients) {
            Map<String, String> truth = people.get(linkedEntity.get("health/patients|" + p.get("record_id")));
            String name = TestFiles.nfc(p.get("ho_ten"));
            if (name.equals(truth.get("full_name"))) {
                exact++;
                if (name.matches(".*[ễếềểệấầẩẫậốồổỗộ].*")) {
                    withToneOnHat++;
                }
            }
        }
        // Defaults: ~10% tone placement, 2% typo, 1% swapped names; the rest must decode exactly.
        assertThat(exact).isGreaterThan(patients.size() * 80L / 100);
        assertThat(withToneOnHat).isGreaterThan(100);
        assertThat(summary.unencodableChars()).isZero();
    }

    @Test
    void registryTableIsReadableOverJdbc() throws SQLException {
        try (Connection c =
                        DriverManager.getConnection("jdbc:duckdb:" + out.resolve("business-registry/registry.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
            try (ResultSet rs =
                    s.executeQuery("SELECT count(*), count(DISTINCT ma_xa), min(ngay_dang_ky) FROM doanh_nghiep")) {
                rs.next();
                assertThat(rs.getLong(1))
                        .isEqualTo(summary.records().get("business-registry/doanh_nghiep"))
                        .isGreaterThanOrEqualTo(summary.businesses());
                assertThat(rs.getLong(2)).isGreaterThan(1);
                assertThat(rs.getObject(3, LocalDate.class)).isAfterOrEqualTo(LocalDate.of(1995, 1, 1));
            }
        }
    }

    @Test
    void noiseRatesAreRoughlyHonoured() throws IOException {
        Noise n = Noise.defaults();
        List<Map<String, String>> tax = TestFiles.csv(out.resolve("tax/taxpayers.csv"), StandardCharsets.UTF_8);
        Set<String> entities = new HashSet<>();
        long stripped = 0;
        long eligible = 0;
        for (Map<String, String> t : tax) {
            Map<String, String> truth = people.get(linkedEntity.get("tax/taxpayers|" + t.get("record_id")));
            entities.add(truth.get("person_id"));
            String name = t.get("ho_ten");
            if (!Corruptor.stripDiacritics(truth.get("full_name")).equals(truth.get("full_name"))) {
                eligible++;
                if (name.chars().allMatch(ch -> ch < 128)) {
                    stripped++;
                }
            }
        }
        double duplicates = (tax.size() - entities.size()) / (double) entities.size();
        assertThat(duplicates).isBetween(n.duplicate() * 0.5, n.duplicate() * 1.6);
        assertThat(stripped / (double) eligible).isBetween(n.missingDiacritics() * 0.6, n.missingDiacritics() * 1.5);

        long wrongId = 0;
        long withId = 0;
        for (String line : Files.readAllLines(out.resolve("social-insurance/insured.jsonl"))) {
            Map<String, Object> r = TestFiles.jsonObject(line);
            String cccd = (String) r.get("so_cccd");
            if (cccd != null) {
                withId++;
                if (!cccd.equals(people.get(linkedEntity.get("social-insurance/insured|" + r.get("record_id")))
                        .get("cccd"))) {
                    wrongId++;
                }
            }
        }
        assertThat(wrongId / (double) withId).isBetween(n.idError() * 0.4, n.idError() * 1.8);
    }

    @Test
    void manifestListsEverySourceWithItsCount() throws IOException {
        String manifest = Files.readString(out.resolve("manifest.json"));
        assertThat(manifest).contains("\"seed\": 7", "\"encoding\": \"windows-1258\"", "\"table\": \"doanh_nghiep\"");
        summary.records()
                .forEach((source, count) -> assertThat(manifest)
                        .contains("\"source\": \"" + source + "\"")
                        .containsPattern("\"source\": \"" + source + "\"[^}]*\"records\": " + count + ","));
    }

    private static List<String> column(List<Map<String, String>> rows) {
        List<String> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.get("record_id")));
        return ids;
    }

    private static List<String> registryIds() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c =
                        DriverManager.getConnection("jdbc:duckdb:" + out.resolve("business-registry/registry.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
            try (ResultSet rs = s.executeQuery("SELECT record_id FROM doanh_nghiep")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }
}
