package vn.datafloor.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.lake.DuckDbConnections;

/** Spark's jaro_winkler_similarity must agree with DuckDB's, or a jaro_winkler level would hold for other pairs. */
class JaroWinklerTest {

    @Test
    void agreesWithDuckDbOnNamesAndRandomStrings() throws Exception {
        List<String[]> cases = new ArrayList<>(List.of(
                new String[] {"nguyen van an", "nguyen van anh"},
                new String[] {"tran thi thu thuy", "tran thi thuy"},
                new String[] {"le hoang long", "hoang le long"},
                new String[] {"martha", "marhta"},
                new String[] {"dixon", "dicksonx"},
                new String[] {"a", "a"},
                new String[] {"a", "b"},
                new String[] {"ab", "ba"},
                new String[] {"abc", ""},
                new String[] {"pham minh chau", "pham minh chau"}));
        Random random = new Random(11);
        String alphabet = "abcdeghnt ";
        for (int i = 0; i < 3000; i++) {
            cases.add(new String[] {word(random, alphabet), word(random, alphabet)});
        }
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                PreparedStatement statement = duck.prepareStatement("SELECT jaro_winkler_similarity(?, ?)")) {
            for (String[] c : cases) {
                statement.setString(1, c[0]);
                statement.setString(2, c[1]);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    assertThat(JaroWinkler.similarity(c[0], c[1]))
                            .as("'%s' vs '%s'", c[0], c[1])
                            .isCloseTo(rs.getDouble(1), within(1e-12));
                }
            }
        }
    }

    private static String word(Random random, String alphabet) {
        int length = 1 + random.nextInt(16);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
