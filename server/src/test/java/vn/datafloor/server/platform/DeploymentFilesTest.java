package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Lints the Dockerfile and the Kubernetes manifests. No container engine or cluster exists on the build
 * machines, so these files are never built or applied here; this test keeps them true to the code: the
 * build stage copies every module the parent POM lists, the image runs unprivileged, the manifests keep
 * the single writer single, probe the health groups the server exposes, take secrets only from Secrets,
 * and name only settings that docs/operations.md documents.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..");
    private static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");

    private static List<String> dockerfile;
    private static List<Map<String, Object>> resources;
    private static Map<String, Object> kustomization;

    @BeforeAll
    static void read() throws IOException {
        dockerfile = Files.readAllLines(ROOT.resolve("Dockerfile"));
        kustomization = load(KUBERNETES.resolve("kustomization.yaml")).get(0);
        resources = new ArrayList<>();
        for (Object file : list(kustomization, "resources")) {
            resources.addAll(load(KUBERNETES.resolve((String) file)));
        }
    }

    @Test
    void theBuildStageCopiesEveryModuleOfTheParentPom() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        Set<String> modules = new LinkedHashSet<>();
        while (module.find()) {
            modules.add(module.group(1));
        }
        assertThat(modules).isNotEmpty();
        Set<String> copied = new LinkedHashSet<>();
        for (String line : dockerfile) {
            Matcher copy = Pattern.compile("^COPY (\\S+)/ \\1/$").matcher(line.trim());
            if (copy.matches()) {
                copied.add(copy.group(1));
            }
        }
        assertThat(copied).as("modules the build stage copies").containsAll(modules);
    }

    @Test
    void theImageIsPinnedUnprivilegedAndStartsTheServerJar() throws IOException {
        List<String> from = instructions("FROM");
        assertThat(from).as("FROM lines").hasSizeGreaterThanOrEqualTo(2);
        for (String image : from) {
            String name = image.split("\\s+")[0];
            assertThat(name).as("a base image pinned to a version").matches("[\\w./-]+:[\\w.-]*\\d[\\w.-]*");
            assertThat(name).doesNotEndWith(":latest");
        }
        assertThat(instructions("ADD"))
                .as("ADD fetches and unpacks; COPY only copies")
                .isEmpty();
        List<String> users = instructions("USER");
        assertThat(users).as("the final stage's account").isNotEmpty();
        String uid = users.get(users.size() - 1).split(":")[0];
        assertThat(uid).matches("\\d+");
        assertThat(Integer.parseInt(uid)).as("a non-root account").isPositive();

        String entrypoint = instructions("ENTRYPOINT").get(0);
        assertThat(entrypoint).as("exec form, so the JVM gets the stop signal").startsWith("[");
        String pom = Files.readString(ROOT.resolve("server/pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        assertThat(finalName.find()).isTrue();
        assertThat(entrypoint).contains(finalName.group(1) + ".jar").contains("\"serve\"");
        assertThat(String.join("\n", dockerfile)).contains("server/target/" + finalName.group(1) + ".jar");
        assertThat(instructions("EXPOSE")).containsExactly("8080");
    }

    @Test
    void theLedgerAndLakeWriterRunsOnceWithItsOwnVolume() {
        List<Map<String, Object>> statefulSets = ofKind("StatefulSet");
        assertThat(statefulSets).hasSize(1);
        Map<String, Object> spec = map(statefulSets.get(0), "spec");
        assertThat(spec.get("replicas"))
                .as("one writer of the ledger and the lake")
                .isEqualTo(1);
        assertThat(ofKind("Deployment"))
                .as("no Deployment may run a second writer beside it")
                .isEmpty();
        List<Object> claims = list(spec, "volumeClaimTemplates");
        assertThat(claims).hasSize(1);
        List<Object> accessModes = list(map(asMap(claims.get(0)), "spec"), "accessModes");
        assertThat(accessModes).containsExactly("ReadWriteOnce");
        Map<String, Object> container = containers().get(0);
        boolean dataMounted = list(container, "volumeMounts").stream()
                .map(DeploymentFilesTest::asMap)
                .anyMatch(mount -> "/var/lib/datafloor".equals(mount.get("mountPath")));
        assertThat(dataMounted).as("the image's data directory is on the claim").isTrue();
        assertThat(String.join("\n", dockerfile)).contains("--data\", \"/var/lib/datafloor\"");
    }

    @Test
    void everyContainerIsLockedDownLimitedAndProbed() {
        String tag = (String) asMap(list(kustomization, "images").get(0)).get("newTag");
        assertThat(containers()).isNotEmpty();
        for (Map<String, Object> container : containers()) {
            String name = (String) container.get("name");
            assertThat((String) container.get("image")).as(name).endsWith(":" + tag);
            Map<String, Object> security = map(container, "securityContext");
            assertThat(security.get("allowPrivilegeEscalation")).as(name).isEqualTo(false);
            assertThat(security.get("readOnlyRootFilesystem")).as(name).isEqualTo(true);
            assertThat(list(map(security, "capabilities"), "drop")).as(name).containsExactly("ALL");
            Map<String, Object> resourceLimits = map(container, "resources");
            assertThat(map(resourceLimits, "requests")).as(name).containsKeys("cpu", "memory");
            assertThat(map(resourceLimits, "limits")).as(name).containsKey("memory");
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Map<String, Object> get = map(map(container, probe), "httpGet");
                assertThat((String) get.get("path"))
                        .as("%s's %s probes a health group the server enables", name, probe)
                        .isIn("/actuator/health/liveness", "/actuator/health/readiness");
            }
        }
        for (Map<String, Object> statefulSet : ofKind("StatefulSet")) {
            Map<String, Object> pod = map(map(map(statefulSet, "spec"), "template"), "spec");
            assertThat(map(pod, "securityContext").get("runAsNonRoot")).isEqualTo(true);
            assertThat(pod.get("automountServiceAccountToken")).isEqualTo(false);
        }
    }

    @Test
    void secretsComeFromSecretsAndSettingsAreDocumented() throws IOException {
        for (Map<String, Object> container : containers()) {
            for (Object item : list(container, "env")) {
                Map<String, Object> env = asMap(item);
                String name = ((String) env.get("name")).toUpperCase(Locale.ROOT);
                if (name.contains("PASSWORD") || name.contains("SECRET") || name.contains("KEY")) {
                    assertThat(env)
                            .as(name + " is never written into a manifest")
                            .doesNotContainKey("value");
                    assertThat(map(map(env, "valueFrom"), "secretKeyRef")).isNotEmpty();
                }
            }
        }
        String operations = Files.readString(ROOT.resolve("docs/operations.md"));
        Matcher property =
                Pattern.compile("`((?:datafloor|spring)\\.[a-z0-9.-]+)`").matcher(operations);
        Set<String> documented = new LinkedHashSet<>();
        while (property.find()) {
            documented.add(
                    property.group(1).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        documented.add("SPRING_PROFILES_ACTIVE");
        List<Map<String, Object>> configMaps = ofKind("ConfigMap");
        assertThat(configMaps).isNotEmpty();
        for (Map<String, Object> configMap : configMaps) {
            assertThat(map(configMap, "data").keySet())
                    .as("settings docs/operations.md documents, in environment form")
                    .isSubsetOf(documented);
        }
    }

    private static List<String> instructions(String keyword) {
        List<String> found = new ArrayList<>();
        for (String line : dockerfile) {
            String trimmed = line.trim();
            if (trimmed.startsWith(keyword + " ")) {
                found.add(trimmed.substring(keyword.length() + 1).trim());
            }
        }
        return found;
    }

    private static List<Map<String, Object>> containers() {
        List<Map<String, Object>> found = new ArrayList<>();
        for (String kind : List.of("StatefulSet", "Deployment", "Job", "CronJob")) {
            for (Map<String, Object> resource : ofKind(kind)) {
                Map<String, Object> spec = map(resource, "spec");
                if (kind.equals("CronJob")) {
                    spec = map(map(spec, "jobTemplate"), "spec");
                }
                Map<String, Object> pod = map(map(spec, "template"), "spec");
                list(pod, "containers").forEach(container -> found.add(asMap(container)));
            }
        }
        return found;
    }

    private static List<Map<String, Object>> ofKind(String kind) {
        return resources.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    private static List<Map<String, Object>> load(Path file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file)) {
            for (Object document : yaml.loadAll(String.join("\n", lines.toList()))) {
                if (document != null) {
                    documents.add(asMap(document));
                }
            }
        }
        assertThat(documents).as(file + " holds resources").isNotEmpty();
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).as("has " + key).containsKey(key);
        return asMap(parent.get(key));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key) {
        assertThat(parent).as("has " + key).containsKey(key);
        assertThat(parent.get(key)).isInstanceOf(List.class);
        return (List<Object>) parent.get(key);
    }
}
