package vn.datafloor.integration.pipeline;

import java.sql.Connection;
import java.util.Set;
import java.util.stream.Collectors;
import vn.datafloor.integration.standardize.StandardizerInfo;
import vn.datafloor.integration.standardize.Standardizers;

/** The libraries pipelines get by default. */
public final class SqlLibraries {

    private SqlLibraries() {}

    /** The standardizers (names, identity numbers, dates, phones, codes) as DuckDB macros. */
    public static SqlLibrary standard() {
        return new SqlLibrary() {
            @Override
            public void install(Connection duck) {
                Standardizers.install(duck);
            }

            @Override
            public Set<String> functions() {
                return Standardizers.catalog().stream()
                        .map(StandardizerInfo::name)
                        .collect(Collectors.toSet());
            }
        };
    }
}
