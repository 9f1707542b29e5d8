package vn.datafloor.server.access;

import java.util.Locale;
import vn.datafloor.integration.access.Mask;
import vn.datafloor.integration.schema.CanonicalSchema;
import vn.datafloor.server.catalog.CatalogEntry;

/**
 * How each column is shown to a buyer, from the dataset's personal-data classification: identifiers as
 * keyed hashes (a buyer can count and join within its own agreement, never across two), names redacted
 * keeping their shape, dates of birth as years, contact details with their last four characters,
 * addresses redacted, sensitive categories (health, biometrics, religion…) withheld. A column detection
 * flagged and no steward has decided on is redacted until one does. Everything else is delivered as is.
 */
final class MaskRules {

    /**
     * The canonical person shape's record identifier (the record's id in its source). It names one person
     * as surely as the identity number and is the same in every buyer's copy: delivered clear, it would let
     * two buyers join their copies. So it gets the agreement's keyed hash, whatever the classification says.
     */
    private static final String PERSON_RECORD_ID =
            CanonicalSchema.PERSON.column("person_id").orElseThrow().name();

    private MaskRules() {}

    static Mask maskFor(CatalogEntry.Column column) {
        if (PERSON_RECORD_ID.equalsIgnoreCase(column.name())) {
            return Mask.KEYED_HASH;
        }
        String category = column.personal() ? column.personalCategory() : column.proposedCategory();
        if (category == null || "none".equals(category)) {
            return null;
        }
        Mask mask = switch (category.toUpperCase(Locale.ROOT)) {
            case "IDENTITY_NUMBER",
                    "PERSONAL_TAX_CODE",
                    "SOCIAL_INSURANCE_NUMBER",
                    "HEALTH_INSURANCE_NUMBER",
                    "ONLINE_ACCOUNT" -> Mask.KEYED_HASH;
            case "NAME", "ADDRESS", "PLACE_OF_BIRTH", "FAMILY_RELATIONSHIP" -> Mask.REDACT;
            case "DATE_OF_BIRTH" -> Mask.YEAR_ONLY;
            case "PHONE", "EMAIL" -> Mask.LAST4;
            case "SEX", "NATIONALITY", "MARITAL_STATUS" -> null;
            default -> Mask.NULL;
        };
        if (mask == null && !column.personal()) {
            return Mask.REDACT; // flagged, not yet decided: shown masked until a steward decides
        }
        return mask;
    }

    /** A column naming the data subject: the identity number, the key of the consent filter and the access index. */
    static boolean identifies(CatalogEntry.Column column) {
        String category = column.personal() ? column.personalCategory() : column.proposedCategory();
        return category != null && "IDENTITY_NUMBER".equalsIgnoreCase(category);
    }
}
