package vn.datafloor.integration.access;

import java.util.Set;

/**
 * The data subjects a result touched, for the ledger.
 *
 * @param ids the distinct subject ids (at most the session's {@code maxSubjects})
 * @param capped whether more subjects were touched than {@code ids} holds
 * @param overApproximated whether {@code ids} is the whole permitted view rather than the rows the query read
 */
public record SubjectsTouched(Set<String> ids, boolean capped, boolean overApproximated) {

    public SubjectsTouched {
        ids = Set.copyOf(ids);
    }
}
