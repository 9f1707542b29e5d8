package vn.datafloor.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.identity.OrganisationKind;

/** Every string the UI shows exists in Vietnamese and in English. */
class MessagesTest {

    /**
     * The bundles the server reads (spring.messages.basename): one per part of the UI, so parts are
     * written side by side. Each exists in Vietnamese and English.
     */
    static final java.util.List<String> BUNDLES = java.util.List.of(
            "messages",
            "messages-market",
            "messages-auction",
            "messages-dispute",
            "messages-statement",
            "messages-supervision",
            "messages-privacy",
            "messages-citizen",
            "messages-access",
            "messages-cdc",
            "messages-harvest",
            "messages-home",
            "messages-portal",
            "messages-accounts",
            "messages-steward",
            "messages-explorer");

    private static Properties load(String name) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = MessagesTest.class.getResourceAsStream("/" + name)) {
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return properties;
    }

    /** Every bundle's keys together, in one language ("" Vietnamese, "_en" English); a key in two bundles fails. */
    private static Properties all(String suffix) throws IOException {
        Properties merged = new Properties();
        for (String bundle : BUNDLES) {
            Properties one = load(bundle + suffix + ".properties");
            for (String key : one.stringPropertyNames()) {
                assertThat(merged.containsKey(key))
                        .as(bundle + ": " + key + " defined in another bundle")
                        .isFalse();
                merged.setProperty(key, one.getProperty(key));
            }
        }
        return merged;
    }

    @Test
    void theServerReadsEveryBundle() throws IOException {
        String settings = Files.readString(Path.of("src/main/resources/application.yml"));
        assertThat(settings).contains("basename: " + String.join(",", BUNDLES));
    }

    @Test
    void noKeyIsDefinedTwice() throws IOException {
        for (String name : BUNDLES.stream()
                .flatMap(b -> Stream.of(b + ".properties", b + "_en.properties"))
                .toList()) {
            try (InputStream in = MessagesTest.class.getResourceAsStream("/" + name)) {
                java.util.List<String> keys = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .lines()
                        .filter(l -> !l.isBlank() && !l.startsWith("#") && l.contains("="))
                        .map(l -> l.substring(0, l.indexOf('=')).strip())
                        .toList();
                // A second definition silently replaces the first: a label would show an error text.
                assertThat(keys).as(name).doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void vietnameseAndEnglishHaveTheSameKeys() throws IOException {
        assertThat(all("_en").stringPropertyNames()).containsExactlyInAnyOrderElementsOf(all("").stringPropertyNames());
    }

    @Test
    void everyKeyATemplateUsesIsTranslated() throws IOException {
        Set<String> keys = all("").stringPropertyNames();
        Pattern literal = Pattern.compile("#\\{([a-zA-Z][a-zA-Z0-9.]*)");
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/templates"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).toList()) {
                Matcher m = literal.matcher(Files.readString(file));
                while (m.find()) {
                    if (!keys.contains(m.group(1))) {
                        missing.add(file.getFileName() + ": " + m.group(1));
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyEnumShownByNameHasALabel() throws IOException {
        Set<String> keys = all("").stringPropertyNames();
        for (EventType type : EventType.values()) {
            assertThat(keys).contains("event." + type);
        }
        for (Role role : Role.values()) {
            assertThat(keys).contains("role." + role);
        }
        for (OrganisationKind kind : OrganisationKind.values()) {
            assertThat(keys).contains("org.kind." + kind);
        }
        for (vn.datafloor.integration.profile.EvidencePart.Code code :
                vn.datafloor.integration.profile.EvidencePart.Code.values()) {
            assertThat(keys).contains("catalog.evidence." + code.name());
        }
    }

    /** A pipeline spec's problem is worded by its code (SpecProblemText): every code written in the code has words. */
    @Test
    void everyPipelineProblemCodeHasWords() throws IOException {
        Set<String> keys = all("").stringPropertyNames();
        Pattern code = Pattern.compile("\"((?:pipeline|schedule)\\.problem\\.[a-zA-Z]+)\"");
        Set<String> used = new TreeSet<>();
        for (Path file : java.util.List.of(
                Path.of("../integration/src/main/java/vn/datafloor/integration/pipeline/PipelineSpecs.java"),
                Path.of("src/main/java/vn/datafloor/server/integration/PipelineService.java"),
                Path.of("src/main/java/vn/datafloor/server/integration/PipelineSchedules.java"))) {
            Matcher m = code.matcher(Files.readString(file));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used).contains("pipeline.problem.syntax", "pipeline.problem.unknownKey", "schedule.problem.values");
        assertThat(keys).containsAll(used);
    }

    @Test
    void vietnameseTextIsNfcNormalised() throws IOException {
        Properties vietnamese = all("");
        for (String key : vietnamese.stringPropertyNames()) {
            String value = vietnamese.getProperty(key);
            assertThat(java.text.Normalizer.isNormalized(value, java.text.Normalizer.Form.NFC))
                    .as(key)
                    .isTrue();
        }
    }
}
