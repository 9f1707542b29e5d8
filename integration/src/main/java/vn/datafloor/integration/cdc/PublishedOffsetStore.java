package vn.datafloor.integration.cdc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offset storage for a follower: it starts from the offset written in the manifest of the
 * last version the follower published, and never writes one anywhere. The offset is made durable only
 * by publishing the version it belongs to (its manifest is written last and renamed into place), so a
 * crash can never leave an offset ahead of the published rows, nor rows ahead of their offset.
 *
 * <p>Debezium creates the store by class name with no arguments; the follower hands it the published
 * offset through {@link #prepare} under a key that it passes as the engine's
 * {@code offset.storage.file.filename} (a setting the engine carries to {@link #configure}).
 */
public final class PublishedOffsetStore extends MemoryOffsetBackingStore {

    static final String KEY_PROPERTY = "offset.storage.file.filename";

    /** Offsets waiting for the engine that will read them, by key: the key and value as Kafka Connect writes them. */
    private static final Map<String, Map<String, String>> PREPARED = new ConcurrentHashMap<>();

    static void prepare(String key, String offsetKey, String offsetValue) {
        Map<String, String> offsets = new HashMap<>();
        if (offsetKey != null && offsetValue != null) {
            offsets.put(offsetKey, offsetValue);
        }
        PREPARED.put(key, offsets);
    }

    static void forget(String key) {
        PREPARED.remove(key);
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        String key = config.originalsStrings().get(KEY_PROPERTY);
        Map<String, String> offsets = key == null ? null : PREPARED.get(key);
        if (offsets == null) {
            throw new IllegalStateException("No published offset was prepared for this change follower");
        }
        data.clear();
        offsets.forEach((k, v) -> data.put(bytes(k), bytes(v)));
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Nothing is saved: an offset is durable only with its version. */
    @Override
    protected void save() {}

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}
