package vn.datafloor.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;
import vn.datafloor.server.DatafloorApplication;
import vn.datafloor.server.demo.DemoData;

/** The {@code datafloor} command line: one entry point for the server, the ledger tools and benchmarks. */
@Command(
        name = "datafloor",
        mixinStandardHelpOptions = true,
        version = "Datafloor 0.1.0",
        description = "Open national data platform and data exchange.",
        subcommands = {
            DatafloorCli.Demo.class,
            DatafloorCli.Serve.class,
            StatusCommand.class,
            IngestCommand.class,
            LinkCommand.class,
            LedgerCommands.class,
            AuditCommands.class,
            LakeCommands.class,
            PolicyCommands.class,
            BenchCommand.class,
            SynthCommand.class,
            CommandLine.HelpCommand.class
        })
public class DatafloorCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The command line with its help settings. At picocli's default 80 columns a description column is
     * narrow enough that it broke paths at their dots and slashes ("." then "/link-output");
     * BenchHelpTest checks that no path, file or option is split at this width.
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new DatafloorCli());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setUsageHelpWidth(HELP_WIDTH);
        return commandLine;
    }

    static final int HELP_WIDTH = 110;

    public static void main(String[] args) {
        CommandLine commandLine = commandLine();
        int exit = commandLine.execute(args);
        if (exit != 0 || !ServerOptions.serverRunning) {
            System.exit(exit);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options shared by {@code demo} and {@code serve}. */
    static class ServerOptions {
        static volatile boolean serverRunning;

        @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(
                names = "--data",
                defaultValue = "./data",
                description = "Data directory: db/, ledger/, keys/ (default: ${DEFAULT-VALUE}).")
        Path data;

        @Unmatched
        List<String> springArguments = new ArrayList<>();

        ConfigurableApplicationContext start(boolean demo) {
            List<String> args = new ArrayList<>(springArguments);
            args.add("--server.port=" + port);
            args.add("--datafloor.data-dir=" + data.toAbsolutePath().normalize());
            if (demo) {
                args.add("--datafloor.demo=true");
            }
            ConfigurableApplicationContext context =
                    SpringApplication.run(DatafloorApplication.class, args.toArray(String[]::new));
            serverRunning = true;
            return context;
        }
    }

    @Command(
            name = "demo",
            mixinStandardHelpOptions = true,
            description =
                    "Start the platform on the embedded default (H2, local ledger) with demo organisations and users.")
    static class Demo implements Callable<Integer> {
        @CommandLine.Mixin
        ServerOptions server = new ServerOptions();

        @Option(
                names = "--people",
                defaultValue = "50000",
                description = "Size of the synthetic population the demo generates (default: ${DEFAULT-VALUE}).")
        long people;

        @Override
        public Integer call() {
            server.springArguments.add("--datafloor.demo.people=" + people);
            ConfigurableApplicationContext context = server.start(true);
            String port = context.getEnvironment().getProperty("local.server.port", String.valueOf(server.port));
            PrintWriter out = new PrintWriter(System.out, true);
            out.println();
            out.println("Datafloor is running: http://localhost:" + port + "/");
            out.println("Data directory: " + server.data.toAbsolutePath().normalize());
            out.println("Demo logins (password for all: " + DemoData.PASSWORD + "):");
            for (DemoData.DemoLogin login : DemoData.LOGINS) {
                out.printf("  %-18s %-15s %s%n", login.username(), login.role(), login.organisation());
            }
            out.println("API: http://localhost:" + port + "/swagger-ui.html   Ledger: http://localhost:" + port
                    + "/ledger/checkpoint");
            out.println("Stop with Ctrl+C.");
            return 0;
        }
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = {
                "Start the platform (extra --key=value arguments go to Spring Boot).",
                "Example: ./datafloor serve --spring.profiles.active=postgres (see docs/operations.md)."
            })
    static class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        ServerOptions server = new ServerOptions();

        @Override
        public Integer call() {
            ConfigurableApplicationContext context = server.start(false);
            String port = context.getEnvironment().getProperty("local.server.port", String.valueOf(server.port));
            System.out.println("Datafloor is running: http://localhost:" + port + "/");
            return 0;
        }
    }
}
