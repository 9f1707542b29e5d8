package vn.datafloor.integration.schema;

import java.util.List;
import java.util.Optional;

/**
 * The shared shapes every source is mapped to: people, locations, activities and products (the four
 * pillars), plus businesses. A pipeline maps source columns onto these columns; the standardizer
 * named by a column says how its value is cleaned. Codes of administrative units are always of the
 * 2025 list (see docs/schemas.md); the source's original text is kept beside them so nothing is lost.
 */
public enum CanonicalSchema {
    PERSON(
            "person",
            "A natural person as an agency record describes them.",
            List.of(
                    col("person_id", "VARCHAR", true, "Identifier of the record in its source.", null),
                    col(
                            "full_name",
                            "VARCHAR",
                            true,
                            "Full name: surname, middle name(s), given name.",
                            "std_person_name(s)"),
                    col("name_key", "VARCHAR", false, "Folded full name for matching.", "std_name_key(s)"),
                    col("surname", "VARCHAR", false, "First word of the name (họ).", "std_name_parts(s).surname"),
                    col(
                            "middle_name",
                            "VARCHAR",
                            false,
                            "Words between surname and given name (tên đệm).",
                            "std_name_parts(s).middle"),
                    col("given_name", "VARCHAR", false, "Last word of the name (tên).", "std_name_parts(s).given"),
                    col("birth_date", "DATE", false, "Date of birth.", "std_date(s, ord).value"),
                    col("sex", "VARCHAR", false, "'M' or 'F'.", "std_sex(s)"),
                    col(
                            "personal_id",
                            "VARCHAR",
                            false,
                            "12-digit personal identification number (CCCD) or 9-digit CMND.",
                            "std_cccd(s, birth_date, sex).value"),
                    col("phone", "VARCHAR", false, "Phone number in E.164.", "std_phone(s).value"),
                    col("email", "VARCHAR", false, "E-mail address.", "std_email(s).value"),
                    col("address", "VARCHAR", false, "Address as written in the source.", null),
                    col("commune_code", "VARCHAR", false, "Commune of residence, 2025 list.", "AddressMatching"),
                    col("province_code", "VARCHAR", false, "Province of residence, 2025 list.", "AddressMatching"))),

    LOCATION(
            "location",
            "A place: an address resolved to administrative units.",
            List.of(
                    col("location_id", "VARCHAR", true, "Identifier of the record in its source.", null),
                    col("address", "VARCHAR", true, "Address as written in the source.", null),
                    col(
                            "house_street",
                            "VARCHAR",
                            false,
                            "House number, alley, street: what precedes the commune.",
                            "AddressMatching"),
                    col(
                            "commune_code",
                            "VARCHAR",
                            false,
                            "Commune, ward or special zone, 2025 list.",
                            "AddressMatching"),
                    col("province_code", "VARCHAR", false, "Province or city, 2025 list.", "AddressMatching"),
                    col("match_confidence", "DOUBLE", false, "Confidence of the unit match, 0..1.", "AddressMatching"),
                    col("latitude", "DOUBLE", false, "WGS 84 latitude, when the source has one.", null),
                    col("longitude", "DOUBLE", false, "WGS 84 longitude, when the source has one.", null))),

    ACTIVITY(
            "activity",
            "Something that happened: a registration, payment, visit, inspection…",
            List.of(
                    col("activity_id", "VARCHAR", true, "Identifier of the record in its source.", null),
                    col("activity_type", "VARCHAR", true, "Kind of activity, from the source's code list.", null),
                    col("occurred_on", "DATE", true, "Date it happened.", "std_date(s, ord).value"),
                    col(
                            "person_id",
                            "VARCHAR",
                            false,
                            "Personal identification number of the person involved.",
                            "std_cccd(s).value"),
                    col(
                            "business_tax_code",
                            "VARCHAR",
                            false,
                            "Tax code of the business involved.",
                            "std_tax_code(s).value"),
                    col("product_gtin", "VARCHAR", false, "GTIN of the product involved.", "std_gtin(s).value"),
                    col("commune_code", "VARCHAR", false, "Where it happened, 2025 list.", "AddressMatching"),
                    col("province_code", "VARCHAR", false, "Where it happened, 2025 list.", "AddressMatching"),
                    col("amount_vnd", "BIGINT", false, "Amount in đồng (no minor unit).", null))),

    PRODUCT(
            "product",
            "A traded good or service.",
            List.of(
                    col("product_id", "VARCHAR", true, "Identifier of the record in its source.", null),
                    col("name", "VARCHAR", true, "Product name as published.", null),
                    col("gtin", "VARCHAR", false, "GTIN in 14-digit form.", "std_gtin(s).value"),
                    col("category", "VARCHAR", false, "Category from the source's or a national classification.", null),
                    col(
                            "producer_tax_code",
                            "VARCHAR",
                            false,
                            "Tax code of the producer or importer.",
                            "std_tax_code(s).value"),
                    col("origin_country", "VARCHAR", false, "ISO 3166-1 alpha-2 country of origin.", null),
                    col("unit_price_vnd", "BIGINT", false, "Price in đồng.", null))),

    BUSINESS(
            "business",
            "An enterprise, branch, cooperative or household business.",
            List.of(
                    col("business_id", "VARCHAR", true, "Identifier of the record in its source.", null),
                    col(
                            "tax_code",
                            "VARCHAR",
                            true,
                            "Tax code: 10 digits, or 10-3 for a branch.",
                            "std_tax_code(s).value"),
                    col("name", "VARCHAR", true, "Registered name.", null),
                    col("name_key", "VARCHAR", false, "Folded name for matching.", "std_fold(s)"),
                    col("founded_on", "DATE", false, "Date of first registration.", "std_date(s, ord).value"),
                    col(
                            "legal_representative",
                            "VARCHAR",
                            false,
                            "Full name of the legal representative.",
                            "std_person_name(s)"),
                    col("phone", "VARCHAR", false, "Phone number in E.164.", "std_phone(s).value"),
                    col("email", "VARCHAR", false, "E-mail address.", "std_email(s).value"),
                    col("address", "VARCHAR", false, "Head-office address as written in the source.", null),
                    col("commune_code", "VARCHAR", false, "Head office commune, 2025 list.", "AddressMatching"),
                    col("province_code", "VARCHAR", false, "Head office province, 2025 list.", "AddressMatching")));

    private final String schemaName;
    private final String description;
    private final List<CanonicalColumn> columns;

    CanonicalSchema(String schemaName, String description, List<CanonicalColumn> columns) {
        this.schemaName = schemaName;
        this.description = description;
        this.columns = List.copyOf(columns);
    }

    private static CanonicalColumn col(
            String name, String type, boolean required, String description, String standardizer) {
        return new CanonicalColumn(name, type, required, description, standardizer);
    }

    /** The name pipelines use, e.g. {@code person}. */
    public String schemaName() {
        return schemaName;
    }

    public String description() {
        return description;
    }

    public List<CanonicalColumn> columns() {
        return columns;
    }

    public Optional<CanonicalColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public static Optional<CanonicalSchema> named(String schemaName) {
        for (CanonicalSchema schema : values()) {
            if (schema.schemaName.equals(schemaName)) {
                return Optional.of(schema);
            }
        }
        return Optional.empty();
    }
}
