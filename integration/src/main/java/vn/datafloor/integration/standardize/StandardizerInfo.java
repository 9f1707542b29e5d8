package vn.datafloor.integration.standardize;

import java.util.List;

/**
 * One standardizer as a pipeline names it: a DuckDB macro called in SQL as {@code name(column, …)}.
 *
 * @param parameters parameter names in call order; a name written {@code ord := 'DMY'} is optional
 *     with that default
 * @param returns the DuckDB type of the result, e.g. {@code VARCHAR} or
 *     {@code STRUCT(value VARCHAR, status VARCHAR)}
 */
public record StandardizerInfo(String name, List<String> parameters, String returns, String description) {

    public StandardizerInfo {
        parameters = List.copyOf(parameters);
    }
}
