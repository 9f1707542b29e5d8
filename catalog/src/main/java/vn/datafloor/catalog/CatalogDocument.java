package vn.datafloor.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the search index knows of one dataset: the words people search for and the values they
 * narrow results by.
 *
 * @param id the dataset's stable name in the catalog (CKAN-style slug)
 * @param columns column names and their descriptions, searchable like keywords
 * @param audiences who may find it: {@link CatalogQuery#PUBLIC} and/or {@code "org:<id>"} of its owner
 * @param quality latest overall quality score 0–100, or NaN when unknown
 * @param created when the description was created, or null
 * @param alternateId a second stable identifier it is filtered and ordered by (the CKAN package id), or null
 * @param publisherId the publishing organisation's identifier (the hidden {@link CatalogQuery#PUBLISHER_ID}
 *     facet), or null
 */
public record CatalogDocument(
        String id,
        String title,
        String titleEn,
        String description,
        String descriptionEn,
        String publisher,
        List<String> themes,
        List<String> keywords,
        List<String> columns,
        String importance,
        String sharing,
        boolean personalData,
        List<String> formats,
        String licence,
        String priceType,
        Instant modified,
        double quality,
        Set<String> audiences,
        Instant created,
        String alternateId,
        String publisherId) {

    public CatalogDocument {
        themes = List.copyOf(themes);
        keywords = List.copyOf(keywords);
        columns = List.copyOf(columns);
        formats = List.copyOf(formats);
        audiences = Set.copyOf(audiences);
    }

    /** Without a creation time, second identifier or publisher id. */
    public CatalogDocument(
            String id,
            String title,
            String titleEn,
            String description,
            String descriptionEn,
            String publisher,
            List<String> themes,
            List<String> keywords,
            List<String> columns,
            String importance,
            String sharing,
            boolean personalData,
            List<String> formats,
            String licence,
            String priceType,
            Instant modified,
            double quality,
            Set<String> audiences) {
        this(
                id,
                title,
                titleEn,
                description,
                descriptionEn,
                publisher,
                themes,
                keywords,
                columns,
                importance,
                sharing,
                personalData,
                formats,
                licence,
                priceType,
                modified,
                quality,
                audiences,
                null,
                null,
                null);
    }
}
