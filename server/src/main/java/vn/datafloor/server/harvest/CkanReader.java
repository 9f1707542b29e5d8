package vn.datafloor.server.harvest;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import vn.datafloor.server.catalog.RemoteCatalog;

/**
 * Reads a CKAN portal through its action API: {@code package_search} page by page in a stable order
 * (by id), until the count it reported is read or the entry limit is reached.
 */
final class CkanReader {

    private CkanReader() {}

    /** The portal's base address from what the operator gave: the site, or its package_search URL. */
    static String base(String url) {
        String base = url.strip();
        int api = base.indexOf("/api/");
        if (api > 0) {
            base = base.substring(0, api);
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    static Harvested read(SourceFetcher fetcher, String url, String publisher) {
        String base = base(url);
        HarvestLimits limits = fetcher.limits();
        List<RemoteCatalog.RemoteRecord> records = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int failed = 0;
        long count = -1;
        int start = 0;
        while (true) {
            int rows = (int) Math.min(limits.pageSize(), limits.maxRecords() - start);
            URI page = URI.create(base + "/api/3/action/package_search?sort=id%20asc&rows=" + rows + "&start=" + start);
            JsonNode answer = fetcher.readJson(fetcher.get(page, "application/json"));
            if (!answer.path("success").asBoolean(false)
                    || !answer.path("result").isObject()) {
                throw new HarvestException("The CKAN API did not answer success with a result");
            }
            JsonNode result = answer.get("result");
            if (count < 0) {
                count = result.path("count").asLong(-1);
                if (count < 0) {
                    throw new HarvestException("The CKAN answer has no count of packages");
                }
            }
            JsonNode results = result.path("results");
            if (!results.isArray()) {
                throw new HarvestException("The CKAN answer has no list of packages");
            }
            for (JsonNode p : results) {
                RemoteCatalog.RemoteRecord record = record(p, base, publisher);
                if (record == null) {
                    failed++;
                } else if (ids.add(record.remoteId())) {
                    records.add(record);
                }
            }
            start += results.size();
            if (results.isEmpty() || start >= count) {
                break;
            }
            if (start >= limits.maxRecords()) {
                return new Harvested(
                        records,
                        failed,
                        false,
                        "The portal lists " + count + " packages; only the first " + limits.maxRecords()
                                + " were read and nothing was removed");
            }
        }
        // Packages added or deleted while paging shift the pages: read again next time rather than remove.
        boolean whole = failed == 0 && ids.size() + failed >= count;
        String note = whole
                ? null
                : failed > 0
                        ? failed + " package(s) without an id or a title could not be read; nothing was removed"
                        : "The portal changed while it was read (" + ids.size() + " of " + count
                                + " packages); nothing was removed";
        return new Harvested(records, failed, whole, note);
    }

    static RemoteCatalog.RemoteRecord record(JsonNode p, String base, String publisher) {
        String id = text(p, "id");
        String title = text(p, "title");
        String name = text(p, "name");
        if (id == null || (title == null && name == null)) {
            return null;
        }
        List<String> keywords = new ArrayList<>();
        for (JsonNode tag : p.path("tags")) {
            String t = text(tag, "name");
            if (t != null && keywords.size() < 30) {
                keywords.add(clip(t, 60));
            }
        }
        String org = p.path("organization").isObject() ? text(p.get("organization"), "title") : null;
        String licence = text(p, "license_url") != null ? text(p, "license_url") : text(p, "license_id");
        return new RemoteCatalog.RemoteRecord(
                clip(id, 500),
                "DATASET",
                clip(title != null ? title : name, 1000),
                clip(text(p, "notes"), 20_000),
                clip(org != null ? org : publisher, 300),
                clip(licence, 500),
                name == null ? null : clip(base + "/dataset/" + name, 2000),
                keywords,
                instant(text(p, "metadata_modified")),
                null,
                null,
                null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isValueNode() || v.isNull()) {
            return null;
        }
        String s = v.asString().strip();
        return s.isEmpty() ? null : s;
    }

    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** CKAN's timestamps are UTC without a zone ("2024-05-01T08:30:00.123456"). */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")
                    ? java.time.OffsetDateTime.parse(text).toInstant()
                    : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
