package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The CKAN API's own writing of timestamps gives exactly what the general formatter gives. */
class CkanWritingTest {

    @Test
    void timestampsAreTheFormattersToTheMicrosecond() {
        List<Instant> instants = new ArrayList<>(List.of(
                Instant.EPOCH,
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-12-31T23:59:59.999999999Z"),
                Instant.parse("2000-02-29T12:34:56.000001Z"),
                Instant.parse("2026-06-15T08:09:10.100000Z"),
                Instant.parse("0999-12-31T23:59:59.5Z"),
                Instant.parse("+10000-01-01T00:00:00Z")));
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            instants.add(Instant.ofEpochSecond(
                    random.nextLong(-2_000_000_000L, 4_000_000_000L), random.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            assertThat(CkanPackages.time(instant))
                    .as(instant.toString())
                    .isEqualTo(CkanPackages.CKAN_TIME.format(instant));
        }
        assertThat(CkanPackages.time(null)).isNull();
    }
}
