package vn.datafloor.server.catalog;

import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import vn.datafloor.server.integration.DatasetColumnTags;

/** The catalog's personal-data tags, as the runs' quality reports use them: the columns shown unmasked. */
@Component
class CatalogColumnTags implements DatasetColumnTags {

    private final CatalogService catalog;

    CatalogColumnTags(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Set<String> notPersonal(String dataset) {
        // The same rule as the data preview: personal or possibly personal (an unconfirmed proposal) is masked.
        return catalog.forDataset(dataset)
                .map(entry -> entry.columns().stream()
                        .filter(column -> !column.masked())
                        .map(CatalogEntry.Column::name)
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
    }
}
