package vn.datafloor.integration.lake;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** An {@link ObjectStore} that tells {@code before} of every write it is about to make ("put key", ...). */
final class ObservedStore implements ObjectStore {

    private final ObjectStore store;
    private final Consumer<String> before;

    ObservedStore(ObjectStore store, Consumer<String> before) {
        this.store = store;
        this.before = before;
    }

    @Override
    public void put(String key, Path file) {
        before.accept("put " + key);
        store.put(key, file);
    }

    @Override
    public boolean create(String key, byte[] content) {
        before.accept("create " + key);
        return store.create(key, content);
    }

    @Override
    public void createOrReplace(String key, byte[] content) {
        before.accept("replace " + key);
        store.createOrReplace(key, content);
    }

    @Override
    public void delete(String key) {
        before.accept("delete " + key);
        store.delete(key);
    }

    @Override
    public Optional<byte[]> read(String key, int maxBytes) {
        return store.read(key, maxBytes);
    }

    @Override
    public long download(String key, Path target) {
        return store.download(key, target);
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return store.list(prefix);
    }

    @Override
    public List<String> folders(String prefix) {
        return store.folders(prefix);
    }

    @Override
    public String uri(String key) {
        return store.uri(key);
    }

    @Override
    public String key(String uri) {
        return store.key(uri);
    }

    @Override
    public String describe() {
        return store.describe();
    }
}
