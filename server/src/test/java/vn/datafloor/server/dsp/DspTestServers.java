package vn.datafloor.server.dsp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import vn.datafloor.server.DatafloorApplication;

/**
 * How the Dataspace Protocol suites run Datafloor: the demo's organisations and products on a small registry,
 * loopback allowed through the outbound guard (the counterparties here are local), each server with its own data
 * directory (and so its own embedded database, lake and ledger) on a random port. {@link DspTckTest} runs one
 * through {@code @SpringBootTest} with these settings; {@link DspTwoInstancesTest} starts two with {@link
 * #start(String)}.
 */
final class DspTestServers {

    static final String DEMO = "datafloor.demo=true";
    static final String DEMO_PEOPLE = "datafloor.demo.people=300";
    static final String QUIET_LEDGER = "datafloor.ledger.checkpoint-interval=PT1H";
    static final String LOOPBACK_ALLOWED = "datafloor.dsp.network-allowances=localhost";
    static final String MESSAGE_PAUSE = "datafloor.dsp.message-pause=PT0.15S";

    private DspTestServers() {}

    /** A running Datafloor: its application context and where it answers. */
    record Running(ConfigurableApplicationContext context, int port) implements AutoCloseable {

        String base() {
            return "http://localhost:" + port;
        }

        String dsp() {
            return base() + "/dsp";
        }

        <T> T bean(Class<T> type) {
            return context.getBean(type);
        }

        @Override
        public void close() {
            context.close();
        }
    }

    /** Starts a whole Datafloor (a second, third … one in this JVM) with the suites' settings. */
    static Running start(String name) {
        // As command-line arguments: they outrank application.yml (default properties would not).
        List<String> arguments = new ArrayList<>();
        for (String setting : new String[] {DEMO, DEMO_PEOPLE, QUIET_LEDGER, LOOPBACK_ALLOWED, MESSAGE_PAUSE}) {
            arguments.add("--" + setting);
        }
        arguments.add("--datafloor.data-dir=" + dataDir("datafloor-dsp-" + name + "-"));
        arguments.add("--server.port=0");
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(DatafloorApplication.class).run(arguments.toArray(String[]::new));
        int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
        return new Running(context, port);
    }

    static Path dataDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
