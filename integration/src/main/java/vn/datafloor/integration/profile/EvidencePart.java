package vn.datafloor.integration.profile;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One reason in a column finding's evidence: a stable code and its typed arguments, so a page can say it in its
 * reader's language (the server keeps a message key per code) while the CLI, logs and tests read
 * {@link #english(List)}. Arguments are counts, shares, column-name phrases, column names and categories: never a
 * sampled value.
 */
public record EvidencePart(Code code, List<Argument> args) {

    public EvidencePart {
        Objects.requireNonNull(code, "code");
        args = List.copyOf(args);
        if (args.size() != code.arity()) {
            throw new IllegalArgumentException(code + " takes " + code.arity() + " arguments, not " + args.size());
        }
    }

    static EvidencePart of(Code code, Argument... args) {
        return new EvidencePart(code, List.of(args));
    }

    /**
     * What a part says, with its English wording. Codes are stored with the findings: never renamed or removed (a
     * stored code the server no longer knows falls back to the stored English text). {@code {n}} is the n-th
     * argument.
     */
    public enum Code {
        NO_ROWS("no rows"),
        STATUS_COLUMN("status column of a standardizer (''{0}'')"),
        BUSINESS_TAX_CODE("business tax code (''{0}'')"),
        BUSINESS_COLUMN("business or product column (''{0}'')"),
        OPAQUE_VALUES("binary, boolean or nested values, no personal column name"),
        NUMERIC_MEASURE("numeric measure, no personal column name"),
        ALL_EMPTY("all {0} sampled values empty"),
        NO_PATTERN("no personal pattern in {0} sampled values"),
        NAME_SUGGESTS("column name (''{0}'') suggests {1}"),
        /** Followed by the content share that falls short. */
        NAME_SUGGESTS_BUT_ONLY("column name (''{0}'') suggests {1}, but only", true),
        NAME_HINT_ONLY("name hint only"),
        NAME_SUGGESTED("the name (''{0}'') suggested {1}"),
        /** Followed by the content share that agrees. */
        NAME_AND_CONTENT_AGREE("name (''{0}'') and content agree:", true),
        NO_CONTENT_CHECK("no content check for this category"),
        BUT_BUSINESS_NAME("but the column name (''{0}'') points to a business or product"),
        OTHER_EVENT_DATES("dates, but the column name (''{0}'') points to another event than birth"),
        MOSTLY_NINE_DIGITS("mostly 9-digit numbers, which any 9-digit code also is"),
        // "{0} of {1} values" and what they are
        SHARE_NAME_PARTS("{0} of {1} values are Vietnamese surnames, middle or given names"),
        SHARE_PERSON_NAMES(
                "{0} of {1} values look like Vietnamese person names (2-5 capitalised words, common surname first)"),
        SHARE_IDENTITY_NUMBERS("{0} of {1} values are identity numbers (12-digit with a known province code and"
                + " century/sex digit: {2}, 9-digit CMND: {3})"),
        SHARE_PHONES("{0} of {1} values are Vietnamese phone numbers ({2} mobile)"),
        SHARE_EMAILS("{0} of {1} values are e-mail addresses"),
        SHARE_BIRTH_DATES("{0} of {1} values are dates plausible as birth dates (1900 to today)"),
        SHARE_SEX_WORDS("{0} of {1} values are sex words (Vietnamese or English)"),
        SHARE_ADDRESSES("{0} of {1} values are addresses naming a province or commune"),
        SHARE_PLACES("{0} of {1} values name a province or commune"),
        SHARE_HEALTH_INSURANCE("{0} of {1} values are health insurance card numbers"),
        SHARE_TEN_DIGITS("{0} of {1} values are 10-digit numbers"),
        SHARE_BANK_ACCOUNTS("{0} of {1} values are 8-19 digit account numbers"),
        SHARE_COORDINATES("{0} of {1} values are coordinates in Vietnam''s range"),
        SHARE_TAX_CODES("{0} of {1} values are tax codes"),
        SHARE_MATCHING("{0} of {1} values match"),
        // identity numbers against birth dates
        BIRTH_YEAR_CONSISTENT("birth year consistent with {0} in {1} of {2} rows"),
        BIRTH_YEAR_AGREES("birth year agrees with identity numbers in {0} in {1} of {2} rows"),
        BIRTH_YEARS_DISAGREE(
                "dates, but their years agree with the birth years of identity numbers in {0} in only {1} of {2} rows"),
        // tax codes
        PERSONAL_TAX_NUMBERS(
                "name (''{0}'') and {1} of {2} values 12-digit personal identification numbers, individuals'' tax codes"),
        TAX_CODE_ABOUT_PEOPLE("name (''{0}''): tax code in a dataset about people ({1})"),
        TAX_CODE_CHECK_DIGITS("{0} of {1} values tax codes with a correct check digit"),
        BUSINESS_TAX_CODE_ROLE("business tax code: of a person in a business role"),
        BUSINESS_TAX_CODE_NO_PEOPLE("business tax code: no person columns in the dataset");

        private final String english;
        private final boolean leadsIn;

        Code(String english) {
            this(english, false);
        }

        Code(String english, boolean leadsIn) {
            this.english = english;
            this.leadsIn = leadsIn;
        }

        /** The English wording, a {@link MessageFormat} pattern over the rendered arguments. */
        public String english() {
            return english;
        }

        /** The part leads into the next one (joined with a space, not "; "): "…, but only" 40% of 60 values…. */
        public boolean leadsIn() {
            return leadsIn;
        }

        /** How many arguments the wording has. */
        public int arity() {
            return new MessageFormat(english, Locale.ROOT).getFormats().length;
        }
    }

    /** An argument: rendered per language by whoever shows the part. */
    public sealed interface Argument permits Count, Share, Phrase, Column, Columns, Category {}

    /** How many values or rows. */
    public record Count(long value) implements Argument {}

    /** A share between 0 and 1, shown as a whole percentage ({@link #percent()}). */
    public record Share(double value) implements Argument {

        /** Whole percent; 99.6% is not "100%" (only a share of exactly 1 is), and a share above 0 is not "0%". */
        public long percent() {
            long p = Math.round(100 * value);
            return value < 1 && p == 100 ? 99 : value > 0 && p == 0 ? 1 : p;
        }

        public static Share of(long part, long whole) {
            return new Share(whole == 0 ? 0 : (double) part / whole);
        }
    }

    /** The words of a column name that decided a hint, folded ("so dien thoai"): from the name, not the data. */
    public record Phrase(String words) implements Argument {}

    /** A column of the dataset, by name. */
    public record Column(String name) implements Argument {}

    /** Columns of the dataset; {@code more}: there are others, not named. */
    public record Columns(List<String> names, boolean more) implements Argument {
        public Columns {
            names = List.copyOf(names);
        }
    }

    /** A personal-data category, named in the reader's language. */
    public record Category(PersonalCategory category) implements Argument {}

    /** This part in English. */
    public String english() {
        Object[] rendered = args.stream().map(EvidencePart::englishArgument).toArray();
        return new MessageFormat(code.english(), Locale.ROOT).format(rendered);
    }

    /** Parts in English, joined as the engine always wrote them: "; " between, a space after a part that leads in. */
    public static String english(List<EvidencePart> parts) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                text.append(parts.get(i - 1).code().leadsIn() ? " " : "; ");
            }
            text.append(parts.get(i).english());
        }
        return text.toString();
    }

    private static String englishArgument(Argument argument) {
        if (argument instanceof Count c) {
            return Long.toString(c.value());
        }
        if (argument instanceof Share s) {
            return s.percent() + "%";
        }
        if (argument instanceof Phrase p) {
            return p.words();
        }
        if (argument instanceof Column c) {
            return c.name();
        }
        if (argument instanceof Columns c) {
            return String.join(", ", c.names()) + (c.more() ? "…" : "");
        }
        return ((Category) argument).category().labelEn().toLowerCase(Locale.ROOT);
    }
}
