package vn.datafloor.server.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import vn.datafloor.server.attack.HttpAttacker.Response;

/**
 * Drives the integration API the way an attacker with a steward's API key would: register a source,
 * save a pipeline, start a run, wait for it to end, read its log. Each step may be refused; an
 * {@link Attempt} says where it stopped and keeps every answer's text so a test can look for leaks.
 * The lake on disk is the truth for "was anything published".
 */
final class PipelineAttempts {

    private static final Duration RUN_DEADLINE = Duration.ofMinutes(3);
    private static final Set<String> ACTIVE = Set.of("QUEUED", "RUNNING");

    private final HttpAttacker http;
    private final Path dataDir;

    PipelineAttempts(HttpAttacker http, Path dataDir) {
        this.http = http;
        this.dataDir = dataDir;
    }

    /** A source to register first: name, type and settings as the API takes them. */
    record NewSource(String name, String type, Map<String, String> settings) {}

    /**
     * Where an attempt ended. {@code refusedAt} names the step that was refused (with its answer in
     * {@code refusal}), or is null when a run was started; then {@code run} is the ended run and
     * {@code log} its log lines as text. {@code overran} is set when the run was still working at the
     * attempt's deadline and was cancelled.
     */
    record Attempt(
            String label,
            String refusedAt,
            Response refusal,
            JsonNode run,
            String log,
            List<String> answers,
            Duration overran) {
        boolean refused() {
            return refusedAt != null;
        }

        /** Refused with a 4xx: the platform said no, clearly, without failing itself. */
        boolean refusedCleanly() {
            return refused() && refusal.clientError();
        }

        String runStatus() {
            return run == null ? null : HttpAttacker.text(run, "status");
        }

        String runError() {
            return run == null ? null : HttpAttacker.text(run, "error");
        }

        /** Every answer the attacker saw, the run's log included. */
        String everything() {
            return String.join("\n", answers) + "\n" + (log == null ? "" : log);
        }

        /** What the attacker was told, for comparing two attempts: the refusal's detail, or the run's end and error. */
        String outcome() {
            if (refused()) {
                String detail = refusal.body();
                try {
                    String d = HttpAttacker.text(refusal.json(), "detail");
                    detail = d == null ? detail : d;
                } catch (RuntimeException notJson) {
                    // keep the body
                }
                return refusedAt + " refused: HTTP " + refusal.status() + ": " + detail;
            }
            return "run " + runStatus() + ": " + runError();
        }
    }

    /** Registers the source (when given), saves the spec, runs it and waits for the end, stopping at the first refusal. */
    Attempt attempt(String token, String label, NewSource source, String spec) {
        return attempt(token, label, source, spec, null);
    }

    /**
     * Like {@link #attempt(String, String, NewSource, String)}, but a run still working after {@code deadline}
     * is cancelled (a decompression bomb being chewed through) and the attempt says so.
     */
    Attempt attempt(String token, String label, NewSource source, String spec, Duration deadline) {
        List<String> answers = new ArrayList<>();
        if (source != null) {
            Response registered = http.bearer(token, "POST", "/api/sources", registration(source));
            answers.add(registered.body());
            if (!registered.ok()) {
                return new Attempt(label, "source registration", registered, null, null, answers, null);
            }
        }
        Response saved = http.bearer(token, "POST", "/api/pipelines", "{\"spec\":" + HttpAttacker.quote(spec) + "}");
        answers.add(saved.body());
        if (!saved.ok()) {
            return new Attempt(label, "pipeline save", saved, null, null, answers, null);
        }
        long pipelineId = saved.json().get("id").asLong();
        Response started = http.bearer(token, "POST", "/api/pipelines/" + pipelineId + "/runs", null);
        answers.add(started.body());
        if (!started.ok()) {
            return new Attempt(label, "run start", started, null, null, answers, null);
        }
        String runId = HttpAttacker.text(started.json(), "id");
        Duration overran = null;
        JsonNode run;
        if (deadline == null) {
            run = awaitRun(token, runId);
        } else {
            run = awaitRun(token, runId, deadline);
            if (run == null) {
                // Still working: cancel it, give it a moment, and take the run as it is.
                overran = deadline;
                http.bearer(token, "POST", "/api/runs/" + runId + "/cancellation", null);
                run = awaitRun(token, runId, Duration.ofSeconds(10));
                if (run == null) {
                    run = http.bearer(token, "GET", "/api/runs/" + runId, null).json();
                }
            }
        }
        answers.add(run.toString());
        return new Attempt(label, null, null, run, log(token, runId), answers, overran);
    }

    /** Polls the run until it is neither queued nor running; fails the test if that takes unreasonably long. */
    JsonNode awaitRun(String token, String runId) {
        JsonNode run = awaitRun(token, runId, RUN_DEADLINE);
        if (run == null) {
            throw new AssertionError("Run " + runId + " did not end within " + RUN_DEADLINE);
        }
        return run;
    }

    /** The ended run, or null if it is still queued or running after {@code patience}. */
    JsonNode awaitRun(String token, String runId, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Response answer = http.bearer(token, "GET", "/api/runs/" + runId, null);
            if (!answer.ok()) {
                throw new AssertionError("Reading run " + runId + " answered HTTP " + answer.status());
            }
            JsonNode run = answer.json();
            if (!ACTIVE.contains(HttpAttacker.text(run, "status"))) {
                return run;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    /** The run's log lines as "LEVEL message" text. */
    String log(String token, String runId) {
        Response answer = http.bearer(token, "GET", "/api/runs/" + runId + "/log", null);
        if (!answer.ok()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode line : answer.json()) {
            text.append(HttpAttacker.text(line, "level"))
                    .append(' ')
                    .append(HttpAttacker.text(line, "message"))
                    .append('\n');
        }
        return text.toString();
    }

    /** Whether the lake holds any published version of the dataset. */
    boolean published(String dataset) {
        Path dir = dataDir.resolve("lake").resolve(dataset);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.anyMatch(
                    child -> child.getFileName().toString().matches("v\\d+") && Files.isDirectory(child));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every value of every published version of the dataset, as text; empty when nothing was published. */
    String publishedText(String dataset) {
        if (!published(dataset)) {
            return "";
        }
        String glob = dataDir.resolve("lake").resolve(dataset).toAbsolutePath() + "/v*/*.parquet";
        StringBuilder text = new StringBuilder();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT * FROM read_parquet('" + glob.replace("'", "''") + "')")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int c = 1; c <= columns; c++) {
                    text.append(rs.getString(c)).append('\t');
                }
                text.append('\n');
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the published dataset " + dataset, e);
        }
        return text.toString();
    }

    // ------------------------------------------------------------------ specs

    static String registration(NewSource source) {
        StringBuilder json = new StringBuilder("{\"name\":")
                .append(HttpAttacker.quote(source.name()))
                .append(",\"type\":")
                .append(HttpAttacker.quote(source.type()))
                .append(",\"settings\":{");
        int i = 0;
        for (Map.Entry<String, String> setting : source.settings().entrySet()) {
            json.append(i++ == 0 ? "" : ",")
                    .append(HttpAttacker.quote(setting.getKey()))
                    .append(':')
                    .append(HttpAttacker.quote(setting.getValue()));
        }
        return json.append("}}").toString();
    }

    /** A minimal spec: the source (already YAML, indented under {@code source:}), a dataset, and mappings. */
    static String spec(String name, String sourceYaml, String dataset, Map<String, String> mapping) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("pipeline: ").append(name).append('\n');
        yaml.append("source:\n").append(sourceYaml);
        yaml.append("target:\n  dataset: ").append(dataset).append('\n');
        yaml.append("mapping:\n");
        mapping.forEach((column, expression) -> yaml.append("  ")
                .append(column)
                .append(": ")
                .append(yaml(expression))
                .append('\n'));
        return yaml.toString();
    }

    /** {@code source: {ref: name}} */
    static String ref(String sourceName) {
        return "  ref: " + sourceName + "\n";
    }

    /** An inline source with the given settings. */
    static String inline(Map<String, String> settings) {
        StringBuilder yaml = new StringBuilder();
        settings.forEach((key, value) ->
                yaml.append("  ").append(key).append(": ").append(yaml(value)).append('\n'));
        return yaml.toString();
    }

    static Map<String, String> settings(String... keysAndValues) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    /** A YAML double-quoted scalar: the text arrives exactly as written, quotes, backslashes and newlines included. */
    static String yaml(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> quoted.append("\\\\");
                case '"' -> quoted.append("\\\"");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
