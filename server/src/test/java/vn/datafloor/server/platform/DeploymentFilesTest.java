package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
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
 * the writer single and the API replicas stateless, give the replicas the shared key files and never the
 * ledger's key, route every writer path ({@link WriterPaths#PATTERNS}) to the writer and its internal
 * endpoint nowhere, keep browsers on one replica, probe the health groups the server exposes, take
 * secrets only from Secrets, and name only settings that docs/operations.md or docs/deployment.md
 * documents.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..");
    private static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");
    private static final String DATA_DIR = "/var/lib/datafloor";
    /** The writer's key files a replica needs (docs/deployment.md); never ledger-ed25519.key. */
    private static final List<String> REPLICA_KEY_FILES =
            List.of("secrets.keyset.json", "lake.keyset.json", "access-hash.key");
    /** Paths of the API (not writer paths), which must reach the replicas. */
    private static final List<String> API_PATHS = List.of(
            "/",
            "/login",
            "/api/catalog/datasets",
            "/api/access/42/rows",
            "/api/dsp/transfers/42/rows",
            "/api/exchange/products",
            "/ledger/entries",
            "/internal/ledger/relay");

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
        assertThat(statefulSets).as("one writer StatefulSet").hasSize(1);
        Map<String, Object> writer = statefulSets.get(0);
        assertThat(role(writer)).as("the StatefulSet's datafloor.node.role").isEqualTo("writer");
        Map<String, Object> spec = map(writer, "spec");
        assertThat(spec.get("replicas"))
                .as("one writer of the ledger and the lake")
                .isEqualTo(1);
        for (Map<String, Object> workload : workloads()) {
            if (workload != writer) {
                assertThat(role(workload))
                        .as(
                                "%s runs beside the writer, so it must be an API replica, never a second writer",
                                name(workload))
                        .isEqualTo("api");
            }
        }
        List<Object> claims = list(spec, "volumeClaimTemplates");
        assertThat(claims).hasSize(1);
        Map<String, Object> claim = asMap(claims.get(0));
        List<Object> accessModes = list(map(claim, "spec"), "accessModes");
        assertThat(accessModes).containsExactly("ReadWriteOnce");
        Map<String, Object> dataMount = mountAt(container(writer), DATA_DIR);
        assertThat(dataMount).as("the writer's data directory is mounted").isNotNull();
        assertThat(dataMount.get("name"))
                .as("the image's data directory is on the claim")
                .isEqualTo(map(claim, "metadata").get("name"));
        assertThat(String.join("\n", dockerfile)).contains("--data\", \"" + DATA_DIR + "\"");
    }

    @Test
    void apiReplicasKeepNothingOfTheirOwnAndCallTheWriterService() {
        List<Map<String, Object>> deployments = ofKind("Deployment");
        assertThat(deployments).as("the API replicas' Deployment").isNotEmpty();
        Map<String, Object> writer = ofKind("StatefulSet").get(0);
        for (Map<String, Object> replicas : deployments) {
            String name = name(replicas);
            Map<String, Object> pod = podSpec(replicas);
            Map<String, Object> container = container(replicas);

            URI writerUrl = URI.create(literal(container, "DATAFLOOR_NODE_WRITER_URL"));
            assertThat(writerUrl.getScheme()).as(name).isIn("http", "https");
            Map<String, Object> service = service(writerUrl.getHost());
            assertThat(selects(map(service, "spec").get("selector"), podLabels(writer)))
                    .as("%s's writer-url names a Service that selects the writer's pod", name)
                    .isTrue();
            assertThat(selects(map(service, "spec").get("selector"), podLabels(replicas)))
                    .as("%s's writer-url must not reach the replicas themselves", name)
                    .isFalse();
            int port = writerUrl.getPort() < 0 ? 80 : writerUrl.getPort();
            assertThat(list(map(service, "spec"), "ports").stream().map(p -> asMap(p).get("port")))
                    .as("%s's writer-url port is a port of %s", name, writerUrl.getHost())
                    .contains(port);

            assertThat(map(replicas, "spec")).doesNotContainKey("volumeClaimTemplates");
            for (Object volume : list(pod, "volumes")) {
                assertThat(asMap(volume))
                        .as("%s keeps no persistent volume: its data directory is scratch", name)
                        .doesNotContainKeys("persistentVolumeClaim", "hostPath");
            }
            Map<String, Object> data = mountAt(container, DATA_DIR);
            assertThat(data).as("%s's data directory is mounted", name).isNotNull();
            assertThat(volume(pod, (String) data.get("name"))).as(name).containsKey("emptyDir");

            Map<String, Object> keys = mountAt(container, DATA_DIR + "/keys");
            assertThat(keys)
                    .as("%s mounts the writer's key files into <data-dir>/keys", name)
                    .isNotNull();
            assertThat(keys.get("readOnly")).as(name).isEqualTo(true);
            Map<String, Object> secret = map(volume(pod, (String) keys.get("name")), "secret");
            Map<String, String> items = new java.util.LinkedHashMap<>();
            for (Object item : list(secret, "items")) {
                items.put((String) asMap(item).get("key"), (String) asMap(item).get("path"));
            }
            assertThat(items)
                    .as("%s mounts exactly the three shared key files, each under its own name", name)
                    .containsOnlyKeys(REPLICA_KEY_FILES);
            items.forEach((key, path) -> assertThat(path).isEqualTo(key));
            assertThat(pod.toString())
                    .as("%s never gets the ledger's signing key: only the writer signs", name)
                    .doesNotContain("ledger-ed25519");
        }
    }

    @Test
    void everyNodeTakesTheSameNodeTokenFromASecret() {
        Set<String> references = new LinkedHashSet<>();
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> token = env(container(workload), "DATAFLOOR_NODE_TOKEN");
            assertThat(token).as("%s has datafloor.node.token", name(workload)).isNotNull();
            assertThat(token)
                    .as("%s's node token is never written into a manifest", name(workload))
                    .doesNotContainKey("value");
            Map<String, Object> reference = map(map(token, "valueFrom"), "secretKeyRef");
            references.add(reference.get("name") + "/" + reference.get("key"));
        }
        assertThat(references)
                .as("the writer and every replica share one token")
                .hasSize(1);
    }

    @Test
    void everyWriterPathIsRoutedToTheWriterAndTheRestToTheReplicas() {
        String writerService = serviceSelecting(ofKind("StatefulSet").get(0));
        String apiService = serviceSelecting(ofKind("Deployment").get(0));
        for (String host : hosts()) {
            List<Route> routes = routes(host);
            for (String pattern : WriterPaths.PATTERNS) {
                for (String sample : samples(pattern)) {
                    assertThat(WriterPaths.writerOnly(sample))
                            .as("%s is a sample of the writer path %s", sample, pattern)
                            .isTrue();
                    assertThat(routedTo(routes, sample))
                            .as("%s%s (writer path %s) goes to the writer", host, sample, pattern)
                            .isEqualTo(writerService);
                }
            }
            for (String path : API_PATHS) {
                assertThat(WriterPaths.writerOnly(path)).as(path).isFalse();
                assertThat(routedTo(routes, path))
                        .as("%s%s goes to the API replicas", host, path)
                        .isEqualTo(apiService);
            }
        }
    }

    @Test
    void theWritersInternalEndpointIsNeverRoutedToIt() {
        String writerService = serviceSelecting(ofKind("StatefulSet").get(0));
        for (String host : hosts()) {
            List<Route> routes = routes(host);
            for (String path : List.of("/internal/ledger/relay", "/INTERNAL/Ledger/Relay", "/internal/", "/internal")) {
                assertThat(routedTo(routes, path))
                        .as("no ingress rule sends %s%s to the writer (a replica answers it 404)", host, path)
                        .isNotEqualTo(writerService);
            }
        }
    }

    @Test
    void browsersStickToOneReplicaByASecureCookie() {
        String apiService = serviceSelecting(ofKind("Deployment").get(0));
        List<Map<String, Object>> apiIngresses = ofKind("Ingress").stream()
                .filter(ingress -> backends(ingress).contains(apiService))
                .toList();
        assertThat(apiIngresses).as("Ingresses that route to %s", apiService).isNotEmpty();
        for (Map<String, Object> ingress : apiIngresses) {
            Map<String, Object> annotations = map(map(ingress, "metadata"), "annotations");
            String prefix = "nginx.ingress.kubernetes.io/";
            assertThat(annotations.get(prefix + "affinity"))
                    .as("sign-in sessions live in one replica's memory")
                    .isEqualTo("cookie");
            assertThat(annotations.get(prefix + "affinity-mode"))
                    .as("scaling up must not move signed-in browsers")
                    .isEqualTo("persistent");
            assertThat((String) annotations.get(prefix + "session-cookie-name")).isNotBlank();
            assertThat(annotations.get(prefix + "session-cookie-secure")).isEqualTo("true");
            assertThat(annotations.get(prefix + "session-cookie-samesite"))
                    .as("Lax, like the session cookie: the return from an OIDC provider must reach the same replica")
                    .isEqualTo("Lax");
        }
    }

    @Test
    void theNetworkPolicyLetsTheIngressReachBothAndTheReplicasReachTheWriter() {
        Map<String, Object> writer = ofKind("StatefulSet").get(0);
        Map<String, Object> replicas = ofKind("Deployment").get(0);
        int port = 8080;
        Predicate<Map<String, Object>> ingressController = peer -> !peer.containsKey("podSelector")
                && peer.containsKey("namespaceSelector")
                && "ingress-nginx"
                        .equals(labelsOf(peer.get("namespaceSelector")).get("kubernetes.io/metadata.name"));
        for (Map<String, Object> workload : List.of(writer, replicas)) {
            assertThat(allows("Ingress", podLabels(workload), ingressController, port))
                    .as("the ingress controller reaches %s on %d", name(workload), port)
                    .isTrue();
        }
        assertThat(allows("Ingress", podLabels(writer), samePods(podLabels(replicas)), port))
                .as("the writer accepts the replicas on %d", port)
                .isTrue();
        assertThat(allows("Egress", podLabels(replicas), samePods(podLabels(writer)), port))
                .as("the replicas may call the writer on %d", port)
                .isTrue();
        assertThat(allows("Ingress", podLabels(replicas), samePods(podLabels(writer)), port))
                .as("nothing calls the replicas but the ingress controller")
                .isFalse();
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
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> pod = podSpec(workload);
            assertThat(map(pod, "securityContext").get("runAsNonRoot"))
                    .as(name(workload))
                    .isEqualTo(true);
            assertThat(pod.get("automountServiceAccountToken"))
                    .as(name(workload))
                    .isEqualTo(false);
        }
    }

    @Test
    void secretsComeFromSecretsAndSettingsAreDocumented() throws IOException {
        Set<String> documented = new LinkedHashSet<>();
        for (String doc : List.of("docs/operations.md", "docs/deployment.md")) {
            Matcher property = Pattern.compile("`((?:datafloor|spring)\\.[a-z0-9.-]+)`")
                    .matcher(Files.readString(ROOT.resolve(doc)));
            while (property.find()) {
                documented.add(property.group(1)
                        .toUpperCase(Locale.ROOT)
                        .replace('.', '_')
                        .replace('-', '_'));
            }
        }
        documented.add("SPRING_PROFILES_ACTIVE");
        for (Map<String, Object> container : containers()) {
            for (Object item : list(container, "env")) {
                Map<String, Object> env = asMap(item);
                String name = ((String) env.get("name")).toUpperCase(Locale.ROOT);
                if (name.contains("PASSWORD")
                        || name.contains("SECRET")
                        || name.contains("KEY")
                        || name.contains("TOKEN")) {
                    assertThat(env)
                            .as(name + " is never written into a manifest")
                            .doesNotContainKey("value");
                    assertThat(map(map(env, "valueFrom"), "secretKeyRef")).isNotEmpty();
                } else if (env.containsKey("value") && (name.startsWith("DATAFLOOR_") || name.startsWith("SPRING_"))) {
                    assertThat(documented)
                            .as("%s, a setting docs/operations.md or docs/deployment.md documents", name)
                            .contains(name);
                }
            }
        }
        List<Map<String, Object>> configMaps = ofKind("ConfigMap");
        assertThat(configMaps).isNotEmpty();
        for (Map<String, Object> configMap : configMaps) {
            assertThat(map(configMap, "data").keySet())
                    .as("settings docs/operations.md or docs/deployment.md documents, in environment form")
                    .isSubsetOf(documented);
        }
    }

    /**
     * One path of an Ingress as ingress-nginx writes it when any Ingress of the host uses regular
     * expressions: {@code location ~* "^<path>"}, case-insensitive and anchored at the start only.
     */
    private record Route(String path, String service) {

        boolean matches(String uri) {
            return Pattern.compile("^" + path, Pattern.CASE_INSENSITIVE)
                    .matcher(uri)
                    .find();
        }
    }

    /** The host's paths in the order ingress-nginx writes them: longest first, then in reverse lexical order. */
    private static List<Route> routes(String host) {
        List<Route> routes = new ArrayList<>();
        for (Map<String, Object> ingress : ofKind("Ingress")) {
            Map<String, Object> spec = map(ingress, "spec");
            assertThat(spec).as(name(ingress)).doesNotContainKey("defaultBackend");
            for (Object item : list(spec, "rules")) {
                Map<String, Object> rule = asMap(item);
                if (!host.equals(rule.get("host"))) {
                    continue;
                }
                assertThat(spec.get("ingressClassName")).as(name(ingress)).isEqualTo("nginx");
                // The model below is right only if every path of the host is a regular expression.
                assertThat(map(map(ingress, "metadata"), "annotations").get("nginx.ingress.kubernetes.io/use-regex"))
                        .as("%s uses regular expressions, like every Ingress of %s", name(ingress), host)
                        .isEqualTo("true");
                for (Object entry : list(map(rule, "http"), "paths")) {
                    Map<String, Object> path = asMap(entry);
                    String value = (String) path.get("path");
                    if (!value.equals("/")) {
                        assertThat(path.get("pathType"))
                                .as(
                                        "%s: a regular expression needs ImplementationSpecific; only / may be Prefix",
                                        value)
                                .isEqualTo("ImplementationSpecific");
                    }
                    routes.add(new Route(
                            value, (String) map(map(path, "backend"), "service").get("name")));
                }
            }
        }
        assertThat(routes).as("paths for " + host).isNotEmpty();
        routes.sort(Comparator.comparingInt((Route route) -> route.path().length())
                .reversed()
                .thenComparing(Route::path, Comparator.reverseOrder()));
        return routes;
    }

    /** The Service the first matching location sends {@code uri} to, or null for none (a 404 from the controller). */
    private static String routedTo(List<Route> routes, String uri) {
        return routes.stream()
                .filter(route -> route.matches(uri))
                .map(Route::service)
                .findFirst()
                .orElse(null);
    }

    /** Request paths that a Spring path pattern matches: {@code *} as one segment, {@code /**} as none and as two. */
    private static List<String> samples(String pattern) {
        List<String> stems = new ArrayList<>();
        if (pattern.endsWith("/**")) {
            String stem = pattern.substring(0, pattern.length() - "/**".length());
            stems.add(stem);
            stems.add(stem + "/7/part");
        } else {
            stems.add(pattern);
        }
        List<String> samples = new ArrayList<>();
        for (String stem : stems) {
            String sample = stem.replaceAll("(?<=/)\\*(?=/|$)", "42");
            assertThat(sample)
                    .as("a sample of %s (a new pattern syntax needs a new case here)", pattern)
                    .matches("(/[a-z0-9._-]+)+");
            samples.add(sample);
        }
        return samples;
    }

    private static Set<String> hosts() {
        Set<String> hosts = new LinkedHashSet<>();
        for (Map<String, Object> ingress : ofKind("Ingress")) {
            for (Object rule : list(map(ingress, "spec"), "rules")) {
                hosts.add((String) asMap(rule).get("host"));
            }
        }
        assertThat(hosts).as("the ingress's hosts").isNotEmpty().doesNotContainNull();
        return hosts;
    }

    private static Set<String> backends(Map<String, Object> ingress) {
        Set<String> services = new LinkedHashSet<>();
        for (Object rule : list(map(ingress, "spec"), "rules")) {
            for (Object path : list(map(asMap(rule), "http"), "paths")) {
                services.add(
                        (String) map(map(asMap(path), "backend"), "service").get("name"));
            }
        }
        return services;
    }

    /** The one Service with a cluster address that selects the workload's pods. */
    private static String serviceSelecting(Map<String, Object> workload) {
        List<String> names = ofKind("Service").stream()
                .filter(service -> !"None".equals(map(service, "spec").get("clusterIP")))
                .filter(service -> selects(map(service, "spec").get("selector"), podLabels(workload)))
                .map(DeploymentFilesTest::name)
                .toList();
        assertThat(names).as("the Service of %s", name(workload)).hasSize(1);
        return names.get(0);
    }

    private static Map<String, Object> service(String name) {
        List<Map<String, Object>> services =
                ofKind("Service").stream().filter(s -> name.equals(name(s))).toList();
        assertThat(services).as("the Service " + name).hasSize(1);
        return services.get(0);
    }

    /**
     * Whether a NetworkPolicy that selects pods with {@code labels} allows traffic in {@code direction}
     * (Ingress or Egress) with a peer {@code peer} accepts, on {@code port}. Policies add up; a pod that no
     * policy isolates in that direction is open.
     */
    private static boolean allows(
            String direction, Map<String, Object> labels, Predicate<Map<String, Object>> peer, int port) {
        boolean isolated = false;
        for (Map<String, Object> policy : ofKind("NetworkPolicy")) {
            Map<String, Object> spec = map(policy, "spec");
            if (!selects(spec.get("podSelector"), labels)
                    || !list(spec, "policyTypes").contains(direction)) {
                continue;
            }
            isolated = true;
            String key = direction.equals("Ingress") ? "ingress" : "egress";
            String peers = direction.equals("Ingress") ? "from" : "to";
            for (Object item : spec.containsKey(key) ? list(spec, key) : List.of()) {
                Map<String, Object> rule = asMap(item);
                boolean portAllowed = !rule.containsKey("ports")
                        || list(rule, "ports").stream()
                                .anyMatch(p -> Integer.valueOf(port).equals(asMap(p).get("port")));
                boolean peerAllowed = !rule.containsKey(peers)
                        || list(rule, peers).stream()
                                .map(DeploymentFilesTest::asMap)
                                .anyMatch(peer);
                if (portAllowed && peerAllowed) {
                    return true;
                }
            }
        }
        return !isolated;
    }

    /** A peer that is pods of this namespace with these labels. */
    private static Predicate<Map<String, Object>> samePods(Map<String, Object> labels) {
        return peer -> !peer.containsKey("namespaceSelector")
                && !peer.containsKey("ipBlock")
                && peer.containsKey("podSelector")
                && selects(peer.get("podSelector"), labels);
    }

    /** Whether a label selector (a Service's map, or a {@code matchLabels} selector) selects {@code labels}. */
    private static boolean selects(Object selector, Map<String, Object> labels) {
        Map<String, Object> wanted = labelsOf(selector);
        return labels.entrySet().containsAll(wanted.entrySet());
    }

    private static Map<String, Object> labelsOf(Object selector) {
        Map<String, Object> map = asMap(selector);
        assertThat(map).as("selectors here use labels only").doesNotContainKey("matchExpressions");
        if (map.containsKey("matchLabels")) {
            return map(map, "matchLabels");
        }
        return map;
    }

    private static List<Map<String, Object>> workloads() {
        List<Map<String, Object>> found = new ArrayList<>();
        for (String kind : List.of("StatefulSet", "Deployment", "Job", "CronJob", "DaemonSet", "ReplicaSet")) {
            found.addAll(ofKind(kind));
        }
        return found;
    }

    private static Map<String, Object> podTemplate(Map<String, Object> workload) {
        Map<String, Object> spec = map(workload, "spec");
        if ("CronJob".equals(workload.get("kind"))) {
            spec = map(map(spec, "jobTemplate"), "spec");
        }
        return map(spec, "template");
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(podTemplate(workload), "spec");
    }

    private static Map<String, Object> podLabels(Map<String, Object> workload) {
        return map(map(podTemplate(workload), "metadata"), "labels");
    }

    /** The workload's server container (each workload here runs one). */
    private static Map<String, Object> container(Map<String, Object> workload) {
        List<Object> containers = list(podSpec(workload), "containers");
        assertThat(containers).as(name(workload)).hasSize(1);
        return asMap(containers.get(0));
    }

    /** The workload's {@code datafloor.node.role}, {@code single} when it sets none. */
    private static String role(Map<String, Object> workload) {
        Map<String, Object> role = env(container(workload), "DATAFLOOR_NODE_ROLE");
        if (role == null) {
            return "single";
        }
        assertThat(role)
                .as("%s's role is written in its manifest", name(workload))
                .containsKey("value");
        return ((String) role.get("value")).strip().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Object> env(Map<String, Object> container, String name) {
        if (!container.containsKey("env")) {
            return null;
        }
        return list(container, "env").stream()
                .map(DeploymentFilesTest::asMap)
                .filter(env -> name.equals(env.get("name")))
                .findFirst()
                .orElse(null);
    }

    private static String literal(Map<String, Object> container, String name) {
        Map<String, Object> env = env(container, name);
        assertThat(env).as(name).isNotNull().containsKey("value");
        return (String) env.get("value");
    }

    private static Map<String, Object> mountAt(Map<String, Object> container, String path) {
        return list(container, "volumeMounts").stream()
                .map(DeploymentFilesTest::asMap)
                .filter(mount -> path.equals(mount.get("mountPath")))
                .findFirst()
                .orElse(null);
    }

    private static Map<String, Object> volume(Map<String, Object> pod, String name) {
        return list(pod, "volumes").stream()
                .map(DeploymentFilesTest::asMap)
                .filter(volume -> name.equals(volume.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static String name(Map<String, Object> resource) {
        return (String) map(resource, "metadata").get("name");
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
        for (Map<String, Object> workload : workloads()) {
            list(podSpec(workload), "containers").forEach(container -> found.add(asMap(container)));
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
