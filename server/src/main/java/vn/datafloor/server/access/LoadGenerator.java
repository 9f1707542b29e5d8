package vn.datafloor.server.access;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access benchmark's load, sent from a process of its own as the issue asks (a load generator in
 * the server's JVM would share its heap, its collector and its threads' scheduling with the server).
 * {@link #load} starts it and reads its one result line; {@link #main} is the child.
 *
 * <p>For each load of its plan, the child sends {@code total} GET requests from {@code connections} threads, each waiting for
 * its answer before the next (a closed loop, as wrk does), to a URL whose {@code {offset}} is replaced
 * by a random whole number below {@code lastOffset}. The {@code Authorization} header, a secret, comes
 * on standard input, never on the command line, where any user of the machine could read it.
 */
public final class LoadGenerator {

    private LoadGenerator() {}

    /** What one load measured: its duration, latency percentiles and every answer other than 200. */
    record Result(double seconds, int requests, double p50, double p99, Map<Integer, Long> failed) {

        double throughput() {
            return requests / seconds;
        }

        long failures() {
            return failed.values().stream().mapToLong(Long::longValue).sum();
        }

        String statuses() {
            return failed.isEmpty() ? "none" : failed.toString();
        }

        /** {@code LOAD <seconds> <requests> <p50> <p99> <status>=<count>,…}. */
        String line() {
            StringBuilder statuses = new StringBuilder();
            failed.forEach((s, n) -> statuses.append(statuses.length() == 0 ? "" : ",")
                    .append(s)
                    .append('=')
                    .append(n));
            return String.format(
                    Locale.ROOT,
                    "LOAD %.6f %d %.3f %.3f %s",
                    seconds,
                    requests,
                    p50,
                    p99,
                    statuses.length() == 0 ? "-" : statuses);
        }

        static Result parse(String line) {
            String[] parts = line.trim().split(" ");
            if (parts.length != 6 || !"LOAD".equals(parts[0])) {
                throw new IllegalStateException("The load generator answered something else: " + line);
            }
            Map<Integer, Long> failed = new TreeMap<>();
            if (!"-".equals(parts[5])) {
                for (String pair : parts[5].split(",")) {
                    String[] kv = pair.split("=");
                    failed.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
                }
            }
            return new Result(
                    Double.parseDouble(parts[1]),
                    Integer.parseInt(parts[2]),
                    Double.parseDouble(parts[3]),
                    Double.parseDouble(parts[4]),
                    failed);
        }
    }

    /** One load of a plan: {@code total} requests to {@code url}, with the plan's authorization when {@code authorized}. */
    record Load(String url, boolean authorized, int total) {}

    /**
     * Runs {@code loads} one after the other from one child JVM started with this JVM's own Java and
     * class path (through Spring Boot's launcher when that is the packaged jar), and returns what each
     * measured. One process for all of them: a fresh JVM per load compiled its own client code again
     * under every measured load, and took a different share of the cores each time.
     */
    static List<Result> load(List<Load> loads, String authorization, int connections, int lastOffset)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        String classPath = System.getProperty("java.class.path");
        if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator) && bootJar(classPath)) {
            command.addAll(List.of(
                    "-Dloader.main=" + LoadGenerator.class.getName(),
                    "-cp",
                    classPath,
                    "org.springframework.boot.loader.launch.PropertiesLauncher"));
        } else {
            command.addAll(List.of("-cp", classPath, LoadGenerator.class.getName()));
        }
        command.addAll(List.of(Integer.toString(connections), Integer.toString(lastOffset)));
        for (Load load : loads) {
            command.addAll(List.of(load.url(), load.authorized() ? "auth" : "public", Integer.toString(load.total())));
        }
        Process child = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        child.getOutputStream()
                .write(((authorization == null ? "" : authorization) + "\n").getBytes(StandardCharsets.UTF_8));
        child.getOutputStream().close();
        List<Result> results = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("LOAD ")) {
                    results.add(Result.parse(line));
                }
            }
        }
        if (!child.waitFor(10, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new IllegalStateException("The load generator did not finish in 10 minutes");
        }
        if (child.exitValue() != 0 || results.size() != loads.size()) {
            throw new IllegalStateException("The load generator failed (exit " + child.exitValue() + ", "
                    + results.size() + " of " + loads.size() + " loads)");
        }
        return results;
    }

    private static boolean bootJar(String path) {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Path.of(path).toFile())) {
            return jar.getEntry("BOOT-INF/") != null || jar.getEntry("BOOT-INF/classes/") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code LoadGenerator <connections> <lastOffset> (<url with {offset}> auth|public <total>)…}; the
     * header on stdin. Prints a {@code LOAD} line per load, in order.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 5 || (args.length - 2) % 3 != 0) {
            System.err.println(
                    "usage: LoadGenerator <connections> <lastOffset> (<url with {offset}> auth|public <total>)...");
            System.exit(2);
        }
        String authorization = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        int connections = Integer.parseInt(args[0]);
        int lastOffset = Integer.parseInt(args[1]);
        for (int i = 2; i < args.length; i += 3) {
            boolean authorized = "auth".equals(args[i + 1]);
            Result result = run(
                    args[i],
                    authorized && authorization != null ? authorization.strip() : "",
                    Integer.parseInt(args[i + 2]),
                    connections,
                    lastOffset);
            System.out.println(result.line());
            System.out.flush();
        }
    }

    private static Result run(String urlTemplate, String authorization, int total, int connections, int lastOffset)
            throws Exception {
        ExecutorService clientThreads = Executors.newFixedThreadPool(2);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(clientThreads)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        Map<Integer, AtomicLong> failed = new ConcurrentHashMap<>();
        double[] millis = new double[total];
        AtomicInteger next = new AtomicInteger();
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < connections; t++) {
                SplittableRandom random = new SplittableRandom(t);
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urlTemplate.replace(
                                        "{offset}", Integer.toString(random.nextInt(Math.max(1, lastOffset))))))
                                .header("Accept", "application/json")
                                .timeout(Duration.ofSeconds(30))
                                .GET();
                        if (!authorization.isEmpty()) {
                            request.header("Authorization", authorization);
                        }
                        long began = System.nanoTime();
                        int status;
                        try {
                            status = client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                                    .statusCode();
                        } catch (IOException e) {
                            status = -1;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        millis[i] = (System.nanoTime() - began) / 1e6;
                        if (status != 200) {
                            failed.computeIfAbsent(status, s -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<Integer, Long> statuses = new TreeMap<>();
            failed.forEach((s, n) -> statuses.put(s, n.get()));
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            return new Result(seconds, total, percentile(sorted, 50), percentile(sorted, 99), statuses);
        } finally {
            pool.shutdownNow();
            clientThreads.shutdownNow();
        }
    }

    static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
