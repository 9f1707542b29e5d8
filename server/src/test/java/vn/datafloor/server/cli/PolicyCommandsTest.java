package vn.datafloor.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./datafloor policy evaluate}, in process: its exit codes and what it prints. */
class PolicyCommandsTest {

    static final String POLICY = """
            {"@context": ["http://www.w3.org/ns/odrl.jsonld", {"df": "https://datafloor.vn/odrl/profile#"}],
             "@type": "Agreement", "uid": "https://datafloor.vn/policy/p1",
             "assignee": "https://datafloor.vn/org/bank-a", "target": "https://datafloor.vn/dataset/credit",
             "permission": [{"action": "use", "constraint": [
               {"leftOperand": "purpose", "operator": "eq", "rightOperand": {"@id": "df:creditScoring"}},
               {"leftOperand": "dateTime", "operator": "lteq", "rightOperand": {"@value": "2027-12-31", "@type": "xsd:date"}}]}],
             "prohibition": [{"action": "sell"}]}
            """;
    static final String STATE = "{\"now\": \"2027-06-01T10:00:00+07:00\"}";

    @TempDir
    Path dir;

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    @BeforeEach
    void files() throws IOException {
        Files.writeString(dir.resolve("p.jsonld"), POLICY);
        Files.writeString(dir.resolve("s.json"), STATE);
    }

    int run(String request, String... more) throws IOException {
        Files.writeString(dir.resolve("r.json"), request);
        CommandLine cli = new CommandLine(new DatafloorCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] base = {
            "policy",
            "evaluate",
            "--policy",
            dir.resolve("p.jsonld").toString(),
            "--request",
            dir.resolve("r.json").toString(),
            "--state",
            dir.resolve("s.json").toString()
        };
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return cli.execute(args);
    }

    static String request(String action, String purpose) {
        return "{\"assignee\": \"https://datafloor.vn/org/bank-a\", \"action\": \"" + action
                + "\", \"target\": \"https://datafloor.vn/dataset/credit\", \"purpose\": \"" + purpose + "\"}";
    }

    @Test
    void permitExitsZero() throws IOException {
        assertThat(run(request("read", "df:creditScoring"))).isZero();
        assertThat(out.toString())
                .startsWith("Decision: PERMIT\nReasons:\n  PERMITTED permission[0]: permits use\n")
                .contains("Terms:\n  Thoả thuận https://datafloor.vn/policy/p1")
                .contains("  Được phép sử dụng: chỉ dùng cho chấm điểm tín dụng, đến hết 31/12/2027.\n")
                .contains("  Không được bán.");
    }

    @Test
    void denyExitsThreeWithTheFailedConstraint() throws IOException {
        assertThat(run(request("read", "df:marketing"), "--lang", "en")).isEqualTo(3);
        assertThat(out.toString())
                .startsWith("Decision: DENY\n")
                .contains("CONSTRAINT_NOT_SATISFIED permission[0]: a constraint is not satisfied\n"
                        + "      NOT_SATISFIED purpose eq df:creditScoring (actual: df:marketing) — does not match")
                .contains("  May use: only for credit scoring, until the end of 31/12/2027.");
        out.getBuffer().setLength(0);
        assertThat(run(request("sell", "df:creditScoring"))).isEqualTo(3);
        assertThat(out.toString()).contains("PROHIBITED prohibition[0]: prohibits sell");
    }

    @Test
    void invalidInputExitsTwoWithThePath() throws IOException {
        Files.writeString(dir.resolve("p.jsonld"), POLICY.replace("\"lteq\"", "\"before\""));
        assertThat(run(request("read", "df:creditScoring"))).isEqualTo(2);
        assertThat(err.toString())
                .contains("Invalid input:")
                .contains("$.permission[0].constraint[1].operator: unknown operator \"before\"");
        Files.writeString(dir.resolve("p.jsonld"), POLICY);
        assertThat(run("{\"action\": 1, \"colour\": 2}")).isEqualTo(2);
        assertThat(err.toString()).contains("$.colour: unknown property");
    }

    @Test
    void aMissingFileIsInvalidInput() throws IOException {
        Files.delete(dir.resolve("s.json"));
        assertThat(run(request("read", "df:creditScoring"))).isEqualTo(2);
        assertThat(err.toString()).contains("Cannot read");
    }
}
