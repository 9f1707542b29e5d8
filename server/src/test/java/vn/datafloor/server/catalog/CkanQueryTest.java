package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.datafloor.catalog.CatalogQuery;

/** The Solr subset of q, fq and sort that CKAN clients send, read without a server. */
class CkanQueryTest {

    private static final Instant NOW = Instant.parse("2026-05-01T10:30:00Z");

    private static CkanQuery.Criteria parse(String q, String... fqs) {
        return CkanQuery.parse(q, List.of(fqs), NOW);
    }

    private static CkanQuery.Clause clause(String field, String... values) {
        return new CkanQuery.Clause(field, List.of(values));
    }

    // ------------------------------------------------------------------ q

    @Test
    void twentyThousandNestedParenthesesAreRefusedByTheDepthLimitNotTheStack() {
        // 20,000 deep is past the length limit as well; both refuse it before any recursion.
        String twentyThousand = "(".repeat(20_000) + "water" + ")".repeat(20_000);
        assertThatThrownBy(() -> parse(twentyThousand))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageStartingWith("q: longer than");
        // Within the length limit, the depth limit holds on its own.
        String deep = "(".repeat(4_900) + "water" + ")".repeat(4_900);
        assertThatThrownBy(() -> parse(deep))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageStartingWith("q: ")
                .hasMessageContaining("more than " + CkanQuery.MAX_DEPTH + " nested parentheses");
        assertThatThrownBy(() -> parse(null, deep))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageStartingWith("fq: ")
                .hasMessageContaining("more than " + CkanQuery.MAX_DEPTH + " nested parentheses");
        // Unbalanced, too: the depth is counted on the way down, before the missing ')' is noticed.
        assertThatThrownBy(() -> parse("(".repeat(9_000)))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageContaining("nested parentheses");
        String allowed = "(".repeat(CkanQuery.MAX_DEPTH) + "tags:x" + ")".repeat(CkanQuery.MAX_DEPTH);
        assertThat(parse(null, allowed).clauses()).containsExactly(clause("tags", "x"));
    }

    @Test
    void overlongParametersAndSearchTextAreRefusedBeforeTheyAreParsed() {
        String longQ = "nuoc ".repeat(CkanQuery.MAX_QUERY_CHARS / 5 + 1);
        assertThatThrownBy(() -> parse(longQ))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageStartingWith("q: longer than " + CkanQuery.MAX_QUERY_CHARS);
        assertThatThrownBy(() -> parse(null, "tags:" + "x".repeat(CkanQuery.MAX_QUERY_CHARS)))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageStartingWith("fq: longer than");
        // Each parameter within its limit, their words together past the search text's.
        String half = "a".repeat(CatalogQuery.MAX_TEXT_CHARS / 2 + 10);
        assertThatThrownBy(() -> parse(half, "title:" + half))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageContaining("longer than " + CatalogQuery.MAX_TEXT_CHARS);
    }

    @Test
    void emptyAndMatchAllQueriesHaveNoCondition() {
        for (String q : new String[] {null, "", "  ", "*:*"}) {
            CkanQuery.Criteria c = parse(q);
            assertThat(c.text()).as(q).isNull();
            assertThat(c.clauses()).as(q).isEmpty();
            assertThat(c.ranges()).as(q).isEmpty();
            assertThat(c.matchesNothing()).isFalse();
        }
    }

    @Test
    void plainWordsAreFreeTextAndKnownFieldsInQFilter() {
        CkanQuery.Criteria c = parse("doanh nghiệp tags:thuế organization:cuc-thue title:Bắc");
        assertThat(c.text()).isEqualTo("doanh nghiệp Bắc");
        assertThat(c.clauses()).containsExactly(clause("tags", "thuế"), clause("organization", "cuc-thue"));
    }

    @Test
    void quotedPhrasesAreTextAndQuotedValuesKeepTheirSpaces() {
        CkanQuery.Criteria c = parse("\"sản phẩm\" tags:\"an toàn thực phẩm\"");
        assertThat(c.text()).isEqualTo("sản phẩm");
        assertThat(c.clauses()).containsExactly(clause("tags", "an toàn thực phẩm"));
    }

    @Test
    void unknownFieldsInQAreTextButInFqAreRefused() {
        assertThat(parse("foo:bar").text()).isEqualTo("foo bar");
        assertThat(parse("Hà:Nội").text()).as("not an ASCII field name: a word").isEqualTo("Hà:Nội");
        assertThatThrownBy(() -> parse(null, "foo:bar"))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageContaining("fq: unknown field 'foo'")
                .hasMessageContaining("organization");
    }

    @Test
    void orBetweenWordsIsRefusedBecauseEveryWordMustMatch() {
        assertThatThrownBy(() -> parse("water OR air"))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageContaining("q: OR between words is not supported");
    }

    // ------------------------------------------------------------------ fq

    @Test
    void clausesJoinedBySpaceAndOrPlusAreAllRequired() {
        for (String fq : new String[] {
            "organization:a tags:x",
            "organization:a AND tags:x",
            "+organization:a +tags:x",
            "organization:a && tags:x",
            "(organization:a) AND (tags:x)"
        }) {
            assertThat(parse(null, fq).clauses())
                    .as(fq)
                    .containsExactly(clause("organization", "a"), clause("tags", "x"));
        }
    }

    @Test
    void orBetweenValuesOfOneFieldIsOneClause() {
        assertThat(parse(null, "organization:a OR organization:b").clauses())
                .containsExactly(clause("organization", "a", "b"));
        assertThat(parse(null, "tags:(x OR \"y z\")").clauses()).containsExactly(clause("tags", "x", "y z"));
        assertThat(parse(null, "(groups:trade || groups:health)").clauses())
                .containsExactly(clause("groups", "trade", "health"));
        // ckanext-harvest joins an OR of organisations and a date range with a space: OR binds tighter.
        CkanQuery.Criteria harvest =
                parse(null, "organization:a OR organization:b metadata_modified:[2026-04-01T00:00:00Z TO *]");
        assertThat(harvest.clauses()).containsExactly(clause("organization", "a", "b"));
        assertThat(harvest.ranges())
                .containsExactly(new CkanQuery.Range(
                        "metadata_modified", Instant.parse("2026-04-01T00:00:00Z"), true, null, true));
    }

    @Test
    void andInsideAValueGroupGivesOneClausePerValue() {
        assertThat(parse(null, "tags:(x y)").clauses()).containsExactly(clause("tags", "x"), clause("tags", "y"));
        assertThat(parse(null, "tags:(x AND y)").clauses()).containsExactly(clause("tags", "x"), clause("tags", "y"));
    }

    @Test
    void orAcrossFieldsIsRefusedClearly() {
        assertThatThrownBy(() -> parse(null, "organization:a OR tags:x"))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageContaining("OR is supported only between values of one field");
        assertThatThrownBy(() -> parse(null, "tags:(x OR y AND z)"))
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageContaining("mixing AND and OR");
    }

    @Test
    void negationIsUnsupported() {
        for (String fq : new String[] {"-organization:a", "NOT tags:x", "!tags:x", "tags:y -tags:x", "tags:(NOT x)"}) {
            assertThatThrownBy(() -> parse(null, fq))
                    .as(fq)
                    .isInstanceOf(CkanQuery.InvalidQueryException.class)
                    .hasMessageContaining("negative clauses")
                    .hasMessageContaining("not supported");
        }
        assertThatThrownBy(() -> parse("-tags:x")).hasMessageStartingWith("q: negative clauses");
    }

    @Test
    void unparseableFiltersNameTheProblem() {
        Map<String, String> problems = Map.of(
                "tags:\"open", "unbalanced quote",
                "(tags:x", "unbalanced '('",
                "tags:x)", "unbalanced ')'",
                "tags:", "missing value after 'tags:'",
                "tags:x OR", "OR needs a clause after it",
                "AND tags:x", "AND needs a clause before it",
                "tags:wat*", "wildcards",
                "metadata_modified:[2026-01-01 TO", "unbalanced '['",
                "metadata_modified:[2026-01-01]", "a range is written [from TO to]",
                "tags:[a TO b]", "ranges are supported only on");
        problems.forEach((fq, message) -> assertThatThrownBy(() -> parse(null, fq))
                .as(fq)
                .isInstanceOf(CkanQuery.InvalidQueryException.class)
                .hasMessageStartingWith("fq: ")
                .hasMessageContaining(message));
    }

    @Test
    void escapedCharactersAreLiteral() {
        assertThat(parse(null, "tags:a\\ b").clauses()).containsExactly(clause("tags", "a b"));
        assertThat(parse(null, "metadata_modified:[2026-04-01T00\\:00\\:00Z TO NOW]")
                        .ranges()
                        .get(0)
                        .from())
                .isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    }

    @Test
    void dateRangesAcceptSolrForms() {
        CkanQuery.Range r = parse(null, "metadata_modified:{2026-04-01 TO NOW-1DAY}")
                .ranges()
                .get(0);
        assertThat(r.from()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(r.fromInclusive()).isFalse();
        assertThat(r.to()).isEqualTo(Instant.parse("2026-04-30T10:30:00Z"));
        assertThat(r.toInclusive()).isFalse();
        assertThat(parse(null, "metadata_created:[* TO NOW/DAY]")
                        .ranges()
                        .get(0)
                        .to())
                .isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
        assertThat(parse(null, "metadata_created:[\"2026-04-01T08:00:00\" TO *]")
                        .ranges()
                        .get(0)
                        .from())
                .isEqualTo(Instant.parse("2026-04-01T08:00:00Z"));
        assertThatThrownBy(() -> parse(null, "metadata_modified:[yesterday TO *]"))
                .hasMessageContaining("'yesterday' is not a date");

        assertThat(r.contains(Instant.parse("2026-04-01T00:00:00Z")))
                .as("exclusive lower bound")
                .isFalse();
        assertThat(r.contains(Instant.parse("2026-04-15T00:00:00Z"))).isTrue();
        assertThat(r.contains(Instant.parse("2026-04-30T10:30:00Z")))
                .as("exclusive upper bound")
                .isFalse();
        assertThat(r.contains(null)).isFalse();
    }

    @Test
    void constantFieldsKeepEverythingOrNothing() {
        assertThat(parse(null, "+state:active +dataset_type:dataset capacity:public")
                        .matchesNothing())
                .isFalse();
        assertThat(parse(null, "state:draft").matchesNothing()).isTrue();
        assertThat(parse(null, "state:(draft OR active)").matchesNothing()).isFalse();
        assertThat(parse(null, "capacity:private").matchesNothing()).isTrue();
    }

    @Test
    void fqListAndRepeatedFqAreAllRequired() {
        CkanQuery.Criteria c = CkanQuery.parse("thuế", List.of("tags:a", "groups:trade"), NOW);
        assertThat(c.text()).isEqualTo("thuế");
        assertThat(c.clauses()).containsExactly(clause("tags", "a"), clause("groups", "trade"));
    }

    // ------------------------------------------------------------------ what the index is asked

    private static CatalogQuery.Condition condition(String field, String... values) {
        return new CatalogQuery.Condition(field, List.of(values));
    }

    @Test
    void everyClauseBecomesAnIndexConditionAndClausesOnOneFieldAreAnded() {
        CkanQuery.Criteria c = parse(
                null,
                "organization:cuc-thue res_format:CSV tags:a tags:b license_id:cc-by-4.0 name:x groups:trade "
                        + "id:uuid-1 owner_org:org-uuid");
        CkanQuery.IndexQuery query = CkanQuery.toIndex(
                c,
                org -> org.equals("cuc-thue") ? List.of("Cục Thuế") : List.of(),
                id -> id.equals("org-uuid") ? List.of("42") : List.of());
        assertThat(query.conditions())
                .containsExactly(
                        condition("publisher", "Cục Thuế"),
                        condition("format", "csv"),
                        condition("keyword", "a"),
                        condition("keyword", "b"),
                        condition("licence", "cc-by-4.0"),
                        condition(CatalogQuery.ID, "x"),
                        condition("theme", "trade"),
                        condition(CatalogQuery.ALTERNATE_ID, "uuid-1"),
                        condition(CatalogQuery.PUBLISHER_ID, "42"));
        assertThat(query.matchesNothing()).isFalse();
    }

    @Test
    void datesBecomeTimeRangesOnTheirField() {
        CkanQuery.IndexQuery query = CkanQuery.toIndex(
                parse(null, "metadata_modified:[2024-05-01T00:00:00Z TO *]", "metadata_created:{* TO NOW}"),
                org -> List.of(),
                id -> List.of());
        assertThat(query.ranges())
                .containsExactly(
                        new CatalogQuery.Range(
                                CatalogQuery.TimeField.MODIFIED,
                                Instant.parse("2024-05-01T00:00:00Z"),
                                true,
                                null,
                                true),
                        new CatalogQuery.Range(CatalogQuery.TimeField.CREATED, null, false, NOW, false));
    }

    @Test
    void anOrganisationThatPublishesNothingMatchesNothing() {
        assertThat(CkanQuery.toIndex(parse(null, "organization:nobody"), org -> List.of(), id -> List.of())
                        .matchesNothing())
                .isTrue();
        assertThat(CkanQuery.toIndex(parse(null, "owner_org:nobody"), org -> List.of(), id -> List.of())
                        .matchesNothing())
                .isTrue();
    }

    // ------------------------------------------------------------------ sort

    private static CatalogQuery.Order by(CatalogQuery.OrderField field, boolean descending) {
        return new CatalogQuery.Order(field, descending);
    }

    @Test
    void everyCkanSortIsAnIndexOrder() {
        assertThat(CkanQuery.order(null).text()).isEqualTo("score desc, metadata_modified desc");
        assertThat(CkanQuery.order(null).indexOrder())
                .containsExactly(by(CatalogQuery.OrderField.SCORE, true), by(CatalogQuery.OrderField.MODIFIED, true));
        assertThat(CkanQuery.order("name asc").indexOrder()).containsExactly(by(CatalogQuery.OrderField.ID, false));
        assertThat(CkanQuery.order("id desc").indexOrder())
                .containsExactly(by(CatalogQuery.OrderField.ALTERNATE_ID, true));
        assertThat(CkanQuery.order("metadata_created asc, title_string desc").indexOrder())
                .containsExactly(by(CatalogQuery.OrderField.CREATED, false), by(CatalogQuery.OrderField.TITLE, true));
        assertThat(CkanQuery.order("name DESC").keys()).containsExactly(new CkanQuery.SortKey("name", true));
    }

    @Test
    void badSortsAreRefused() {
        for (String sort : new String[] {"popularity desc", "name", "name upward", "name asc desc", ", name asc"}) {
            assertThatThrownBy(() -> CkanQuery.order(sort))
                    .as(sort)
                    .isInstanceOf(CkanQuery.InvalidSortException.class)
                    .hasMessageStartingWith("Invalid \"sort\" parameter");
        }
    }

    @Test
    void titlesSortWithoutCaseOrDiacritics() {
        assertThat(List.of("Hà Nội", "Đà Nẵng", "cà Mau").stream()
                        .sorted(java.util.Comparator.comparing(CkanQuery::titleKey))
                        .toList())
                .containsExactly("cà Mau", "Đà Nẵng", "Hà Nội");
        assertThat(CkanPackages.organizationName("Cục Quản lý thị trường")).isEqualTo("cuc-quan-ly-thi-truong");
        assertThat(CkanPackages.organizationName("Sở Kế hoạch và Đầu tư Bắc Ninh"))
                .isEqualTo("so-ke-hoach-va-dau-tu-bac-ninh");
    }
}
