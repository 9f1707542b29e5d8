package vn.datafloor.server.harvest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The documents the harvest tests serve: a CKAN package_search, DCAT-AP Turtle and JSON-LD, a DSP catalog. */
final class CatalogDocuments {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CatalogDocuments() {}

    static Map<String, Object> ckanPackage(String id, String name, String title, String licence) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("name", name);
        p.put("title", title);
        p.put("notes", "Mô tả " + title);
        p.put("license_id", licence);
        p.put("metadata_modified", "2026-11-01T08:00:00.000000");
        p.put("organization", Map.of("title", "Sở Tài nguyên và Môi trường tỉnh Lâm Đồng"));
        p.put("tags", List.of(Map.of("name", "môi trường"), Map.of("name", "nước")));
        return p;
    }

    /** package_search's answer for rows/start in the query string, over the given packages. */
    static String ckanPage(List<Map<String, Object>> packages, String query) {
        int rows = Integer.parseInt(param(query, "rows", "10"));
        int start = Integer.parseInt(param(query, "start", "0"));
        List<Map<String, Object>> page = new ArrayList<>(
                packages.subList(Math.min(start, packages.size()), Math.min(start + rows, packages.size())));
        return JSON.writeValueAsString(
                Map.of("help", "x", "success", true, "result", Map.of("count", packages.size(), "results", page)));
    }

    static String param(String query, String name, String fallback) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return fallback;
    }

    static final String TURTLE = """
            @prefix dcat: <http://www.w3.org/ns/dcat#> .
            @prefix dct: <http://purl.org/dc/terms/> .
            @prefix foaf: <http://xmlns.com/foaf/0.1/> .
            @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

            <https://opendata.example.vn/catalog> a dcat:Catalog ;
                dcat:dataset <https://opendata.example.vn/dataset/chat-luong-khong-khi>, <https://opendata.example.vn/dataset/diem-truong> .

            <https://opendata.example.vn/dataset/chat-luong-khong-khi> a dcat:Dataset ;
                dct:title "Chất lượng không khí Hà Nội"@vi, "Air quality in Hanoi"@en ;
                dct:description "Chỉ số AQI theo giờ tại các trạm quan trắc."@vi ;
                dct:publisher [ a foaf:Agent ; foaf:name "Sở Tài nguyên và Môi trường Hà Nội"@vi ] ;
                dcat:keyword "không khí"@vi, "AQI" ;
                dct:modified "2026-10-30T00:00:00Z"^^xsd:dateTime ;
                dcat:landingPage <https://opendata.example.vn/dataset/chat-luong-khong-khi/page> ;
                dcat:distribution [ a dcat:Distribution ; dct:license <https://creativecommons.org/licenses/by/4.0/> ] .

            <https://opendata.example.vn/dataset/diem-truong> a dcat:Dataset ;
                dct:title "Điểm trường mầm non"@vi ;
                dct:license <http://opendatacommons.org/licenses/odbl/1-0/> .
            """;

    static final String JSON_LD = """
            {
              "@context": {
                "dcat": "http://www.w3.org/ns/dcat#",
                "dct": "http://purl.org/dc/terms/",
                "foaf": "http://xmlns.com/foaf/0.1/"
              },
              "@graph": [
                {
                  "@id": "https://soyte.example.vn/dataset/co-so-kham-chua-benh",
                  "@type": "dcat:Dataset",
                  "dct:title": {"@value": "Cơ sở khám chữa bệnh", "@language": "vi"},
                  "dct:description": "Danh sách cơ sở khám chữa bệnh được cấp phép.",
                  "dct:publisher": {"@id": "_:p", "foaf:name": "Sở Y tế"},
                  "dct:license": {"@id": "https://creativecommons.org/publicdomain/zero/1.0/"},
                  "dcat:keyword": ["y tế", "bệnh viện"]
                }
              ]
            }
            """;

    static String dspCatalog(String offerSuffix) {
        return """
                {
                  "@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],
                  "@id": "urn:uuid:catalog-lamdong",
                  "@type": "Catalog",
                  "participantId": "Sàn dữ liệu tỉnh Lâm Đồng",
                  "service": [{"@id": "urn:uuid:svc", "@type": "DataService", "endpointURL": "https://san.lamdong.example.vn/dsp"}],
                  "dataset": [
                    {
                      "@id": "urn:uuid:ds-gia-dat",
                      "@type": "Dataset",
                      "title": "Bảng giá đất tỉnh Lâm Đồng",
                      "description": "Giá đất theo thửa, cập nhật hằng năm.",
                      "keyword": ["đất đai"],
                      "hasPolicy": [
                        {
                          "@id": "urn:uuid:offer-gia-dat-%s",
                          "@type": "Offer",
                          "permission": [{"action": "use", "constraint": [{"leftOperand": "spatial", "operator": "eq", "rightOperand": "VN"}]}],
                          "prohibition": [{"action": "distribute"}]
                        }
                      ],
                      "distribution": [{"@type": "Distribution", "format": "HttpData-PULL", "accessService": "urn:uuid:svc"}]
                    }
                  ]
                }
                """.formatted(offerSuffix);
    }
}
