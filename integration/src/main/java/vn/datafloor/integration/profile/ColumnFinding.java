package vn.datafloor.integration.profile;

import java.util.List;

/**
 * What detection proposes for one column, for a data steward to confirm or override.
 *
 * @param category the proposed category; null when no personal data was found
 * @param confidence 0..1: name and content agreeing 0.83-0.99, content alone 0.74-0.9 (a date at most
 *     0.7), the column name alone 0.6, a name the content contradicts 0.3, personal content under a
 *     business column name 0.4 (docs/personal-data.md); 0 when category is null
 * @param evidenceParts why, as coded parts with their arguments, for a page to say in its reader's language; they
 *     name columns but never contain a sampled value
 * @param sampled non-empty values of the column in the sample (0 when the sample had no rows)
 * @param matched how many of them matched the content check of the proposed category (0 when it has none)
 */
public record ColumnFinding(
        String column,
        PersonalCategory category,
        double confidence,
        List<EvidencePart> evidenceParts,
        long sampled,
        long matched) {

    public ColumnFinding {
        evidenceParts = List.copyOf(evidenceParts);
    }

    /** Why, in short English (for the CLI, logs and the API's text field). */
    public String evidence() {
        return EvidencePart.english(evidenceParts);
    }
}
