package vn.datafloor.server.catalog;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.reference.AdminUnits;

/**
 * A dataset as a schema.org {@code Dataset} in JSON-LD (https://schema.org/Dataset), the form search
 * engines read from a page. The dataset page embeds it in a {@code <script type="application/ld+json">}
 * element, whose content ends at the first {@code </script>} whatever JSON thinks: so {@code <},
 * {@code >} and {@code &} are written as JSON escapes, and no description can close the element.
 */
public final class SchemaOrgDataset {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SchemaOrgDataset() {}

    /** The entry's schema.org description, safe to place inside a script element. */
    public static String jsonLd(CatalogEntry entry, String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        String url = DcatExport.datasetIri(base, entry.slug());
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("@context", "https://schema.org");
        dataset.put("@type", "Dataset");
        dataset.put("@id", url);
        dataset.put("name", entry.titleVi());
        if (present(entry.titleEn())) {
            dataset.put("alternateName", entry.titleEn());
        }
        dataset.put("description", entry.descriptionVi());
        dataset.put("url", url);
        dataset.put("identifier", entry.slug());
        if (!entry.keywords().isEmpty()) {
            dataset.put("keywords", entry.keywords());
        }
        CatalogVocabulary.Licence.ofCode(entry.licence()).ifPresent(l -> dataset.put("license", l.url()));
        Map<String, Object> organisation = organisation(entry, base);
        dataset.put("creator", organisation);
        dataset.put("publisher", organisation);
        List<Map<String, Object>> places = places(entry);
        if (!places.isEmpty()) {
            dataset.put("spatialCoverage", places);
        }
        if (entry.temporalStart() != null || entry.temporalEnd() != null) {
            // ISO 8601 intervals; ".." leaves an end open.
            dataset.put(
                    "temporalCoverage",
                    (entry.temporalStart() == null
                                    ? ".."
                                    : entry.temporalStart().toString()) + "/"
                            + (entry.temporalEnd() == null
                                    ? ".."
                                    : entry.temporalEnd().toString()));
        }
        if (entry.publishedAt() != null) {
            dataset.put(
                    "datePublished",
                    entry.publishedAt().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        java.time.Instant modified = DcatExport.lastChange(entry);
        if (modified != null) {
            dataset.put("dateModified", modified.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        if (entry.latest() != null) {
            dataset.put("version", Integer.toString(entry.latest().version()));
        }
        dataset.put("isAccessibleForFree", entry.open());
        dataset.put("inLanguage", "vi");
        if (entry.open()) {
            List<Map<String, Object>> downloads = new ArrayList<>();
            for (String format : CatalogVocabulary.FORMATS) {
                Map<String, Object> download = new LinkedHashMap<>();
                download.put("@type", "DataDownload");
                download.put("encodingFormat", DcatExport.FILE_TYPES.get(format).mediaType());
                download.put("contentUrl", DcatExport.downloadUrl(base, entry.slug(), format));
                downloads.add(download);
            }
            dataset.put("distribution", downloads);
        }
        List<Map<String, Object>> variables = new ArrayList<>();
        for (CatalogEntry.Column column : entry.columns()) {
            Map<String, Object> variable = new LinkedHashMap<>();
            variable.put("@type", "PropertyValue");
            variable.put("name", column.name());
            if (present(column.descriptionVi())) {
                variable.put("description", column.descriptionVi());
            }
            if (present(column.unit())) {
                variable.put("unitText", column.unit());
            }
            variables.add(variable);
        }
        if (!variables.isEmpty()) {
            dataset.put("variableMeasured", variables);
        }
        Map<String, Object> catalog = new LinkedHashMap<>();
        catalog.put("@type", "DataCatalog");
        catalog.put("name", "Datafloor");
        catalog.put("url", base + "/catalog");
        dataset.put("includedInDataCatalog", catalog);
        return scriptSafe(JSON.writeValueAsString(dataset));
    }

    private static Map<String, Object> organisation(CatalogEntry entry, String base) {
        Map<String, Object> organisation = new LinkedHashMap<>();
        organisation.put("@type", "Organization");
        organisation.put("@id", base + "/organisations/" + entry.orgId());
        organisation.put("name", entry.publisher());
        if (present(entry.contactEmail())) {
            Map<String, Object> contact = new LinkedHashMap<>();
            contact.put("@type", "ContactPoint");
            contact.put("contactType", "data steward");
            if (present(entry.contactName())) {
                contact.put("name", entry.contactName());
            }
            contact.put("email", entry.contactEmail());
            organisation.put("contactPoint", contact);
        }
        return organisation;
    }

    private static List<Map<String, Object>> places(CatalogEntry entry) {
        AdminUnits units = AdminUnits.builtIn();
        List<Map<String, Object>> places = new ArrayList<>();
        for (String code : entry.spatial()) {
            Map<String, Object> place = new LinkedHashMap<>();
            place.put("@type", "Place");
            place.put("name", DcatExport.unitName(units, code));
            places.add(place);
        }
        return places;
    }

    /**
     * JSON text that cannot end or open anything inside an HTML script element. The three characters
     * occur in JSON text only inside strings, where the escape means the same character.
     */
    static String scriptSafe(String json) {
        StringBuilder out = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                // Line and paragraph separators end a line in JavaScript; harmless in JSON, escaped anyway.
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
