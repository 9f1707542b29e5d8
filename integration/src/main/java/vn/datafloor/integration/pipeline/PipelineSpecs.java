package vn.datafloor.integration.pipeline;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import vn.datafloor.integration.connect.SettingsException;
import vn.datafloor.integration.connect.SourceConnector;
import vn.datafloor.integration.connect.SourceConnectors;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.pipeline.PipelineSpec.Dimension;
import vn.datafloor.integration.pipeline.PipelineSpec.QualityRule;
import vn.datafloor.integration.pipeline.PipelineSpec.Severity;
import vn.datafloor.integration.pipeline.PipelineSpec.SourceSpec;

/**
 * Reads pipeline specs from YAML and says precisely what is wrong, line by line, so an editor can
 * show each problem where it is. Reading never runs anything: expressions are only checked here.
 */
public final class PipelineSpecs {

    /** The spec, when it could be read, and every problem found. */
    public record Parsed(PipelineSpec spec, List<SpecProblem> problems) {
        public boolean ok() {
            return spec != null && problems.isEmpty();
        }
    }

    private static final Set<String> TOP_LEVEL = Set.of(
            "pipeline",
            "description",
            "source",
            "target",
            "mapping",
            "standardize",
            "address",
            "quality",
            "key",
            "schedule");
    private static final Pattern COLUMN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** What a source's column may be called (the loaders refuse other names). */
    private static final Pattern SOURCE_COLUMN_NAME = Pattern.compile("[\\p{L}\\p{N}_ .-]{1,100}");
    /** A spec is a page or two of YAML; 256 KiB of UTF-8 is far past any real one. */
    static final int MAX_SPEC_BYTES = 256 * 1024;
    /** Deeper than any spec's shape (mapping → list → mapping → value is 4); 20,000 brackets stop here, not on the stack. */
    static final int MAX_NESTING_DEPTH = 20;

    static final int MAX_ALIASES = 10;

    private PipelineSpecs() {}

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 2 + 2
        }
        return bytes;
    }

    public static Parsed parse(String yamlText) {
        List<SpecProblem> problems = new ArrayList<>();
        if (yamlText == null || yamlText.isBlank()) {
            problems.add(new SpecProblem(0, null, "The spec is empty", "pipeline.problem.empty", List.of()));
            return new Parsed(null, problems);
        }
        if (yamlText.length() > MAX_SPEC_BYTES || utf8Length(yamlText) > MAX_SPEC_BYTES) {
            problems.add(new SpecProblem(
                    0,
                    null,
                    "The spec is larger than " + MAX_SPEC_BYTES / 1024 + " KB; "
                            + "a pipeline spec is a page or two of YAML",
                    "pipeline.problem.tooLarge",
                    List.of(Integer.toString(MAX_SPEC_BYTES / 1024))));
            return new Parsed(null, problems);
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_SPEC_BYTES);
        Node root;
        try {
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yamlText));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            int column = e.getProblemMark() == null ? 0 : e.getProblemMark().getColumn() + 1;
            problems.add(new SpecProblem(
                    line,
                    null,
                    "Not valid YAML: " + e.getProblem(),
                    line > 0 ? "pipeline.problem.syntax" : "pipeline.problem.unreadable",
                    line > 0
                            ? List.of(Integer.toString(line), Integer.toString(column), String.valueOf(e.getProblem()))
                            : List.of(String.valueOf(e.getProblem()))));
            return new Parsed(null, problems);
        } catch (RuntimeException e) {
            // a limit (size, depth, aliases) or a reader error without a position
            problems.add(new SpecProblem(
                    0,
                    null,
                    "Not valid YAML: " + e.getMessage(),
                    "pipeline.problem.unreadable",
                    List.of(String.valueOf(e.getMessage()))));
            return new Parsed(null, problems);
        }
        if (!(root instanceof MappingNode top)) {
            problems.add(new SpecProblem(
                    1,
                    null,
                    "The spec must be a mapping of keys such as pipeline, source, target",
                    "pipeline.problem.notMapping",
                    null));
            return new Parsed(null, problems);
        }
        Reader reader = new Reader(problems);
        Map<String, NodeTuple> fields = reader.fields(top, "", TOP_LEVEL);

        String name = reader.requiredText(fields, "pipeline", top);
        if (name != null && !Lake.validName(name)) {
            problems.add(reader.at(
                    fields.get("pipeline").getValueNode(),
                    "pipeline",
                    "Use 1-100 of a-z, 0-9, '.', '_', '-' (e.g. health-patients)",
                    "pipeline.problem.pipelineName"));
        }
        String description = reader.optionalText(fields, "description");
        SourceSpec source = reader.source(fields.get("source"), top);
        String dataset = null;
        String schema = null;
        NodeTuple target = fields.get("target");
        if (target == null) {
            problems.add(new SpecProblem(
                    line(top),
                    "target",
                    "Missing: say which dataset receives the rows (target: {dataset: …})",
                    "pipeline.problem.missingTarget",
                    null));
        } else if (target.getValueNode() instanceof MappingNode targetNode) {
            Map<String, NodeTuple> targetFields = reader.fields(targetNode, "target.", Set.of("dataset", "schema"));
            dataset = reader.requiredText(targetFields, "target.dataset", targetNode, "dataset");
            if (dataset != null && !Lake.validName(dataset)) {
                problems.add(reader.at(
                        targetFields.get("dataset").getValueNode(),
                        "target.dataset",
                        "Use 1-100 of a-z, 0-9, '.', '_', '-' (e.g. health.people)",
                        "pipeline.problem.datasetName"));
            }
            schema = reader.optionalText(targetFields, "schema");
        } else {
            problems.add(reader.at(
                    target.getValueNode(),
                    "target",
                    "Expected a mapping with dataset and schema",
                    "pipeline.problem.targetNotMapping"));
        }
        Map<String, String> mapping = reader.expressions(fields.get("mapping"), "mapping", true);
        Map<String, String> standardize = reader.expressions(fields.get("standardize"), "standardize", false);
        List<QualityRule> quality = reader.rules(fields.get("quality"));
        List<String> key = reader.texts(fields.get("key"), "key");
        String schedule = reader.optionalText(fields, "schedule");
        String addressColumn = null;
        NodeTuple address = fields.get("address");
        if (address != null) {
            if (address.getValueNode() instanceof MappingNode addressNode) {
                Map<String, NodeTuple> addressFields = reader.fields(addressNode, "address.", Set.of("column"));
                addressColumn = reader.requiredText(addressFields, "address.column", addressNode, "column");
                if (addressColumn != null
                        && !mapping.containsKey(addressColumn)
                        && !standardize.containsKey(addressColumn)) {
                    problems.add(reader.at(
                            addressNode,
                            "address.column",
                            "Unknown column " + addressColumn + ": the address column must be mapped",
                            "pipeline.problem.addressUnmapped",
                            addressColumn));
                }
            } else {
                problems.add(reader.at(
                        address.getValueNode(),
                        "address",
                        "Expected {column: <mapped address column>}",
                        "pipeline.problem.addressNotMapping"));
            }
        }
        if (schedule != null && schedule.trim().split("\\s+").length != 6) {
            problems.add(new SpecProblem(
                    line(fields.get("schedule").getValueNode()),
                    "schedule",
                    "A cron expression has six fields: second minute hour day month weekday (e.g. \"0 0 2 * * *\")",
                    "schedule.problem.fields",
                    null));
        }
        for (String column : key) {
            if (!mapping.containsKey(column) && !standardize.containsKey(column)) {
                problems.add(reader.at(
                        fields.get("key").getValueNode(),
                        "key",
                        "Unknown column " + column + ": key columns must be mapped",
                        "pipeline.problem.keyUnmapped",
                        column));
            }
        }
        if (schema != null) {
            var canonical = vn.datafloor.integration.schema.CanonicalSchema.named(schema);
            if (canonical.isEmpty()) {
                String known = java.util.Arrays.stream(vn.datafloor.integration.schema.CanonicalSchema.values())
                        .map(vn.datafloor.integration.schema.CanonicalSchema::schemaName)
                        .collect(java.util.stream.Collectors.joining(", "));
                problems.add(new SpecProblem(
                        line(top),
                        "target.schema",
                        "Unknown schema " + schema + "; use one of [" + known + "] (docs/schemas.md)",
                        "pipeline.problem.unknownSchema",
                        List.of(schema, known)));
            } else {
                for (var column : canonical.get().columns()) {
                    boolean fromAddress = addressColumn != null
                            && Set.of("commune_code", "province_code", "house_street")
                                    .contains(column.name());
                    if (column.required()
                            && !fromAddress
                            && !mapping.containsKey(column.name())
                            && !standardize.containsKey(column.name())) {
                        problems.add(new SpecProblem(
                                line(top),
                                "mapping",
                                "Schema " + schema + " requires column " + column.name() + " (" + column.description()
                                        + ")",
                                "pipeline.problem.schemaColumn",
                                List.of(schema, column.name())));
                    }
                }
            }
        }
        PipelineSpec spec = new PipelineSpec(
                name,
                description,
                source,
                dataset,
                schema,
                mapping,
                standardize,
                quality,
                key,
                schedule,
                addressColumn);
        return new Parsed(spec, problems);
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** Walks the node tree, collecting problems instead of stopping at the first. */
    private static final class Reader {
        private final List<SpecProblem> problems;

        Reader(List<SpecProblem> problems) {
            this.problems = problems;
        }

        SpecProblem at(Node node, String field, String message) {
            return new SpecProblem(line(node), field, message);
        }

        /** A problem with its message key and the arguments its wording needs, for the editor's language. */
        SpecProblem at(Node node, String field, String message, String code, String... args) {
            return new SpecProblem(line(node), field, message, code, List.of(args));
        }

        Map<String, NodeTuple> fields(MappingNode node, String prefix, Set<String> allowed) {
            Map<String, NodeTuple> fields = new LinkedHashMap<>();
            for (NodeTuple tuple : node.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    problems.add(new SpecProblem(
                            line(tuple.getKeyNode()),
                            prefix,
                            "Keys must be plain words",
                            "pipeline.problem.keyNotWord",
                            null));
                    continue;
                }
                if (!allowed.contains(key.getValue())) {
                    java.util.SortedSet<String> expected = new java.util.TreeSet<>(allowed);
                    problems.add(new SpecProblem(
                            line(key),
                            prefix + key.getValue(),
                            "Unknown key; expected one of " + expected,
                            "pipeline.problem.unknownKey",
                            List.of(String.join(", ", expected))));
                    continue;
                }
                fields.put(key.getValue(), tuple);
            }
            return fields;
        }

        String requiredText(Map<String, NodeTuple> fields, String field, Node parent) {
            return requiredText(fields, field, parent, field);
        }

        String requiredText(Map<String, NodeTuple> fields, String field, Node parent, String key) {
            NodeTuple tuple = fields.get(key);
            if (tuple == null) {
                problems.add(new SpecProblem(line(parent), field, "Missing", "pipeline.problem.missing", null));
                return null;
            }
            return text(tuple.getValueNode(), field);
        }

        String optionalText(Map<String, NodeTuple> fields, String key) {
            NodeTuple tuple = fields.get(key);
            return tuple == null ? null : text(tuple.getValueNode(), key);
        }

        String text(Node node, String field) {
            if (node instanceof ScalarNode scalar && !scalar.getValue().isBlank()) {
                return scalar.getValue().strip();
            }
            problems.add(new SpecProblem(line(node), field, "Expected a text value", "pipeline.problem.notText", null));
            return null;
        }

        List<String> texts(NodeTuple tuple, String field) {
            if (tuple == null) {
                return List.of();
            }
            List<String> values = new ArrayList<>();
            if (tuple.getValueNode() instanceof SequenceNode sequence) {
                for (Node item : sequence.getValue()) {
                    String value = text(item, field);
                    if (value != null) {
                        values.add(value);
                    }
                }
            } else {
                String value = text(tuple.getValueNode(), field);
                if (value != null) {
                    values.add(value);
                }
            }
            return values;
        }

        SourceSpec source(NodeTuple tuple, Node top) {
            if (tuple == null) {
                problems.add(new SpecProblem(
                        line(top),
                        "source",
                        "Missing: say where the rows come from (source: {type: csv, path: …})",
                        "pipeline.problem.missingSource",
                        null));
                return null;
            }
            if (!(tuple.getValueNode() instanceof MappingNode node)) {
                problems.add(at(
                        tuple.getValueNode(),
                        "source",
                        "Expected a mapping with type and path, url or table",
                        "pipeline.problem.sourceNotMapping"));
                return null;
            }
            Set<String> keys = new java.util.HashSet<>(SourceConnectors.settingNames());
            keys.add("ref");
            keys.add("type");
            Map<String, NodeTuple> f = fields(node, "source.", keys);
            String ref = optionalText(f, "ref");
            if (ref != null) {
                if (f.size() > 1) {
                    problems.add(at(
                            node,
                            "source",
                            "With ref, the registered source supplies everything else",
                            "pipeline.problem.refAlone"));
                }
                return SourceSpec.ref(ref);
            }
            String type = requiredText(f, "source.type", node, "type");
            if (type == null) {
                return null;
            }
            type = type.toLowerCase(Locale.ROOT);
            SourceConnector<?> connector = SourceConnectors.find(type).orElse(null);
            if (connector == null) {
                problems.add(at(
                        f.get("type").getValueNode(),
                        "source.type",
                        "Unknown source type; use one of " + SourceConnectors.kinds(),
                        "pipeline.problem.unknownSourceType",
                        String.join(", ", SourceConnectors.kinds())));
                return null;
            }
            List<String> takes = SourceConnectors.settingNames(connector);
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> field : f.entrySet()) {
                if ("type".equals(field.getKey())) {
                    continue;
                }
                if (!takes.contains(field.getKey())) {
                    problems.add(at(
                            field.getValue().getKeyNode(),
                            "source." + field.getKey(),
                            "A " + type + " source does not take " + field.getKey() + "; it takes " + takes,
                            "pipeline.problem.sourceSettingUnknown",
                            type,
                            field.getKey(),
                            String.join(", ", takes)));
                    continue;
                }
                String value = text(field.getValue().getValueNode(), "source." + field.getKey());
                if (value != null) {
                    values.put(field.getKey(), value);
                }
            }
            try {
                return new SourceSpec(null, connector.kind(), connector.parse(values));
            } catch (SettingsException e) {
                for (SettingsException.Problem problem : e.problems()) {
                    NodeTuple at = f.get(problem.field());
                    // The connector's own words about its setting stay as it wrote them, inside a worded sentence.
                    problems.add(new SpecProblem(
                            at == null ? line(node) : line(at.getValueNode()),
                            "source." + problem.field(),
                            problem.message(),
                            "pipeline.problem.sourceSetting",
                            List.of(problem.field(), problem.message())));
                }
                return new SourceSpec(null, connector.kind(), null);
            }
        }

        Map<String, String> expressions(NodeTuple tuple, String field, boolean required) {
            Map<String, String> expressions = new LinkedHashMap<>();
            if (tuple == null) {
                if (required) {
                    problems.add(new SpecProblem(
                            0,
                            field,
                            "Missing: map at least one target column to a source column",
                            "pipeline.problem.missingMapping",
                            null));
                }
                return expressions;
            }
            if (!(tuple.getValueNode() instanceof MappingNode node)) {
                problems.add(at(
                        tuple.getValueNode(),
                        field,
                        "Expected target_column: expression pairs",
                        "pipeline.problem.expressionsNotMapping"));
                return expressions;
            }
            for (NodeTuple entry : node.getValue()) {
                String column = entry.getKeyNode() instanceof ScalarNode k ? k.getValue() : null;
                if (column == null || !COLUMN.matcher(column).matches()) {
                    problems.add(at(
                            entry.getKeyNode(),
                            field,
                            "Column names are lower-case letters, digits and _: " + column,
                            "pipeline.problem.columnName",
                            String.valueOf(column)));
                    continue;
                }
                String expression = text(entry.getValueNode(), field + "." + column);
                if (expression != null) {
                    // A source column's own name, spaces and all ("Họ và tên"), is quoted by the runner when the
                    // source has that column; whether it has is known only then.
                    List<String> unsafe = "mapping".equals(field)
                                    && SOURCE_COLUMN_NAME.matcher(expression).matches()
                            ? List.of()
                            : SqlExpressions.problems(expression);
                    for (String problem : unsafe) {
                        problems.add(at(
                                entry.getValueNode(),
                                field + "." + column,
                                problem,
                                "pipeline.problem.expression",
                                column,
                                problem));
                    }
                    expressions.put(column, expression);
                }
            }
            return expressions;
        }

        List<QualityRule> rules(NodeTuple tuple) {
            List<QualityRule> rules = new ArrayList<>();
            if (tuple == null) {
                return rules;
            }
            if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
                problems.add(at(
                        tuple.getValueNode(), "quality", "Expected a list of rules", "pipeline.problem.rulesNotList"));
                return rules;
            }
            int n = 0;
            for (Node item : sequence.getValue()) {
                n++;
                String field = "quality[" + n + "]";
                if (!(item instanceof MappingNode node)) {
                    problems.add(at(
                            item,
                            field,
                            "Expected a rule: {rule: completeness, columns: [...], severity: reject}",
                            "pipeline.problem.ruleNotMapping"));
                    continue;
                }
                Map<String, NodeTuple> f = fields(
                        node, field + ".", Set.of("name", "rule", "severity", "columns", "column", "check", "max_age"));
                String ruleText = requiredText(f, field + ".rule", node, "rule");
                Dimension dimension = null;
                if (ruleText != null) {
                    try {
                        dimension = Dimension.valueOf(ruleText.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        problems.add(at(
                                f.get("rule").getValueNode(),
                                field + ".rule",
                                "Unknown rule; use completeness, validity, uniqueness, consistency or timeliness",
                                "pipeline.problem.unknownRule"));
                    }
                }
                Severity severity = Severity.WARN;
                String severityText = optionalText(f, "severity");
                if (severityText != null) {
                    try {
                        severity = Severity.valueOf(severityText.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        problems.add(at(
                                f.get("severity").getValueNode(),
                                field + ".severity",
                                "Use reject or warn",
                                "pipeline.problem.severity"));
                    }
                }
                List<String> columns = new ArrayList<>(texts(f.get("columns"), field + ".columns"));
                columns.addAll(texts(f.get("column"), field + ".column"));
                String check = optionalText(f, "check");
                if (check != null) {
                    for (String problem : SqlExpressions.problems(check)) {
                        problems.add(at(
                                f.get("check").getValueNode(),
                                field + ".check",
                                problem,
                                "pipeline.problem.check",
                                problem));
                    }
                }
                String maxAge = optionalText(f, "max_age");
                if (dimension != null) {
                    switch (dimension) {
                        case COMPLETENESS, UNIQUENESS -> {
                            if (columns.isEmpty()) {
                                problems.add(at(
                                        node,
                                        field,
                                        "Name the columns this rule checks",
                                        "pipeline.problem.ruleColumns"));
                            }
                        }
                        case VALIDITY, CONSISTENCY -> {
                            if (check == null) {
                                problems.add(at(
                                        node,
                                        field,
                                        "Give the condition rows must meet (check: …)",
                                        "pipeline.problem.ruleCheck"));
                            }
                        }
                        case TIMELINESS -> {
                            if (columns.size() != 1 || maxAge == null) {
                                problems.add(at(
                                        node,
                                        field,
                                        "Give one date column and max_age (e.g. P365D)",
                                        "pipeline.problem.ruleTimeliness"));
                            } else {
                                try {
                                    java.time.Period.parse(maxAge);
                                } catch (java.time.format.DateTimeParseException e) {
                                    problems.add(at(
                                            f.get("max_age").getValueNode(),
                                            field + ".max_age",
                                            "Use an ISO period such as P30D or P1Y",
                                            "pipeline.problem.maxAge"));
                                }
                            }
                        }
                        default -> {}
                    }
                }
                String name = optionalText(f, "name");
                rules.add(new QualityRule(
                        name != null
                                ? name
                                : (ruleText == null ? "rule" : ruleText.toLowerCase(Locale.ROOT))
                                        + (name != null ? "" : "_" + n),
                        dimension,
                        severity,
                        columns,
                        check,
                        maxAge));
            }
            return rules;
        }
    }
}
