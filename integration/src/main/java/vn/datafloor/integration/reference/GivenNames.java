package vn.datafloor.integration.reference;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Vietnamese given names (the last word of a full name) by sex, cleaned of the source lists' errors:
 * Ð (U+00D0, Latin ETH) read as Đ (U+0110), NFC, capitalised, duplicates removed.
 */
public final class GivenNames {

    private GivenNames() {}

    public static List<String> male() {
        return read("vn-given-names-male.txt");
    }

    public static List<String> female() {
        return read("vn-given-names-female.txt");
    }

    private static List<String> read(String resource) {
        try (InputStream in = GivenNames.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing bundled reference data " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Set<String> names = new LinkedHashSet<>();
            for (String line; (line = reader.readLine()) != null; ) {
                String name = Normalizer.normalize(
                        line.strip().replace('\u00D0', '\u0110').replace('\u00F0', '\u0111'), Normalizer.Form.NFC);
                if (!name.isEmpty()) {
                    names.add(name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1));
                }
            }
            return List.copyOf(new ArrayList<>(names));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
