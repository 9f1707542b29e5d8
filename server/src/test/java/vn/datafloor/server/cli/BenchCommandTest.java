package vn.datafloor.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./datafloor bench --help} names every benchmark, the in-server ones included. */
class BenchCommandTest {

    @Test
    void theHelpNamesTheQueryAndAccessBenchmarks() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new DatafloorCli());
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("bench", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains("exchange, query, access")
                .contains("bench access --requests");
    }
}
