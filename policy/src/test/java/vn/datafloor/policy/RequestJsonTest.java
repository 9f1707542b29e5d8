package vn.datafloor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestJsonTest {

    @Test
    void readsARequest() {
        Request r = RequestJson.readRequest("""
                {"assignee": "urn:bank", "action": "odrl:read", "target": "urn:data", "purpose": {"@id": "df:creditScoring"},
                 "spatial": ["urn:hanoi", "urn:vn"], "https://datafloor.vn/odrl/profile#crossBorder": false,
                 "payAmount": 1000000}
                """);
        assertThat(r.action()).isEqualTo("read");
        assertThat(r.operands())
                .containsExactly(
                        Map.entry("purpose", List.of("df:creditScoring")),
                        Map.entry("spatial", List.of("urn:hanoi", "urn:vn")),
                        Map.entry("df:crossBorder", List.of("false")),
                        Map.entry("payAmount", List.of("1000000")));
    }

    @Test
    void readsAState() {
        WorldState s = RequestJson.readState("""
                {"now": "2027-06-01T10:00:00+07:00", "agreementStart": "2027-01-01T00:00:00Z",
                 "counts": {"play": 3}, "fulfilled": ["urn:duty"]}
                """);
        assertThat(s)
                .isEqualTo(new WorldState(
                        Instant.parse("2027-06-01T03:00:00Z"),
                        Instant.parse("2027-01-01T00:00:00Z"),
                        Map.of("play", 3L),
                        Set.of("urn:duty")));
    }

    @Test
    void problemsHavePaths() {
        assertThatThrownBy(() -> RequestJson.readRequest("{\"colour\": \"red\", \"purpose\": [[1]]}"))
                .isInstanceOfSatisfying(
                        PolicyException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(p -> p.startsWith("$.colour: unknown property"))
                                .anyMatch(p -> p.startsWith("$.purpose[0]: expected a string"))
                                .contains("$.action: missing"));
        assertThatThrownBy(() -> RequestJson.readState("{\"now\": \"tomorrow\", \"counts\": {\"play\": -1}}"))
                .isInstanceOfSatisfying(
                        PolicyException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(p -> p.startsWith("$.now: expected a date-time"))
                                .anyMatch(p -> p.startsWith("$.counts.play: expected a count")));
    }
}
