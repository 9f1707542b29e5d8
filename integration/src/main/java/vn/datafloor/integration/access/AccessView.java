package vn.datafloor.integration.access;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one agreement lets a buyer see of one dataset version: the table name the buyer uses, the
 * version's Parquet files, the visible columns and their masks, the policy's row filters, the
 * consent filter (empty when consent is not the legal basis), the column that identifies data
 * subjects (for the ledger's "which subjects were touched") and the agreement's hash key.
 */
public record AccessView(
        String name,
        List<Path> files,
        List<String> visibleColumns,
        Map<String, Mask> masks,
        List<RowFilter> rowFilters,
        Optional<ConsentFilter> consent,
        String subjectColumn,
        byte[] hashKey) {

    public AccessView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subjectColumn, "subjectColumn");
        files = List.copyOf(files);
        visibleColumns = List.copyOf(visibleColumns);
        masks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(masks));
        rowFilters = List.copyOf(rowFilters);
        Objects.requireNonNull(consent, "consent");
        hashKey = hashKey.clone();
        if (files.isEmpty()) {
            throw new IllegalArgumentException("A view needs at least one Parquet file");
        }
        if (visibleColumns.isEmpty()) {
            throw new IllegalArgumentException("A view needs at least one visible column");
        }
        if (masks.containsValue(Mask.KEYED_HASH) && hashKey.length < 16) {
            throw new IllegalArgumentException("A keyed hash needs a key of at least 16 bytes");
        }
    }

    @Override
    public byte[] hashKey() {
        return hashKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AccessView v
                && name.equals(v.name)
                && files.equals(v.files)
                && visibleColumns.equals(v.visibleColumns)
                && masks.equals(v.masks)
                && rowFilters.equals(v.rowFilters)
                && consent.equals(v.consent)
                && subjectColumn.equals(v.subjectColumn)
                && java.util.Arrays.equals(hashKey, v.hashKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, files, visibleColumns, masks, rowFilters, consent, subjectColumn)
                + java.util.Arrays.hashCode(hashKey);
    }

    @Override
    public String toString() {
        return "AccessView[" + name + ", " + files.size() + " files, columns " + visibleColumns + ", masks " + masks
                + ", " + rowFilters.size() + " row filters, consent " + consent.isPresent() + "]";
    }
}
