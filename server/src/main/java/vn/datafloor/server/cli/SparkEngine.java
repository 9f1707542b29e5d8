package vn.datafloor.server.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the spark module (spark/, docs/spark.md) in its own JVM: Spark and its few hundred jars stay
 * out of the server's jar. The class path is spark/target/classes plus spark/target/lib (copied there
 * by {@code ./mvnw package}); the JVM options Spark needs on Java 17 come from the module's
 * jvm-options.txt. {@code DATAFLOOR_SPARK_JAVA_OPTS} adds to them (default -Xmx3g).
 */
final class SparkEngine {

    static final String MISSING = "The Spark engine is not built under %s: run ./datafloor from the repository"
            + " root (it builds it) or ./mvnw -q package -DskipTests.";

    private SparkEngine() {}

    /** The spark module's directory under DATAFLOOR_HOME. */
    static Path home() {
        return Path.of(System.getenv().getOrDefault("DATAFLOOR_HOME", "."))
                .toAbsolutePath()
                .normalize()
                .resolve("spark");
    }

    static boolean built() {
        return Files.isDirectory(home().resolve("target/classes")) && Files.isDirectory(home().resolve("target/lib"));
    }

    /** Runs SparkMain with these arguments, its output on this process's; returns its exit status. */
    static int run(List<String> arguments) throws IOException, InterruptedException {
        Path spark = home();
        Path classes = spark.resolve("target/classes");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String extra = System.getenv().getOrDefault("DATAFLOOR_SPARK_JAVA_OPTS", "-Xmx3g");
        for (String option : extra.trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        for (String line : Files.readAllLines(classes.resolve("vn/datafloor/spark/jvm-options.txt"))) {
            String option = line.strip();
            if (!option.isEmpty() && !option.startsWith("#")) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(classes + File.pathSeparator + spark.resolve("target/lib") + File.separator + "*");
        command.add("vn.datafloor.spark.SparkMain");
        command.addAll(arguments);
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
