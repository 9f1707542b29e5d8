package vn.datafloor.integration.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unfiltered REST pages of a small view come from memory ({@link ResidentView}); they must be the
 * pages DuckDB answers, value for value, with the same truncation, byte count and subjects.
 */
class ResidentViewTest {

    @TempDir
    Path dir;

    @Test
    void pagesFromMemoryAreDuckDbsPages() throws Exception {
        Path file = People.write(dir);
        try (AccessSession session = AccessSession.open(
                List.of(People.view(
                        file,
                        Map.of("citizen_id", Mask.LAST4, "full_name", Mask.KEYED_HASH, "birth_date", Mask.YEAR_ONLY),
                        List.of(),
                        Optional.empty(),
                        People.key(3))),
                AccessLimits.defaults(),
                dir.resolve("work"))) {
            List<List<String>> selections =
                    List.of(List.of(), List.of("income", "ID"), List.of("birth_date"), List.of("citizen_id", "age"));
            int pages = 0;
            for (List<String> fields : selections) {
                for (int limit : new int[] {1, 7, 20, 100}) {
                    for (int offset = 0; offset <= People.COUNT + 2; offset++) {
                        QueryResult held = session.rows("persons", fields, List.of(), offset, limit);
                        QueryResult queried = session.queriedRows("persons", fields, offset, limit);
                        assertThat(held.columns()).isEqualTo(queried.columns());
                        assertThat(held.rows()).isEqualTo(queried.rows());
                        assertThat(held.truncated()).isEqualTo(queried.truncated());
                        assertThat(held.bytes()).isEqualTo(queried.bytes());
                        assertThat(held.subjects().ids())
                                .isEqualTo(queried.subjects().ids());
                        assertThat(held.fingerprint()).isEqualTo(queried.fingerprint());
                        pages++;
                    }
                }
            }
            assertThat(session.held("persons")).isTrue();
            assertThat(pages).isEqualTo(4 * 4 * (People.COUNT + 3));
            QueryResult last = session.rows("persons", List.of("id"), List.of(), People.COUNT - 2, 20);
            assertThat(last.rows()).containsExactly(List.of("P29"), List.of("P30"));
            assertThat(last.truncated()).isFalse();
        }
    }

    @Test
    void aViewTooLargeToHoldIsPagedByDuckDb() throws Exception {
        int count = ResidentView.MAX_ROWS + 1;
        Path file = People.write(dir, count);
        try (AccessSession session =
                AccessSession.open(List.of(People.plain(file)), AccessLimits.defaults(), dir.resolve("work"))) {
            QueryResult page = session.rows("persons", List.of("id"), List.of(), count - 1, 20);
            assertThat(page.rows()).containsExactly(List.of("P" + count));
            assertThat(session.held("persons")).isFalse();
        }
    }
}
