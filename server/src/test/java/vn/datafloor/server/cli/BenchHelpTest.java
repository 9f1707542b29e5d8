package vn.datafloor.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ./datafloor bench --help} documents every benchmark's options: the options it lists for a
 * benchmark are exactly those the benchmark's source reads; and no command's help breaks a path, a
 * file name or an option across lines.
 */
class BenchHelpTest {

    private static final Map<String, String> SOURCES = new LinkedHashMap<>();

    static {
        String bench = "../bench/src/main/java/vn/datafloor/bench/";
        String server = "src/main/java/vn/datafloor/server/";
        SOURCES.put("ledger", bench + "LedgerBench.java");
        SOURCES.put("pipeline", bench + "PipelineBench.java");
        SOURCES.put("linkage-accuracy", bench + "LinkageAccuracyBench.java");
        SOURCES.put("linkage-speed", bench + "LinkageSpeedBench.java");
        SOURCES.put("linkage-scale", bench + "LinkageScaleBench.java");
        SOURCES.put("register", server + "linkage/RegisterBench.java");
        SOURCES.put("catalog-search", bench + "CatalogSearchBench.java");
        SOURCES.put("ckan-search", server + "catalog/CkanSearchBench.java");
        SOURCES.put("audit-outbox", server + "audit/AuditOutboxBench.java");
        SOURCES.put("exchange", server + "exchange/ExchangeBench.java");
        SOURCES.put("query", server + "access/QueryBench.java");
        SOURCES.put("access", server + "access/AccessBench.java");
        SOURCES.put("spark", "../spark/src/main/java/vn/datafloor/spark/SparkBench.java");
    }

    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z-]*");
    private static final Pattern LITERAL_OPTION = Pattern.compile("\"(--[a-z][a-z-]*)\"");

    @Test
    void everyBenchmarksOptionsAreListedAndNoneThatItDoesNotRead() throws IOException {
        String footer = String.join(
                "\n",
                new CommandLine(new BenchCommand())
                        .getCommandSpec()
                        .usageMessage()
                        .footer());
        Map<String, Set<String>> documented = new LinkedHashMap<>();
        String current = null;
        for (String line : footer.split("\n")) {
            if (line.startsWith("The numbers")) {
                break;
            }
            String first = line.strip().split("\\s+")[0];
            if (!line.startsWith(" ")) {
                current = first;
                documented.put(current, new TreeSet<>());
            }
            Matcher option = OPTION.matcher(line);
            while (option.find()) {
                documented.get(current).add(option.group());
            }
        }
        assertThat(documented.keySet()).as("benchmarks in the help").containsExactlyElementsOf(SOURCES.keySet());
        for (Map.Entry<String, String> benchmark : SOURCES.entrySet()) {
            Set<String> read = new TreeSet<>();
            Matcher literal = LITERAL_OPTION.matcher(Files.readString(Path.of(benchmark.getValue())));
            while (literal.find()) {
                read.add(literal.group(1));
            }
            assertThat(documented.get(benchmark.getKey()))
                    .as("options of %s in the help vs. read by %s", benchmark.getKey(), benchmark.getValue())
                    .isEqualTo(read);
        }
        String bench = Files.readString(Path.of("../bench/src/main/java/vn/datafloor/bench/BenchMain.java"));
        for (String name : SOURCES.keySet()) {
            if (SOURCES.get(name).startsWith("../bench")) {
                assertThat(bench).as("BenchMain runs " + name).contains("case \"" + name + "\"");
            }
        }
    }

    /** Every command's help: a path, a file, an option or a URL in its text is printed whole, on one line. */
    @Test
    void noCommandsHelpBreaksAPathOrAnOption() {
        CommandLine root = DatafloorCli.commandLine();
        java.util.List<CommandLine> commands = new java.util.ArrayList<>(java.util.List.of(root));
        for (int i = 0; i < commands.size(); i++) {
            commands.addAll(commands.get(i).getSubcommands().values());
        }
        // Paths, files, options, URLs, and references joined by a dot or comma ("e.g.", "source,record_id",
        // "0.01"), which picocli would otherwise break after the dot or comma.
        Pattern unbreakable = Pattern.compile("\\S*(?:/|\\.md|\\.yaml|^--|\\w[.,]\\w)\\S*");
        int checked = 0;
        for (CommandLine command : commands) {
            String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
            CommandLine.Model.UsageMessageSpec usage = command.getCommandSpec().usageMessage();
            java.util.List<String> text = new java.util.ArrayList<>(java.util.List.of(usage.description()));
            text.addAll(java.util.List.of(usage.footer()));
            command.getCommandSpec().options().forEach(o -> text.addAll(java.util.List.of(o.description())));
            for (String line : text) {
                for (String word : line.split("\\s+")) {
                    String token = word.replaceAll("[,;:.()]+$", "").replaceAll("^[(]+", "");
                    if (unbreakable.matcher(token).matches() && !token.contains("${")) {
                        checked++;
                        assertThat(help.lines().anyMatch(l -> l.contains(token)))
                                .as("%s: \"%s\" printed whole on one line", command.getCommandName(), token)
                                .isTrue();
                    }
                }
            }
        }
        assertThat(checked).as("paths and options looked at").isGreaterThan(20);
    }

    /**
     * {@code ./datafloor --help} lists each command with the first line of its description: that line is a
     * whole sentence, not the start of one cut where the description wraps.
     */
    @Test
    void theCommandListSummarisesEachCommandInAWholeSentence() {
        CommandLine root = DatafloorCli.commandLine();
        java.util.List<CommandLine> parents = new java.util.ArrayList<>(java.util.List.of(root));
        for (int i = 0; i < parents.size(); i++) {
            CommandLine parent = parents.get(i);
            String help = parent.getUsageMessage(CommandLine.Help.Ansi.OFF);
            for (java.util.Map.Entry<String, CommandLine> command :
                    parent.getSubcommands().entrySet()) {
                String[] description =
                        command.getValue().getCommandSpec().usageMessage().description();
                assertThat(description).as(command.getKey()).isNotEmpty();
                assertThat(description[0].strip())
                        .as(command.getKey() + "'s summary line")
                        .endsWith(".");
                assertThat(help).contains("  " + command.getKey() + " ");
                parents.add(command.getValue());
            }
        }
        assertThat(root.getSubcommands()).containsKey("status");
    }
}
