package vn.datafloor.linkage;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import vn.datafloor.linkage.LinkageModel.Mode;

/**
 * A ground-truth CSV, checked before any linkage work: readable UTF-8, a header of one of the two
 * layouts, at least one row. Clusters: {@code source,record_id,entity_id} (every two records of one
 * entity are a true pair). Pairs: {@code id_l,id_r} plus {@code source_l,source_r} unless the mode is
 * dedupe (record ids are unique only within an input); each row is one true pair, in either order.
 */
final class TruthFile {

    enum Layout {
        CLUSTERS,
        PAIRS
    }

    static final String LAYOUTS = "a truth file is either clusters, with the header source,record_id,entity_id,"
            + " or pairs, with the header id_l,id_r (and source_l,source_r naming each record's input,"
            + " which may be left out in dedupe mode)";

    private TruthFile() {}

    /** The layout of {@code file}, or a {@link LinkageException} saying what is wrong with it. */
    static Layout check(Path file, LinkageModel model) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new LinkageException("No truth file at " + file);
        }
        List<String> header;
        long rows = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String first = reader.readLine();
            if (first == null || first.isBlank()) {
                throw new LinkageException("Truth file " + file + " is empty: " + LAYOUTS);
            }
            header = columns(first);
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    rows++;
                }
            }
        } catch (CharacterCodingException e) {
            throw new LinkageException("Cannot read truth file " + file + ": the text is not UTF-8", e);
        } catch (IOException e) {
            throw new LinkageException("Cannot read truth file " + file + ": " + e.getMessage(), e);
        }
        Layout layout = header.contains("id_l") || header.contains("id_r") ? Layout.PAIRS : Layout.CLUSTERS;
        List<String> required = new ArrayList<>();
        if (layout == Layout.CLUSTERS) {
            required.addAll(List.of("source", "record_id", "entity_id"));
        } else {
            required.addAll(List.of("id_l", "id_r"));
            if (model.mode() != Mode.DEDUPE || header.contains("source_l") || header.contains("source_r")) {
                required.addAll(List.of("source_l", "source_r"));
            }
        }
        List<String> missing =
                required.stream().filter(c -> !header.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new LinkageException("Truth file " + file + " lacks the column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " (its header is " + String.join(",", header) + "): " + LAYOUTS
                    + (layout == Layout.PAIRS && model.mode() != Mode.DEDUPE
                            ? "; in " + model.mode().name().toLowerCase(Locale.ROOT)
                                    + " mode a pair needs the sources, since ids are unique only within an input"
                            : ""));
        }
        if (rows == 0) {
            throw new LinkageException("Truth file " + file + " has a header but no rows");
        }
        return layout;
    }

    /** The header's names, unquoted and trimmed, without a byte order mark. */
    private static List<String> columns(String line) {
        String text = line.startsWith("\uFEFF") ? line.substring(1) : line;
        List<String> names = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String name = part.trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            }
            names.add(name);
        }
        return names;
    }
}
