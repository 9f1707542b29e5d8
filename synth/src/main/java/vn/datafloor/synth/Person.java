package vn.datafloor.synth;

import java.time.LocalDate;
import vn.datafloor.integration.reference.AdminUnits.Commune;
import vn.datafloor.integration.reference.AdminUnits.ListVersion;

/**
 * The true attributes of one person. {@code birthProvinceCode} is a code of {@code birthList}: the
 * pre-2025 63-province list for births before 2025-07-01, the 2025 list after.
 *
 * @param employer  index of the employing business, or -1
 * @param visits    number of health-insurance visits in 2023–2025 (0 = not a patient)
 */
record Person(
        long index,
        long household,
        int role,
        String surname,
        String middle,
        String given,
        boolean male,
        LocalDate birthDate,
        ListVersion birthList,
        String birthProvinceCode,
        String cccd,
        String phone,
        long socialInsuranceNumber,
        Commune permanentCommune,
        String permanentStreet,
        Commune currentCommune,
        String currentStreet,
        LocalDate movedOn,
        LocalDate diedOn,
        long employer,
        boolean taxpayer,
        boolean insured,
        int visits) {

    static final int HEAD = 0;
    static final int SPOUSE = 1;
    static final int RELATIVE = 2;

    String fullName() {
        return surname + " " + middle + " " + given;
    }

    String id() {
        return personId(index);
    }

    static String personId(long index) {
        return "P" + Ids.pad(index + 1, 9);
    }

    boolean aliveOn(LocalDate date) {
        return diedOn == null || diedOn.isAfter(date);
    }
}
