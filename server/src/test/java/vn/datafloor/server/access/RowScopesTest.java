package vn.datafloor.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.access.RowFilter;
import vn.datafloor.policy.Constraint;
import vn.datafloor.policy.Value;
import vn.datafloor.server.catalog.CatalogEntry;

/** An agreement's row scope as typed row filters on the catalog's columns, or refused. */
class RowScopesTest {

    static CatalogEntry.Column column(String name, String type) {
        return new CatalogEntry.Column(0, name, type, null, null, null, null, List.of(), null, null, null, null);
    }

    static final List<CatalogEntry.Column> COLUMNS = List.of(
            column("province_code", "VARCHAR"),
            column("birth_year", "BIGINT"),
            column("income", "DECIMAL(18,2)"),
            column("alive", "BOOLEAN"),
            column("registered_on", "DATE"),
            column("seen_at", "TIMESTAMP"));

    static Constraint.Atomic on(String column, String operator, Value... values) {
        return Constraint.Atomic.of("df:column/" + column, operator, values);
    }

    @Test
    void eachOperatorBecomesItsFilterWithValuesOfTheColumnsType() throws Exception {
        assertThat(RowScopes.filters(
                        List.of(
                                on("province_code", "eq", Value.string("01")),
                                on("birth_year", "gteq", Value.number(1980)),
                                on("birth_year", "lt", Value.string("2000")),
                                on("income", "lteq", Value.string("1000.50")),
                                on("alive", "neq", Value.bool(false)),
                                on("registered_on", "gt", Value.typed("2020-01-01", "xsd:date")),
                                on("province_code", "isAnyOf", Value.string("01"), Value.string("79")),
                                on("province_code", "isNoneOf", Value.string("02"), Value.string("03"))),
                        COLUMNS))
                .containsExactly(
                        RowFilter.eq("province_code", "01"),
                        new RowFilter("birth_year", RowFilter.Operator.GE, List.of(1980L)),
                        new RowFilter("birth_year", RowFilter.Operator.LT, List.of(2000L)),
                        new RowFilter("income", RowFilter.Operator.LE, List.of(new BigDecimal("1000.50"))),
                        new RowFilter("alive", RowFilter.Operator.NE, List.of(false)),
                        new RowFilter("registered_on", RowFilter.Operator.GT, List.of(LocalDate.of(2020, 1, 1))),
                        RowFilter.in("province_code", List.of("01", "79")),
                        new RowFilter("province_code", RowFilter.Operator.NE, List.of("02")),
                        new RowFilter("province_code", RowFilter.Operator.NE, List.of("03")));
    }

    @Test
    void noScopeNoFilter() throws Exception {
        assertThat(RowScopes.filters(List.of(), COLUMNS)).isEmpty();
    }

    @Test
    void whatCannotBeKeptExactlyIsRefused() {
        for (Constraint.Atomic condition : List.of(
                on("gone", "eq", Value.string("x")),
                on("birth_year", "eq", Value.string("nineteen eighty")),
                on("registered_on", "eq", Value.string("31/12/2020")),
                on("alive", "eq", Value.string("yes")),
                on("seen_at", "gt", Value.string("2020-01-01T00:00:00")),
                on("province_code", "isPartOf", Value.string("01")),
                Constraint.Atomic.of("purpose", "eq", Value.string("x")))) {
            assertThatThrownBy(() -> RowScopes.filters(List.of(condition), COLUMNS))
                    .as(condition.toString())
                    .isInstanceOf(RowScopes.Unenforceable.class);
        }
    }
}
