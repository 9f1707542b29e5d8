package vn.datafloor.policy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests and world states as plain JSON, for the command line and tests:
 *
 * <pre>
 * {"assignee": "...", "action": "read", "target": "...", "purpose": "df:creditScoring",
 *  "spatial": ["http://www.wikidata.org/entity/Q1858", "http://www.wikidata.org/entity/Q881"],
 *  "df:crossBorder": false, "payAmount": 1000000}
 * {"now": "2027-06-01T10:00:00+07:00", "agreementStart": "...", "counts": {"play": 3}, "fulfilled": ["..."]}
 * </pre>
 */
public final class RequestJson {

    private static final int MAX_CHARS = 100_000;
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(8)
                            .maxDocumentLength(MAX_CHARS)
                            .build())
                    .build())
            .build();

    private RequestJson() {}

    public static Request readRequest(String json) {
        JsonNode root = parse(json);
        List<String> problems = new ArrayList<>();
        String assignee = null;
        String action = null;
        String target = null;
        Map<String, List<String>> operands = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            String path = "$." + key;
            switch (key) {
                case "assignee" -> assignee = text(v, path, problems);
                case "action" -> action = text(v, path, problems);
                case "target" -> target = text(v, path, problems);
                default -> {
                    String operand = Terms.compact(key);
                    if (!Terms.LEFT_OPERANDS.contains(operand) && !Terms.isIri(operand)) {
                        problems.add(path + ": unknown property (expected assignee, action, target or a left operand"
                                + " such as " + new java.util.TreeSet<>(Terms.LEFT_OPERANDS) + ")");
                        continue;
                    }
                    List<String> values = new ArrayList<>();
                    if (v.isArray()) {
                        for (int i = 0; i < v.size(); i++) {
                            values.add(text(v.get(i), path + "[" + i + "]", problems));
                        }
                    } else {
                        values.add(text(v, path, problems));
                    }
                    operands.put(operand, values);
                }
            }
        }
        if (action == null) {
            problems.add("$.action: missing");
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return new Request(assignee, Terms.compact(action), target, operands);
    }

    public static WorldState readState(String json) {
        JsonNode root = parse(json);
        List<String> problems = new ArrayList<>();
        Instant now = null;
        Instant start = null;
        Map<String, Long> counts = new HashMap<>();
        Set<String> fulfilled = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String path = "$." + e.getKey();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "now" -> now = instant(v, path, problems);
                case "agreementStart" -> start = instant(v, path, problems);
                case "counts" -> {
                    if (!v.isObject()) {
                        problems.add(path + ": expected an object of rule uid or action to count");
                    } else {
                        for (Map.Entry<String, JsonNode> c : v.properties()) {
                            if (c.getValue().isIntegralNumber() && c.getValue().longValue() >= 0) {
                                counts.put(c.getKey(), c.getValue().longValue());
                            } else {
                                problems.add(path + "." + c.getKey() + ": expected a count (a whole number ≥ 0)");
                            }
                        }
                    }
                }
                case "fulfilled" -> {
                    if (!v.isArray()) {
                        problems.add(path + ": expected an array of duty uids or actions");
                    } else {
                        for (int i = 0; i < v.size(); i++) {
                            fulfilled.add(text(v.get(i), path + "[" + i + "]", problems));
                        }
                    }
                }
                default -> problems.add(path + ": unknown property (expected now, agreementStart, counts, fulfilled)");
            }
        }
        if (now == null && problems.isEmpty()) {
            problems.add("$.now: missing");
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return new WorldState(now, start, counts, fulfilled);
    }

    private static JsonNode parse(String json) {
        if (json.length() > MAX_CHARS) {
            throw new PolicyException(List.of("$: over the limit of " + MAX_CHARS + " characters"));
        }
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) {
                throw new PolicyException(List.of("$: expected a JSON object"));
            }
            return root;
        } catch (JacksonException e) {
            throw new PolicyException(List.of("$: not valid JSON: " + e.getOriginalMessage()));
        }
    }

    private static String text(JsonNode v, String path, List<String> problems) {
        if (v.isString() || v.isNumber() || v.isBoolean()) {
            return v.asString();
        }
        if (v.isObject() && v.has("@id") && v.get("@id").isString()) {
            return v.get("@id").stringValue();
        }
        problems.add(path + ": expected a string, number, boolean or {\"@id\": ...}");
        return "";
    }

    private static Instant instant(JsonNode v, String path, List<String> problems) {
        try {
            return OffsetDateTime.parse(v.asString()).toInstant();
        } catch (DateTimeException e) {
            problems.add(path + ": expected a date-time with offset, e.g. 2027-06-01T10:00:00+07:00");
            return null;
        }
    }
}
