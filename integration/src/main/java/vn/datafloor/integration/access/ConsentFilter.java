package vn.datafloor.integration.access;

import java.util.Objects;
import java.util.Set;

/**
 * Consent is the legal basis: only rows whose data subject has a valid consent are delivered.
 *
 * @param subjectColumn the column holding the data subject's id
 * @param consented the ids of the subjects that have a valid consent now
 */
public record ConsentFilter(String subjectColumn, Set<String> consented) {

    public ConsentFilter {
        Objects.requireNonNull(subjectColumn, "subjectColumn");
        consented = Set.copyOf(consented);
    }
}
