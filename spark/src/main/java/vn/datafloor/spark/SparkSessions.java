package vn.datafloor.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The one place a Spark session is built: local mode here ({@code local[*]}), a cluster's master URL
 * (spark://…, yarn, k8s://…) in production, or whatever {@code spark-submit} already configured.
 */
public final class SparkSessions {

    /**
     * The JVM options Spark 4 needs on Java 17 (spark-submit adds them itself; a plain {@code java}
     * command must pass them). One list, in jvm-options.txt next to this class: the Datafloor CLI reads
     * it from spark/target/classes when it starts the spark module's JVM; spark/pom.xml repeats it for tests.
     */
    public static final List<String> JAVA_OPTIONS = readJavaOptions();

    private static List<String> readJavaOptions() {
        try (InputStream in = SparkSessions.class.getResourceAsStream("jvm-options.txt")) {
            if (in == null) {
                throw new IllegalStateException("jvm-options.txt is missing from the spark module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SparkSessions() {}

    /**
     * A session on {@code master}; {@code null} keeps what spark-submit set. No web UI (it would open a
     * port); shuffles sized for the cores at hand rather than Spark's default 200 partitions.
     */
    public static SparkSession open(String master, String appName) {
        SparkSession.Builder builder = SparkSession.builder()
                .appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.datetime.java8API.enabled", "true")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.adaptive.enabled", "true");
        if (master != null) {
            builder.master(master);
            if (master.startsWith("local")) {
                builder.config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1")
                        .config(
                                "spark.sql.shuffle.partitions",
                                String.valueOf(
                                        Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
            }
        }
        return builder.getOrCreate();
    }
}
