package vn.datafloor.synth;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import vn.datafloor.integration.reference.AdminUnits.Commune;
import vn.datafloor.integration.reference.AdminUnits.ListVersion;
import vn.datafloor.integration.reference.AdminUnits.Province;

/**
 * Writes each person to the truth file and to the agency extracts that hold them, each agency with its
 * own format and defects. Every agency has its own random stream, so its noise does not shift when
 * another agency's rates change.
 */
final class PeopleExtracts implements AutoCloseable {
    private static final LocalDate VISITS_FROM = LocalDate.of(2023, 1, 1);

    private final Places places;
    private final Noise noise;
    private final long seed;
    private final TruthLinks truth;
    final Extract truthPeople;
    final Extract activities;
    final Extract civil;
    final Extract tax;
    final Extract insured;
    final Extract patients;
    final Extract visits;
    final Windows1258 cp1258 = new Windows1258();
    private final SplittableRandom taxNoise;
    private final SplittableRandom insuredNoise;
    private final SplittableRandom healthNoise;
    private final SplittableRandom visitRandom;
    private long activityCount;

    PeopleExtracts(Path out, Places places, Noise noise, long seed, TruthLinks truth) {
        this.places = places;
        this.noise = noise;
        this.seed = seed;
        this.truth = truth;
        taxNoise = new SplittableRandom(Ids.mix(seed, 101));
        insuredNoise = new SplittableRandom(Ids.mix(seed, 102));
        healthNoise = new SplittableRandom(Ids.mix(seed, 103));
        visitRandom = new SplittableRandom(Ids.mix(seed, 104));
        truthPeople = Extract.csv(
                out,
                "truth/people.csv",
                "person_id",
                "household_id",
                "household_role",
                "surname",
                "middle_name",
                "given_name",
                "full_name",
                "sex",
                "date_of_birth",
                "birth_province_list",
                "birth_province_code",
                "cccd",
                "phone",
                "social_insurance_number",
                "permanent_street",
                "permanent_commune_code",
                "permanent_province_code",
                "current_street",
                "current_commune_code",
                "current_province_code",
                "moved_on",
                "date_of_death",
                "employer_business_id");
        activities = Extract.csv(
                out,
                "truth/activities.csv",
                "activity_id",
                "type",
                "date",
                "person_id",
                "business_id",
                "commune_code",
                "detail");
        civil = Extract.csv(
                out,
                "civil-registry/people.csv",
                "record_id",
                "so_cccd",
                "ho",
                "ten_dem",
                "ten",
                "ho_ten",
                "gioi_tinh",
                "ngay_sinh",
                "ma_tinh_khai_sinh",
                "ten_tinh_khai_sinh",
                "danh_muc_tinh_khai_sinh",
                "dia_chi_thuong_tru",
                "ma_xa_thuong_tru",
                "ten_xa_thuong_tru",
                "ma_tinh_thuong_tru",
                "ten_tinh_thuong_tru",
                "dia_chi_hien_tai",
                "ma_xa_hien_tai",
                "ten_xa_hien_tai",
                "ma_tinh_hien_tai",
                "ten_tinh_hien_tai",
                "ngay_chuyen_den",
                "so_dien_thoai",
                "ngay_mat");
        tax = Extract.csv(
                out,
                "tax/taxpayers.csv",
                "record_id",
                "ho_ten",
                "ngay_sinh",
                "gioi_tinh",
                "so_cccd",
                "dia_chi",
                "so_dien_thoai",
                "ngay_dang_ky_thue");
        insured = Extract.jsonl(
                out,
                "social-insurance/insured.jsonl",
                "record_id",
                "ma_so_bhxh",
                "ho_ten",
                "ngay_sinh",
                "gioi_tinh",
                "so_cccd",
                "dien_thoai",
                "ma_don_vi",
                "dia_chi",
                "ma_tinh");
        patients = Extract.csv1258(
                out,
                "health/patients.csv",
                cp1258,
                "record_id",
                "ho_ten",
                "ngay_sinh",
                "gioi_tinh",
                "so_cccd",
                "so_the_bhyt",
                "dia_chi",
                "ma_tinh_cu",
                "so_dien_thoai");
        visits = Extract.csv1258(
                out,
                "health/visits.csv",
                cp1258,
                "record_id",
                "ma_benh_nhan",
                "ngay_kham",
                "ma_co_so",
                "ten_co_so",
                "ma_xa",
                "ma_icd10",
                "chan_doan");
    }

    void write(Person p) {
        writeTruth(p);
        writeCivil(p);
        if (p.taxpayer()) {
            writeTax(p, false);
        }
        if (p.insured()) {
            writeInsured(p, false);
        }
        if (p.visits() > 0) {
            String patientId = writePatient(p, false);
            writeVisits(p, patientId);
        }
    }

    private void writeTruth(Person p) {
        truthPeople
                .begin()
                .add(p.id())
                .add(Ids.householdId(p.household()))
                .add(p.role() == Person.HEAD ? "head" : p.role() == Person.SPOUSE ? "spouse" : "relative")
                .add(p.surname())
                .add(p.middle())
                .add(p.given())
                .add(p.fullName())
                .add(p.male() ? "M" : "F")
                .add(Dates.iso(p.birthDate()))
                .add(p.birthList().name())
                .add(p.birthProvinceCode())
                .add(p.cccd())
                .add(p.phone())
                .add(Ids.pad(p.socialInsuranceNumber(), 10))
                .add(p.permanentStreet())
                .add(p.permanentCommune().code())
                .add(p.permanentCommune().provinceCode())
                .add(p.currentStreet())
                .add(p.currentCommune().code())
                .add(p.currentCommune().provinceCode())
                .add(Dates.iso(p.movedOn()))
                .add(Dates.iso(p.diedOn()))
                .add(p.employer() >= 0 ? Ids.businessId(p.employer()) : null)
                .end();
        if (p.movedOn() != null) {
            activity(
                    "move",
                    p.movedOn(),
                    p.id(),
                    null,
                    p.currentCommune().code(),
                    "from " + p.permanentCommune().code());
        }
        if (p.diedOn() != null) {
            activity("death", p.diedOn(), p.id(), null, p.currentCommune().code(), null);
        }
    }

    void activity(String type, LocalDate date, String personId, String businessId, String commune, String detail) {
        activities
                .begin()
                .add("A" + Ids.pad(++activityCount, 10))
                .add(type)
                .add(Dates.iso(date))
                .add(personId)
                .add(businessId)
                .add(commune)
                .add(detail)
                .end();
    }

    private void writeCivil(Person p) {
        String id = "CR" + Ids.pad(civil.records + 1, 9);
        Province birth = p.birthList() == ListVersion.PRE_2025
                ? places.provincePre2025(p.birthProvinceCode())
                : places.province2025(p.birthProvinceCode());
        Commune perm = p.permanentCommune();
        Commune cur = p.currentCommune();
        civil.begin()
                .add(id)
                .add(p.cccd())
                .add(p.surname())
                .add(p.middle())
                .add(p.given())
                .add(p.fullName())
                .add(p.male() ? "Nam" : "Nữ")
                .add(Dates.iso(p.birthDate()))
                .add(p.birthProvinceCode())
                .add(birth.name())
                .add(p.birthList() == ListVersion.PRE_2025 ? "truoc_2025" : "2025")
                .add(p.permanentStreet())
                .add(perm.code())
                .add(Places.communeLabel(perm))
                .add(perm.provinceCode())
                .add(Places.provinceLabel(places.province2025(perm.provinceCode())))
                .add(p.currentStreet())
                .add(cur.code())
                .add(Places.communeLabel(cur))
                .add(cur.provinceCode())
                .add(Places.provinceLabel(places.province2025(cur.provinceCode())))
                .add(Dates.iso(p.movedOn()))
                .add(p.phone())
                .add(Dates.iso(p.diedOn()))
                .end();
        truth.link(civil, id, TruthLinks.PERSON, p.id());
    }

    /** Tax: dd/MM/yyyy, mixed address forms, names sometimes without diacritics or with Ð, NFD, typos. */
    private void writeTax(Person p, boolean isDuplicate) {
        SplittableRandom r = taxNoise;
        String id = "TX" + Ids.pad(tax.records + 1, 9);
        String name = name(p, r);
        if (hit(r, noise.missingDiacritics())) {
            name = Corruptor.stripDiacritics(name);
        }
        if (hit(r, noise.ethForD())) {
            name = Corruptor.ethForD(name);
        }
        if (hit(r, noise.nfd())) {
            name = Corruptor.nfd(name);
        }
        String cccd = hit(r, noise.idError()) ? Corruptor.idError(p.cccd(), r) : p.cccd();
        String address = hit(r, noise.outdatedAddress())
                ? places.addressPre2025(p.currentStreet(), p.currentCommune())
                : places.address2025(p.currentStreet(), p.currentCommune());
        String phone = p.phone();
        if (hit(r, noise.missingField())) {
            switch (r.nextInt(3)) {
                case 0 -> phone = null;
                case 1 -> cccd = null;
                default -> address = null;
            }
        }
        LocalDate registered = PopulationModel.between(
                r,
                p.birthDate().plusYears(18).isAfter(LocalDate.of(2005, 1, 1))
                        ? p.birthDate().plusYears(18)
                        : LocalDate.of(2005, 1, 1),
                PopulationModel.REFERENCE_DATE);
        tax.begin()
                .add(id)
                .add(name)
                .add(Dates.vietnamese(date(p.birthDate(), r)))
                .add(p.male() ? "Nam" : "Nữ")
                .add(cccd)
                .add(address)
                .add(phone)
                .add(Dates.vietnamese(registered))
                .end();
        truth.link(tax, id, TruthLinks.PERSON, p.id());
        if (!isDuplicate && hit(r, noise.duplicate())) {
            writeTax(p, true);
        }
    }

    /** Social insurance: JSON Lines, upper-case names without diacritics, +84 phones, yyyyMMdd dates. */
    private void writeInsured(Person p, boolean isDuplicate) {
        SplittableRandom r = insuredNoise;
        String id = "SI" + Ids.pad(insured.records + 1, 9);
        String name = Corruptor.upperAscii(name(p, r));
        String cccd = hit(r, noise.idError()) ? Corruptor.idError(p.cccd(), r) : p.cccd();
        String phone = p.phone() == null ? null : "+84" + p.phone().substring(1);
        String address = hit(r, noise.outdatedAddress())
                ? places.addressPre2025(p.currentStreet(), p.currentCommune())
                : places.address2025(p.currentStreet(), p.currentCommune());
        if (hit(r, noise.missingField())) {
            if (r.nextBoolean()) {
                phone = null;
            } else {
                cccd = null;
            }
        }
        insured.begin()
                .add(id)
                .add(Ids.pad(p.socialInsuranceNumber(), 10))
                .add(name)
                .add(Dates.compact(date(p.birthDate(), r)))
                .add(p.male() ? "NAM" : "NU")
                .add(cccd)
                .add(phone)
                .add(p.employer() >= 0 ? TaxCode.forBusiness(p.employer(), seed) : null)
                .add(address)
                .add(p.currentCommune().provinceCode())
                .end();
        truth.link(insured, id, TruthLinks.PERSON, p.id());
        if (!isDuplicate && hit(r, noise.duplicate())) {
            writeInsured(p, true);
        }
    }

    /**
     * Health: Windows-1258, always the old 63-province address with district (hospital systems were not
     * migrated), children often without CCCD. No Ð here: byte 0xD0 is Đ in code page 1258, so U+00D0 has
     * no encoding; that confusion appears only when a reader decodes the file as windows-1252.
     */
    private String writePatient(Person p, boolean isDuplicate) {
        SplittableRandom r = healthNoise;
        String id = "BN" + Ids.pad(patients.records + 1, 9);
        String name = name(p, r);
        String cccd = hit(r, noise.idError()) ? Corruptor.idError(p.cccd(), r) : p.cccd();
        int age = p.birthDate().until(PopulationModel.REFERENCE_DATE).getYears();
        if (age < 14 && r.nextDouble() < 0.7) {
            cccd = null;
        }
        Commune old = places.formerCommune(p.currentCommune());
        String oldProvince = old == null ? p.currentCommune().provinceCode() : old.provinceCode();
        String card = insuranceGroup(p, age) + oldProvince + Ids.pad(p.socialInsuranceNumber(), 10);
        String address = places.addressPre2025(p.currentStreet(), p.currentCommune());
        String phone = p.phone();
        if (hit(r, noise.missingField())) {
            switch (r.nextInt(3)) {
                case 0 -> phone = null;
                case 1 -> cccd = null;
                default -> card = null;
            }
        }
        patients.begin()
                .add(id)
                .add(name)
                .add(Dates.vietnamese(date(p.birthDate(), r)))
                .add(p.male() ? "Nam" : "Nữ")
                .add(cccd)
                .add(card)
                .add(address)
                .add(oldProvince)
                .add(phone)
                .end();
        truth.link(patients, id, TruthLinks.PERSON, p.id());
        if (!isDuplicate && hit(r, noise.duplicate())) {
            writePatient(p, true);
        }
        return id;
    }

    /** Health-insurance card prefix: beneficiary group and benefit level (Decision 1351/QĐ-BHXH, simplified). */
    private static String insuranceGroup(Person p, int age) {
        if (age < 6) {
            return "TE1";
        }
        if (age < 18) {
            return "HS4";
        }
        if (p.employer() >= 0) {
            return "DN4";
        }
        return age >= 60 ? "HT3" : "GD4";
    }

    private void writeVisits(Person p, String patientId) {
        SplittableRandom r = visitRandom;
        LocalDate last =
                p.diedOn() == null ? PopulationModel.REFERENCE_DATE : p.diedOn().minusDays(1);
        LocalDate first = p.birthDate().isAfter(VISITS_FROM) ? p.birthDate() : VISITS_FROM;
        for (int i = 0; i < p.visits(); i++) {
            LocalDate day = PopulationModel.between(r, first, last);
            Vocabulary.Diagnosis diagnosis = Vocabulary.DIAGNOSES.pick(r);
            Commune c = p.currentCommune();
            String facilityCode;
            String facility;
            if (r.nextDouble() < 0.75) {
                facilityCode = "TYT" + c.code();
                facility = "Trạm Y tế " + Places.communeLabel(c);
            } else {
                Province province = places.province2025(c.provinceCode());
                facilityCode = "BV" + province.code() + "001";
                facility = "Bệnh viện Đa khoa " + Places.provinceLabel(province);
            }
            String id = "KB" + Ids.pad(visits.records + 1, 10);
            visits.begin()
                    .add(id)
                    .add(patientId)
                    .add(Dates.vietnamese(day))
                    .add(facilityCode)
                    .add(facility)
                    .add(c.code())
                    .add(diagnosis.icd10())
                    .add(diagnosis.name())
                    .end();
            truth.link(visits, id, TruthLinks.PERSON, p.id());
            activity("health_visit", day, p.id(), null, c.code(), diagnosis.icd10());
        }
    }

    /** The full name with the name-level defects every noisy source shares: swap, tone placement, typo. */
    private String name(Person p, SplittableRandom r) {
        String name = hit(r, noise.swappedNames()) ? p.surname() + " " + p.given() + " " + p.middle() : p.fullName();
        if (hit(r, noise.tonePlacement())) {
            name = Corruptor.toggleTonePlacement(name);
        }
        if (hit(r, noise.typo())) {
            name = Corruptor.typo(name, r);
        }
        return name;
    }

    private LocalDate date(LocalDate d, SplittableRandom r) {
        return hit(r, noise.dayMonthSwap()) ? Corruptor.swapDayMonth(d) : d;
    }

    /** Always consumes one draw, so a zero rate leaves the rest of the stream where it would have been. */
    static boolean hit(SplittableRandom r, double rate) {
        return r.nextDouble() < rate;
    }

    List<Extract> extracts() {
        return List.of(civil, tax, insured, patients, visits);
    }

    @Override
    public void close() {
        for (Extract e : List.of(truthPeople, activities, civil, tax, insured, patients, visits)) {
            e.close();
        }
    }
}
