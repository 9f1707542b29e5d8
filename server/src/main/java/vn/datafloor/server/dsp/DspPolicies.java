package vn.datafloor.server.dsp;

import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The exchange's ODRL offers written in the protocol's terms, and the ids by which the protocol names
 * Datafloor's products, offers and agreements. An offer's rules are the exchange's own (the same document
 * the buyer sees on the exchange); only their form changes: the DSP context has no {@code df:} prefix, so
 * the Datafloor profile's terms are written as full IRIs.
 */
final class DspPolicies {

    static final String DATASET = "urn:datafloor:product:";
    static final String OFFER = "urn:datafloor:offer:";
    static final String AGREEMENT = "urn:datafloor:agreement:";

    /** The HTTP-pull distribution: the agreement's rows through the delivery REST API. */
    static final String HTTP_PULL = "HttpData-PULL";

    static final String HTTP_ENDPOINT_TYPE = "https://w3id.org/idsa/v4.1/HTTP";

    private DspPolicies() {}

    /** The number an id of ours carries ({@code urn:datafloor:offer:12} → 12), or null when it is not ours. */
    static Long number(String prefix, String id) {
        if (id == null || !id.startsWith(prefix)) {
            return null;
        }
        String digits = id.substring(prefix.length());
        if (!digits.matches("\\d{1,18}")) {
            return null;
        }
        return Long.parseLong(digits);
    }

    /**
     * An exchange offer's policy as a DSP {@code Offer} (in a catalog: no target) or {@code Agreement} (with
     * target, parties and timestamp).
     */
    static ObjectNode policy(String odrlJson, String id, String type) {
        JsonNode source = DspJson.parse(odrlJson);
        ObjectNode policy = JsonNodeFactory.instance.objectNode();
        policy.put("@id", id);
        policy.put("@type", type);
        for (String rules : new String[] {"permission", "prohibition", "obligation"}) {
            JsonNode value = source.get(rules);
            if (value != null && value.isArray() && !value.isEmpty()) {
                policy.set(rules, expand(value));
            }
        }
        if (!policy.has("permission") && !policy.has("prohibition")) {
            // The protocol wants a rule; an offer with none permits nothing, which an empty permission set says.
            policy.putArray("prohibition").addObject().put("action", "use");
        }
        return policy;
    }

    /** Prefixed names the DSP context does not define, written as IRIs; uids as ODRL's own property. */
    private static JsonNode expand(JsonNode node) {
        if (node.isString()) {
            return JsonNodeFactory.instance.stringNode(iri(node.asString()));
        }
        if (node.isArray()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> array.add(expand(item)));
            return array;
        }
        if (node.isObject()) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = switch (field.getKey()) {
                    case "uid" -> DspJson.ODRL_NS + "uid";
                    case "rdf:value" -> "http://www.w3.org/1999/02/22-rdf-syntax-ns#value";
                    default -> iri(field.getKey());
                };
                object.set(key, expand(field.getValue()));
            }
            return object;
        }
        if (node.isBoolean() || node.isNumber()) {
            // The protocol's schema takes a right operand as a string, an object or an array: a typed value.
            ObjectNode value = JsonNodeFactory.instance.objectNode();
            value.set("@value", node);
            return value;
        }
        return node;
    }

    private static String iri(String term) {
        if (term.startsWith("df:")) {
            return DspJson.DF_NS + term.substring(3);
        }
        if (term.startsWith("odrl:")) {
            return DspJson.ODRL_NS + term.substring(5);
        }
        return term;
    }

    /** A purpose a request's policy states ({@code purpose eq df:research}), as the exchange names it; or null. */
    static String statedPurpose(JsonNode policy) {
        if (policy == null) {
            return null;
        }
        JsonNode permissions = policy.get("permission");
        if (permissions == null) {
            return null;
        }
        for (JsonNode permission :
                permissions.isArray() ? permissions : DspJson.array().add(permissions)) {
            JsonNode constraints = permission.get("constraint");
            if (constraints == null) {
                continue;
            }
            for (JsonNode constraint :
                    constraints.isArray() ? constraints : DspJson.array().add(constraints)) {
                String left = DspJson.text(constraint, "leftOperand");
                if (left != null
                        && (left.equals("purpose")
                                || left.equals(DspJson.ODRL_NS + "purpose")
                                || left.equals("odrl:purpose"))) {
                    String right = DspJson.text(constraint, "rightOperand");
                    if (right != null && right.startsWith(DspJson.DF_NS)) {
                        return "df:" + right.substring(DspJson.DF_NS.length());
                    }
                    return right;
                }
            }
        }
        return null;
    }
}
