package vn.datafloor.synth;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import vn.datafloor.integration.reference.AdminUnits.Commune;
import vn.datafloor.integration.reference.AdminUnits.ListVersion;

/**
 * Draws households and their members. Household {@code h} depends only on the seed and {@code h} (its
 * own SplittableRandom), so the business phase can regenerate a household to name its owner instead of
 * keeping the population in memory. Only the CCCD's serial depends on generation order; it is kept
 * for household heads in {@link SyntheticPopulation}.
 */
final class PopulationModel {

    /** Ages are computed at this date; nothing happens after it. */
    static final LocalDate REFERENCE_DATE = LocalDate.of(2025, 12, 31);

    static final LocalDate V2025_START = ListVersion.V2025.effectiveFrom();

    /**
     * Age pyramid, Vietnam around 2024 (shape of GSO/UN WPP estimates, rounded, per cent of population by
     * five-year age group 0–4 … 85–89, then 90–99): young-heavy with a bulge at 30–39 and a growing top.
     */
    static final double[] AGE_BIN_SHARES = {
        7.0, 7.9, 7.8, 7.0, 6.6, 7.3, 8.0, 8.1, 7.6, 7.0, 6.2, 5.6, 4.7, 3.6, 2.4, 1.4, 0.9, 0.5, 0.4
    };

    private static final int[] AGE_BIN_START = {0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90
    };
    private static final int[] AGE_BIN_WIDTH = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 10};

    /** Household sizes 1–6, per cent (GSO 2019 census: average 3.5 people). */
    static final double[] HOUSEHOLD_SIZE_SHARES = {12, 20, 22, 25, 12, 9};

    private static final WeightedChoice<Integer> AGE_BINS = bins(0);
    private static final WeightedChoice<Integer> ADULT_AGE_BINS = bins(4);
    private static final WeightedChoice<Integer> HOUSEHOLD_SIZES =
            new WeightedChoice<>(List.of(1, 2, 3, 4, 5, 6), HOUSEHOLD_SIZE_SHARES);

    /** Roughly: who among the working population is in a formal job, files taxes, goes to the doctor. */
    static final double EMPLOYED = 0.40;

    static final double MOVED = 0.12;
    static final double HAS_PHONE = 0.92;
    static final double PATIENT = 0.40;

    private final long seed;
    private final Places places;
    private final long businesses;

    PopulationModel(long seed, Places places, long businesses) {
        this.seed = seed;
        this.places = places;
        this.businesses = businesses;
    }

    /** Issues CCCD serials in generation order; null when regenerating (the caller knows the number). */
    interface CccdIssuer {
        String issue(String provinceCode3, int centuryAndSex, int birthYear);
    }

    List<Person> household(long h, long firstIndex, long maxSize, CccdIssuer issuer) {
        SplittableRandom r = new SplittableRandom(Ids.mix(seed, h));
        int size = (int) Math.min(HOUSEHOLD_SIZES.pick(r), maxSize);
        int[] ages = new int[size];
        for (int i = 0; i < size; i++) {
            ages[i] = age(AGE_BINS, r);
        }
        Arrays.sort(ages);
        // Oldest first; a household is headed by an adult, so a child-only draw gets an adult head.
        for (int i = 0; i < size / 2; i++) {
            int t = ages[i];
            ages[i] = ages[size - 1 - i];
            ages[size - 1 - i] = t;
        }
        if (ages[0] < 18) {
            ages[0] = age(ADULT_AGE_BINS, r);
        }
        boolean headMale = r.nextDouble() < 0.7;
        boolean hasSpouse = size >= 2 && ages[1] >= 18 && r.nextDouble() < 0.85;
        if (hasSpouse) {
            ages[1] = Math.max(18, Math.min(99, ages[0] + (headMale ? -r.nextInt(7) : r.nextInt(7))));
        }
        String headSurname = Vocabulary.SURNAMES.pick(r);
        String spouseSurname = hasSpouse ? Vocabulary.SURNAMES.pick(r) : headSurname;
        // Children take their father's surname.
        String familySurname = headMale || !hasSpouse ? headSurname : spouseSurname;

        Commune home = places.communes2025.get(r.nextInt(places.communes2025.size()));
        String street = street(home, r);

        List<Person> members = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int role = i == 0 ? Person.HEAD : i == 1 && hasSpouse ? Person.SPOUSE : Person.RELATIVE;
            boolean male = switch (role) {
                case Person.HEAD -> headMale;
                case Person.SPOUSE -> !headMale;
                default -> r.nextDouble() < (ages[i] >= 60 ? 0.44 : 0.51);
            };
            String surname = role == Person.HEAD ? headSurname : role == Person.SPOUSE ? spouseSurname : familySurname;
            members.add(person(r, firstIndex + i, h, role, surname, male, ages[i], home, street, issuer));
        }
        return members;
    }

    private Person person(
            SplittableRandom r,
            long index,
            long h,
            int role,
            String surname,
            boolean male,
            int age,
            Commune home,
            String street,
            CccdIssuer issuer) {
        String middle = (male ? Vocabulary.MALE_MIDDLE : Vocabulary.FEMALE_MIDDLE).pick(r);
        String given = (male ? Vocabulary.MALE_GIVEN : Vocabulary.FEMALE_GIVEN).pick(r);
        LocalDate born = REFERENCE_DATE.minusYears(age).minusDays(r.nextInt(365));

        ListVersion birthList;
        String birthProvince;
        if (born.isBefore(V2025_START)) {
            birthList = ListVersion.PRE_2025;
            List<String> former = places.formerProvinces(home.provinceCode());
            birthProvince = r.nextDouble() < (age < 18 ? 0.9 : 0.65)
                    ? former.get(r.nextInt(former.size()))
                    : places.provincesPre2025
                            .get(r.nextInt(places.provincesPre2025.size()))
                            .code();
        } else {
            birthList = ListVersion.V2025;
            birthProvince = home.provinceCode();
        }
        int year = born.getYear();
        int centuryAndSex = (year / 100 - 19) * 2 + (male ? 0 : 1);
        String cccd = issuer == null ? null : issuer.issue("0" + birthProvince, centuryAndSex, year % 100);

        String phone = null;
        if (age >= 14 && r.nextDouble() < HAS_PHONE) {
            phone = Vocabulary.PHONE_PREFIXES.get(r.nextInt(Vocabulary.PHONE_PREFIXES.size()))
                    + Ids.pad(r.nextInt(10_000_000), 7);
        }
        long socialInsurance = Math.floorMod(index * 7_919L + Ids.mix(seed, -1), 10_000_000_000L);

        LocalDate died = null;
        double deathRisk = age < 1 ? 0.005 : age < 50 ? 0.006 : age < 70 ? 0.03 : age < 80 ? 0.12 : 0.25;
        if (r.nextDouble() < deathRisk) {
            died = between(r, born.isAfter(LocalDate.of(2016, 1, 1)) ? born : LocalDate.of(2016, 1, 1), REFERENCE_DATE);
        }

        Commune current = home;
        String currentStreet = street;
        LocalDate moved = null;
        if (died == null && age >= 18 && r.nextDouble() < MOVED) {
            current = r.nextBoolean()
                    ? sameProvince(home, r)
                    : places.communes2025.get(r.nextInt(places.communes2025.size()));
            currentStreet = street(current, r);
            LocalDate adult = born.plusYears(18);
            moved = between(
                    r, adult.isAfter(LocalDate.of(2012, 1, 1)) ? adult : LocalDate.of(2012, 1, 1), REFERENCE_DATE);
        }

        boolean working = age >= 18 && age <= 60 && (died == null || died.isAfter(LocalDate.of(2023, 1, 1)));
        long employer = working && r.nextDouble() < EMPLOYED ? employer(r) : -1;
        boolean taxpayer = age >= 18
                && age <= 75
                && (died == null || died.isAfter(LocalDate.of(2023, 1, 1)))
                && r.nextDouble() < (employer >= 0 ? 0.8 : 0.3);
        boolean insured = employer >= 0 || (working && r.nextDouble() < 0.05);
        int visits = 0;
        if ((died == null || died.isAfter(LocalDate.of(2023, 6, 1))) && r.nextDouble() < PATIENT) {
            visits = 1 + (int) Math.min(7, -Math.log(1 - r.nextDouble()) * (age >= 60 ? 2.5 : 1.2));
        }
        return new Person(
                index,
                h,
                role,
                surname,
                middle,
                given,
                male,
                born,
                birthList,
                birthProvince,
                cccd,
                phone,
                socialInsurance,
                home,
                street,
                current,
                currentStreet,
                moved,
                died,
                employer,
                taxpayer,
                insured,
                visits);
    }

    /** Big employers are few and take many people: index skewed towards 0. */
    private long employer(SplittableRandom r) {
        double u = r.nextDouble();
        return Math.min(businesses - 1, (long) (businesses * u * u * u));
    }

    private Commune sameProvince(Commune home, SplittableRandom r) {
        for (int attempt = 0; attempt < 50; attempt++) {
            Commune c = places.communes2025.get(r.nextInt(places.communes2025.size()));
            if (c.provinceCode().equals(home.provinceCode()) && !c.code().equals(home.code())) {
                return c;
            }
        }
        return places.communes2025.get(r.nextInt(places.communes2025.size()));
    }

    /** House number and street in wards; mostly hamlets (thôn, ấp, xóm…) elsewhere, as rural addresses are. */
    static String street(Commune c, SplittableRandom r) {
        boolean urban = c.type().equals("Ward");
        if (!urban && r.nextDouble() < 0.6) {
            return Vocabulary.HAMLET_WORDS.get(r.nextInt(Vocabulary.HAMLET_WORDS.size())) + " " + (1 + r.nextInt(15));
        }
        String number = Integer.toString(1 + r.nextInt(250));
        if (r.nextDouble() < 0.2) {
            number += "/" + (1 + r.nextInt(40));
        }
        return "Số " + number + " " + Vocabulary.STREETS.get(r.nextInt(Vocabulary.STREETS.size()));
    }

    static LocalDate between(SplittableRandom r, LocalDate from, LocalDate to) {
        long days = to.toEpochDay() - from.toEpochDay();
        return days <= 0 ? from : LocalDate.ofEpochDay(from.toEpochDay() + r.nextLong(days + 1));
    }

    private static int age(WeightedChoice<Integer> bins, SplittableRandom r) {
        int bin = bins.pick(r);
        return AGE_BIN_START[bin] + r.nextInt(AGE_BIN_WIDTH[bin]);
    }

    private static WeightedChoice<Integer> bins(int firstBin) {
        List<Integer> indexes = new ArrayList<>();
        double[] weights = new double[AGE_BIN_SHARES.length - firstBin];
        for (int i = firstBin; i < AGE_BIN_SHARES.length; i++) {
            indexes.add(i);
            weights[i - firstBin] = AGE_BIN_SHARES[i];
        }
        return new WeightedChoice<>(indexes, weights);
    }
}
