package vn.datafloor.server.catalog;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A dataset as the catalog describes it: metadata, schema, classification and the state of its
 * publication, plus the facts of its latest version in the lake.
 *
 * @param slug the catalog's stable name (CKAN-style: lower-case letters, digits, '-' and '_')
 * @param dataset the lake dataset it describes
 * @param status DRAFT (only its organisation sees it) or PUBLISHED
 * @param reviewStatus NONE, PENDING (waits for the operator), APPROVED or OVERRIDDEN
 * @param latest the newest version, or null before the first one
 * @param remote where a harvested entry comes from; null for Datafloor's own datasets
 */
public record CatalogEntry(
        long id,
        String slug,
        String dataset,
        long orgId,
        String publisher,
        String publisherKind,
        String titleVi,
        String titleEn,
        String descriptionVi,
        String descriptionEn,
        String contactName,
        String contactEmail,
        List<String> themes,
        List<String> keywords,
        List<String> spatial,
        LocalDate temporalStart,
        LocalDate temporalEnd,
        String frequency,
        String licence,
        String documentationUrl,
        String importance,
        String sharing,
        String classificationReason,
        String reviewStatus,
        String reviewNote,
        String status,
        Instant publishedAt,
        Instant createdAt,
        Instant updatedAt,
        List<Column> columns,
        LatestVersion latest,
        Remote remote) {

    public CatalogEntry {
        themes = List.copyOf(themes);
        keywords = List.copyOf(keywords);
        spatial = List.copyOf(spatial);
        columns = List.copyOf(columns);
    }

    /**
     * One column of the schema.
     *
     * @param proposedCategory what detection proposed (a {@code PersonalCategory} code), null: nothing found
     * @param personalCategory the steward's decision: a category code, "none", or null while unconfirmed
     * @param proposedEvidence why detection proposed what it did, in English (the API's text)
     * @param proposedEvidenceParts the same as coded parts (JSON, read by {@link PersonalDataEvidence}) for pages in
     *     the reader's language; null for proposals made before parts were stored
     */
    public record Column(
            int position,
            String name,
            String type,
            String descriptionVi,
            String descriptionEn,
            String unit,
            String example,
            List<String> tags,
            String proposedCategory,
            Double proposedConfidence,
            String proposedEvidence,
            String personalCategory,
            @com.fasterxml.jackson.annotation.JsonIgnore String proposedEvidenceParts) {

        public Column {
            tags = List.copyOf(tags);
        }

        /** A column with no evidence parts (described by hand, or from before parts were stored). */
        public Column(
                int position,
                String name,
                String type,
                String descriptionVi,
                String descriptionEn,
                String unit,
                String example,
                List<String> tags,
                String proposedCategory,
                Double proposedConfidence,
                String proposedEvidence,
                String personalCategory) {
            this(
                    position,
                    name,
                    type,
                    descriptionVi,
                    descriptionEn,
                    unit,
                    example,
                    tags,
                    proposedCategory,
                    proposedConfidence,
                    proposedEvidence,
                    personalCategory,
                    null);
        }

        /** Confirmed as personal data. */
        public boolean personal() {
            return personalCategory != null && !"none".equals(personalCategory);
        }

        /** Detection found personal data here and no steward has decided yet. */
        public boolean unconfirmed() {
            return proposedCategory != null && personalCategory == null;
        }

        /** Shown masked to anyone without a right to the data: personal, or possibly personal. */
        public boolean masked() {
            return personal() || unconfirmed();
        }

        /**
         * {@code text} as a value of this column's type, for a row filter: a String, a Long, a BigDecimal, a Boolean
         * or a LocalDate. A column of another type (a timestamp, a list) or a text that is not a value of the type
         * is refused: compared as text, it would keep other rows than the ones meant.
         */
        public Object filterValue(String text) {
            String t = type == null ? "" : type.toUpperCase(java.util.Locale.ROOT);
            try {
                if (t.startsWith("VARCHAR") || t.equals("TEXT") || t.equals("STRING")) {
                    return text;
                }
                if (t.equals("BOOLEAN") || t.equals("BOOL")) {
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException(
                                name + " is a boolean column; " + text + " is not true or false");
                    }
                    return Boolean.parseBoolean(text);
                }
                if (t.equals("DATE")) {
                    return java.time.LocalDate.parse(text);
                }
                if (java.util.Set.of("BIGINT", "INTEGER", "INT", "SMALLINT", "TINYINT")
                        .contains(t)) {
                    return Long.parseLong(text);
                }
                if (t.startsWith("DECIMAL")
                        || t.startsWith("NUMERIC")
                        || t.equals("DOUBLE")
                        || t.equals("FLOAT")
                        || t.equals("REAL")) {
                    return new java.math.BigDecimal(text);
                }
            } catch (NumberFormatException | java.time.DateTimeException e) {
                throw new IllegalArgumentException(
                        name + " is of type " + type + "; " + text + " is not a value of it");
            }
            throw new IllegalArgumentException("rows cannot be kept by " + name + ", a column of type " + type);
        }

        /** The category in force: the steward's, else the proposal's. */
        public String effectiveCategory() {
            return personalCategory != null ? personalCategory : proposedCategory;
        }
    }

    /**
     * What a harvested entry is and where it comes from: it describes data held by another portal or
     * exchange, links back to it, and is never downloaded from Datafloor.
     *
     * @param kind DATASET (another portal's dataset) or OFFER (a product another exchange offers over DSP)
     * @param licence the licence as the source names it (a code, a title or a URL)
     * @param dspEndpoint for an offer: the exchange's DSP endpoint to negotiate with
     * @param offerId for an offer: the ODRL offer's identifier to name in the negotiation
     * @param terms for an offer: a summary of its policy (permissions, prohibitions, constraints)
     */
    public record Remote(
            long id,
            long sourceId,
            String sourceName,
            String remoteId,
            String kind,
            String licence,
            String landingUrl,
            String dspEndpoint,
            String offerId,
            String terms,
            Instant firstSeen,
            Instant lastSeen) {

        public boolean offer() {
            return "OFFER".equals(kind);
        }
    }

    /** Whether the entry was harvested from another portal or exchange. */
    public boolean remoteEntry() {
        return remote != null;
    }

    /** The newest version in the lake. */
    public record LatestVersion(int version, Instant createdAt, long rows, Double quality) {}

    /** The same entry with what other capabilities know: the publisher and the lake's newest version. */
    CatalogEntry with(String publisherName, String kind, LatestVersion latestVersion) {
        return new CatalogEntry(
                id,
                slug,
                dataset,
                orgId,
                publisherName,
                kind,
                titleVi,
                titleEn,
                descriptionVi,
                descriptionEn,
                contactName,
                contactEmail,
                themes,
                keywords,
                spatial,
                temporalStart,
                temporalEnd,
                frequency,
                licence,
                documentationUrl,
                importance,
                sharing,
                classificationReason,
                reviewStatus,
                reviewNote,
                status,
                publishedAt,
                createdAt,
                updatedAt,
                columns,
                latestVersion,
                remote);
    }

    /** The same entry with these columns. */
    CatalogEntry withColumns(List<Column> columns) {
        return new CatalogEntry(
                id,
                slug,
                dataset,
                orgId,
                publisher,
                publisherKind,
                titleVi,
                titleEn,
                descriptionVi,
                descriptionEn,
                contactName,
                contactEmail,
                themes,
                keywords,
                spatial,
                temporalStart,
                temporalEnd,
                frequency,
                licence,
                documentationUrl,
                importance,
                sharing,
                classificationReason,
                reviewStatus,
                reviewNote,
                status,
                publishedAt,
                createdAt,
                updatedAt,
                columns,
                latest,
                remote);
    }

    public boolean published() {
        return "PUBLISHED".equals(status);
    }

    public boolean open() {
        return published() && "open".equals(sharing);
    }

    public boolean core() {
        return "core".equals(importance);
    }

    /** Whether any column is (or may be) personal data. */
    public boolean personalData() {
        return columns.stream().anyMatch(Column::masked);
    }

    public List<Column> unconfirmedColumns() {
        return columns.stream().filter(Column::unconfirmed).toList();
    }

    /** Metadata anyone may read: published, not private, not core. */
    public boolean publicMetadata() {
        return published() && sharing != null && !"private".equals(sharing) && !core();
    }

    public String title(boolean english) {
        return english && titleEn != null && !titleEn.isBlank() ? titleEn : titleVi;
    }

    public String description(boolean english) {
        return english && descriptionEn != null && !descriptionEn.isBlank() ? descriptionEn : descriptionVi;
    }
}
