package vn.datafloor.server.catalog;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Catalog entries as CKAN 2.10 dictionaries: package, resource, organization, group and tag.
 *
 * <p>Identifiers: CKAN's are UUIDs, and clients (harvesters above all) keep them. Each is derived
 * from what does not change, a name-based UUID of the entry's (organisation's, theme's, tag's)
 * identity, so it is the same on every call and never reveals how many unpublished entries exist.
 * Names: the package name is the catalog slug, the organisation name its name folded to a CKAN
 * slug ("Cục Quản lý thị trường" → {@code cuc-quan-ly-thi-truong}), the group name the theme code.
 */
final class CkanPackages {

    /** CKAN's timestamps: UTC, no zone, microseconds. */
    static final DateTimeFormatter CKAN_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private static final Map<String, String> MIME_TYPES =
            Map.of("csv", "text/csv", "parquet", "application/vnd.apache.parquet", "json", "application/json");

    private final String siteUrl;

    /** @param siteUrl the public address, without a trailing slash */
    CkanPackages(String siteUrl) {
        this.siteUrl = siteUrl;
    }

    // ------------------------------------------------------------------ identities

    static String packageId(CatalogEntry e) {
        return uuid("dataset:" + e.id());
    }

    static String organizationId(long orgId) {
        return uuid("organisation:" + orgId);
    }

    static String groupId(CatalogVocabulary.Theme theme) {
        return uuid("theme:" + theme.code());
    }

    static String tagId(String tag) {
        return uuid("tag:" + Normalizer.normalize(tag, Normalizer.Form.NFC));
    }

    static String resourceId(CatalogEntry e, String format) {
        return uuid("dataset:" + e.id() + ":" + format);
    }

    private static String uuid(String identity) {
        return derivedOnce(UUIDS, 200_000, identity, CkanPackages::deriveUuid);
    }

    /**
     * Name-based ids by identity: a package of a page derived eight or so (itself, its resources, tags,
     * groups, organisation), each an MD5 with a digest looked up anew.
     */
    private static final java.util.concurrent.ConcurrentMap<String, String> UUIDS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static String deriveUuid(String identity) {
        return UUID.nameUUIDFromBytes(("datafloor:" + identity).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** An organisation's CKAN name: lower-case ASCII letters, digits and '-', from its name. */
    static String organizationName(String publisher) {
        return derivedOnce(
                ORGANIZATION_NAMES, 10_000, publisher == null ? "" : publisher, CkanPackages::deriveOrganizationName);
    }

    /** A value derived from {@code key} and kept; past {@code bound} keys, all are forgotten and derived again at will. */
    private static String derivedOnce(
            java.util.concurrent.ConcurrentMap<String, String> kept,
            int bound,
            String key,
            Function<String, String> derive) {
        if (kept.size() > bound) {
            kept.clear(); // a bound, not a policy
        }
        return kept.computeIfAbsent(key, derive);
    }

    /** Names by publisher: every package of a page derives its publisher's name, by folding and two regexes. */
    private static final java.util.concurrent.ConcurrentMap<String, String> ORGANIZATION_NAMES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static String deriveOrganizationName(String publisher) {
        String slug = CkanQuery.fold(publisher == null ? "" : publisher)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (slug.length() > 100) {
            slug = slug.substring(0, 100).replaceAll("-+$", "");
        }
        return slug.length() < 2 ? "org-" + slug : slug;
    }

    static String time(Instant instant) {
        if (instant == null) {
            return null;
        }
        // yyyy-MM-ddTHH:mm:ss.SSSSSS in UTC, as CKAN_TIME formats it, without the formatter's generic
        // field walk (a package writes nine of these).
        java.time.LocalDateTime t =
                java.time.LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 1000 || year > 9999) {
            return CKAN_TIME.format(instant);
        }
        StringBuilder b = new StringBuilder(26).append(year).append('-');
        two(b, t.getMonthValue()).append('-');
        two(b, t.getDayOfMonth()).append('T');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append('.');
        String micros = Integer.toString(t.getNano() / 1000);
        b.append("000000", 0, 6 - micros.length()).append(micros);
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int value) {
        return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    String datasetPage(CatalogEntry e) {
        return siteUrl + "/catalog/datasets/" + e.slug();
    }

    String downloadUrl(CatalogEntry e, String format) {
        return datasetPage(e) + "/download?format=" + format;
    }

    // ------------------------------------------------------------------ organisations

    /** A publisher of public entries, as a CKAN organization. */
    record Organization(long orgId, String id, String name, String title, int packageCount) {}

    /** The organisations publishing the given (public) entries; each lookup accepts a CKAN name or id. */
    static final class Organizations {
        private final List<Organization> all;

        /** @param all oldest first (by organisation id) */
        Organizations(List<Organization> all) {
            this.all = all;
        }

        List<Organization> all() {
            return all;
        }

        /**
         * By id, else by name. Two organisations whose names differ only in diacritics, case or
         * punctuation would share a CKAN name (names are unique, so this is unlikely); the older one is found.
         */
        Optional<Organization> find(String idOrName) {
            if (idOrName == null) {
                return Optional.empty();
            }
            String key = idOrName.strip();
            return all.stream()
                    .filter(o -> o.id().equals(key))
                    .findFirst()
                    .or(() -> all.stream().filter(o -> o.name().equals(key)).findFirst());
        }

        /** The publisher names (index facet values) an organisation clause means: by id one, by name all that share it. */
        List<String> publishersOf(String idOrName) {
            String key = idOrName == null ? "" : idOrName.strip();
            List<String> byId = all.stream()
                    .filter(o -> o.id().equals(key))
                    .map(Organization::title)
                    .toList();
            return byId.isEmpty()
                    ? all.stream()
                            .filter(o -> o.name().equals(key))
                            .map(Organization::title)
                            .toList()
                    : byId;
        }
    }

    Map<String, Object> organizationDict(Organization o, Instant created, List<Map<String, Object>> packages) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", o.id());
        d.put("name", o.name());
        d.put("title", o.title());
        d.put("display_name", o.title());
        d.put("description", "");
        d.put("type", "organization");
        d.put("is_organization", true);
        d.put("state", "active");
        d.put("approval_status", "approved");
        d.put("image_url", "");
        d.put("image_display_url", "");
        d.put("created", time(created));
        d.put("package_count", o.packageCount());
        withMembers(d, packages);
        return d;
    }

    /** organization_show and group_show with their datasets: CKAN adds the member lists, empty here. */
    private static void withMembers(Map<String, Object> d, List<Map<String, Object>> packages) {
        if (packages != null) {
            d.put("packages", packages);
            d.put("extras", List.of());
            d.put("groups", List.of());
            d.put("tags", List.of());
            d.put("users", List.of());
        }
    }

    /** The organisation as embedded in a package (CKAN leaves out the counts there). */
    private Map<String, Object> packageOrganization(CatalogEntry e, Instant created) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", organizationId(e.orgId()));
        d.put("name", organizationName(e.publisher()));
        d.put("title", e.publisher());
        d.put("type", "organization");
        d.put("description", "");
        d.put("image_url", "");
        d.put("created", time(created));
        d.put("is_organization", true);
        d.put("approval_status", "approved");
        d.put("state", "active");
        return d;
    }

    // ------------------------------------------------------------------ groups and tags

    Map<String, Object> groupDict(
            CatalogVocabulary.Theme theme, Integer packageCount, List<Map<String, Object>> packages) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", groupId(theme));
        d.put("name", theme.code());
        d.put("title", theme.vi());
        d.put("display_name", theme.vi());
        d.put("description", theme.en());
        d.put("type", "group");
        d.put("is_organization", false);
        d.put("state", "active");
        d.put("approval_status", "approved");
        d.put("image_url", "");
        d.put("image_display_url", "");
        if (packageCount != null) {
            d.put("package_count", packageCount);
        }
        withMembers(d, packages);
        return d;
    }

    private static Map<String, Object> packageGroup(CatalogVocabulary.Theme theme) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", groupId(theme));
        d.put("name", theme.code());
        d.put("title", theme.vi());
        d.put("display_name", theme.vi());
        d.put("description", theme.en());
        d.put("image_display_url", "");
        return d;
    }

    static Map<String, Object> tagDict(String tag) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", tagId(tag));
        d.put("name", tag);
        d.put("display_name", tag);
        d.put("state", "active");
        d.put("vocabulary_id", null);
        return d;
    }

    // ------------------------------------------------------------------ packages

    /** Formats offered: open data downloads in each; other data is reached through the exchange, as Parquet. */
    static List<String> formats(CatalogEntry e) {
        return e.open() ? CatalogVocabulary.FORMATS : List.of("parquet");
    }

    /**
     * The package dictionary of CKAN 2.10's {@code package_show}.
     *
     * @param orgCreated when the publishing organisation was created, or null
     */
    Map<String, Object> packageDict(CatalogEntry e, Instant orgCreated) {
        Optional<CatalogVocabulary.Licence> licence = CatalogVocabulary.Licence.ofCode(e.licence());
        String id = packageId(e);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id);
        d.put("name", e.slug());
        d.put("title", e.titleVi());
        d.put("notes", e.descriptionVi());
        d.put("url", datasetPage(e));
        d.put("version", e.latest() == null ? null : Integer.toString(e.latest().version()));
        d.put("author", e.publisher());
        d.put("author_email", null);
        d.put("maintainer", e.contactName());
        d.put("maintainer_email", e.contactEmail());
        d.put("license_id", e.licence());
        d.put("license_title", licence.map(l -> l.label(false)).orElse(e.licence()));
        d.put("license_url", licence.map(CatalogVocabulary.Licence::url).orElse(null));
        d.put("isopen", licence.map(CatalogVocabulary.Licence::open).orElse(false));
        d.put("private", false);
        d.put("state", "active");
        d.put("type", "dataset");
        d.put("creator_user_id", null);
        d.put("metadata_created", time(e.createdAt()));
        d.put("metadata_modified", time(e.updatedAt()));
        d.put("owner_org", organizationId(e.orgId()));
        d.put("organization", packageOrganization(e, orgCreated));
        List<Map<String, Object>> tags =
                e.keywords().stream().map(CkanPackages::tagDict).toList();
        d.put("tags", tags);
        d.put("num_tags", tags.size());
        d.put(
                "groups",
                e.themes().stream()
                        .map(CatalogVocabulary.Theme::ofCode)
                        .flatMap(Optional::stream)
                        .map(CkanPackages::packageGroup)
                        .toList());
        List<Map<String, Object>> resources = resources(e, id);
        d.put("resources", resources);
        d.put("num_resources", resources.size());
        d.put("extras", extras(e));
        d.put("relationships_as_object", List.of());
        d.put("relationships_as_subject", List.of());
        return d;
    }

    private List<Map<String, Object>> resources(CatalogEntry e, String packageId) {
        List<Map<String, Object>> resources = new ArrayList<>();
        Instant created = e.latest() == null ? e.createdAt() : e.latest().createdAt();
        String version = e.latest() == null ? "" : " v" + e.latest().version();
        int position = 0;
        for (String format : formats(e)) {
            Map<String, Object> r = new LinkedHashMap<>();
            String upper = format.toUpperCase(Locale.ROOT);
            r.put("id", resourceId(e, format));
            r.put("package_id", packageId);
            if (e.open()) {
                r.put("name", e.slug() + "." + format);
                r.put(
                        "description",
                        "Phiên bản mới nhất" + version + ", định dạng " + upper + " (latest version, " + upper + ")");
                r.put("url", downloadUrl(e, format));
            } else {
                r.put("name", e.slug() + " (" + upper + ")");
                r.put(
                        "description",
                        "Dữ liệu chia sẻ có điều kiện: đề nghị truy cập trên sàn dữ liệu"
                                + " (shared on conditions: request access on the exchange)");
                r.put("url", datasetPage(e));
            }
            r.put("format", upper);
            r.put("mimetype", MIME_TYPES.get(format));
            r.put("mimetype_inner", null);
            r.put("size", null);
            r.put("hash", "");
            r.put("created", time(created));
            r.put("last_modified", time(created));
            r.put("metadata_modified", time(e.updatedAt()));
            r.put("position", position++);
            r.put("state", "active");
            r.put("url_type", null);
            r.put("resource_type", null);
            r.put("cache_url", null);
            r.put("cache_last_updated", null);
            r.put("datastore_active", false);
            resources.add(r);
        }
        return resources;
    }

    /**
     * What CKAN has no field for. Key names follow ckanext-dcat where it has one; the units covered are
     * {@code spatial_text}, as {@code spatial} is read as GeoJSON by ckanext-spatial and would break a harvest.
     */
    static List<Map<String, Object>> extras(CatalogEntry e) {
        Map<String, String> extras = new LinkedHashMap<>();
        extras.put("importance", e.importance());
        extras.put("sharing", e.sharing());
        extras.put("frequency", e.frequency());
        extras.put("spatial_text", e.spatial().isEmpty() ? null : String.join(",", e.spatial()));
        extras.put(
                "temporal_start",
                e.temporalStart() == null ? null : e.temporalStart().toString());
        extras.put(
                "temporal_end", e.temporalEnd() == null ? null : e.temporalEnd().toString());
        extras.put("personal_data", Boolean.toString(e.personalData()));
        extras.put(
                "quality",
                e.latest() == null || e.latest().quality() == null
                        ? null
                        : String.format(Locale.ROOT, "%.1f", e.latest().quality()));
        extras.put("title_en", blankToNull(e.titleEn()));
        extras.put("notes_en", blankToNull(e.descriptionEn()));
        extras.put("documentation_url", blankToNull(e.documentationUrl()));
        extras.put("language", "vi");
        List<Map<String, Object>> list = new ArrayList<>();
        extras.forEach((key, value) -> {
            if (value != null) {
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("key", key);
                extra.put("value", value);
                list.add(extra);
            }
        });
        return list;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    // ------------------------------------------------------------------ values for filters and facets

    /** CKAN facet field → the index facet it is counted from. */
    static final Map<String, String> FACETS = Map.of(
            "organization",
            "publisher",
            "tags",
            "keyword",
            "groups",
            "theme",
            "res_format",
            "format",
            "license_id",
            "licence",
            "importance",
            "importance",
            "sharing",
            "sharing");

    /** The CKAN value of an index facet value (organisation name from publisher, upper-case format). */
    static String facetValue(String field, String indexValue) {
        return switch (field) {
            case "organization" -> organizationName(indexValue);
            case "res_format" -> indexValue.toUpperCase(Locale.ROOT);
            default -> indexValue;
        };
    }

    /** How a facet value is shown: the organisation's, theme's or licence's title, else the value itself. */
    static String displayName(String field, String value, Function<String, Optional<String>> organizationTitle) {
        return switch (field) {
            case "organization" -> organizationTitle.apply(value).orElse(value);
            case "groups" ->
                CatalogVocabulary.Theme.ofCode(value)
                        .map(CatalogVocabulary.Theme::vi)
                        .orElse(value);
            case "license_id" ->
                CatalogVocabulary.Licence.ofCode(value).map(l -> l.label(false)).orElse(value);
            default -> value;
        };
    }

    /** Counts in CKAN's order: most first, then by value. */
    static final Comparator<Map.Entry<String, Long>> FACET_ORDER =
            Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());
}
