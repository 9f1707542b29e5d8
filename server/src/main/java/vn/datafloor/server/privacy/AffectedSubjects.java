package vn.datafloor.server.privacy;

import java.time.Instant;
import java.util.Collection;
import java.util.Set;

/**
 * Whose personal data a breach may have touched: the data subjects (12-digit identity numbers) whose
 * records in the given lake datasets were accessed in the period. The access index implements it;
 * without an implementation the breach page says so instead of guessing.
 */
public interface AffectedSubjects {

    /** The subjects whose records in {@code datasets} were accessed between {@code from} and {@code to}. */
    Set<String> subjectsAccessed(Collection<String> datasets, Instant from, Instant to);
}
