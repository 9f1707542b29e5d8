package vn.datafloor.server.access;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        Target target = Target.of(urlTemplate);
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
                    try (Connection connection = new Connection(target.host(), target.port())) {
                        for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                            byte[] request = target.request(
                                    Integer.toString(random.nextInt(Math.max(1, lastOffset))), authorization);
                            long began = System.nanoTime();
                            int status;
                            try {
                                status = connection.exchange(request);
                            } catch (IOException e) {
                                status = -1;
                            }
                            millis[i] = (System.nanoTime() - began) / 1e6;
                            if (status != 200) {
                                failed.computeIfAbsent(status, s -> new AtomicLong())
                                        .incrementAndGet();
                            }
                        }
                    }
                    return null;
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
        }
    }

    /** Where a load goes: host, port, and the path and query with {@code {offset}} in it. */
    record Target(String host, int port, String pathTemplate) {

        static Target of(String urlTemplate) {
            URI uri = URI.create(urlTemplate.replace("{offset}", "0"));
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("The load generator speaks plain HTTP only: " + urlTemplate);
            }
            int port = uri.getPort() < 0 ? 80 : uri.getPort();
            int pathStart = urlTemplate.indexOf('/', "http://".length());
            return new Target(uri.getHost(), port, pathStart < 0 ? "/" : urlTemplate.substring(pathStart));
        }

        byte[] request(String offset, String authorization) {
            StringBuilder r = new StringBuilder(256)
                    .append("GET ")
                    .append(pathTemplate.replace("{offset}", offset))
                    .append(" HTTP/1.1\r\nHost: ")
                    .append(host)
                    .append(':')
                    .append(port)
                    .append("\r\nAccept: application/json\r\n");
            if (!authorization.isEmpty()) {
                r.append("Authorization: ").append(authorization).append("\r\n");
            }
            return r.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * One kept-alive HTTP/1.1 connection, as wrk keeps one per connection: a request written, its whole
     * answer read (a length, chunks, or up to the end of the stream) and its status returned. Why not
     * the JDK's {@code HttpClient}: measured beside wrk on the same server, it spent more of the two cores
     * than the endpoint it measured, so the public endpoint's figure was the client's, not the server's.
     */
    static final class Connection implements AutoCloseable {

        private final String host;
        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(String host, int port) {
            this.host = host;
            this.port = port;
        }

        int exchange(byte[] request) throws IOException {
            boolean fresh = socket == null;
            if (fresh) {
                open();
            }
            try {
                out.write(request);
                out.flush();
                return readAnswer();
            } catch (java.io.EOFException | java.net.SocketException staleKeepAlive) {
                close();
                if (fresh) {
                    throw staleKeepAlive;
                }
                // The server closed the kept-alive connection before reading: once more on a new one.
                open();
                out.write(request);
                out.flush();
                return readAnswer();
            }
        }

        private void open() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 4 * 1024);
        }

        private int readAnswer() throws IOException {
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x answer: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            boolean closeAfter = parts[0].equals("HTTP/1.0");
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> closeAfter = value.contains("close");
                    default -> {}
                }
            }
            boolean noBody = status / 100 == 1 || status == 204 || status == 304;
            if (noBody) {
                // nothing follows the headers
            } else if (chunked) {
                for (long size = chunkSize(line()); size > 0; size = chunkSize(line())) {
                    in.skipNBytes(size);
                    line();
                }
                for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                    // trailers are read and dropped
                }
            } else if (length >= 0) {
                in.skipNBytes(length);
            } else {
                in.transferTo(OutputStream.nullOutputStream());
                closeAfter = true;
            }
            if (closeAfter) {
                close();
            }
            return status;
        }

        private static long chunkSize(String line) {
            int end = line.indexOf(';');
            return Long.parseLong((end < 0 ? line : line.substring(0, end)).trim(), 16);
        }

        /** One header line without its CR LF; the end of the stream in the middle of an answer is an error. */
        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.EOFException("the connection closed mid-answer");
                }
                if (b == '\n') {
                    int last = line.length() - 1;
                    if (last >= 0 && line.charAt(last) == '\r') {
                        line.setLength(last);
                    }
                    return line.toString();
                }
                if (line.length() > 16 * 1024) {
                    throw new IOException("a header line longer than 16 KiB");
                }
                line.append((char) b);
            }
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing is all that is left to do
                }
                socket = null;
            }
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
