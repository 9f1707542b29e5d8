package vn.datafloor.integration.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.standardize.Standardizers;

class CanonicalSchemaTest {

    @Test
    void everySchemaHasARequiredIdentifierAndUniqueColumnNames() {
        for (CanonicalSchema schema : CanonicalSchema.values()) {
            assertThat(schema.columns().get(0).required())
                    .as(schema.schemaName())
                    .isTrue();
            assertThat(schema.columns().get(0).name()).endsWith("_id");
            Set<String> names = new HashSet<>();
            schema.columns()
                    .forEach(c -> assertThat(names.add(c.name()))
                            .as(schema + "." + c.name())
                            .isTrue());
        }
    }

    @Test
    void everyNamedStandardizerExists() {
        Set<String> known = new HashSet<>();
        Standardizers.catalog().forEach(info -> known.add(info.name()));
        known.add("AddressMatching");
        for (CanonicalSchema schema : CanonicalSchema.values()) {
            for (CanonicalColumn column : schema.columns()) {
                if (column.standardizer() != null) {
                    String name = column.standardizer().replaceAll("\\(.*$", "");
                    assertThat(known).as(schema + "." + column.name()).contains(name);
                }
            }
        }
    }

    @Test
    void schemasAreFoundByName() {
        assertThat(CanonicalSchema.named("person")).contains(CanonicalSchema.PERSON);
        assertThat(CanonicalSchema.named("nobody")).isEmpty();
        assertThat(CanonicalSchema.PERSON.column("birth_date").orElseThrow().type())
                .isEqualTo("DATE");
    }
}
