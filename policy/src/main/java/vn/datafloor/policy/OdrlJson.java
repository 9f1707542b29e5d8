package vn.datafloor.policy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes policies in compacted JSON-LD with the ODRL 2.2 context. No JSON-LD processor: the compacted
 * form is fixed by the context, so terms are accepted as short names ({@code lteq}), {@code odrl:} prefixed names or
 * full ODRL IRIs, alone or as {@code {"@id": ...}}. Bare words ODRL does not define are rejected; other IRIs are kept
 * (the evaluator never lets them permit).
 */
public final class OdrlJson {

    /** Limits on what a caller can hand us: the document is untrusted input (an offer from another organisation). */
    public static final int MAX_CHARS = 1_000_000;

    public static final int MAX_DEPTH = 32;
    public static final int MAX_RULES = 500;
    public static final int MAX_CONSTRAINTS = 2_000;

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxDocumentLength(MAX_CHARS)
                            .build())
                    .build())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private static final Set<String> POLICY_KEYS = Set.of(
            "@context",
            "@type",
            "type",
            "uid",
            "@id",
            "profile",
            "assigner",
            "assignee",
            "target",
            "conflict",
            "permission",
            "prohibition",
            "obligation");
    private static final Set<String> RULE_KEYS = Set.of(
            "@type",
            "uid",
            "@id",
            "action",
            "target",
            "assigner",
            "assignee",
            "constraint",
            "duty",
            "remedy",
            "consequence");
    /** An AssetCollection target with a refinement (ODRL 2.2 Information Model §2.2.3). */
    private static final Set<String> ASSET_KEYS = Set.of("@type", "type", "uid", "@id", "source", "refinement");

    private static final Set<String> ACTION_KEYS = Set.of("rdf:value", "@id", "refinement");
    private static final Set<String> CONSTRAINT_KEYS = Set.of(
            "@type",
            "uid",
            "@id",
            "leftOperand",
            "operator",
            "rightOperand",
            "unit",
            "and",
            "or",
            "xone",
            "andSequence");

    /** The ODRL 2.2 core left operands: all are readable; only {@link Terms#LEFT_OPERANDS} are evaluated. */
    private static final Set<String> ODRL_LEFT_OPERANDS = Set.of(
            "absolutePosition",
            "absoluteSpatialPosition",
            "absoluteTemporalPosition",
            "absoluteSize",
            "count",
            "dateTime",
            "delayPeriod",
            "deliveryChannel",
            "elapsedTime",
            "event",
            "fileFormat",
            "industry",
            "language",
            "media",
            "meteredTime",
            "payAmount",
            "percentage",
            "product",
            "purpose",
            "recipient",
            "relativePosition",
            "relativeSpatialPosition",
            "relativeTemporalPosition",
            "relativeSize",
            "resolution",
            "spatial",
            "spatialCoordinates",
            "systemDevice",
            "timeInterval",
            "unitOfCount",
            "version",
            "virtualLocation");

    private static final Set<String> OPERATORS = Set.of(
            "eq", "neq", "lt", "lteq", "gt", "gteq", "isA", "isAnyOf", "isNoneOf", "isAllOf", "isPartOf", "hasPart");

    private OdrlJson() {}

    /** Reads one policy; every problem found is listed in the exception, each with its JSON path. */
    public static Policy read(String json) {
        if (json.length() > MAX_CHARS) {
            throw new PolicyException(
                    List.of("$: document is " + json.length() + " characters, over the limit of " + MAX_CHARS));
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new PolicyException(List.of(
                    "$: not valid JSON within the limits (depth " + MAX_DEPTH + "): " + e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new PolicyException(List.of("$: empty document"));
        }
        Reader reader = new Reader();
        Policy policy = reader.policy(root);
        if (!reader.problems.isEmpty() || policy == null) {
            throw new PolicyException(reader.problems.isEmpty() ? List.of("$: not a policy") : reader.problems);
        }
        return policy;
    }

    /** Writes the compacted form, with the ODRL context and the Datafloor profile's prefix. */
    public static String write(Policy policy) {
        return JSON.writeValueAsString(toJson(policy));
    }

    static ObjectNode toJson(Policy policy) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        ArrayNode context = root.putArray("@context");
        context.add(Terms.ODRL_CONTEXT);
        context.addObject().put("df", Terms.DF_NS);
        root.put("@type", policy.type().term());
        root.put("uid", policy.uid());
        if (!policy.profiles().isEmpty()) {
            root.set("profile", strings(policy.profiles()));
        }
        putIfPresent(root, "assigner", policy.assigner());
        putIfPresent(root, "assignee", policy.assignee());
        if (!policy.targets().isEmpty()) {
            root.set("target", targets(policy.targets(), policy.targetRefinements()));
        }
        if (policy.conflict() != null) {
            root.put("conflict", policy.conflict().term());
        }
        putRules(root, "permission", policy.permissions());
        putRules(root, "prohibition", policy.prohibitions());
        putRules(root, "obligation", policy.obligations());
        return root;
    }

    private static void putRules(ObjectNode parent, String key, List<Rule> rules) {
        if (rules.isEmpty()) {
            return;
        }
        ArrayNode array = parent.putArray(key);
        for (Rule rule : rules) {
            ObjectNode node = array.addObject();
            putIfPresent(node, "uid", rule.uid());
            if (!rule.targets().isEmpty()) {
                node.set("target", targets(rule.targets(), rule.targetRefinements()));
            }
            putIfPresent(node, "assigner", rule.assigner());
            putIfPresent(node, "assignee", rule.assignee());
            if (rule.action().refinements().isEmpty()) {
                node.put("action", rule.action().name());
            } else {
                ObjectNode action = node.putObject("action");
                action.putObject("rdf:value").put("@id", odrlIri(rule.action().name()));
                action.set("refinement", constraints(rule.action().refinements()));
            }
            if (!rule.constraints().isEmpty()) {
                node.set("constraint", constraints(rule.constraints()));
            }
            putRules(node, "duty", rule.duties());
            putRules(node, "remedy", rule.remedies());
            putRules(node, "consequence", rule.consequences());
        }
    }

    private static String odrlIri(String name) {
        return Terms.isIri(name) ? name : "odrl:" + name;
    }

    private static ArrayNode constraints(List<Constraint> constraints) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Constraint constraint : constraints) {
            ObjectNode node = array.addObject();
            putIfPresent(node, "uid", constraint.uid());
            if (constraint instanceof Constraint.Atomic atomic) {
                node.put("leftOperand", atomic.leftOperand());
                node.put("operator", atomic.operator());
                if (atomic.rightOperand().size() == 1) {
                    node.set("rightOperand", value(atomic.rightOperand().get(0)));
                } else {
                    ArrayNode values = node.putArray("rightOperand");
                    atomic.rightOperand().forEach(v -> values.add(value(v)));
                }
                putIfPresent(node, "unit", atomic.unit());
            } else if (constraint instanceof Constraint.Logical logical) {
                node.set(logical.operator().term(), constraints(logical.constraints()));
            }
        }
        return array;
    }

    private static JsonNode value(Value value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (value.kind()) {
            case STRING -> f.stringNode(value.text());
            case NUMBER -> f.numberNode(new BigDecimal(value.text()));
            case BOOLEAN -> f.booleanNode(Boolean.parseBoolean(value.text()));
            case IRI -> f.objectNode().put("@id", value.text());
            case TYPED -> f.objectNode().put("@value", value.text()).put("@type", value.datatype());
        };
    }

    /** Plain targets as strings, refined ones as an AssetCollection naming its source. */
    private static JsonNode targets(List<String> targets, Map<String, List<Constraint>> refinements) {
        if (refinements.isEmpty()) {
            return strings(targets);
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (String target : targets) {
            List<Constraint> refinement = refinements.get(target);
            if (refinement == null) {
                array.add(target);
            } else {
                ObjectNode collection = array.addObject();
                collection.put("@type", "AssetCollection");
                collection.put("source", target);
                collection.set("refinement", constraints(refinement));
            }
        }
        return array.size() == 1 ? array.get(0) : array;
    }

    private static JsonNode strings(List<String> values) {
        if (values.size() == 1) {
            return JsonNodeFactory.instance.stringNode(values.get(0));
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static void putIfPresent(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    /** One reading: collects problems instead of stopping at the first, so an author sees them all at once. */
    private static final class Reader {
        final List<String> problems = new ArrayList<>();
        int rules;
        int constraints;

        Policy policy(JsonNode root) {
            if (!root.isObject()) {
                problems.add("$: a policy is a JSON object");
                return null;
            }
            Map<String, JsonNode> fields = fields(root, "$", POLICY_KEYS);
            context(fields.get("@context"));
            Policy.Type type = policyType(first(fields, "@type", "type"));
            String uid = iri(first(fields, "uid", "@id"), "$.uid");
            if (uid == null) {
                problems.add("$.uid: a policy needs a uid (an IRI)");
            }
            List<String> profiles = iris(fields.get("profile"), "$.profile");
            String assigner = iri(fields.get("assigner"), "$.assigner");
            String assignee = iri(fields.get("assignee"), "$.assignee");
            Targets targets = targets(fields.get("target"), "$.target");
            Policy.Conflict conflict = conflict(fields.get("conflict"));
            List<Rule> permissions = rules(fields.get("permission"), "$.permission", Rule.Kind.PERMISSION);
            List<Rule> prohibitions = rules(fields.get("prohibition"), "$.prohibition", Rule.Kind.PROHIBITION);
            List<Rule> obligations = rules(fields.get("obligation"), "$.obligation", Rule.Kind.DUTY);
            if (permissions.isEmpty() && prohibitions.isEmpty() && obligations.isEmpty() && problems.isEmpty()) {
                problems.add("$: a policy needs at least one permission, prohibition or obligation");
            }
            if (type == null || uid == null) {
                return null;
            }
            return new Policy(
                    type,
                    uid,
                    profiles,
                    assigner,
                    assignee,
                    targets.sources(),
                    conflict,
                    permissions,
                    prohibitions,
                    obligations,
                    targets.refinements());
        }

        private static JsonNode first(Map<String, JsonNode> fields, String a, String b) {
            return fields.containsKey(a) ? fields.get(a) : fields.get(b);
        }

        /** The object's properties by short name; unknown ODRL-looking names are problems, other IRIs metadata. */
        private Map<String, JsonNode> fields(JsonNode node, String path, Set<String> allowed) {
            Map<String, JsonNode> fields = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String key = e.getKey().startsWith("@") ? e.getKey() : Terms.compact(e.getKey());
                if (allowed.contains(key)) {
                    fields.put(key, e.getValue());
                } else if (!Terms.isIri(key)) {
                    problems.add(path + "." + e.getKey() + ": unknown property (expected one of "
                            + new java.util.TreeSet<>(allowed) + ")");
                }
                // Other prefixed names and IRIs (dct:title, ...) are descriptive metadata the engine does not use.
            }
            return fields;
        }

        private void context(JsonNode context) {
            if (context == null) {
                problems.add("$.@context: missing; expected \"" + Terms.ODRL_CONTEXT + "\"");
                return;
            }
            List<JsonNode> entries = context.isArray() ? List.copyOf(context.values()) : List.of(context);
            boolean odrl = false;
            for (int i = 0; i < entries.size(); i++) {
                JsonNode entry = entries.get(i);
                String path = context.isArray() ? "$.@context[" + i + "]" : "$.@context";
                if (entry.isString() && entry.stringValue().equals(Terms.ODRL_CONTEXT)) {
                    odrl = true;
                } else if (entry.isObject()) {
                    for (Map.Entry<String, JsonNode> e : entry.properties()) {
                        if (!e.getValue().isString()) {
                            problems.add(path + "." + e.getKey() + ": only prefix definitions are supported");
                        } else if (e.getKey().equals("df")
                                && !e.getValue().stringValue().equals(Terms.DF_NS)) {
                            problems.add(path + ".df: the Datafloor prefix must be " + Terms.DF_NS);
                        }
                    }
                } else {
                    problems.add(path + ": unsupported context " + entry + " (expected \"" + Terms.ODRL_CONTEXT
                            + "\" or a prefix object)");
                }
            }
            if (!odrl) {
                problems.add("$.@context: must include \"" + Terms.ODRL_CONTEXT + "\"");
            }
        }

        private Policy.Type policyType(JsonNode node) {
            String raw = node == null ? null : iri(node, "$.@type");
            if (raw == null) {
                problems.add("$.@type: missing; expected Set, Offer or Agreement");
                return null;
            }
            return switch (Terms.compact(raw)) {
                case "Set", "Policy" -> Policy.Type.SET;
                case "Offer" -> Policy.Type.OFFER;
                case "Agreement" -> Policy.Type.AGREEMENT;
                default -> {
                    problems.add("$.@type: unknown policy type \"" + raw + "\"; expected Set, Offer or Agreement");
                    yield null;
                }
            };
        }

        private Policy.Conflict conflict(JsonNode node) {
            if (node == null) {
                return null;
            }
            String raw = iri(node, "$.conflict");
            if (raw == null) {
                return null;
            }
            return switch (Terms.compact(raw)) {
                case "perm" -> Policy.Conflict.PERM;
                case "prohibit" -> Policy.Conflict.PROHIBIT;
                case "invalid" -> Policy.Conflict.INVALID;
                default -> {
                    problems.add("$.conflict: unknown strategy \"" + raw + "\"; expected perm, prohibit or invalid");
                    yield null;
                }
            };
        }

        private List<Rule> rules(JsonNode node, String path, Rule.Kind kind) {
            List<Rule> result = new ArrayList<>();
            if (node == null) {
                return result;
            }
            List<JsonNode> items = node.isArray() ? List.copyOf(node.values()) : List.of(node);
            for (int i = 0; i < items.size(); i++) {
                String itemPath = path + "[" + i + "]";
                if (++rules > MAX_RULES) {
                    problems.add(itemPath + ": more than " + MAX_RULES + " rules");
                    return result;
                }
                Rule rule = rule(items.get(i), itemPath, kind);
                if (rule != null) {
                    result.add(rule);
                }
            }
            return result;
        }

        private Rule rule(JsonNode node, String path, Rule.Kind kind) {
            if (!node.isObject()) {
                problems.add(path + ": a rule is a JSON object");
                return null;
            }
            Map<String, JsonNode> fields = fields(node, path, RULE_KEYS);
            String uid = iri(first(fields, "uid", "@id"), path + ".uid");
            Action action = action(fields.get("action"), path + ".action");
            Targets targets = targets(fields.get("target"), path + ".target");
            String assigner = iri(fields.get("assigner"), path + ".assigner");
            String assignee = iri(fields.get("assignee"), path + ".assignee");
            List<Constraint> constraints = constraints(fields.get("constraint"), path + ".constraint");
            List<Rule> duties = List.of();
            List<Rule> remedies = List.of();
            List<Rule> consequences = List.of();
            if (fields.containsKey("duty")) {
                if (kind == Rule.Kind.PERMISSION) {
                    duties = rules(fields.get("duty"), path + ".duty", Rule.Kind.DUTY);
                } else {
                    problems.add(path + ".duty: only a permission has duties");
                }
            }
            if (fields.containsKey("remedy")) {
                if (kind == Rule.Kind.PROHIBITION) {
                    remedies = rules(fields.get("remedy"), path + ".remedy", Rule.Kind.DUTY);
                } else {
                    problems.add(path + ".remedy: only a prohibition has remedies");
                }
            }
            if (fields.containsKey("consequence")) {
                if (kind == Rule.Kind.DUTY) {
                    consequences = rules(fields.get("consequence"), path + ".consequence", Rule.Kind.DUTY);
                } else {
                    problems.add(path + ".consequence: only a duty or obligation has consequences");
                }
            }
            if (action == null) {
                return null;
            }
            return new Rule(
                    kind,
                    uid,
                    action,
                    targets.sources(),
                    assigner,
                    assignee,
                    constraints,
                    duties,
                    remedies,
                    consequences,
                    targets.refinements());
        }

        private Action action(JsonNode node, String path) {
            if (node == null) {
                problems.add(path + ": missing; every rule has exactly one action");
                return null;
            }
            if (node.isArray()) {
                if (node.size() != 1) {
                    problems.add(path + ": a rule has exactly one action, found " + node.size());
                    return null;
                }
                return action(node.get(0), path + "[0]");
            }
            List<Constraint> refinements = List.of();
            JsonNode nameNode = node;
            if (node.isObject() && !node.has("@id")) {
                Map<String, JsonNode> fields = fields(node, path, ACTION_KEYS);
                nameNode = fields.get("rdf:value");
                if (nameNode == null) {
                    problems.add(path + ": an action object needs rdf:value");
                    return null;
                }
                refinements = constraints(fields.get("refinement"), path + ".refinement");
                path = path + ".rdf:value";
            }
            String raw = iri(nameNode, path);
            if (raw == null) {
                return null;
            }
            Optional<String> name = Terms.term(raw, Action.KNOWN);
            if (name.isEmpty()) {
                problems.add(path + ": unknown action \"" + raw + "\" (not an ODRL term; use an IRI for others)");
                return null;
            }
            return new Action(name.get(), refinements);
        }

        private List<Constraint> constraints(JsonNode node, String path) {
            List<Constraint> result = new ArrayList<>();
            if (node == null) {
                return result;
            }
            if (node.isObject() && node.has("@list")) {
                node = node.get("@list");
            }
            List<JsonNode> items = node.isArray() ? List.copyOf(node.values()) : List.of(node);
            for (int i = 0; i < items.size(); i++) {
                String itemPath = path + "[" + i + "]";
                if (++constraints > MAX_CONSTRAINTS) {
                    problems.add(itemPath + ": more than " + MAX_CONSTRAINTS + " constraints");
                    return result;
                }
                Constraint constraint = constraint(items.get(i), itemPath);
                if (constraint != null) {
                    result.add(constraint);
                }
            }
            return result;
        }

        private Constraint constraint(JsonNode node, String path) {
            if (!node.isObject()) {
                problems.add(path + ": a constraint is a JSON object");
                return null;
            }
            Map<String, JsonNode> fields = fields(node, path, CONSTRAINT_KEYS);
            String uid = iri(first(fields, "uid", "@id"), path + ".uid");
            for (Constraint.LogicalOperator op : Constraint.LogicalOperator.values()) {
                if (fields.containsKey(op.term())) {
                    if (fields.containsKey("leftOperand") || fields.size() > (uid == null ? 1 : 2)) {
                        problems.add(path + ": a logical constraint has one operand (and, or, xone or andSequence)"
                                + " and nothing else");
                        return null;
                    }
                    List<Constraint> parts = constraints(fields.get(op.term()), path + "." + op.term());
                    if (parts.size() < 2) {
                        problems.add(path + "." + op.term() + ": a logical constraint combines at least two");
                    }
                    return new Constraint.Logical(uid, op, parts);
                }
            }
            String left = required(fields, "leftOperand", path);
            String operator = required(fields, "operator", path);
            String unit = iri(fields.get("unit"), path + ".unit");
            JsonNode right = fields.get("rightOperand");
            if (right == null) {
                problems.add(path + ".rightOperand: missing (rightOperandReference is not supported)");
            }
            Optional<String> leftTerm = left == null ? Optional.empty() : Terms.term(left, leftOperands());
            if (left != null && leftTerm.isEmpty()) {
                problems.add(path + ".leftOperand: unknown left operand \"" + left + "\"");
            }
            Optional<String> opTerm = operator == null ? Optional.empty() : Terms.term(operator, OPERATORS);
            if (operator != null && opTerm.isEmpty()) {
                problems.add(path + ".operator: unknown operator \"" + operator + "\"; expected one of "
                        + new java.util.TreeSet<>(OPERATORS));
            }
            List<Value> values = right == null ? List.of() : values(right, path + ".rightOperand");
            if (leftTerm.isEmpty() || opTerm.isEmpty() || right == null) {
                return null;
            }
            return new Constraint.Atomic(uid, leftTerm.get(), opTerm.get(), values, unit);
        }

        private static Set<String> leftOperands() {
            Set<String> all = new java.util.HashSet<>(ODRL_LEFT_OPERANDS);
            all.addAll(Terms.LEFT_OPERANDS);
            return all;
        }

        private String required(Map<String, JsonNode> fields, String key, String path) {
            JsonNode node = fields.get(key);
            if (node == null) {
                problems.add(path + "." + key + ": missing");
                return null;
            }
            return iri(node, path + "." + key);
        }

        private List<Value> values(JsonNode node, String path) {
            List<Value> result = new ArrayList<>();
            if (node.isArray()) {
                if (node.isEmpty()) {
                    problems.add(path + ": empty");
                }
                for (int i = 0; i < node.size(); i++) {
                    Value v = value(node.get(i), path + "[" + i + "]");
                    if (v != null) {
                        result.add(v);
                    }
                }
            } else {
                Value v = value(node, path);
                if (v != null) {
                    result.add(v);
                }
            }
            return result;
        }

        private Value value(JsonNode node, String path) {
            if (node.isString()) {
                return Value.string(node.stringValue());
            }
            if (node.isIntegralNumber()) {
                return new Value(node.bigIntegerValue().toString(), Value.Kind.NUMBER, null);
            }
            if (node.isNumber()) {
                return new Value(node.decimalValue().toPlainString(), Value.Kind.NUMBER, null);
            }
            if (node.isBoolean()) {
                return Value.bool(node.booleanValue());
            }
            if (node.isObject()
                    && node.has("@id")
                    && node.size() == 1
                    && node.get("@id").isString()) {
                return Value.iri(Terms.compact(node.get("@id").stringValue()));
            }
            if (node.isObject() && node.has("@value") && node.get("@value").isValueNode()) {
                JsonNode type = node.get("@type");
                if (type != null && type.isString() && node.size() == 2) {
                    return Value.typed(node.get("@value").asString(), type.stringValue());
                }
                if (type == null && node.size() == 1) {
                    return value(node.get("@value"), path + ".@value");
                }
            }
            problems.add(path + ": unsupported value " + node
                    + " (expected a string, number, boolean, {\"@id\"} or {\"@value\", \"@type\"})");
            return null;
        }

        /** A term or identifier: a string, or an object with {@code @id} (or {@code uid}, for parties and assets). */
        private String iri(JsonNode node, String path) {
            if (node == null) {
                return null;
            }
            if (node.isString() && !node.stringValue().isBlank()) {
                return node.stringValue();
            }
            if (node.isObject()) {
                for (String key : List.of("@id", "uid")) {
                    JsonNode id = node.get(key);
                    if (id != null && id.isString() && !id.stringValue().isBlank()) {
                        return id.stringValue();
                    }
                }
            }
            problems.add(path + ": expected an identifier (a string or {\"@id\": ...}), found " + node);
            return null;
        }

        /** Targets read: the assets' identifiers (a refined collection's source) and the refinements by source. */
        private record Targets(List<String> sources, Map<String, List<Constraint>> refinements) {}

        /**
         * A target or a list of them: an identifier as for {@link #iri}, or an AssetCollection with a source and a
         * refinement, which the rule is then about only the refined part of. A source named twice is refused: the
         * rule would be about the whole asset and a part of it at once.
         */
        private Targets targets(JsonNode node, String path) {
            List<String> sources = new ArrayList<>();
            Map<String, List<Constraint>> refinements = new java.util.LinkedHashMap<>();
            if (node == null) {
                return new Targets(sources, refinements);
            }
            List<JsonNode> items = node.isArray() ? List.copyOf(node.values()) : List.of(node);
            for (int i = 0; i < items.size(); i++) {
                String itemPath = node.isArray() ? path + "[" + i + "]" : path;
                JsonNode item = items.get(i);
                String source;
                List<Constraint> refinement = List.of();
                if (item.isObject() && (item.has("refinement") || item.has("source"))) {
                    Map<String, JsonNode> fields = fields(item, itemPath, ASSET_KEYS);
                    JsonNode type = first(fields, "@type", "type");
                    String typeName = type == null ? null : iri(type, itemPath + ".@type");
                    if (typeName != null && !Terms.compact(typeName).equals("AssetCollection")) {
                        problems.add(itemPath + ".@type: a refined target is an AssetCollection, found " + typeName);
                    }
                    source = iri(fields.get("source"), itemPath + ".source");
                    if (source == null && !fields.containsKey("source")) {
                        problems.add(itemPath + ".source: missing; a refined AssetCollection names the asset it"
                                + " is drawn from");
                    }
                    refinement = constraints(fields.get("refinement"), itemPath + ".refinement");
                    if (fields.containsKey("refinement") && refinement.isEmpty()) {
                        problems.add(itemPath + ".refinement: empty");
                    }
                } else {
                    source = iri(item, itemPath);
                }
                if (source == null) {
                    continue;
                }
                if (sources.contains(source)) {
                    problems.add(itemPath + ": target " + source + " is named twice");
                    continue;
                }
                sources.add(source);
                if (!refinement.isEmpty()) {
                    refinements.put(source, refinement);
                }
            }
            return new Targets(sources, refinements);
        }

        private List<String> iris(JsonNode node, String path) {
            List<String> result = new ArrayList<>();
            if (node == null) {
                return result;
            }
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    String s = iri(node.get(i), path + "[" + i + "]");
                    if (s != null) {
                        result.add(s);
                    }
                }
            } else {
                String s = iri(node, path);
                if (s != null) {
                    result.add(s);
                }
            }
            return result;
        }
    }
}
