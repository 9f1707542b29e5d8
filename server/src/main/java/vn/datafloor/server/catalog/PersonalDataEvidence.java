package vn.datafloor.server.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.integration.profile.EvidencePart;
import vn.datafloor.integration.profile.EvidencePart.Argument;
import vn.datafloor.integration.profile.PersonalCategory;
import vn.datafloor.server.platform.NumberFormat;

/**
 * Why detection proposed a personal-data category, in the reader's language: the detector's coded evidence parts,
 * stored as JSON beside the English text, worded through the message bundles ({@code catalog.evidence.<CODE>})
 * with figures formatted by {@link NumberFormat}. A proposal stored before the parts were (or whose parts no
 * longer read) is shown as its stored text. Templates call it as {@code @personalEvidence.text(column, #locale)}.
 */
@Component("personalEvidence")
public class PersonalDataEvidence {

    /** Longest stored JSON (the column's size): a longer one is not stored, and the page shows the text. */
    static final int MAX_STORED = 4000;

    /**
     * Evidence is a handful of parts of a few arguments, five levels deep at most (parts, part, arguments, argument,
     * column names): anything much deeper or longer is not ours.
     */
    private static final int MAX_DEPTH = 8;

    private static final int MAX_PARTS = 20;

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_STORED)
                            .maxDocumentLength(MAX_STORED)
                            .build())
                    .build())
            .build();

    private final MessageSource messages;
    private final NumberFormat numbers;
    private final CatalogLabels labels;

    PersonalDataEvidence(MessageSource messages, NumberFormat numbers, CatalogLabels labels) {
        this.messages = messages;
        this.numbers = numbers;
        this.labels = labels;
    }

    /** The evidence of a column's proposal in the reader's language; the stored text when it has no parts. */
    public String text(CatalogEntry.Column column, Locale locale) {
        return parse(column.proposedEvidenceParts())
                .map(parts -> text(parts, locale))
                .orElse(column.proposedEvidence());
    }

    /** Parts joined as the detector joins them: "; " between, a space after a part that leads into the next. */
    String text(List<EvidencePart> parts, Locale locale) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                text.append(parts.get(i - 1).code().leadsIn() ? " " : "; ");
            }
            EvidencePart part = parts.get(i);
            Object[] args = part.args().stream().map(a -> argument(a, locale)).toArray();
            text.append(messages.getMessage("catalog.evidence." + part.code().name(), args, locale));
        }
        return text.toString();
    }

    private String argument(Argument argument, Locale locale) {
        if (argument instanceof EvidencePart.Count c) {
            return numbers.integer(c.value(), locale);
        }
        if (argument instanceof EvidencePart.Share s) {
            return numbers.percent(s.percent(), locale);
        }
        if (argument instanceof EvidencePart.Phrase p) {
            return p.words();
        }
        if (argument instanceof EvidencePart.Column c) {
            return c.name();
        }
        if (argument instanceof EvidencePart.Columns c) {
            return String.join(", ", c.names()) + (c.more() ? "…" : "");
        }
        String label =
                labels.category(((EvidencePart.Category) argument).category().code(), locale);
        // Inside a sentence: "gợi ý số điện thoại", "suggests phone number" (CCCD, VNeID keep their capitals).
        return label.isEmpty() ? label : label.substring(0, 1).toLowerCase(locale) + label.substring(1);
    }

    /** The parts as stored: JSON, or null when they would not fit (the page then shows the text). */
    static String json(List<EvidencePart> parts) {
        ArrayNode array = JSON.createArrayNode();
        for (EvidencePart part : parts) {
            ObjectNode node = array.addObject();
            node.put("code", part.code().name());
            ArrayNode args = node.putArray("args");
            for (Argument a : part.args()) {
                ObjectNode arg = args.addObject();
                if (a instanceof EvidencePart.Count c) {
                    arg.put("count", c.value());
                } else if (a instanceof EvidencePart.Share s) {
                    arg.put("share", s.value());
                } else if (a instanceof EvidencePart.Phrase p) {
                    arg.put("phrase", p.words());
                } else if (a instanceof EvidencePart.Column c) {
                    arg.put("column", c.name());
                } else if (a instanceof EvidencePart.Columns c) {
                    ArrayNode names = arg.putArray("columns");
                    c.names().forEach(names::add);
                    arg.put("more", c.more());
                } else {
                    arg.put("category", ((EvidencePart.Category) a).category().code());
                }
            }
        }
        String json = JSON.writeValueAsString(array);
        return json.length() > MAX_STORED ? null : json;
    }

    /** Stored parts read back; empty when there are none, or they do not read (cut, or a code this server lacks). */
    static Optional<List<EvidencePart>> parse(String json) {
        if (json == null || json.isBlank() || json.length() > MAX_STORED) {
            return Optional.empty();
        }
        try {
            JsonNode array = JSON.readTree(json);
            if (!array.isArray() || array.isEmpty() || array.size() > MAX_PARTS) {
                return Optional.empty();
            }
            List<EvidencePart> parts = new ArrayList<>();
            for (JsonNode node : array) {
                EvidencePart.Code code =
                        EvidencePart.Code.valueOf(node.path("code").asString());
                List<Argument> args = new ArrayList<>();
                for (JsonNode arg : node.path("args")) {
                    args.add(argument(arg));
                }
                parts.add(new EvidencePart(code, args));
            }
            return Optional.of(List.copyOf(parts));
        } catch (JacksonException | IllegalArgumentException | NullPointerException unreadable) {
            return Optional.empty();
        }
    }

    private static Argument argument(JsonNode arg) {
        if (arg.has("count")) {
            return new EvidencePart.Count(arg.get("count").asLong());
        }
        if (arg.has("share")) {
            return new EvidencePart.Share(arg.get("share").asDouble());
        }
        if (arg.has("phrase")) {
            return new EvidencePart.Phrase(arg.get("phrase").asString());
        }
        if (arg.has("column")) {
            return new EvidencePart.Column(arg.get("column").asString());
        }
        if (arg.has("columns")) {
            List<String> names = new ArrayList<>();
            arg.get("columns").forEach(n -> names.add(n.asString()));
            return new EvidencePart.Columns(names, arg.path("more").asBoolean());
        }
        if (arg.has("category")) {
            return new EvidencePart.Category(
                    PersonalCategory.ofCode(arg.get("category").asString())
                            .orElseThrow(() -> new IllegalArgumentException("unknown category")));
        }
        throw new IllegalArgumentException("unknown argument");
    }
}
