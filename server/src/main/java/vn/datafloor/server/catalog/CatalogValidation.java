package vn.datafloor.server.catalog;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import vn.datafloor.integration.reference.AdminUnits;
import vn.datafloor.server.platform.ProblemException;

/** Checks a dataset description before it is stored; every problem is reported at once, by field. */
final class CatalogValidation {

    static final int MAX_TITLE = 300;
    static final int MAX_DESCRIPTION = 20_000;
    static final int MAX_KEYWORDS = 30;
    static final int MAX_KEYWORD = 60;
    static final int MAX_SPATIAL = 200;
    static final int MAX_COLUMN_TEXT = 2000;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>\"]{1,64}@[^@\\s<>\"]{1,190}\\.[^@\\s<>\"]{2,}");
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]{1,990}");

    /** All the problems of a submitted description, as RFC 9457 problem details with a {@code problems} member. */
    static final class InvalidDescriptionException extends ProblemException {
        private final transient List<FieldProblem> problems;

        InvalidDescriptionException(List<FieldProblem> problems) {
            super(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "catalog.invalid",
                    "The description has " + problems.size() + " problem(s): "
                            + String.join(
                                    "; ",
                                    problems.stream()
                                            .map(p -> p.field() + ": " + p.message())
                                            .toList()),
                    problems.size());
            this.problems = List.copyOf(problems);
        }

        List<FieldProblem> problems() {
            return problems;
        }

        @Override
        public Map<String, Object> extensions() {
            return Map.of(
                    "problems",
                    problems.stream()
                            .map(p -> Map.of("field", p.field(), "message", p.message()))
                            .toList());
        }
    }

    private final AdminUnits units;

    CatalogValidation(AdminUnits units) {
        this.units = units;
    }

    List<FieldProblem> check(CatalogService.Description d) {
        List<FieldProblem> problems = new ArrayList<>();
        required(problems, "titleVi", d.titleVi(), MAX_TITLE);
        optional(problems, "titleEn", d.titleEn(), MAX_TITLE);
        required(problems, "descriptionVi", d.descriptionVi(), MAX_DESCRIPTION);
        optional(problems, "descriptionEn", d.descriptionEn(), MAX_DESCRIPTION);
        optional(problems, "contactName", d.contactName(), 200);
        if (d.contactEmail() == null || d.contactEmail().isBlank()) {
            problems.add(new FieldProblem(
                    "contactEmail", "catalog.field.required", "is required: people need someone to ask"));
        } else if (!EMAIL.matcher(d.contactEmail().strip()).matches()) {
            problems.add(new FieldProblem("contactEmail", "catalog.field.email", "is not an e-mail address"));
        }
        if (d.themes() == null || d.themes().isEmpty()) {
            problems.add(new FieldProblem("themes", "catalog.field.themeRequired", "choose at least one theme"));
        } else {
            for (String theme : d.themes()) {
                if (CatalogVocabulary.Theme.ofCode(theme).isEmpty()) {
                    problems.add(new FieldProblem(
                            "themes",
                            "catalog.field.themeUnknown",
                            "unknown theme '" + shorten(theme)
                                    + "'; choose from "
                                    + java.util.Arrays.stream(CatalogVocabulary.Theme.values())
                                            .map(CatalogVocabulary.Theme::code)
                                            .toList()));
                }
            }
        }
        List<String> keywords = d.keywords() == null ? List.of() : d.keywords();
        if (keywords.size() > MAX_KEYWORDS) {
            problems.add(
                    new FieldProblem("keywords", "catalog.field.tooMany", "at most " + MAX_KEYWORDS + " keywords"));
        }
        for (String keyword : keywords) {
            if (keyword.length() > MAX_KEYWORD || keyword.contains(",") || keyword.contains("\n")) {
                problems.add(new FieldProblem(
                        "keywords",
                        "catalog.field.keyword",
                        "a keyword is at most " + MAX_KEYWORD + " characters, without commas or line breaks"));
                break;
            }
        }
        List<String> spatial = d.spatial() == null ? List.of() : d.spatial();
        if (spatial.size() > MAX_SPATIAL) {
            problems.add(new FieldProblem("spatial", "catalog.field.tooMany", "at most " + MAX_SPATIAL + " units"));
        }
        for (String code : spatial) {
            if (!currentUnit(code)) {
                problems.add(new FieldProblem(
                        "spatial",
                        "catalog.field.spatialUnknown",
                        "'" + shorten(code)
                                + "' is not a province or commune code of the list in force since 2025-07-01"));
            }
        }
        LocalDate start = d.temporalStart();
        LocalDate end = d.temporalEnd();
        if (start != null && end != null && end.isBefore(start)) {
            problems.add(new FieldProblem("temporalEnd", "catalog.error.temporal", "ends before it starts"));
        }
        if (d.frequency() == null
                || CatalogVocabulary.Frequency.ofCode(d.frequency()).isEmpty()) {
            problems.add(new FieldProblem(
                    "frequency",
                    "catalog.error.frequency",
                    "choose one of "
                            + java.util.Arrays.stream(CatalogVocabulary.Frequency.values())
                                    .map(CatalogVocabulary.Frequency::code)
                                    .toList()));
        }
        if (d.licence() == null || CatalogVocabulary.Licence.ofCode(d.licence()).isEmpty()) {
            problems.add(new FieldProblem(
                    "licence",
                    "catalog.error.licence",
                    "choose one of "
                            + java.util.Arrays.stream(CatalogVocabulary.Licence.values())
                                    .map(CatalogVocabulary.Licence::code)
                                    .toList()));
        }
        if (d.documentationUrl() != null
                && !d.documentationUrl().isBlank()
                && !URL.matcher(d.documentationUrl().strip()).matches()) {
            problems.add(new FieldProblem("documentationUrl", "catalog.field.url", "must be an http(s) address"));
        }
        return problems;
    }

    List<FieldProblem> check(CatalogService.ColumnDescription c, Set<String> known) {
        List<FieldProblem> problems = new ArrayList<>();
        String field = "columns." + shorten(String.valueOf(c.name()));
        if (c.name() == null || !known.contains(c.name())) {
            problems.add(new FieldProblem(field, "catalog.field.columnUnknown", "no such column in the dataset"));
            return problems;
        }
        optional(problems, field + ".descriptionVi", c.descriptionVi(), MAX_COLUMN_TEXT);
        optional(problems, field + ".descriptionEn", c.descriptionEn(), MAX_COLUMN_TEXT);
        optional(problems, field + ".unit", c.unit(), 50);
        optional(problems, field + ".example", c.example(), 200);
        if (c.tags() != null
                && (c.tags().size() > 10 || c.tags().stream().anyMatch(t -> t.length() > 40 || t.contains(",")))) {
            problems.add(new FieldProblem(
                    field + ".tags", "catalog.field.keyword", "at most 10 tags of 40 characters, without commas"));
        }
        return problems;
    }

    private boolean currentUnit(String code) {
        if (code == null) {
            return false;
        }
        return units.province(AdminUnits.ListVersion.V2025, code).isPresent()
                || units.commune(AdminUnits.ListVersion.V2025, code).isPresent();
    }

    private static void required(List<FieldProblem> problems, String field, String value, int max) {
        if (value == null || value.isBlank()) {
            problems.add(new FieldProblem(field, "catalog.field.required", "is required"));
        } else {
            optional(problems, field, value, max);
        }
    }

    private static void optional(List<FieldProblem> problems, String field, String value, int max) {
        if (value != null && value.length() > max) {
            problems.add(new FieldProblem(
                    field, "catalog.field.tooLong", "is " + value.length() + " characters; at most " + max));
        }
    }

    private static String shorten(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }
}
