package vn.datafloor.integration.connect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one list of source kinds. The spec reader, the loader, upload checks, the server's
 * validation, its API and its pages all read it; adding a kind is adding it here.
 */
public final class SourceConnectors {

    /** In the order users see them: files first, then what is reached over the network. */
    private static final Map<String, SourceConnector<?>> KINDS;

    static {
        Map<String, SourceConnector<?>> kinds = new LinkedHashMap<>();
        for (SourceConnector<?> connector : List.of(
                new FileConnectors.Csv(),
                new FileConnectors.JsonLines(),
                new FileConnectors.Parquet(),
                new FileConnectors.Xlsx(),
                new JdbcConnector(),
                new ChangesConnector(),
                new HttpConnector())) {
            if (kinds.put(connector.kind(), connector) != null) {
                throw new IllegalStateException("Two connectors for " + connector.kind());
            }
        }
        KINDS = java.util.Collections.unmodifiableMap(kinds);
    }

    private SourceConnectors() {}

    /** Every connector, in a stable order. */
    public static List<SourceConnector<?>> all() {
        return List.copyOf(KINDS.values());
    }

    /** Every kind's name, in the same order. */
    public static List<String> kinds() {
        return List.copyOf(KINDS.keySet());
    }

    /** The connector of a kind, case-insensitively; empty when there is none. */
    public static Optional<SourceConnector<?>> find(String kind) {
        return kind == null
                ? Optional.empty()
                : Optional.ofNullable(KINDS.get(kind.strip().toLowerCase(Locale.ROOT)));
    }

    /**
     * The connector of a kind, case-insensitively.
     *
     * @throws SourceException naming the kinds there are
     */
    public static SourceConnector<?> get(String kind) {
        return find(kind)
                .orElseThrow(() -> new SourceException("Unknown source type " + kind + "; use one of " + kinds()));
    }

    /** Every setting name any kind takes, for readers that must recognise a key before knowing the kind. */
    public static Set<String> settingNames() {
        Set<String> names = new LinkedHashSet<>();
        for (SourceConnector<?> connector : KINDS.values()) {
            connector.settings().forEach(s -> names.add(s.name()));
        }
        return names;
    }

    /** Names of the settings a kind takes. */
    public static List<String> settingNames(SourceConnector<?> connector) {
        List<String> names = new ArrayList<>();
        connector.settings().forEach(s -> names.add(s.name()));
        return names;
    }

    /** The kind that reads files with this name's ending (".csv", ".xlsx" …), if one does. */
    public static Optional<SourceConnector<?>> forFileName(String fileName) {
        String lower = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        return KINDS.values().stream()
                .filter(c -> c.fileExtensions().stream().anyMatch(lower::endsWith))
                .findFirst();
    }

    /** Every file name ending some kind reads, for messages. */
    public static List<String> fileExtensions() {
        return KINDS.values().stream().flatMap(c -> c.fileExtensions().stream()).toList();
    }
}
