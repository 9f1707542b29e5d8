package vn.datafloor.integration.sandbox;

/**
 * Noise added to one exact integer aggregate: a sample calibrated so that the released value is
 * {@code microEpsilon / 1,000,000}-differentially private for a query whose value one person can
 * change by at most {@code sensitivity}. The seam exists so tests can switch noise off and look at
 * the bounded exact aggregate.
 */
interface NoiseSource {

    long sample(long sensitivity, long microEpsilon);

    /** No noise at all: for tests of contribution bounding only, never for answers. */
    NoiseSource NONE = (sensitivity, microEpsilon) -> 0L;
}
