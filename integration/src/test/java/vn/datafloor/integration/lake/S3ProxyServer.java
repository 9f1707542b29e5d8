package vn.datafloor.integration.lake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S3Proxy 4.1 (a real S3 server, on a file-system back end) on a free loopback port, in a JVM of its own: its
 * fat jar is copied to {@code target/s3proxy} by the build (integration/pom.xml), so that none of its
 * libraries meets this test classpath's. Signature V4 is required, as AWS does.
 */
public final class S3ProxyServer implements AutoCloseable {

    static final String IDENTITY = "datafloor-test";
    static final String CREDENTIAL = "datafloor-test-secret";
    private static final Pattern STARTED =
            Pattern.compile("ServerConnector@\\S+\\{HTTP/1\\.1.*\\}\\{127\\.0\\.0\\.1:(\\d+)\\}");

    private final Process process;
    private final URI endpoint;
    private final Path data;

    private S3ProxyServer(Process process, URI endpoint, Path data) {
        this.process = process;
        this.endpoint = endpoint;
        this.data = data;
    }

    public static S3ProxyServer start(Path directory) throws IOException {
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "S3Proxy is not in " + jar + ": run the tests through Maven, which copies it");
        }
        Path data = Files.createDirectories(directory.resolve("s3proxy-data"));
        Path properties = directory.resolve("s3proxy.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://127.0.0.1:0",
                        "s3proxy.authorization=aws-v4",
                        "s3proxy.identity=" + IDENTITY,
                        "s3proxy.credential=" + CREDENTIAL,
                        "jclouds.provider=filesystem-nio2",
                        "jclouds.filesystem.basedir=" + data,
                        ""));
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        jar.toString(),
                        "--properties",
                        properties.toString())
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Path log = directory.resolve("s3proxy.log");
        Thread drain = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                            Writer out = Files.newBufferedWriter(log)) {
                        for (String line; (line = lines.readLine()) != null; ) {
                            out.write(line);
                            out.write('\n');
                            Matcher m = STARTED.matcher(line);
                            if (m.find()) {
                                port.complete(Integer.parseInt(m.group(1)));
                            }
                        }
                    } catch (IOException e) {
                        port.completeExceptionally(e);
                    }
                    port.completeExceptionally(new IllegalStateException("S3Proxy exited before it started"));
                },
                "s3proxy-output");
        drain.setDaemon(true);
        drain.start();
        try {
            int bound = port.get(120, TimeUnit.SECONDS);
            return new S3ProxyServer(process, URI.create("http://127.0.0.1:" + bound), data);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("S3Proxy did not start; see " + log, e);
        }
    }

    URI endpoint() {
        return endpoint;
    }

    /** Where the file-system back end keeps a bucket's objects: one file per key. */
    Path objectFile(String bucket, String key) {
        return data.resolve(bucket).resolve(key);
    }

    /** A store on a new bucket of this server. */
    public S3ObjectStore newStore(String prefix) {
        S3ObjectStore store = new S3ObjectStore(
                settings("lake-" + UUID.randomUUID().toString().substring(0, 8), prefix));
        store.createBucketIfMissing();
        return store;
    }

    S3ObjectStore.Settings settings(String bucket, String prefix) {
        return new S3ObjectStore.Settings(endpoint, bucket, "us-east-1", true, prefix, IDENTITY, CREDENTIAL);
    }

    /** Arguments that let a child JVM open the same store ({@link #settingsFrom}). */
    List<String> arguments(S3ObjectStore.Settings settings) {
        return List.of(endpoint.toString(), settings.bucket(), settings.prefix());
    }

    static S3ObjectStore.Settings settingsFrom(String endpoint, String bucket, String prefix) {
        return new S3ObjectStore.Settings(
                URI.create(endpoint), bucket, "us-east-1", true, prefix, IDENTITY, CREDENTIAL);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
