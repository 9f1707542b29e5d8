package vn.datafloor.server.catalog;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.datafloor.catalog.CatalogQuery;

/**
 * The search half of CKAN's {@code package_search}: the {@code q}, {@code fq} and {@code sort} that
 * CKAN hands to Solr, read as the subset of Solr syntax CKAN clients actually send, and turned into
 * what the catalog index answers.
 *
 * <p>Accepted: {@code field:value}, {@code field:"quoted value"}, {@code field:(a OR b)}, clauses joined
 * by spaces, {@code AND}, {@code &&} or a leading {@code +} (all must hold), {@code OR}/{@code ||} between
 * clauses on one field, {@code [from TO to]} date ranges on {@code metadata_modified} and
 * {@code metadata_created}, and {@code *:*}. Refused with a message naming the problem: negation
 * ({@code -field:x}, {@code NOT}, {@code !}), {@code OR} across fields or between words, wildcards,
 * unbalanced quotes, brackets or parentheses, and (in {@code fq}) fields this catalog does not have.
 * In {@code q}, clauses on known fields filter like {@code fq}; every other word, and a clause on an
 * unknown field, is free text, where every word must match.
 */
final class CkanQuery {

    private CkanQuery() {}

    /** Fields a clause may filter on: CKAN's Solr field names. */
    static final Set<String> FILTER_FIELDS = Set.of(
            "organization",
            "owner_org",
            "tags",
            "groups",
            "res_format",
            "license_id",
            "name",
            "id",
            "importance",
            "sharing");

    /** Fields searched as free text: the catalog's text search covers titles, descriptions and keywords. */
    static final Set<String> TEXT_FIELDS = Set.of("text", "title", "notes", "title_ngram");

    static final Set<String> DATE_FIELDS = Set.of("metadata_modified", "metadata_created");

    /** Fields that have the same value on every package this API shows: a clause on them keeps all or nothing. */
    static final Map<String, String> CONSTANT_FIELDS =
            Map.of("state", "active", "dataset_type", "dataset", "capacity", "public", "entity_type", "package");

    static final String DEFAULT_SORT = "score desc, metadata_modified desc";

    static final Set<String> SORT_FIELDS =
            Set.of("score", "metadata_modified", "metadata_created", "title_string", "name", "id");

    /** Longest q or fq read, in characters: far past any query a client builds, short of a denial of service. */
    static final int MAX_QUERY_CHARS = 10_000;

    /** Deepest nesting of parentheses read; the parser recurses once a level, so this keeps it off the stack's end. */
    static final int MAX_DEPTH = 32;

    /** A query the syntax subset cannot express or that does not parse; CKAN answers such a Solr error with "Search Error". */
    static final class InvalidQueryException extends RuntimeException {
        InvalidQueryException(String message) {
            super(message);
        }
    }

    /** A sort Solr could not order by; CKAN answers it with "Search Query Error". */
    static final class InvalidSortException extends RuntimeException {
        InvalidSortException(String message) {
            super(message);
        }
    }

    /** The package's {@code field} has one of {@code anyOf}. */
    record Clause(String field, List<String> anyOf) {
        Clause {
            anyOf = List.copyOf(anyOf);
        }
    }

    /** The package's date {@code field} lies between the bounds; a null bound is open. */
    record Range(String field, Instant from, boolean fromInclusive, Instant to, boolean toInclusive) {
        boolean contains(Instant value) {
            if (value == null) {
                return false;
            }
            if (from != null && (fromInclusive ? value.isBefore(from) : !value.isAfter(from))) {
                return false;
            }
            return to == null || (toInclusive ? !value.isAfter(to) : value.isBefore(to));
        }
    }

    /**
     * What a q and fq ask for: free text (null: everything), clauses that must all hold, date ranges,
     * and whether a clause on a constant field already excludes every package.
     */
    record Criteria(String text, List<Clause> clauses, List<Range> ranges, boolean matchesNothing) {
        Criteria {
            clauses = List.copyOf(clauses);
            ranges = List.copyOf(ranges);
        }
    }

    // ------------------------------------------------------------------ q and fq

    /**
     * Reads {@code q} (lenient: unknown fields are text) and every {@code fq} (strict), all AND-ed.
     *
     * @param now what {@code NOW} means in date ranges
     * @throws InvalidQueryException naming the parameter and the problem
     */
    static Criteria parse(String q, List<String> fqs, Instant now) {
        requireShort(q, "q");
        for (String fq : fqs) {
            requireShort(fq, "fq");
        }
        Collector collector = new Collector(now);
        if (q != null && !q.isBlank()) {
            collector.collect(new Parser(q, "q").parse(), false, "q");
        }
        for (String fq : fqs) {
            if (fq != null && !fq.isBlank()) {
                collector.collect(new Parser(fq, "fq").parse(), true, "fq");
            }
        }
        String text = collector.text.isEmpty() ? null : String.join(" ", collector.text);
        if (text != null && text.length() > CatalogQuery.MAX_TEXT_CHARS) {
            throw new InvalidQueryException("the words to search for are longer than " + CatalogQuery.MAX_TEXT_CHARS
                    + " characters; search for fewer words");
        }
        return new Criteria(text, collector.clauses, collector.ranges, collector.nothing);
    }

    private static void requireShort(String value, String param) {
        if (value != null && value.length() > MAX_QUERY_CHARS) {
            throw new InvalidQueryException(param + ": longer than " + MAX_QUERY_CHARS
                    + " characters; search for fewer words " + "or filter with fewer values");
        }
    }

    /** The syntax tree of one parameter. */
    private sealed interface Node permits All, Word, Term, Span, And, Or {}

    private record All() implements Node {}

    private record Word(String text) implements Node {}

    private record Term(String field, String value) implements Node {}

    private record Span(String field, String from, boolean fromInclusive, String to, boolean toInclusive)
            implements Node {}

    private record And(List<Node> parts) implements Node {}

    private record Or(List<Node> alternatives) implements Node {}

    /**
     * Recursive descent over the Lucene classic syntax CKAN clients use; OR binds tighter than the
     * implicit AND, as CKAN's Solr (default operator AND) reads {@code a OR b c}.
     */
    private static final class Parser {
        private final String s;
        private final String param;
        private int pos;
        private int depth;

        Parser(String s, String param) {
            this.s = s;
            this.param = param;
        }

        Node parse() {
            Node node = conjunction(false);
            skipSpace();
            if (pos < s.length()) {
                throw error("unexpected '" + s.charAt(pos) + "' at position " + (pos + 1));
            }
            return node;
        }

        private Node conjunction(boolean inGroup) {
            List<Node> parts = new ArrayList<>();
            while (true) {
                skipSpace();
                if (pos >= s.length()) {
                    break;
                }
                if (s.charAt(pos) == ')') {
                    if (inGroup) {
                        break;
                    }
                    throw error("unbalanced ')' at position " + (pos + 1));
                }
                if (keyword("AND") || symbol("&&")) {
                    if (parts.isEmpty()) {
                        throw error("AND needs a clause before it");
                    }
                    skipSpace();
                    if (pos >= s.length() || s.charAt(pos) == ')') {
                        throw error("AND needs a clause after it");
                    }
                    continue;
                }
                if (atKeyword("OR") || s.startsWith("||", pos)) {
                    throw error("OR needs a clause before it");
                }
                parts.add(disjunction());
            }
            if (parts.isEmpty()) {
                return inGroup ? fail("empty parentheses") : new All();
            }
            return parts.size() == 1 ? parts.get(0) : new And(parts);
        }

        private Node disjunction() {
            List<Node> alternatives = new ArrayList<>();
            alternatives.add(unary());
            while (true) {
                int save = pos;
                skipSpace();
                if (keyword("OR") || symbol("||")) {
                    skipSpace();
                    if (pos >= s.length() || s.charAt(pos) == ')') {
                        throw error("OR needs a clause after it");
                    }
                    alternatives.add(unary());
                } else {
                    pos = save;
                    break;
                }
            }
            return alternatives.size() == 1 ? alternatives.get(0) : new Or(alternatives);
        }

        private Node unary() {
            skipSpace();
            char c = s.charAt(pos);
            if (c == '+') {
                pos++;
                if (pos >= s.length() || Character.isWhitespace(s.charAt(pos))) {
                    return unaryAfterPlus();
                }
                return primary();
            }
            if ((c == '-' || c == '!') && pos + 1 < s.length() && !Character.isWhitespace(s.charAt(pos + 1))) {
                throw unsupportedNegation(c);
            }
            if (atKeyword("NOT")) {
                throw unsupportedNegation('N');
            }
            return primary();
        }

        /** A lone '+' (an encoded space that was not decoded, or "a + b"): it joins, like AND. */
        private Node unaryAfterPlus() {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) == ')') {
                throw error("'+' needs a clause after it");
            }
            return unary();
        }

        private InvalidQueryException unsupportedNegation(char c) {
            return error("negative clauses (" + (c == 'N' ? "NOT" : c + "field:value") + ") are not supported; "
                    + "filter on the values you want instead");
        }

        private Node primary() {
            char c = s.charAt(pos);
            if (c == '(') {
                if (++depth > MAX_DEPTH) {
                    throw error("more than " + MAX_DEPTH + " nested parentheses at position " + (pos + 1)
                            + "; write the query with fewer levels");
                }
                int open = pos++;
                Node inner = conjunction(true);
                depth--;
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw error("unbalanced '(' at position " + (open + 1));
                }
                pos++;
                return inner;
            }
            if (c == '"') {
                return new Word(quoted());
            }
            if (c == '[' || c == '{') {
                throw error("a range needs a field, as in metadata_modified:[2024-01-01T00:00:00Z TO *]");
            }
            if (s.startsWith("*:*", pos)) {
                pos += 3;
                return new All();
            }
            String field = field();
            if (field != null) {
                return value(field);
            }
            String word = bare(false);
            if (word.isEmpty()) {
                throw error("unexpected '" + c + "' at position " + (pos + 1));
            }
            return new Word(word);
        }

        /** An identifier directly followed by ':', consumed with the colon; null (nothing consumed) otherwise. */
        private String field() {
            int end = pos;
            while (end < s.length() && isFieldChar(s.charAt(end))) {
                end++;
            }
            if (end > pos && end < s.length() && s.charAt(end) == ':') {
                String name = s.substring(pos, end);
                pos = end + 1;
                return name;
            }
            return null;
        }

        /** Solr field names are ASCII; "Hà:Nội" stays a word. */
        private static boolean isFieldChar(char c) {
            return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.');
        }

        private Node value(String field) {
            if (pos >= s.length() || Character.isWhitespace(s.charAt(pos)) || s.charAt(pos) == ')') {
                throw error("missing value after '" + field + ":'");
            }
            char c = s.charAt(pos);
            if (c == '"') {
                return new Term(field, quoted());
            }
            if (c == '[' || c == '{') {
                return range(field);
            }
            if (c == '(') {
                return valueGroup(field);
            }
            String value = bare(true);
            if (value.isEmpty()) {
                throw error("missing value after '" + field + ":'");
            }
            return new Term(field, value);
        }

        /** {@code field:(a OR b)} or {@code field:(a b)}: values of one field, OR-ed or AND-ed, not both. */
        private Node valueGroup(String field) {
            int open = pos++;
            List<Node> values = new ArrayList<>();
            Boolean or = null;
            while (true) {
                skipSpace();
                if (pos >= s.length()) {
                    throw error("unbalanced '(' at position " + (open + 1));
                }
                if (s.charAt(pos) == ')') {
                    pos++;
                    break;
                }
                boolean joinedByOr = false;
                if (!values.isEmpty()) {
                    if (keyword("OR") || symbol("||")) {
                        joinedByOr = true;
                    } else {
                        keyword("AND");
                        symbol("&&");
                    }
                    skipSpace();
                    if (or != null && or != joinedByOr) {
                        throw error("mixing AND and OR inside " + field + ":( … ) is not supported");
                    }
                    or = joinedByOr;
                    if (pos >= s.length() || s.charAt(pos) == ')') {
                        throw error((joinedByOr ? "OR" : "AND") + " needs a value after it");
                    }
                }
                char c = s.charAt(pos);
                if (c == '-' || c == '!' || atKeyword("NOT")) {
                    throw unsupportedNegation(c == '-' || c == '!' ? c : 'N');
                }
                if (c == '"') {
                    values.add(new Term(field, quoted()));
                } else if (c == '(' || c == '[' || c == '{') {
                    throw error("nested groups inside " + field + ":( … ) are not supported");
                } else {
                    String value = bare(true);
                    if (value.isEmpty()) {
                        throw error("unexpected '" + c + "' at position " + (pos + 1));
                    }
                    values.add(new Term(field, value));
                }
            }
            if (values.isEmpty()) {
                throw error("empty parentheses after '" + field + ":'");
            }
            return values.size() == 1 ? values.get(0) : Boolean.TRUE.equals(or) ? new Or(values) : new And(values);
        }

        private Node range(String field) {
            int open = pos;
            boolean fromInclusive = s.charAt(pos++) == '[';
            int close = -1;
            for (int i = pos; i < s.length(); i++) {
                if (s.charAt(i) == ']' || s.charAt(i) == '}') {
                    close = i;
                    break;
                }
            }
            if (close < 0) {
                throw error("unbalanced '" + s.charAt(open) + "' at position " + (open + 1));
            }
            String inner = s.substring(pos, close).strip();
            boolean toInclusive = s.charAt(close) == ']';
            pos = close + 1;
            String[] bounds = inner.split("\\s+TO\\s+", -1);
            if (bounds.length != 2 || bounds[0].isBlank() || bounds[1].isBlank()) {
                throw error("a range is written [from TO to], got " + s.substring(open, close + 1));
            }
            return new Span(field, unquote(bounds[0].strip()), fromInclusive, unquote(bounds[1].strip()), toInclusive);
        }

        private String unquote(String bound) {
            String b = bound.length() >= 2 && bound.startsWith("\"") && bound.endsWith("\"")
                    ? bound.substring(1, bound.length() - 1)
                    : bound;
            return b.replace("\\", ""); // Solr clients escape the colons of a date
        }

        private String quoted() {
            int open = pos++;
            StringBuilder b = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    b.append(s.charAt(pos++));
                } else if (c == '"') {
                    return b.toString();
                } else {
                    b.append(c);
                }
            }
            throw error("unbalanced quote at position " + (open + 1));
        }

        /**
         * An unquoted word up to white space or a parenthesis; backslash escapes the next character.
         * Values may hold ':' (dates), words may not be wildcards.
         */
        private String bare(boolean value) {
            StringBuilder b = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (Character.isWhitespace(c) || c == '(' || c == ')') {
                    break;
                }
                if (c == '"') {
                    throw error("unexpected quote at position " + (pos + 1) + "; quote a whole value");
                }
                if (c == '\\' && pos + 1 < s.length()) {
                    b.append(s.charAt(pos + 1));
                    pos += 2;
                    continue;
                }
                if (value && (c == '*' || c == '?')) {
                    throw error("wildcards ('" + c + "') are not supported; give whole values");
                }
                b.append(c);
                pos++;
            }
            return b.toString();
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        /** The keyword as a whole word here (Lucene's operators are upper-case). */
        private boolean atKeyword(String keyword) {
            int end = pos + keyword.length();
            return s.startsWith(keyword, pos)
                    && (end == s.length() || Character.isWhitespace(s.charAt(end)) || s.charAt(end) == '(');
        }

        private boolean keyword(String keyword) {
            if (atKeyword(keyword)) {
                pos += keyword.length();
                return true;
            }
            return false;
        }

        private boolean symbol(String symbol) {
            if (s.startsWith(symbol, pos)) {
                pos += symbol.length();
                return true;
            }
            return false;
        }

        private Node fail(String message) {
            throw error(message);
        }

        private InvalidQueryException error(String message) {
            return new InvalidQueryException(param + ": " + message);
        }
    }

    /** Flattens syntax trees into one conjunction of text, clauses and ranges. */
    private static final class Collector {
        final Instant now;
        final List<String> text = new ArrayList<>();
        final List<Clause> clauses = new ArrayList<>();
        final List<Range> ranges = new ArrayList<>();
        boolean nothing;

        Collector(Instant now) {
            this.now = now;
        }

        void collect(Node node, boolean strict, String param) {
            if (node instanceof Word word) {
                text.add(word.text());
            } else if (node instanceof And and) {
                and.parts().forEach(part -> collect(part, strict, param));
            } else if (node instanceof Span span) {
                ranges.add(range(span, param));
            } else if (node instanceof Term term) {
                term(term, strict, param);
            } else if (node instanceof Or or) {
                disjunction(or, strict, param);
            } // All: no condition
        }

        private void term(Term term, boolean strict, String param) {
            String field = term.field();
            String value = term.value().strip();
            if (FILTER_FIELDS.contains(field)) {
                if (value.isEmpty()) {
                    throw new InvalidQueryException(param + ": empty value for " + field);
                }
                clauses.add(new Clause(field, List.of(value)));
            } else if (TEXT_FIELDS.contains(field)) {
                text.add(value);
            } else if (CONSTANT_FIELDS.containsKey(field)) {
                if (!CONSTANT_FIELDS.get(field).equals(value)) {
                    nothing = true;
                }
            } else if (DATE_FIELDS.contains(field)) {
                Instant at = instant(value, param, field);
                ranges.add(new Range(field, at, true, at, true));
            } else if (strict) {
                throw new InvalidQueryException(param + ": unknown field '" + field + "'; filter on one of "
                        + String.join(", ", new java.util.TreeSet<>(supportedFields())));
            } else {
                text.add(field + " " + value); // q is free text: every word typed must match
            }
        }

        /** OR is what a facet filter does with several values: only between values of one field. */
        private void disjunction(Or or, boolean strict, String param) {
            List<Term> terms = new ArrayList<>();
            flattenOr(or, terms, param);
            String field = terms.get(0).field();
            if (terms.stream().anyMatch(t -> !t.field().equals(field))) {
                throw new InvalidQueryException(param + ": OR is supported only between values of one field, as in "
                        + "tags:a OR tags:b (got "
                        + String.join(
                                ", ", terms.stream().map(Term::field).distinct().toList()) + ")");
            }
            if (!FILTER_FIELDS.contains(field)) {
                if (CONSTANT_FIELDS.containsKey(field)) {
                    if (terms.stream()
                            .noneMatch(t ->
                                    CONSTANT_FIELDS.get(field).equals(t.value().strip()))) {
                        nothing = true;
                    }
                    return;
                }
                if (!strict && !TEXT_FIELDS.contains(field) && !DATE_FIELDS.contains(field)) {
                    throw new InvalidQueryException(
                            param + ": OR between words is not supported: every word must match");
                }
                throw new InvalidQueryException(param + ": OR is supported only between filter values ("
                        + String.join(", ", new java.util.TreeSet<>(FILTER_FIELDS)) + "), not on " + field);
            }
            List<String> values = new ArrayList<>();
            for (Term t : terms) {
                String v = t.value().strip();
                if (v.isEmpty()) {
                    throw new InvalidQueryException(param + ": empty value for " + field);
                }
                if (!values.contains(v)) {
                    values.add(v);
                }
            }
            clauses.add(new Clause(field, values));
        }

        private void flattenOr(Node node, List<Term> into, String param) {
            if (node instanceof Or or) {
                or.alternatives().forEach(a -> flattenOr(a, into, param));
            } else if (node instanceof Term term) {
                into.add(term);
            } else if (node instanceof Word) {
                throw new InvalidQueryException(param + ": OR between words is not supported: every word must match");
            } else if (node instanceof Span) {
                throw new InvalidQueryException(param + ": date ranges cannot be OR-ed");
            } else if (node instanceof All) {
                throw new InvalidQueryException(param + ": *:* cannot be OR-ed");
            } else {
                throw new InvalidQueryException(param + ": an OR of AND groups is not supported; "
                        + "OR is supported only between values of one field");
            }
        }

        private Range range(Span span, String param) {
            if (!DATE_FIELDS.contains(span.field())) {
                throw new InvalidQueryException(param + ": ranges are supported only on "
                        + String.join(" and ", new java.util.TreeSet<>(DATE_FIELDS)) + ", not on " + span.field());
            }
            Instant from = "*".equals(span.from()) ? null : instant(span.from(), param, span.field());
            Instant to = "*".equals(span.to()) ? null : instant(span.to(), param, span.field());
            return new Range(span.field(), from, span.fromInclusive(), to, span.toInclusive());
        }

        private static final Pattern NOW = Pattern.compile(
                "NOW((?:[+-]\\d+(?:YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?)*)(?:/(DAY|HOUR|MINUTE|SECOND)S?)?");
        private static final Pattern NOW_STEP = Pattern.compile("([+-])(\\d+)(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?");

        /** Solr's date forms: 2024-05-01T10:00:00Z (zone optional, then UTC), 2024-05-01, NOW, NOW-7DAYS, NOW/DAY. */
        Instant instant(String text, String param, String field) {
            Matcher now = NOW.matcher(text);
            if (now.matches()) {
                java.time.ZonedDateTime t = now().atZone(ZoneOffset.UTC);
                Matcher step = NOW_STEP.matcher(now.group(1));
                while (step.find()) {
                    long n = Long.parseLong(step.group(2)) * ("-".equals(step.group(1)) ? -1 : 1);
                    t = t.plus(n, ChronoUnit.valueOf(step.group(3) + "S"));
                }
                if (now.group(2) != null) {
                    t = t.truncatedTo(ChronoUnit.valueOf(now.group(2) + "S"));
                }
                return t.toInstant();
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException notInstant) {
                try {
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDate.parse(text)
                                .atStartOfDay(ZoneOffset.UTC)
                                .toInstant();
                    } catch (DateTimeParseException notDate) {
                        throw new InvalidQueryException(param + ": '" + text + "' is not a date for " + field
                                + "; write 2024-05-01T10:00:00Z, 2024-05-01, * or NOW-1DAY");
                    }
                }
            }
        }

        private Instant now() {
            return now;
        }
    }

    static Set<String> supportedFields() {
        Set<String> all = new java.util.HashSet<>(FILTER_FIELDS);
        all.addAll(TEXT_FIELDS);
        all.addAll(DATE_FIELDS);
        all.addAll(CONSTANT_FIELDS.keySet());
        return all;
    }

    // ------------------------------------------------------------------ what the index answers

    /**
     * The criteria as the catalog index takes them: each clause a condition (clauses on one field AND-ed,
     * as CKAN's Solr does), each date range a time range.
     *
     * @param matchesNothing a clause on a constant field excludes everything, or an organisation named
     *     publishes nothing public
     */
    record IndexQuery(
            List<CatalogQuery.Condition> conditions, List<CatalogQuery.Range> ranges, boolean matchesNothing) {}

    /**
     * @param publishersOf the publisher names (the index's publisher facet values) an organisation's CKAN
     *     name stands for; empty when no public organisation has it
     * @param publisherIdsOf the publisher ids (the index's publisher-id facet values) of an organisation's
     *     CKAN id; empty when no public organisation has it
     */
    static IndexQuery toIndex(
            Criteria criteria,
            Function<String, List<String>> publishersOf,
            Function<String, List<String>> publisherIdsOf) {
        List<CatalogQuery.Condition> conditions = new ArrayList<>();
        boolean nothing = criteria.matchesNothing();
        for (Clause clause : criteria.clauses()) {
            String field = CONDITION_OF.get(clause.field());
            List<String> values = new ArrayList<>();
            for (String value : clause.anyOf()) {
                switch (clause.field()) {
                    case "organization" -> values.addAll(publishersOf.apply(value));
                    case "owner_org" -> values.addAll(publisherIdsOf.apply(value));
                    case "res_format" ->
                        values.add(value.toLowerCase(Locale.ROOT)); // the index keeps formats lower-case
                    default -> values.add(value);
                }
            }
            if (values.isEmpty()) {
                nothing = true;
            }
            conditions.add(
                    new CatalogQuery.Condition(field, values.stream().distinct().toList()));
        }
        List<CatalogQuery.Range> ranges = new ArrayList<>();
        for (Range r : criteria.ranges()) {
            CatalogQuery.TimeField field = r.field().equals("metadata_created")
                    ? CatalogQuery.TimeField.CREATED
                    : CatalogQuery.TimeField.MODIFIED;
            ranges.add(new CatalogQuery.Range(field, r.from(), r.fromInclusive(), r.to(), r.toInclusive()));
        }
        return new IndexQuery(conditions, ranges, nothing);
    }

    /** CKAN field → the catalog index field a condition on it filters ({@link CatalogQuery.Condition}). */
    static final Map<String, String> CONDITION_OF = Map.ofEntries(
            Map.entry("organization", "publisher"),
            Map.entry("owner_org", CatalogQuery.PUBLISHER_ID),
            Map.entry("tags", "keyword"),
            Map.entry("groups", "theme"),
            Map.entry("res_format", "format"),
            Map.entry("license_id", "licence"),
            Map.entry("importance", "importance"),
            Map.entry("sharing", "sharing"),
            Map.entry("name", CatalogQuery.ID),
            Map.entry("id", CatalogQuery.ALTERNATE_ID));

    // ------------------------------------------------------------------ sort

    record SortKey(String field, boolean descending) {}

    /** A parsed sort, every key of which the index orders by. */
    record Order(String text, List<SortKey> keys) {

        /** The index's order: score, modification and creation times, title, name (the index id), package id. */
        List<CatalogQuery.Order> indexOrder() {
            List<CatalogQuery.Order> order = new ArrayList<>();
            for (SortKey key : keys) {
                CatalogQuery.OrderField field = switch (key.field()) {
                    case "score" -> CatalogQuery.OrderField.SCORE;
                    case "metadata_modified" -> CatalogQuery.OrderField.MODIFIED;
                    case "metadata_created" -> CatalogQuery.OrderField.CREATED;
                    case "title_string" -> CatalogQuery.OrderField.TITLE;
                    case "name" -> CatalogQuery.OrderField.ID;
                    case "id" -> CatalogQuery.OrderField.ALTERNATE_ID;
                    default -> throw new IllegalStateException("sort field " + key.field() + " passed order()");
                };
                order.add(new CatalogQuery.Order(field, key.descending()));
            }
            return order;
        }
    }

    /**
     * Reads Solr's {@code field dir[, field dir…]}.
     *
     * @throws InvalidSortException for an unknown field or a missing or unknown direction
     */
    static Order order(String sort) {
        String text = sort == null || sort.isBlank() ? DEFAULT_SORT : sort.strip();
        List<SortKey> keys = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] words = part.strip().split("\\s+");
            if (words.length != 2 || words[0].isEmpty()) {
                throw new InvalidSortException(
                        "Invalid \"sort\" parameter: '" + part.strip() + "' is not 'field asc' or 'field desc'");
            }
            String direction = words[1].toLowerCase(Locale.ROOT);
            if (!SORT_FIELDS.contains(words[0])) {
                throw new InvalidSortException("Invalid \"sort\" parameter: cannot sort by '" + words[0]
                        + "'; sort by one of " + String.join(", ", new java.util.TreeSet<>(SORT_FIELDS)));
            }
            if (!direction.equals("asc") && !direction.equals("desc")) {
                throw new InvalidSortException("Invalid \"sort\" parameter: '" + words[1] + "' is not asc or desc");
            }
            keys.add(new SortKey(words[0], direction.equals("desc")));
        }
        return new Order(text, keys);
    }

    /** Title order as the index sorts: case and diacritics ignored ("Đà Nẵng" between "Cà Mau" and "Hà Nội"). */
    static String titleKey(String title) {
        return fold(title == null ? "" : title);
    }

    /** Lower case, no diacritics, đ as d: the platform's one fold. */
    static String fold(String s) {
        return vn.datafloor.integration.reference.VietnameseText.fold(s);
    }
}
