package vn.datafloor.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterminismTest {

    @TempDir
    Path dir;

    @Test
    void sameSeedGivesIdenticalFilesAndRegistryRows() throws Exception {
        SyntheticPopulation.generate(SynthOptions.of(3_000, 42), dir.resolve("a"), null);
        SyntheticPopulation.generate(SynthOptions.of(3_000, 42), dir.resolve("b"), null);
        Map<String, String> a = hashes(dir.resolve("a"));
        assertThat(a)
                .containsKeys(
                        "civil-registry/people.csv", "health/patients.csv", "truth/record_links.csv", "manifest.json");
        assertThat(hashes(dir.resolve("b"))).isEqualTo(a);
        assertThat(registryDump(dir.resolve("b"))).isEqualTo(registryDump(dir.resolve("a")));
    }

    @Test
    void differentSeedGivesDifferentPeople() throws Exception {
        SyntheticPopulation.generate(SynthOptions.of(1_000, 1), dir.resolve("a"), null);
        SyntheticPopulation.generate(SynthOptions.of(1_000, 2), dir.resolve("b"), null);
        Map<String, String> a = hashes(dir.resolve("a"));
        Map<String, String> b = hashes(dir.resolve("b"));
        assertThat(b.get("truth/people.csv")).isNotEqualTo(a.get("truth/people.csv"));
        assertThat(b.get("civil-registry/people.csv")).isNotEqualTo(a.get("civil-registry/people.csv"));
    }

    @Test
    void withoutNoiseEveryTaxRecordCarriesTheTrueNameAndId() throws Exception {
        SyntheticPopulation.generate(new SynthOptions(2_000, 5, Noise.none()), dir, null);
        Map<String, Map<String, String>> people = new TreeMap<>();
        TestFiles.csv(dir.resolve("truth/people.csv"), StandardCharsets.UTF_8)
                .forEach(p -> people.put(p.get("cccd"), p));
        List<Map<String, String>> tax = TestFiles.csv(dir.resolve("tax/taxpayers.csv"), StandardCharsets.UTF_8);
        assertThat(tax).isNotEmpty();
        for (Map<String, String> t : tax) {
            assertThat(people).containsKey(t.get("so_cccd"));
            assertThat(t.get("ho_ten")).isEqualTo(people.get(t.get("so_cccd")).get("full_name"));
        }
    }

    private static Map<String, String> hashes(Path root) throws IOException {
        Map<String, String> result = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (f.toString().endsWith(".duckdb") || f.toString().endsWith(".wal")) {
                    continue;
                }
                try {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    result.put(
                            root.relativize(f).toString().replace('\\', '/'),
                            HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return result;
    }

    private static String registryDump(Path root) throws Exception {
        StringBuilder dump = new StringBuilder();
        try (Connection c = DriverManager.getConnection(
                        "jdbc:duckdb:" + root.resolve("business-registry/registry.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
            try (ResultSet rs = s.executeQuery("SELECT * FROM doanh_nghiep ORDER BY record_id")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        dump.append(rs.getString(i)).append('|');
                    }
                    dump.append('\n');
                }
            }
        }
        return dump.toString();
    }
}
