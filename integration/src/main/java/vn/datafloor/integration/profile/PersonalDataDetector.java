package vn.datafloor.integration.profile;

import static vn.datafloor.integration.profile.PersonalCategory.*;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.integration.profile.ColumnNames.Hint;
import vn.datafloor.integration.profile.ColumnNames.Kind;
import vn.datafloor.integration.profile.EvidencePart.Code;
import vn.datafloor.integration.profile.EvidencePart.Column;
import vn.datafloor.integration.profile.EvidencePart.Columns;
import vn.datafloor.integration.profile.EvidencePart.Count;
import vn.datafloor.integration.profile.EvidencePart.Phrase;
import vn.datafloor.integration.profile.EvidencePart.Share;
import vn.datafloor.integration.profile.SampleProfile.Consistency;
import vn.datafloor.integration.profile.SampleProfile.Counts;
import vn.datafloor.integration.standardize.Standardizers;

/**
 * Proposes a personal-data category for each column of a dataset, from two kinds of evidence: the
 * column's name and the content of a seeded reservoir sample, checked with the standardizer macros
 * (std_cccd, std_phone, std_email, std_date…). A proposal is for a data steward to confirm or
 * override; see docs/personal-data.md for the rules and their limits.
 */
public final class PersonalDataDetector {

    /** Content shares at or above this propose a category. */
    static final double MATCH = 0.6;
    /** With a name hint, a share below this over at least {@link #MIN_VALUES} values contradicts the name. */
    static final double CONTRADICTION = 0.2;

    static final int MIN_VALUES = 10;
    static final double NAME_ONLY = 0.6;
    static final double NAME_CONTRADICTED = 0.3;
    static final double BUSINESS_CONTEXT = 0.4;
    /** Any date column looks like birth dates: content alone never says more than this. */
    static final double DATE_CONTENT_ONLY = 0.7;

    /** Content checks that can propose a category without a name hint, best first when shares tie. */
    private static final List<PersonalCategory> CONTENT_ORDER = List.of(
            EMAIL, PHONE, IDENTITY_NUMBER, HEALTH_INSURANCE_NUMBER, LOCATION, NAME, ADDRESS, DATE_OF_BIRTH, SEX);

    /** Checks that values of the category cannot fail: a low share says the name is misleading. */
    private static final Set<PersonalCategory> DECISIVE =
            EnumSet.of(NAME, IDENTITY_NUMBER, PHONE, EMAIL, DATE_OF_BIRTH, BANK_ACCOUNT);

    /** Columns of these categories make a dataset one about people (for tax codes). */
    private static final Set<PersonalCategory> PERSON = EnumSet.of(NAME, DATE_OF_BIRTH, SEX, IDENTITY_NUMBER);

    private PersonalDataDetector() {}

    /**
     * Samples up to {@code sampleRows} rows of the version (DuckDB reservoir sample, seeded, so the same
     * version gives the same proposals) and proposes a category per column, in the manifest's column order.
     */
    public static List<ColumnFinding> detect(DatasetVersion version, int sampleRows) {
        return detect(version, version.files().isEmpty() ? null : version.readExpression(), sampleRows);
    }

    /** The same over a version's clear copy, for a lake that encrypts its versions ({@code Lake.clear}). */
    public static List<ColumnFinding> detect(ClearVersion clear, int sampleRows) {
        return detect(clear.version(), clear.files().isEmpty() ? null : clear.readExpression(), sampleRows);
    }

    private static List<ColumnFinding> detect(DatasetVersion version, String readExpression, int sampleRows) {
        requirePositive(sampleRows);
        if (version.files().isEmpty()) {
            return version.manifest().columns().stream()
                    .map(c -> new ColumnFinding(c.name(), null, 0, List.of(EvidencePart.of(Code.NO_ROWS)), 0, 0))
                    .toList();
        }
        try (Connection duck = DuckDbConnections.open(null, "512MB", 2)) {
            List<String> columns = version.manifest().columns().stream()
                    .map(LakeManifest.Column::name)
                    .toList();
            if (columns.isEmpty()) {
                columns = describe(duck, readExpression);
            }
            return detect(duck, readExpression, columns, sampleRows);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot profile " + version.dataset() + " v" + version.version() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same over any DuckDB table expression ({@code read_parquet([...])}, a table or view name, a
     * parenthesised SELECT) on an open connection; {@code columns} are column names of it, proposals come
     * in their order. The expression is SQL from the caller, not user input. The standardizer macros are
     * installed if the connection lacks them; the sample lives in temporary tables dropped before returning.
     */
    public static List<ColumnFinding> detect(
            Connection duckdb, String tableExpression, List<String> columns, int sampleRows) throws SQLException {
        Objects.requireNonNull(tableExpression, "tableExpression");
        requirePositive(sampleRows);
        if (columns.isEmpty()) {
            return List.of();
        }
        installMacrosIfMissing(duckdb);
        try (SampleProfile sample = SampleProfile.take(duckdb, tableExpression, columns, sampleRows)) {
            return propose(sample, columns);
        }
    }

    private static void requirePositive(int sampleRows) {
        if (sampleRows < 1) {
            throw new IllegalArgumentException("sampleRows must be positive: " + sampleRows);
        }
    }

    private static List<ColumnFinding> propose(SampleProfile sample, List<String> columns) throws SQLException {
        int n = columns.size();
        List<Hint> hints = columns.stream().map(ColumnNames::hint).toList();
        if (sample.rows() == 0) {
            return columns.stream()
                    .map(c -> new ColumnFinding(c, null, 0, List.of(EvidencePart.of(Code.NO_ROWS)), 0, 0))
                    .toList();
        }
        List<Integer> profiled = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String type = sample.type(i);
            boolean checkable = !SampleProfile.opaque(type)
                    && (!SampleProfile.numeric(type) || hints.get(i).personal());
            if (checkable && hints.get(i).kind() != Kind.STATUS) {
                profiled.add(i);
            }
        }
        Map<Integer, Counts> counts = sample.counts(profiled);
        List<Draft> drafts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Counts k = counts.getOrDefault(i, Counts.EMPTY);
            drafts.add(
                    firstOpinion(columns.get(i), hints.get(i), sample.type(i), profiled.contains(i), k, sample.rows()));
        }
        birthYearsAgainstIdentityNumbers(sample, drafts, hints, counts);
        taxCodes(drafts, hints, counts);
        return drafts.stream().map(Draft::finding).toList();
    }

    /** What name and content say about one column on their own. */
    private static Draft firstOpinion(String column, Hint hint, String type, boolean profiled, Counts k, long rows) {
        Draft d = new Draft(column, k.values());
        Phrase phrase = new Phrase(hint.phrase());
        if (hint.kind() == Kind.STATUS) {
            return d.none(EvidencePart.of(Code.STATUS_COLUMN, phrase));
        }
        if (!profiled && hint.kind() == Kind.BUSINESS) {
            return d.none(EvidencePart.of(
                    hint.category() == PERSONAL_TAX_CODE ? Code.BUSINESS_TAX_CODE : Code.BUSINESS_COLUMN, phrase));
        }
        if (!profiled && !hint.personal()) {
            return d.none(EvidencePart.of(SampleProfile.opaque(type) ? Code.OPAQUE_VALUES : Code.NUMERIC_MEASURE));
        }
        if (hint.personal() && hint.category() == PERSONAL_TAX_CODE) {
            return d; // decided once the other columns are known
        }
        if (k.values() == 0) {
            EvidencePart empty = EvidencePart.of(Code.ALL_EMPTY, new Count(rows));
            return hint.personal()
                    ? d.propose(hint.category(), NAME_ONLY, List.of(nameSays(hint), empty), 0)
                    : d.none(empty);
        }
        PersonalCategory best = bestContent(k, hint);
        long bestMatched = best == null ? 0 : matched(best, k, false);
        if (hint.kind() == Kind.BUSINESS) {
            if (hint.category() == PERSONAL_TAX_CODE) {
                return d.none(EvidencePart.of(Code.BUSINESS_TAX_CODE, phrase));
            }
            if (best == null) {
                return d.none(EvidencePart.of(Code.BUSINESS_COLUMN, phrase));
            }
            return d.propose(
                    best,
                    BUSINESS_CONTEXT,
                    List.of(content(best, bestMatched, k), EvidencePart.of(Code.BUT_BUSINESS_NAME, phrase)),
                    bestMatched);
        }
        if (!hint.personal()) {
            if (best == null) {
                if (hint.kind() == Kind.OTHER_DATE && k.birthDate() >= MATCH * k.values()) {
                    return d.none(EvidencePart.of(Code.OTHER_EVENT_DATES, phrase));
                }
                return d.none(EvidencePart.of(Code.NO_PATTERN, new Count(k.values())));
            }
            double confidence = contentConfidence(bestMatched, k);
            List<EvidencePart> evidence = new ArrayList<>(List.of(content(best, bestMatched, k)));
            if (best == DATE_OF_BIRTH) {
                confidence = Math.min(confidence, DATE_CONTENT_ONLY);
            } else if (best == IDENTITY_NUMBER && k.cccd() < MATCH * k.values()) {
                confidence = Math.min(confidence, NAME_ONLY);
                evidence.add(EvidencePart.of(Code.MOSTLY_NINE_DIGITS));
            }
            return d.propose(best, confidence, evidence, bestMatched);
        }
        PersonalCategory hinted = hint.category();
        EvidencePart.Category hintedCategory = new EvidencePart.Category(hinted);
        long agree = matched(hinted, k, true);
        if (agree >= 0 && agree >= MATCH * k.values()) {
            return d.propose(
                    hinted,
                    Math.min(0.99, contentConfidence(agree, k) + 0.09),
                    List.of(EvidencePart.of(Code.NAME_AND_CONTENT_AGREE, phrase), content(hinted, agree, k)),
                    agree);
        }
        boolean contradicted =
                DECISIVE.contains(hinted) && k.values() >= MIN_VALUES && agree < CONTRADICTION * k.values();
        if (best != null && best != hinted && contradicted) {
            return d.propose(
                    best,
                    contentConfidence(bestMatched, k),
                    List.of(
                            content(best, bestMatched, k),
                            EvidencePart.of(Code.NAME_SUGGESTED, phrase, hintedCategory)),
                    bestMatched);
        }
        if (agree < 0) {
            List<EvidencePart> evidence =
                    new ArrayList<>(List.of(nameSays(hint), EvidencePart.of(Code.NO_CONTENT_CHECK)));
            if (best != null) {
                evidence.add(content(best, bestMatched, k));
            }
            return d.propose(hinted, NAME_ONLY, evidence, 0);
        }
        if (contradicted) {
            return d.propose(
                    hinted,
                    NAME_CONTRADICTED,
                    List.of(
                            EvidencePart.of(Code.NAME_SUGGESTS_BUT_ONLY, phrase, hintedCategory),
                            content(hinted, agree, k),
                            EvidencePart.of(Code.NAME_HINT_ONLY)),
                    agree);
        }
        return d.propose(hinted, NAME_ONLY, List.of(nameSays(hint), content(hinted, agree, k)), agree);
    }

    /**
     * An identity number's digits 4-6 give the holder's birth year: a date column that agrees with them is
     * a date of birth, whatever its name, and the agreement confirms the identity column.
     */
    private static void birthYearsAgainstIdentityNumbers(
            SampleProfile sample, List<Draft> drafts, List<Hint> hints, Map<Integer, Counts> counts)
            throws SQLException {
        List<Integer> identity = new ArrayList<>();
        List<Integer> dates = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Counts k = counts.get(i);
            if (k == null || k.values() == 0) {
                continue;
            }
            if (drafts.get(i).category == IDENTITY_NUMBER && k.cccd() > 0) {
                identity.add(i);
            }
            Kind kind = hints.get(i).kind();
            if (k.birthDate() >= MATCH * k.values() && kind != Kind.STATUS && kind != Kind.BUSINESS) {
                dates.add(i);
            }
        }
        if (identity.isEmpty() || dates.isEmpty()) {
            return;
        }
        List<Consistency> all = sample.consistency(identity, dates);
        for (int id : identity) {
            best(all, c -> c.identityColumn() == id).ifPresent(c -> {
                Draft idDraft = drafts.get(id);
                idDraft.evidence.add(agreement(Code.BIRTH_YEAR_CONSISTENT, drafts.get(c.dateColumn()).column, c));
                if (c.share() >= 0.9) {
                    idDraft.confidence = Math.min(0.99, idDraft.confidence + 0.05);
                }
            });
        }
        for (int date : dates) {
            Optional<Consistency> found = best(all, c -> c.dateColumn() == date);
            if (found.isEmpty()) {
                continue;
            }
            Consistency c = found.get();
            Draft dateDraft = drafts.get(date);
            Counts k = counts.get(date);
            String idColumn = drafts.get(c.identityColumn()).column;
            if (c.share() >= MATCH) {
                double confirmed = Math.min(0.99, contentConfidence(k.birthDate(), k) + 0.09);
                EvidencePart birthYear = agreement(Code.BIRTH_YEAR_AGREES, idColumn, c);
                if (dateDraft.category == DATE_OF_BIRTH) {
                    dateDraft.confidence = Math.max(dateDraft.confidence, confirmed);
                    dateDraft.evidence.add(birthYear);
                } else {
                    dateDraft.propose(
                            DATE_OF_BIRTH,
                            confirmed,
                            List.of(content(DATE_OF_BIRTH, k.birthDate(), k), birthYear),
                            k.birthDate());
                }
            } else if (dateDraft.category == DATE_OF_BIRTH
                    && hints.get(date).category() != DATE_OF_BIRTH
                    && c.compared() >= MIN_VALUES
                    && c.share() < CONTRADICTION) {
                // a date of some other event: the people's identity numbers say when they were born
                dateDraft.none(agreement(Code.BIRTH_YEARS_DISAGREE, idColumn, c));
            }
        }
    }

    private static Optional<Consistency> best(List<Consistency> all, Predicate<Consistency> which) {
        return all.stream()
                .filter(which)
                .filter(c -> c.compared() > 0)
                .max(Comparator.comparingDouble(Consistency::share));
    }

    /** "… in {column} in N% of M rows". */
    private static EvidencePart agreement(Code code, String column, Consistency c) {
        return EvidencePart.of(code, new Column(column), new Share(c.share()), new Count(c.compared()));
    }

    /**
     * A tax code is personal data only when it belongs to a person: a 12-digit personal identification
     * number (individuals' tax code since 2025-07-01), or any tax code in a dataset about people. Columns
     * naming people by their role in a business (owner, representative) do not make a dataset about people.
     */
    private static void taxCodes(List<Draft> drafts, List<Hint> hints, Map<Integer, Counts> counts) {
        List<String> people = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Draft d = drafts.get(i);
            if (d.category != null
                    && PERSON.contains(d.category)
                    && d.confidence >= 0.5
                    && !hints.get(i).roleQualified()) {
                people.add(d.column);
            }
        }
        for (int i = 0; i < drafts.size(); i++) {
            Hint hint = hints.get(i);
            if (!hint.personal() || hint.category() != PERSONAL_TAX_CODE) {
                continue;
            }
            Draft d = drafts.get(i);
            Counts k = counts.getOrDefault(i, Counts.EMPTY);
            Phrase phrase = new Phrase(hint.phrase());
            if (k.values() > 0 && k.taxPersonal() >= MATCH * k.values()) {
                d.propose(
                        PERSONAL_TAX_CODE,
                        Math.min(0.99, contentConfidence(k.taxPersonal(), k) + 0.09),
                        List.of(EvidencePart.of(
                                Code.PERSONAL_TAX_NUMBERS,
                                phrase,
                                Share.of(k.taxPersonal(), k.values()),
                                new Count(k.values()))),
                        k.taxPersonal());
            } else if (!people.isEmpty() && !hint.roleQualified()) {
                long tax = k.taxValid() + k.taxPersonal();
                List<EvidencePart> evidence = new ArrayList<>();
                evidence.add(EvidencePart.of(
                        Code.TAX_CODE_ABOUT_PEOPLE,
                        phrase,
                        new Columns(people.subList(0, Math.min(3, people.size())), people.size() > 3)));
                if (k.values() > 0) {
                    evidence.add(EvidencePart.of(
                            Code.TAX_CODE_CHECK_DIGITS, Share.of(tax, k.values()), new Count(k.values())));
                }
                d.propose(
                        PERSONAL_TAX_CODE,
                        k.values() > 0 && tax >= MATCH * k.values() ? 0.75 : NAME_ONLY,
                        evidence,
                        tax);
            } else {
                d.none(EvidencePart.of(
                        hint.roleQualified() ? Code.BUSINESS_TAX_CODE_ROLE : Code.BUSINESS_TAX_CODE_NO_PEOPLE));
            }
        }
    }

    /** The content category with the highest share at or above {@link #MATCH}, or null. */
    private static PersonalCategory bestContent(Counts k, Hint hint) {
        PersonalCategory best = null;
        long bestMatched = 0;
        for (PersonalCategory c : CONTENT_ORDER) {
            if (c == DATE_OF_BIRTH && hint.dateWord() != null && hint.category() != DATE_OF_BIRTH) {
                continue; // "ngay_dang_ky", "ngay_cap_cccd": a date, of something else
            }
            long m = matched(c, k, false);
            if (m >= MATCH * k.values() && m > bestMatched) {
                best = c;
                bestMatched = m;
            }
        }
        return best;
    }

    /**
     * Values of the column matching the content check of {@code c}; -1 when the category has none. With
     * a name hint some checks are looser: a year is a birth date, a single coordinate is a location.
     */
    private static long matched(PersonalCategory c, Counts k, boolean hinted) {
        return switch (c) {
            case NAME -> k.personName() + (hinted ? k.namePart() : 0);
            case IDENTITY_NUMBER -> k.cccd() + k.cmnd();
            case PHONE -> k.phone();
            case EMAIL -> k.email();
            case DATE_OF_BIRTH -> k.birthDate() + (hinted ? k.birthYear() : 0);
            case SEX -> k.sex();
            case ADDRESS -> hinted ? k.place() : k.address();
            case PLACE_OF_BIRTH -> k.place();
            case HEALTH_INSURANCE_NUMBER -> k.bhyt() + (hinted ? k.digits10() : 0);
            case SOCIAL_INSURANCE_NUMBER -> k.digits10();
            case BANK_ACCOUNT -> k.bank();
            case LOCATION -> hinted ? Math.max(k.latLonPair(), Math.max(k.lat(), k.lon())) : k.latLonPair();
            case PERSONAL_TAX_CODE -> k.taxValid() + k.taxPersonal();
            default -> -1;
        };
    }

    /** "N% of M values" and what the matching values are. Never quotes a value. */
    private static EvidencePart content(PersonalCategory c, long matched, Counts k) {
        Share share = Share.of(matched, k.values());
        Count values = new Count(k.values());
        return switch (c) {
            case NAME ->
                EvidencePart.of(
                        k.namePart() > k.personName() ? Code.SHARE_NAME_PARTS : Code.SHARE_PERSON_NAMES, share, values);
            case IDENTITY_NUMBER ->
                EvidencePart.of(
                        Code.SHARE_IDENTITY_NUMBERS,
                        share,
                        values,
                        Share.of(k.cccd(), k.values()),
                        Share.of(k.cmnd(), k.values()));
            case PHONE -> EvidencePart.of(Code.SHARE_PHONES, share, values, Share.of(k.mobile(), k.values()));
            case EMAIL -> EvidencePart.of(Code.SHARE_EMAILS, share, values);
            case DATE_OF_BIRTH -> EvidencePart.of(Code.SHARE_BIRTH_DATES, share, values);
            case SEX -> EvidencePart.of(Code.SHARE_SEX_WORDS, share, values);
            case ADDRESS -> EvidencePart.of(Code.SHARE_ADDRESSES, share, values);
            case PLACE_OF_BIRTH -> EvidencePart.of(Code.SHARE_PLACES, share, values);
            case HEALTH_INSURANCE_NUMBER -> EvidencePart.of(Code.SHARE_HEALTH_INSURANCE, share, values);
            case SOCIAL_INSURANCE_NUMBER -> EvidencePart.of(Code.SHARE_TEN_DIGITS, share, values);
            case BANK_ACCOUNT -> EvidencePart.of(Code.SHARE_BANK_ACCOUNTS, share, values);
            case LOCATION -> EvidencePart.of(Code.SHARE_COORDINATES, share, values);
            case PERSONAL_TAX_CODE -> EvidencePart.of(Code.SHARE_TAX_CODES, share, values);
            default -> EvidencePart.of(Code.SHARE_MATCHING, share, values);
        };
    }

    private static EvidencePart nameSays(Hint hint) {
        return EvidencePart.of(
                Code.NAME_SUGGESTS, new Phrase(hint.phrase()), new EvidencePart.Category(hint.category()));
    }

    /** 0.74 at the 0.6 threshold, 0.9 when every value matches. */
    private static double contentConfidence(long matched, Counts k) {
        return 0.5 + 0.4 * matched / k.values();
    }

    private static void installMacrosIfMissing(Connection duckdb) throws SQLException {
        try (Statement s = duckdb.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(DISTINCT function_name) FROM duckdb_functions()"
                        + " WHERE function_name IN ('std_cccd', 'std_phone', 'std_email', 'std_date', 'std_sex',"
                        + " 'std_tax_code')")) {
            rs.next();
            if (rs.getInt(1) < 6) {
                Standardizers.install(duckdb);
            }
        }
    }

    private static List<String> describe(Connection duck, String tableExpression) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + tableExpression)) {
            while (rs.next()) {
                columns.add(rs.getString("column_name"));
            }
        }
        return columns;
    }

    /** A finding being decided. */
    private static final class Draft {
        final String column;
        final long sampled;
        PersonalCategory category;
        double confidence;
        List<EvidencePart> evidence = new ArrayList<>();
        long matched;

        Draft(String column, long sampled) {
            this.column = column;
            this.sampled = sampled;
        }

        Draft propose(PersonalCategory category, double confidence, List<EvidencePart> evidence, long matched) {
            this.category = category;
            this.confidence = confidence;
            this.evidence = new ArrayList<>(evidence);
            this.matched = Math.max(0, matched);
            return this;
        }

        Draft none(EvidencePart evidence) {
            return propose(null, 0, List.of(evidence), 0);
        }

        ColumnFinding finding() {
            return new ColumnFinding(
                    column, category, Math.round(confidence * 100) / 100.0, evidence, sampled, matched);
        }
    }
}
