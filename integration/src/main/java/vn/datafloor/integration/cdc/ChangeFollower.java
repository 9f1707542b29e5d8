package vn.datafloor.integration.cdc;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import vn.datafloor.integration.connect.ChangesSettings;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.connect.JdbcSources;
import vn.datafloor.integration.connect.NetworkPolicy;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.integration.lake.VersionPublisher;

/**
 * Follows one PostgreSQL table with Debezium's embedded engine (pgoutput) and publishes its changes as
 * new versions of a dataset, through the publisher it is given: when {@code batch_changes} changes wait,
 * or when the oldest has waited {@code batch_seconds} (heartbeats wake the engine when the table is
 * quiet). The first version is the table as Debezium's first copy (snapshot) read it, published as soon
 * as that copy is complete and never before: a half copy is no state the table was ever in.
 *
 * <p>Exactly once across crashes: the Debezium offset of the last change in a version is written into
 * that version's manifest, and nowhere else ({@link PublishedOffsetStore}). The engine is told a change
 * was processed only after its version is published, so the replication slot on the agency's server
 * never confirms a change that is not in a published version; and a restart resumes from the offset of
 * the last published version. Changes after it are read again and published once.
 */
public final class ChangeFollower implements AutoCloseable {

    /** Lineage keys of a version published by a follower. */
    public static final String FOLLOWER = "changes.follower";

    public static final String OFFSET_KEY = "changes.offset_key";
    public static final String OFFSET_VALUE = "changes.offset_value";
    public static final String TOTAL = "changes.total";
    public static final String LAST_CHANGE_AT = "changes.last_change_at";

    private static final Pattern FOLLOWER_ID = Pattern.compile("[a-z0-9_]{1,40}");
    private static final String HEARTBEAT_TOPIC = "__debezium-heartbeat";

    /**
     * How a follower runs.
     *
     * @param work a private scratch directory (buffered changes spill here; previous versions are decrypted here)
     * @param heartbeat how often the engine wakes when nothing changes, so a time-based batch is published
     */
    public record Options(Path work, String memoryLimit, Duration heartbeat, Clock clock, InputLimits limits) {
        public static Options defaults(Path work, Clock clock) {
            return new Options(work, "256MB", Duration.ofSeconds(1), clock, InputLimits.DEFAULTS);
        }
    }

    /** What a follower tells its owner; called on the engine's thread. */
    public interface Events {
        /** A step, for tests that kill the process at each one and for logs: received, applying, staged, published, idle. */
        default void stage(String stage) {}

        /** Changes arrived; {@code lastChangeAt} is when the newest was committed at the source. */
        default void received(int changes, long waiting, Instant lastChangeAt) {}

        default void published(DatasetVersion version, long changes) {}

        /** The engine stopped: {@code error} is null when it was asked to, else why (never a value from the data). */
        default void stopped(String error) {}
    }

    private final String followerId;
    private final ChangesSettings settings;
    private final Lake lake;
    private final VersionPublisher publisher;
    private final Map<String, String> lineage;
    private final Options options;
    private final Events events;
    private final ChangeBuffer buffer;
    private final String offsetStoreKey = UUID.randomUUID().toString();
    private final JsonConverter offsetKeys = converter(true);
    private final JsonConverter offsetValues = converter(false);
    private final CountDownLatch finished = new CountDownLatch(1);
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private Thread thread;

    private DatasetVersion base;
    private long total;
    private RecordChangeEvent<SourceRecord> lastReceived;
    private Instant oldestWaiting;
    private Instant lastChangeAt;
    private boolean snapshotPending;
    private boolean snapshotComplete;

    private ChangeFollower(
            String followerId,
            ChangesSettings settings,
            Lake lake,
            VersionPublisher publisher,
            Map<String, String> lineage,
            Options options,
            Events events)
            throws SQLException {
        this.followerId = followerId;
        this.settings = settings;
        this.lake = lake;
        this.publisher = publisher;
        this.lineage = Map.copyOf(lineage);
        this.options = options;
        this.events = events;
        this.buffer = new ChangeBuffer(options.work(), options.memoryLimit(), options.limits());
    }

    /** The replication slot and publication on the agency's server: {@code datafloor_<followerId>}. */
    public static String replicationName(String followerId) {
        requireFollowerId(followerId);
        return "datafloor_" + followerId;
    }

    /**
     * Starts following on a thread of its own, from the offset of the dataset's last version this
     * follower published (or with a first copy of the table when there is none).
     *
     * @param followerId names the slot and publication (a-z, 0-9, _; e.g. {@code s42} for source 42)
     * @param password the role's password, opened from its sealed secret by the caller
     * @param network the organisation's network policy: the host is vetted, and the vetted address used
     * @param lineage written into every version's manifest (source, organisation …)
     * @throws SourceException when the dataset has versions this follower did not publish, or the host is refused
     */
    public static ChangeFollower start(
            String followerId,
            ChangesSettings settings,
            String password,
            NetworkPolicy network,
            Lake lake,
            VersionPublisher publisher,
            Map<String, String> lineage,
            Options options,
            Events events) {
        requireFollowerId(followerId);
        Endpoint endpoint = Endpoint.of(settings.url(), network);
        ChangeFollower follower;
        try {
            Files.createDirectories(options.work());
            follower = new ChangeFollower(followerId, settings, lake, publisher, lineage, options, events);
        } catch (SQLException | java.io.IOException e) {
            throw new SourceException("The follower's scratch space could not be prepared", e);
        }
        follower.begin(endpoint, password);
        return follower;
    }

    private static void requireFollowerId(String followerId) {
        if (followerId == null || !FOLLOWER_ID.matcher(followerId).matches()) {
            throw new IllegalArgumentException("A follower id is 1-40 of a-z, 0-9 and _");
        }
    }

    private void begin(Endpoint endpoint, String password) {
        List<DatasetVersion> versions = lake.versions(settings.dataset());
        String offsetKey = null;
        String offsetValue = null;
        if (!versions.isEmpty()) {
            base = versions.get(versions.size() - 1);
            Map<String, String> last = base.manifest().lineage();
            if (last == null || !followerId.equals(last.get(FOLLOWER))) {
                closeQuietly();
                throw new SourceException("The dataset " + settings.dataset()
                        + " already has versions that this source's change capture did not publish:"
                        + " follow into a new dataset");
            }
            offsetKey = last.get(OFFSET_KEY);
            offsetValue = last.get(OFFSET_VALUE);
            total = Long.parseLong(last.getOrDefault(TOTAL, "0"));
        }
        PublishedOffsetStore.prepare(offsetStoreKey, offsetKey, offsetValue);
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties(endpoint, password))
                .using((success, message, error) -> {
                    PublishedOffsetStore.forget(offsetStoreKey);
                    try {
                        events.stopped(success ? null : reason(message, error));
                    } finally {
                        finished.countDown();
                    }
                })
                .notifying(this::handleBatch)
                .build();
        thread = new Thread(engine, "change-follower-" + followerId);
        thread.setDaemon(true);
        thread.start();
    }

    private Properties properties(Endpoint endpoint, String password) {
        Properties p = new Properties();
        String name = replicationName(followerId);
        p.setProperty("name", name);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", PublishedOffsetStore.class.getName());
        p.setProperty(PublishedOffsetStore.KEY_PROPERTY, offsetStoreKey);
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.hostname", endpoint.address());
        p.setProperty("database.port", Integer.toString(endpoint.port()));
        p.setProperty("database.dbname", endpoint.database());
        p.setProperty("database.user", settings.user());
        if (password != null) {
            p.setProperty("database.password", password);
        }
        if (endpoint.sslMode() != null) {
            p.setProperty("database.sslmode", endpoint.sslMode());
        }
        p.setProperty("topic.prefix", name);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", name);
        p.setProperty("publication.name", name);
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", "^" + settings.schema() + "\\." + settings.tableName() + "$");
        p.setProperty("snapshot.mode", "initial");
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("time.precision.mode", "isostring");
        p.setProperty("binary.handling.mode", "base64");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("heartbeat.interval.ms", Long.toString(options.heartbeat().toMillis()));
        return p;
    }

    /**
     * Buffers the batch; publishes when the buffer is full or old enough and no first copy is half read;
     * only then marks the last change processed, which is what lets the engine confirm it to the slot.
     */
    private void handleBatch(
            List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        try {
            List<ChangeBuffer.Change> changes = new ArrayList<>();
            for (RecordChangeEvent<SourceRecord> event : records) {
                lastReceived = event;
                ChangeBuffer.Change change = change(event.record());
                if (change != null) {
                    changes.add(change);
                }
            }
            if (!changes.isEmpty()) {
                events.stage("received");
                buffer.add(changes);
                if (oldestWaiting == null) {
                    oldestWaiting = options.clock().instant();
                }
                events.received(changes.size(), buffer.size(), lastChangeAt);
            }
            boolean full = buffer.size() >= settings.batchChanges();
            boolean old = oldestWaiting != null
                    && !options.clock().instant().isBefore(oldestWaiting.plusSeconds(settings.batchSeconds()));
            if (buffer.size() > 0 && !snapshotPending && (full || old || snapshotComplete)) {
                publish();
                snapshotComplete = false;
            }
            if (buffer.size() == 0 && lastReceived != null) {
                // Everything received is published (or was no change of the table): the slot may move on.
                committer.markProcessed(lastReceived);
                committer.markBatchFinished();
                lastReceived = null;
                events.stage("idle");
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            // Nothing is marked processed: a restart reads these changes again from the published offset.
            throw new SourceException("Following " + settings.describe() + " stopped: " + reason(null, e), e);
        }
    }

    private ChangeBuffer.Change change(SourceRecord record) {
        if (record.topic() != null && record.topic().startsWith(HEARTBEAT_TOPIC)) {
            return null;
        }
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return null;
        }
        String op = value.getString("op");
        if (!List.of("c", "u", "d", "r").contains(op)) {
            return null; // truncate and logical messages are not row changes
        }
        if (!(record.key() instanceof Struct key)) {
            throw new SourceException("The table " + settings.describe()
                    + " has no primary key: change capture needs one to apply updates and deletes");
        }
        Struct source = value.getStruct("source");
        if (source != null) {
            Object snapshot = source.get("snapshot");
            String marker = snapshot == null ? "false" : snapshot.toString().toLowerCase(Locale.ROOT);
            snapshotPending = !marker.equals("false") && !marker.equals("last") && !marker.equals("incremental");
            // The first copy is complete: it is published at once as the first version, whatever its size.
            snapshotComplete |= marker.equals("last");
            Object ts = source.get("ts_ms");
            if (ts instanceof Long millis) {
                lastChangeAt = Instant.ofEpochMilli(millis);
            }
        }
        Map<String, String> keyValues = texts(key);
        Struct after = "d".equals(op) ? null : value.getStruct("after");
        return new ChangeBuffer.Change(op, keyValues, after == null ? null : texts(after));
    }

    private static Map<String, String> texts(Struct struct) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Field field : struct.schema().fields()) {
            values.put(field.name(), text(struct.get(field), field.schema()));
        }
        return values;
    }

    /** A value as text: the connector already gives times as ISO strings and decimals as strings. */
    static String text(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof java.nio.ByteBuffer bytes) {
            return Base64.getEncoder().encodeToString(bytes.array());
        }
        if (value instanceof Struct struct) {
            // Geometries and variable-scale numbers: their fields, in order.
            List<String> parts = new ArrayList<>();
            for (Field field : struct.schema().fields()) {
                parts.add(field.name() + "=" + text(struct.get(field), field.schema()));
            }
            return String.join(";", parts);
        }
        return value.toString();
    }

    private void publish() throws SQLException {
        events.stage("applying");
        Path staging = lake.stage(settings.dataset());
        boolean published = false;
        try (ClearVersion previous = base == null ? null : lake.clear(base, options.work())) {
            ChangeBuffer.Applied applied = buffer.apply(previous, staging, "part-0.parquet");
            events.stage("staged");
            SourceRecord last = lastReceived.record();
            String offsetKey = new String(
                    offsetKeys.fromConnectData(
                            replicationName(followerId),
                            null,
                            Arrays.asList(replicationName(followerId), last.sourcePartition())),
                    StandardCharsets.UTF_8);
            String offsetValue = new String(
                    offsetValues.fromConnectData(replicationName(followerId), null, last.sourceOffset()),
                    StandardCharsets.UTF_8);
            long batch = buffer.size();
            Map<String, String> versionLineage = new LinkedHashMap<>(lineage);
            versionLineage.put("source", settings.describe());
            versionLineage.put(FOLLOWER, followerId);
            versionLineage.put(OFFSET_KEY, offsetKey);
            versionLineage.put(OFFSET_VALUE, offsetValue);
            versionLineage.put("changes.batch", Long.toString(batch));
            versionLineage.put(TOTAL, Long.toString(total + batch));
            if (lastChangeAt != null) {
                versionLineage.put(LAST_CHANGE_AT, lastChangeAt.toString());
            }
            LakeManifest manifest = new LakeManifest(
                    settings.dataset(),
                    0,
                    options.clock().instant(),
                    applied.rows(),
                    applied.columns(),
                    List.of("part-0.parquet"),
                    sha256(offsetKey + "\n" + offsetValue),
                    "changes",
                    null,
                    versionLineage,
                    applied.diff());
            DatasetVersion version = publisher.publish(staging, manifest);
            published = true;
            base = version;
            total += batch;
            buffer.clear();
            oldestWaiting = null;
            events.stage("published");
            events.published(version, batch);
        } finally {
            if (!published && Files.exists(staging)) {
                lake.discard(staging);
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonConverter converter(boolean key) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), key);
        return converter;
    }

    /** Why the engine stopped, in one line: the connector's message names settings and rights, not row values. */
    private static String reason(String message, Throwable error) {
        Throwable cause = error;
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof SourceException) {
                break;
            }
            cause = cause.getCause();
        }
        String text = cause != null && cause.getMessage() != null ? cause.getMessage() : message;
        if (text == null) {
            text = "the change capture engine stopped";
        }
        text = text.lines().findFirst().orElse(text);
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    /** Whether the engine thread still runs. */
    public boolean running() {
        return finished.getCount() > 0;
    }

    /** Waits for the engine to stop by itself (a failure); true when it did within the time. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops following; what was received but not published is read again at the next start. */
    @Override
    public void close() {
        try {
            if (engine != null) {
                engine.close();
            }
            finished.await(60, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        PublishedOffsetStore.forget(offsetStoreKey);
        try {
            buffer.close();
        } catch (SQLException ignored) {
            // scratch only
        }
    }

    /** Where the agency's server is: the vetted address of its one host, its port, database and SSL mode. */
    record Endpoint(String address, int port, String database, String sslMode) {

        static Endpoint of(String url, NetworkPolicy network) {
            JdbcSources.Target target = JdbcSources.resolve(url, null);
            if (target.hosts().size() != 1) {
                throw new SourceException("Change data capture follows one server: name one host");
            }
            String rest = url.substring("jdbc:postgresql://".length());
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest.split("\\?", 2)[0] : rest.substring(0, slash);
            String path = slash < 0 ? "" : rest.substring(slash + 1);
            int question = path.indexOf('?');
            String database = question < 0 ? path : path.substring(0, question);
            String query = question < 0 ? "" : path.substring(question + 1);
            if (database.isBlank() || !database.matches("[A-Za-z0-9_.\\-]{1,63}")) {
                throw new SourceException("The url must name the database: jdbc:postgresql://host:5432/db");
            }
            int port = 5432;
            String host = target.hosts().get(0);
            String afterHost = authority.substring(authority.startsWith("[") ? authority.indexOf(']') + 1 : 0);
            int colon = afterHost.lastIndexOf(':');
            if (colon >= 0) {
                port = Integer.parseInt(afterHost.substring(colon + 1));
            }
            String sslMode = null;
            for (String parameter : query.split("&")) {
                int eq = parameter.indexOf('=');
                if (eq > 0 && parameter.substring(0, eq).equalsIgnoreCase("sslmode")) {
                    sslMode = parameter.substring(eq + 1);
                }
            }
            // The address the policy vetted is the one connected to: no second lookup can point elsewhere.
            String address =
                    network.vet(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)[0].getHostAddress();
            return new Endpoint(address, port, database, sslMode);
        }
    }
}
