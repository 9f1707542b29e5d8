package vn.datafloor.server.harvest;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import vn.datafloor.server.catalog.RemoteCatalog;

/**
 * Reads another exchange's catalog over the Eclipse Dataspace Protocol 2025-1: a
 * {@code CatalogRequestMessage} POSTed to {@code <endpoint>/catalog/request}, answered by a
 * {@code Catalog} in compacted JSON-LD. Each offer ({@code hasPolicy}) of each dataset becomes an
 * entry naming the provider, a summary of the offer's terms, and the endpoint and offer id a buyer
 * negotiates with.
 */
final class DspReader {

    static final String CONTEXT = "https://w3id.org/dspace/2025/1/context.jsonld";

    static final String CATALOG_REQUEST = """
            {"@context": ["%s"], "@type": "CatalogRequestMessage", "filter": []}""".formatted(CONTEXT);

    private DspReader() {}

    /** The endpoint as registered, without a trailing '/' or a trailing catalog path. */
    static String endpoint(String url) {
        String e = url.strip();
        while (e.endsWith("/")) {
            e = e.substring(0, e.length() - 1);
        }
        if (e.endsWith("/catalog/request")) {
            e = e.substring(0, e.length() - "/catalog/request".length());
        }
        return e;
    }

    static Harvested read(SourceFetcher fetcher, String url, String publisher) {
        String endpoint = endpoint(url);
        byte[] body = fetcher.post(
                URI.create(endpoint + "/catalog/request"),
                CATALOG_REQUEST,
                "application/json",
                "application/json, application/ld+json");
        return records(
                fetcher.readJson(body), endpoint, publisher, fetcher.limits().maxRecords());
    }

    static Harvested records(JsonNode catalog, String endpoint, String publisher, int maxRecords) {
        String type = first(catalog, "@type", "type");
        if (type == null || !(type.equals("Catalog") || type.endsWith(":Catalog") || type.endsWith("#Catalog"))) {
            throw new HarvestException("The answer is not a DSP Catalog (its @type is "
                    + (type == null ? "missing" : CkanReader.clip(type, 60)) + ")");
        }
        String provider = first(catalog, "participantId", "dspace:participantId");
        List<RemoteCatalog.RemoteRecord> records = new ArrayList<>();
        int failed = 0;
        for (JsonNode ds : list(catalog, "dataset", "dcat:dataset")) {
            String id = first(ds, "@id", "id");
            String title = first(ds, "title", "dct:title", "http://purl.org/dc/terms/title");
            List<JsonNode> offers = list(ds, "hasPolicy", "odrl:hasPolicy");
            if (id == null || offers.isEmpty()) {
                failed++;
                continue;
            }
            List<String> keywords = new ArrayList<>();
            for (JsonNode k : list(ds, "keyword", "dcat:keyword")) {
                if (k.isValueNode() && keywords.size() < 30) {
                    keywords.add(CkanReader.clip(k.asString(), 60));
                }
            }
            for (JsonNode offer : offers) {
                String offerId = first(offer, "@id", "id");
                if (offerId == null) {
                    failed++;
                    continue;
                }
                if (records.size() >= maxRecords) {
                    return new Harvested(
                            records,
                            failed,
                            false,
                            "The catalog offers more than " + maxRecords + " products; nothing was removed");
                }
                records.add(new RemoteCatalog.RemoteRecord(
                        CkanReader.clip(id + " " + offerId, 500),
                        "OFFER",
                        CkanReader.clip(title != null ? title : id, 1000),
                        CkanReader.clip(first(ds, "description", "dct:description"), 20_000),
                        CkanReader.clip(provider != null ? provider : publisher, 300),
                        null,
                        null,
                        keywords,
                        null,
                        CkanReader.clip(endpoint, 1000),
                        CkanReader.clip(offerId, 500),
                        CkanReader.clip(terms(offer), 2000)));
            }
        }
        String note = failed == 0 ? null : failed + " dataset(s) or offer(s) without an id; nothing was removed";
        return new Harvested(records, failed, failed == 0, note);
    }

    /** "permission: use (spatial eq EU); prohibition: distribute; obligation: attribute". */
    static String terms(JsonNode offer) {
        List<String> parts = new ArrayList<>();
        for (String rule : List.of("permission", "prohibition", "obligation")) {
            for (JsonNode r : list(offer, rule, "odrl:" + rule)) {
                String action = first(r, "action", "odrl:action");
                StringBuilder part = new StringBuilder(rule + ": " + (action == null ? "?" : shortName(action)));
                List<String> constraints = new ArrayList<>();
                for (JsonNode c : list(r, "constraint", "odrl:constraint")) {
                    String left = first(c, "leftOperand", "odrl:leftOperand");
                    String op = first(c, "operator", "odrl:operator");
                    String right = first(c, "rightOperand", "odrl:rightOperand");
                    constraints.add(shortName(left) + " " + shortName(op) + " " + (right == null ? "?" : right));
                }
                if (!constraints.isEmpty()) {
                    part.append(" (").append(String.join(", ", constraints)).append(')');
                }
                parts.add(part.toString());
            }
        }
        return parts.isEmpty() ? "no rules stated" : String.join("; ", parts);
    }

    private static String shortName(String iri) {
        if (iri == null) {
            return "?";
        }
        int cut = Math.max(iri.lastIndexOf('/'), Math.max(iri.lastIndexOf('#'), iri.lastIndexOf(':')));
        return cut >= 0 && cut < iri.length() - 1 ? iri.substring(cut + 1) : iri;
    }

    /** The first of the fields present: a string, an {"@value"}/{"@id"} object, or the first of a list. */
    static String first(JsonNode node, String... fields) {
        for (String f : fields) {
            JsonNode v = node.get(f);
            if (v != null && v.isArray()) {
                v = v.isEmpty() ? null : v.get(0);
            }
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isObject()) {
                v = v.has("@value") ? v.get("@value") : v.get("@id");
            }
            if (v != null && v.isValueNode()) {
                String s = v.asString().strip();
                if (!s.isEmpty()) {
                    return s;
                }
            }
        }
        return null;
    }

    /** A field that holds one object or a list of them, as a list. */
    static List<JsonNode> list(JsonNode node, String... fields) {
        for (String f : fields) {
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) {
                continue;
            }
            List<JsonNode> out = new ArrayList<>();
            if (v.isArray()) {
                v.forEach(out::add);
            } else {
                out.add(v);
            }
            return out;
        }
        return List.of();
    }
}
