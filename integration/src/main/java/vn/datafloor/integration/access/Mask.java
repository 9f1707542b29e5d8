package vn.datafloor.integration.access;

/**
 * How a column the buyer may see is shown: applied by trusted code when the permitted view is
 * built, so no query can reach the clear value.
 */
public enum Mask {
    /** Letters become {@code x}, digits {@code 0}; separators, spaces and length are kept. */
    REDACT,
    /** Only the last four characters shown, the others (letters and digits) become {@code *}; values of four characters or fewer are hidden whole. */
    LAST4,
    /** HMAC-SHA-256 of the value under the agreement's key, in hex: joinable within one agreement, not across two. */
    KEYED_HASH,
    /** Always null, of the column's own type. */
    NULL,
    /** The year of a date (an integer); text that is not a date becomes null. */
    YEAR_ONLY,
    /** A commune code replaced by the code of its province (2025 list first, then the pre-2025 list); unknown codes become null. */
    GENERALISE_PROVINCE,
    /** An age in years replaced by its five-year band, such as {@code "35-39"}. */
    AGE_BAND
}
