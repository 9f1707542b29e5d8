package vn.datafloor.integration.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.lake.DuckDbParser;

/** The rewrite works on the tree: the buyer's text never reaches DuckDB, DuckDB's rendering of the checked tree does. */
class SqlGuardTest {

    static final Map<String, PermittedViews.Permitted> VIEWS =
            Map.of("persons", new PermittedViews.Permitted("persons", "__df_permitted_0", List.of("id", "age")));

    @Test
    void everyViewReferenceIsPinnedAndKeepsTheBuyersName() {
        SqlGuard.Rewritten rewritten = SqlGuard.rewrite(
                "select p.id from PERSONS p where age > 3 and id in (select id from persons)", VIEWS, "memory");
        String sql = DuckDbParser.toSql(rewritten.statements());
        assertThat(sql)
                .contains("FROM memory.main.persons AS p")
                .contains("FROM memory.main.persons AS persons")
                .doesNotContain("PERSONS");
        assertThat(rewritten.views()).containsExactly("persons");
        assertThatCode(() -> SqlGuard.verifyRendered(sql, VIEWS, "memory")).doesNotThrowAnyException();
    }

    @Test
    void aCommentOrStringThatLooksLikeSqlStaysInertInTheRendering() {
        SqlGuard.Rewritten rewritten = SqlGuard.rewrite(
                "SELECT 'x''; DROP TABLE persons; --' AS s /* '; ATTACH 'y' */ FROM persons", VIEWS, "memory");
        String sql = DuckDbParser.toSql(rewritten.statements());
        assertThat(DuckDbParser.parseSelect(sql).statements()).hasSize(1);
        assertThat(sql).doesNotContain("ATTACH");
    }

    @Test
    void aRenderingWithAnUnpinnedTableIsRefused() {
        assertThatThrownBy(() -> SqlGuard.verifyRendered("SELECT * FROM persons", VIEWS, "memory"))
                .isInstanceOfSatisfying(
                        AccessException.class,
                        e -> assertThat(e.code()).isEqualTo(AccessException.Code.CONSTRUCT_NOT_ALLOWED));
        assertThatThrownBy(() -> SqlGuard.verifyRendered("SELECT * FROM other.main.persons", VIEWS, "memory"))
                .isInstanceOf(AccessException.class);
        assertThatThrownBy(() -> SqlGuard.verifyRendered("SELECT * FROM memory.main.__df_permitted_0", VIEWS, "memory"))
                .isInstanceOf(AccessException.class);
    }

    @Test
    void ctesAreScopedWhereTheyAreDefined() {
        assertThatCode(() -> SqlGuard.rewrite(
                        "WITH a AS (SELECT id FROM persons), b AS (SELECT * FROM a) SELECT * FROM b", VIEWS, "memory"))
                .doesNotThrowAnyException();
        // b is not yet defined inside a
        assertThatThrownBy(() -> SqlGuard.rewrite(
                        "WITH a AS (SELECT * FROM b), b AS (SELECT id FROM persons) SELECT * FROM a", VIEWS, "memory"))
                .isInstanceOfSatisfying(
                        AccessException.class,
                        e -> assertThat(e.code()).isEqualTo(AccessException.Code.TABLE_NOT_ALLOWED));
        assertThatThrownBy(() -> SqlGuard.rewrite("WITH persons AS (SELECT 1) SELECT * FROM persons", VIEWS, "memory"))
                .isInstanceOf(AccessException.class);
    }
}
