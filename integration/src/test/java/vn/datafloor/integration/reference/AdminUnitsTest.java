package vn.datafloor.integration.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.reference.AdminUnits.ListVersion;

class AdminUnitsTest {

    private final AdminUnits units = AdminUnits.builtIn();

    @Test
    void bothListsHaveTheOfficialCounts() {
        assertThat(units.provinces(ListVersion.V2025)).hasSize(34);
        assertThat(units.communes(ListVersion.V2025)).hasSize(3321);
        assertThat(units.provinces(ListVersion.PRE_2025)).hasSize(63);
        assertThat(units.communes(ListVersion.PRE_2025)).hasSize(10035);
    }

    @Test
    void aReusedWardCodeMeansDifferentPlacesInEachVersion() {
        assertThat(units.commune(ListVersion.PRE_2025, "00004").orElseThrow().name())
                .isEqualTo("Trúc Bạch");
        assertThat(units.commune(ListVersion.V2025, "00004").orElseThrow().name())
                .isEqualTo("Ba Đình");
        assertThat(units.commune(ListVersion.PRE_2025, "00004").orElseThrow().districtName())
                .isEqualTo("Ba Đình");
    }

    @Test
    void everyOldProvinceMergedIntoACurrentOne() {
        for (var old : units.provinces(ListVersion.PRE_2025)) {
            String current = units.currentProvinceCode(old.code()).orElseThrow();
            assertThat(units.province(ListVersion.V2025, current))
                    .as(old.name())
                    .isPresent();
        }
        assertThat(units.formerProvinceCodes("08")).contains("02", "08");
    }

    @Test
    void versionsKnowTheirDates() {
        assertThat(ListVersion.inForceOn(LocalDate.of(2025, 6, 30))).isEqualTo(ListVersion.PRE_2025);
        assertThat(ListVersion.inForceOn(LocalDate.of(2025, 7, 1))).isEqualTo(ListVersion.V2025);
    }

    @Test
    void givenNamesAreCleanedOfTheSourceErrors() {
        assertThat(GivenNames.female()).contains("Đan", "Điệp").noneMatch(n -> n.indexOf('\u00D0') >= 0);
        assertThat(GivenNames.male()).allMatch(n -> Character.isUpperCase(n.charAt(0)));
        assertThat(GivenNames.male().size()).isGreaterThan(300);
    }
}
