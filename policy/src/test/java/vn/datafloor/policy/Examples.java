package vn.datafloor.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The JSON-LD test policies under src/test/resources/odrl. */
final class Examples {
    private Examples() {}

    static String text(String name) {
        try (InputStream in = Examples.class.getResourceAsStream("/odrl/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource odrl/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Policy policy(String name) {
        return OdrlJson.read(text(name));
    }
}
