package vn.datafloor.server.dsp;

import java.util.List;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dataspace Protocol messages as JSON-LD compacted with the DSP 2025-1 context, which the protocol makes
 * every message use: a message is read as that compacted form (its {@code @context} must name the DSP
 * context, its {@code @type} the message expected), within limits on size and depth, since it comes from
 * another connector. Messages written carry the same context and only its terms, or full IRIs.
 */
final class DspJson {

    static final String CONTEXT = "https://w3id.org/dspace/2025/1/context.jsonld";
    static final String NAMESPACE = "https://w3id.org/dspace/2025/1/";
    static final String VERSION = "2025-1";

    /** A message is small; catalogs and policies are the largest, and Datafloor's offers stay far below this. */
    static final int MAX_BYTES = 1_000_000;

    static final int MAX_DEPTH = 32;

    static final String ODRL_NS = "http://www.w3.org/ns/odrl/2/";
    static final String DF_NS = "https://datafloor.vn/odrl/profile#";

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxDocumentLength(MAX_BYTES)
                            .maxStringLength(MAX_BYTES)
                            .build())
                    .build())
            .build();

    private DspJson() {}

    /**
     * Reads a message of one of {@code types}; refuses (400) anything else with the reason, never echoing
     * the message.
     */
    static ObjectNode read(byte[] body, String... types) {
        if (body == null || body.length == 0) {
            throw DspException.badRequest("The message is empty");
        }
        if (body.length > MAX_BYTES) {
            throw DspException.badRequest("The message is larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (RuntimeException e) {
            throw DspException.badRequest("The message is not JSON within the limits (depth " + MAX_DEPTH + ")");
        }
        if (!(root instanceof ObjectNode message)) {
            throw DspException.badRequest("The message is not a JSON object");
        }
        if (!namesContext(message.get("@context"))) {
            throw DspException.badRequest("The message's @context must include " + CONTEXT);
        }
        String type = text(message, "@type");
        if (type == null || !List.of(types).contains(type)) {
            throw DspException.badRequest("Expected a message of type " + String.join(" or ", types));
        }
        return message;
    }

    private static boolean namesContext(JsonNode context) {
        if (context == null) {
            return false;
        }
        if (context.isString()) {
            return CONTEXT.equals(context.asString());
        }
        if (context.isArray()) {
            for (JsonNode item : context) {
                if (item.isString() && CONTEXT.equals(item.asString())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A string property (its value, or the {@code @id} or {@code @value} of an object); null when absent. */
    static String text(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isArray() && value.size() == 1) {
            value = value.get(0);
        }
        if (value.isObject()) {
            value = value.has("@id") ? value.get("@id") : value.get("@value");
        }
        if (value == null || !value.isValueNode()) {
            return null;
        }
        String text = value.asString().strip();
        return text.isEmpty() ? null : text;
    }

    /** A required string property of at most {@code max} characters. */
    static String required(JsonNode node, String name, int max) {
        String value = text(node, name);
        if (value == null) {
            throw DspException.badRequest("The message lacks " + name);
        }
        if (value.length() > max) {
            throw DspException.badRequest(name + " is longer than " + max + " characters");
        }
        return value;
    }

    static ObjectNode message(String type) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.putArray("@context").add(CONTEXT);
        message.put("@type", type);
        return message;
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    static byte[] bytes(JsonNode node) {
        return JSON.writeValueAsBytes(node);
    }

    static String string(JsonNode node) {
        return JSON.writeValueAsString(node);
    }

    static JsonNode parse(String text) {
        return JSON.readTree(text);
    }
}
