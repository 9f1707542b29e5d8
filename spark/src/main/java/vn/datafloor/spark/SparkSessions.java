package vn.datafloor.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one place a Spark session is built: local mode here ({@code local[*]}), a cluster's master URL
 * (spark://…, yarn, k8s://…) in production, or whatever {@code spark-submit} already configured.
 */
public final class SparkSessions {

    /**
     * The JVM options Spark 4 needs on Java 17 (its launcher adds them for spark-submit; a plain
     * {@code java} command, a test JVM or the Datafloor CLI must pass them itself).
     */
    public static final java.util.List<String> JAVA_OPTIONS = java.util.List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

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
                        .config("spark.sql.shuffle.partitions", String.valueOf(Math.max(
                                4, 2 * Runtime.getRuntime().availableProcessors())));
            }
        }
        return builder.getOrCreate();
    }
}
