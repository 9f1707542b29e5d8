package vn.datafloor.server.dsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.dataspacetck.core.spi.boot.Monitor;
import org.eclipse.dataspacetck.dsp.system.DspSystemLauncher;
import org.eclipse.dataspacetck.runtime.TckRuntime;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.dsp.DspStore.Negotiation;
import vn.datafloor.server.dsp.DspStore.Role;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.exchange.OfferService;
import vn.datafloor.server.exchange.ProductService;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;

/**
 * The Eclipse Dataspace TCK (DSP 2025-1) against a running Datafloor: metadata, catalog, contract negotiation
 * and transfer process, Datafloor as provider and as consumer. The TCK runs in this JVM through its own JUnit
 * launcher ({@link TckRuntime}); its connector under test is this server, reached over HTTP with an
 * organisation's API key, and its own connector answers on a local callback port that Datafloor's outbound
 * guard allows here only.
 *
 * <p>The TCK scripts what the connector under test does after each message (offer first, terminate, agree …)
 * per test: those scripts are the playbooks below, keyed by the ids each TCK test is configured with (this
 * test's seed data: real offers and agreements of the exchange). The negotiation and transfer machinery they
 * drive is the production one.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            DspTestServers.DEMO,
            DspTestServers.DEMO_PEOPLE,
            DspTestServers.QUIET_LEDGER,
            DspTestServers.LOOPBACK_ALLOWED,
            DspTestServers.MESSAGE_PAUSE
        })
@Import({DspTckTest.Scripts.class, DspTckTest.TckInitiation.class})
@org.junit.jupiter.api.Tag("dsp")
class DspTckTest {

    private static final Path DATA_DIR = DspTestServers.dataDir("datafloor-tck-");

    /** The TCK's own connector listens here (its callback address). */
    private static final int CALLBACK_PORT = DspTestServers.freePort();

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("datafloor.data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    OfferService offers;

    @Autowired
    ProductService products;

    @Autowired
    ContractService contracts;

    @Autowired
    DspStore store;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Scripts scripts;

    @Test
    void theDataspaceTckPasses() {
        Actor buyer = actor("saomai.admin");
        String token = apiKeys.create(
                        buyer,
                        "Dataspace TCK",
                        Set.of(
                                Action.DSP_PROTOCOL.scope(),
                                Action.BUY_DATA.scope(),
                                Action.VIEW_CONTRACTS.scope(),
                                Action.ACCESS_DATA.scope()),
                        Duration.ofDays(1))
                .token();
        Map<String, String> config = new LinkedHashMap<>();
        String base = "http://localhost:" + port;
        config.put("dataspacetck.debug", "false");
        config.put("dataspacetck.dsp.local.connector", "false");
        config.put("dataspacetck.dsp.connector.agent.id", DspCatalog.PLATFORM);
        config.put("dataspacetck.dsp.connector.http.url", base + "/dsp");
        config.put("dataspacetck.dsp.connector.http.base.url", base);
        config.put("dataspacetck.dsp.connector.http.headers.authorization", "Bearer " + token);
        config.put("dataspacetck.dsp.connector.negotiation.initiate.url", base + "/tck/negotiations/requests");
        config.put("dataspacetck.dsp.connector.transfer.initiate.url", base + "/tck/transfers/requests");
        config.put("dataspacetck.dsp.default.wait", "15");
        config.put("dataspacetck.host", "localhost");
        config.put("dataspacetck.port", Integer.toString(CALLBACK_PORT));
        config.put("dataspacetck.callback.address", "http://localhost:" + CALLBACK_PORT);
        seed(buyer, config);

        List<String> lines = new ArrayList<>();
        TestExecutionSummary summary = TckRuntime.Builder.newInstance()
                .properties(config)
                .addPackage("org.eclipse.dataspacetck.dsp.verification")
                .monitor(new LinesMonitor(lines))
                .launcher(DspSystemLauncher.class)
                .build()
                .execute();
        StringWriter report = new StringWriter();
        summary.printTo(new PrintWriter(report));
        summary.printFailuresTo(new PrintWriter(report), 12);
        System.out.println(report);
        assertThat(summary.getTestsFoundCount()).isGreaterThan(60);
        assertThat(summary.getTotalFailureCount())
                .as("TCK failures:\n%s", report)
                .isZero();
    }

    /**
     * The data address of an HTTP-pull transfer reaches the delivery pipeline: its token reads the agreement's
     * rows through {@code /api/access/{id}/rows}, and is refused once the consumer completes the transfer.
     */
    @Test
    void aTransfersTokenReadsTheAgreementThroughTheDeliveryApiUntilItEnds() throws Exception {
        Actor buyer = actor("saomai.admin");
        String token = apiKeys.create(
                        buyer,
                        "DSP consumer connector",
                        Set.of(Action.DSP_PROTOCOL.scope(), Action.BUY_DATA.scope()),
                        Duration.ofDays(1))
                .token();
        long productId = jdbc.sql("select min(id) from exchange_product where catalog_slug = 'qltt-san-pham'")
                .query(Long.class)
                .single();
        OfferService.Offer offer = freeOffer(actor("qltt.dulieu"), productId, "Truyền dữ liệu qua DSP");
        products.inspect(actor("admin"), productId, true, "Ưu đãi truyền dữ liệu qua DSP đã được thẩm định");
        ContractService.Contract contract = contracts.order(
                buyer,
                "dsp-delivery",
                new ContractService.Order(offer.id(), "df:research", "Kiểm thử truyền dữ liệu qua DSP", "VN"));
        java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer callback =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("localhost", 0), 0);
        callback.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().getPath() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        callback.start();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        try {
            String base = "http://localhost:" + port;
            String request = "{\"@context\": [\"" + DspJson.CONTEXT + "\"], \"@type\": \"TransferRequestMessage\", "
                    + "\"consumerPid\": \"urn:uuid:delivery-consumer\", \"agreementId\": \"" + DspPolicies.AGREEMENT
                    + contract.id() + "\", \"format\": \"HttpData-PULL\", \"callbackAddress\": \"http://localhost:"
                    + callback.getAddress().getPort() + "\"}";
            var answer = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/dsp/transfers/request"))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(request))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            String providerPid = tools.jackson.databind.json.JsonMapper.builder()
                    .build()
                    .readTree(answer.body())
                    .get("providerPid")
                    .asString();

            String start = received.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(start).startsWith("/transfers/urn:uuid:delivery-consumer/start ");
            var address = tools.jackson.databind.json.JsonMapper.builder()
                    .build()
                    .readTree(start.substring(start.indexOf(' ') + 1))
                    .get("dataAddress");
            String endpoint = address.get("endpoint").asString();
            String authorization = null;
            for (var property : address.get("endpointProperties")) {
                if (property.get("name").asString().equals("authorization")) {
                    authorization = property.get("value").asString();
                }
            }
            assertThat(endpoint).isEqualTo(base + "/api/access/" + contract.id() + "/rows");
            var rows = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(endpoint + "?limit=5"))
                            .header("Authorization", authorization)
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(rows.statusCode()).as(rows.body()).isEqualTo(200);
            assertThat(rows.body()).contains("\"rows\"").contains("\"columns\"");

            var completion = http.send(
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(base + "/dsp/transfers/" + providerPid + "/completion"))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"@context\": [\"" + DspJson.CONTEXT + "\"], \"@type\": "
                                            + "\"TransferCompletionMessage\", \"providerPid\": \"" + providerPid
                                            + "\", \"consumerPid\": \"urn:uuid:delivery-consumer\"}"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
            var after = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(endpoint))
                            .header("Authorization", authorization)
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(401);
        } finally {
            callback.stop(0);
        }
    }

    // ------------------------------------------------------------------ seed data

    /**
     * The ids each TCK test uses: a free offer of the exchange per provider negotiation test (each with its
     * script), an agreement per provider transfer test (ordered through the exchange, as on the web), and
     * agreements the buyer reached as consumer for the consumer transfer tests.
     */
    private void seed(Actor buyer, Map<String, String> config) {
        Actor provider = actor("qltt.dulieu");
        long productId = jdbc.sql("select min(id) from exchange_product where catalog_slug = 'qltt-san-pham'")
                .query(Long.class)
                .single();
        String dataset = DspPolicies.DATASET + productId;
        config.put("CAT_01_01_DATASETID", dataset);
        config.put("CAT_01_02_DATASETID", dataset);
        config.put("CAT_01_03_DATASETID", DspPolicies.DATASET + "999999999");

        Map<String, Map<ProviderPlaybook.Event, List<ProviderPlaybook.Step>>> negotiations = new LinkedHashMap<>();
        negotiations.put("CN_01_01", script(ProviderPlaybook.Step.OFFER, null, null, null));
        negotiations.put("CN_01_02", script(ProviderPlaybook.Step.OFFER, ProviderPlaybook.Step.TERMINATE, null, null));
        negotiations.put(
                "CN_01_03",
                script(ProviderPlaybook.Step.OFFER, null, ProviderPlaybook.Step.AGREE, ProviderPlaybook.Step.FINALIZE));
        negotiations.put("CN_01_04", script(ProviderPlaybook.Step.AGREE, null, null, ProviderPlaybook.Step.FINALIZE));
        negotiations.put("CN_02_01", script(ProviderPlaybook.Step.TERMINATE, null, null, null));
        negotiations.put("CN_02_02", script(null, null, null, null));
        negotiations.put("CN_02_03", script(ProviderPlaybook.Step.AGREE, null, null, null));
        negotiations.put("CN_02_04", script(ProviderPlaybook.Step.OFFER, null, null, null));
        Map<ProviderPlaybook.Event, List<ProviderPlaybook.Step>> offerThenTerminate =
                new EnumMap<>(ProviderPlaybook.Event.class);
        offerThenTerminate.put(
                ProviderPlaybook.Event.REQUESTED,
                List.of(ProviderPlaybook.Step.OFFER, ProviderPlaybook.Step.TERMINATE));
        negotiations.put("CN_02_05", offerThenTerminate);
        negotiations.put("CN_02_06", script(ProviderPlaybook.Step.OFFER, null, ProviderPlaybook.Step.TERMINATE, null));
        negotiations.put("CN_02_07", script(ProviderPlaybook.Step.AGREE, null, null, ProviderPlaybook.Step.TERMINATE));
        negotiations.put("CN_03_01", script(ProviderPlaybook.Step.AGREE, null, null, ProviderPlaybook.Step.FINALIZE));
        negotiations.put("CN_03_02", script(ProviderPlaybook.Step.OFFER, null, null, null));
        negotiations.put("CN_03_03", script(ProviderPlaybook.Step.OFFER, null, null, null));
        negotiations.put("CN_03_04", script(ProviderPlaybook.Step.OFFER, null, null, null));
        for (var test : negotiations.entrySet()) {
            OfferService.Offer offer = freeOffer(provider, productId, "TCK " + test.getKey());
            String offerId = DspPolicies.OFFER + offer.id();
            config.put(test.getKey() + "_DATASETID", dataset);
            config.put(test.getKey() + "_OFFERID", offerId);
            scripts.negotiations.put(offerId, test.getValue());
        }
        products.inspect(actor("admin"), productId, true, "Các ưu đãi thử nghiệm giao thức DSP đã được thẩm định");

        // Agreements for the provider transfer tests: the buyer's orders on the exchange.
        OfferService.Offer transferOffer = freeOffer(provider, productId, "TCK transfers");
        products.inspect(actor("admin"), productId, true, "Ưu đãi thử nghiệm truyền dữ liệu đã được thẩm định");
        Map<String, List<ProviderPlaybook.Step>> transfers = new LinkedHashMap<>();
        ProviderPlaybook.Step start = ProviderPlaybook.Step.START;
        transfers.put("TP_01_01", List.of(start, ProviderPlaybook.Step.TERMINATE));
        transfers.put("TP_01_02", List.of(start, ProviderPlaybook.Step.COMPLETE));
        transfers.put("TP_01_03", List.of(start, ProviderPlaybook.Step.SUSPEND, ProviderPlaybook.Step.TERMINATE));
        transfers.put("TP_01_04", List.of(start, ProviderPlaybook.Step.SUSPEND, start, ProviderPlaybook.Step.COMPLETE));
        transfers.put("TP_01_05", List.of(ProviderPlaybook.Step.TERMINATE));
        for (String test : List.of(
                "TP_02_01", "TP_02_02", "TP_02_03", "TP_02_04", "TP_03_03", "TP_03_04", "TP_03_05", "TP_03_06")) {
            transfers.put(test, List.of(start));
        }
        for (String test : List.of("TP_02_05", "TP_03_01", "TP_03_02")) {
            transfers.put(test, List.of());
        }
        for (var test : transfers.entrySet()) {
            ContractService.Contract contract = contracts.order(
                    buyer,
                    "tck-" + test.getKey(),
                    new ContractService.Order(
                            transferOffer.id(), "df:research", "Kiểm thử tương thích giao thức Dataspace", "VN"));
            assertThat(contract.state()).isEqualTo(ContractService.State.FINALIZED);
            String agreementId = DspPolicies.AGREEMENT + contract.id();
            config.put(test.getKey() + "_AGREEMENTID", agreementId);
            config.put(test.getKey() + "_FORMAT", DspPolicies.HTTP_PULL);
            scripts.transfers.put(agreementId, test.getValue());
        }

        // Datafloor as consumer: the TCK's connector is the provider.
        consumerScripts(config);
        for (String test : List.of(
                "TP_C_01_01",
                "TP_C_01_02",
                "TP_C_01_03",
                "TP_C_01_04",
                "TP_C_01_05",
                "TP_C_02_01",
                "TP_C_02_02",
                "TP_C_02_03",
                "TP_C_02_04",
                "TP_C_02_05",
                "TP_C_03_01",
                "TP_C_03_02",
                "TP_C_03_03",
                "TP_C_03_04",
                "TP_C_03_05",
                "TP_C_03_06")) {
            String agreementId = "urn:tck:agreement:" + test;
            config.put(test + "_AGREEMENTID", agreementId);
            config.put(test + "_FORMAT", DspPolicies.HTTP_PULL);
            // The agreement this organisation reached with the TCK's provider earlier (the consumer side's record).
            store.insert(
                    new Negotiation(
                            0,
                            Role.CONSUMER,
                            "urn:tck:negotiation:" + test,
                            "urn:uuid:" + java.util.UUID.randomUUID(),
                            ContractService.State.FINALIZED,
                            buyer.orgId(),
                            null,
                            "TCK_PARTICIPANT",
                            "http://localhost:" + CALLBACK_PORT,
                            "urn:tck:dataset:" + test,
                            "urn:tck:offer:" + test,
                            null,
                            null,
                            agreementId,
                            null,
                            buyer.userId()),
                    "seeded for the TCK");
        }
    }

    private void consumerScripts(Map<String, String> config) {
        ConsumerPlaybook.Step accept = ConsumerPlaybook.Step.ACCEPT;
        ConsumerPlaybook.Step verify = ConsumerPlaybook.Step.VERIFY;
        Map<String, List<List<ConsumerPlaybook.Step>>> tests = new LinkedHashMap<>();
        // initiated, offered, agreed
        tests.put("CN_C_01_01", List.of(List.of(), List.of(accept), List.of(verify)));
        tests.put("CN_C_01_02", List.of(List.of(), List.of(ConsumerPlaybook.Step.COUNTER_REQUEST), List.of()));
        tests.put("CN_C_01_03", List.of(List.of(), List.of(ConsumerPlaybook.Step.TERMINATE), List.of()));
        tests.put("CN_C_01_04", List.of(List.of(), List.of(), List.of(verify)));
        tests.put("CN_C_02_01", List.of(List.of(), List.of(), List.of()));
        tests.put("CN_C_02_02", List.of(List.of(ConsumerPlaybook.Step.TERMINATE), List.of(), List.of()));
        tests.put("CN_C_02_03", List.of(List.of(), List.of(), List.of(ConsumerPlaybook.Step.TERMINATE)));
        tests.put("CN_C_02_04", List.of(List.of(), List.of(), List.of()));
        tests.put("CN_C_02_05", List.of(List.of(), List.of(accept), List.of()));
        tests.put("CN_C_02_06", List.of(List.of(), List.of(), List.of(verify)));
        tests.put("CN_C_03_01", List.of(List.of(), List.of(), List.of()));
        tests.put("CN_C_03_02", List.of(List.of(), List.of(), List.of()));
        tests.put("CN_C_03_03", List.of(List.of(), List.of(), List.of()));
        tests.put("CN_C_03_04", List.of(List.of(), List.of(accept), List.of()));
        tests.put("CN_C_03_05", List.of(List.of(), List.of(accept), List.of()));
        tests.put("CN_C_03_06", List.of(List.of(), List.of(accept), List.of()));
        for (var test : tests.entrySet()) {
            String datasetId = "urn:tck:dataset:" + test.getKey();
            config.put(test.getKey() + "_DATASETID", datasetId);
            Map<ConsumerPlaybook.Event, List<ConsumerPlaybook.Step>> script =
                    new EnumMap<>(ConsumerPlaybook.Event.class);
            List<ConsumerPlaybook.Step> initiated = new ArrayList<>(List.of(ConsumerPlaybook.Step.REQUEST));
            initiated.addAll(test.getValue().get(0));
            script.put(ConsumerPlaybook.Event.INITIATED, initiated);
            script.put(ConsumerPlaybook.Event.OFFERED, test.getValue().get(1));
            script.put(ConsumerPlaybook.Event.AGREED, test.getValue().get(2));
            scripts.consumerNegotiations.put(datasetId, script);
        }
        Map<String, List<ConsumerPlaybook.Step>> started = new LinkedHashMap<>();
        started.put("TP_C_02_01", List.of(ConsumerPlaybook.Step.TRANSFER_TERMINATE));
        started.put("TP_C_02_02", List.of(ConsumerPlaybook.Step.COMPLETE));
        started.put("TP_C_02_03", List.of(ConsumerPlaybook.Step.SUSPEND, ConsumerPlaybook.Step.TRANSFER_TERMINATE));
        started.forEach((test, steps) -> scripts.consumerStarted.put("urn:tck:agreement:" + test, steps));
        scripts.consumerInitiated.put(
                "urn:tck:agreement:TP_C_02_05",
                List.of(ConsumerPlaybook.Step.TRANSFER_REQUEST, ConsumerPlaybook.Step.TRANSFER_TERMINATE));
    }

    private static Map<ProviderPlaybook.Event, List<ProviderPlaybook.Step>> script(
            ProviderPlaybook.Step requested,
            ProviderPlaybook.Step counterRequested,
            ProviderPlaybook.Step accepted,
            ProviderPlaybook.Step verified) {
        Map<ProviderPlaybook.Event, List<ProviderPlaybook.Step>> script = new EnumMap<>(ProviderPlaybook.Event.class);
        script.put(ProviderPlaybook.Event.REQUESTED, requested == null ? List.of() : List.of(requested));
        script.put(
                ProviderPlaybook.Event.COUNTER_REQUESTED,
                counterRequested == null ? List.of() : List.of(counterRequested));
        script.put(ProviderPlaybook.Event.ACCEPTED, accepted == null ? List.of() : List.of(accepted));
        script.put(ProviderPlaybook.Event.VERIFIED, verified == null ? List.of() : List.of(verified));
        return script;
    }

    private OfferService.Offer freeOffer(Actor provider, long productId, String title) {
        return offers.create(
                provider,
                productId,
                new OfferService.NewOffer(
                        title,
                        OfferService.PriceModel.FREE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        false,
                        null,
                        new OfferService.Terms(List.of("df:research"), "VN", List.of(), true, false),
                        null,
                        null));
    }

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    // ------------------------------------------------------------------ the TCK's scripts

    /** The scripted sides, in place of the exchange's rules and the cautious consumer, for this test only. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Scripts {

        final Map<String, Map<ProviderPlaybook.Event, List<ProviderPlaybook.Step>>> negotiations =
                new ConcurrentHashMap<>();
        final Map<String, List<ProviderPlaybook.Step>> transfers = new ConcurrentHashMap<>();
        final Map<String, Map<ConsumerPlaybook.Event, List<ConsumerPlaybook.Step>>> consumerNegotiations =
                new ConcurrentHashMap<>();
        final Map<String, List<ConsumerPlaybook.Step>> consumerStarted = new ConcurrentHashMap<>();
        final Map<String, List<ConsumerPlaybook.Step>> consumerInitiated = new ConcurrentHashMap<>();

        @Bean
        @Primary
        ProviderPlaybook scriptedProvider() {
            return new ProviderPlaybook() {
                // What the TCK does not script is the exchange's own rules.
                private final ProviderPlaybook exchange = new ExchangePlaybook();

                @Override
                public List<Step> negotiation(Negotiation negotiation, Event event, boolean approvalRequired) {
                    Map<Event, List<Step>> script = negotiations.get(negotiation.offerId());
                    return script == null
                            ? exchange.negotiation(negotiation, event, approvalRequired)
                            : script.getOrDefault(event, List.of());
                }

                @Override
                public List<Step> transfer(DspStore.Transfer transfer, Event event) {
                    List<Step> script = transfers.get(transfer.agreementId());
                    return script == null ? exchange.transfer(transfer, event) : script;
                }
            };
        }

        @Bean
        @Primary
        ConsumerPlaybook scriptedConsumer() {
            return new ConsumerPlaybook() {
                @Override
                public List<Step> negotiation(Negotiation negotiation, Event event, String offeredPolicy) {
                    return consumerNegotiations
                            .getOrDefault(negotiation.datasetId(), Map.of())
                            .getOrDefault(event, List.of());
                }

                @Override
                public List<Step> transfer(DspStore.Transfer transfer, Event event) {
                    if (event == Event.TRANSFER_INITIATED) {
                        return consumerInitiated.getOrDefault(transfer.agreementId(), List.of(Step.TRANSFER_REQUEST));
                    }
                    return event == Event.STARTED
                            ? consumerStarted.getOrDefault(transfer.agreementId(), List.of())
                            : List.of();
                }
            };
        }
    }

    /**
     * Where the TCK asks Datafloor to start negotiations and transfers as consumer: in a deployment an
     * organisation does this on its pages or API; the TCK's request names the offer or agreement and the
     * TCK connector's address. The caller is the TCK's organisation (its API key), which buys.
     */
    @RestController
    @Permit(Action.BUY_DATA)
    static class TckInitiation {

        private final ConsumerProtocol consumer;

        TckInitiation(ConsumerProtocol consumer) {
            this.consumer = consumer;
        }

        @PostMapping("/tck/negotiations/requests")
        void negotiation(
                Actor actor, @RequestBody Map<String, String> request, jakarta.servlet.http.HttpServletRequest http) {
            ObjectNode policy = JsonNodeFactory.instance.objectNode();
            policy.putArray("permission").addObject().put("action", "use");
            consumer.negotiate(
                    actor,
                    request.get("connectorAddress"),
                    request.get("providerId"),
                    request.get("offerId"),
                    request.get("datasetId"),
                    policy,
                    base(http));
        }

        @PostMapping("/tck/transfers/requests")
        void transfer(
                Actor actor, @RequestBody Map<String, String> request, jakarta.servlet.http.HttpServletRequest http) {
            consumer.transfer(
                    actor,
                    request.get("connectorAddress"),
                    request.get("agreementId"),
                    request.get("format"),
                    base(http));
        }

        private static String base(jakarta.servlet.http.HttpServletRequest http) {
            return "http://localhost:" + http.getServerPort() + "/dsp";
        }
    }

    /** The TCK's console output, into the test's log. */
    private record LinesMonitor(List<String> lines) implements Monitor {
        @Override
        public Monitor enableSuccess() {
            return this;
        }

        @Override
        public Monitor enableError() {
            return this;
        }

        @Override
        public Monitor enableBold() {
            return this;
        }

        @Override
        public Monitor resetMode() {
            return this;
        }

        @Override
        public Monitor newLine() {
            return this;
        }

        @Override
        public Monitor message(String message) {
            lines.add(message);
            System.out.println("[TCK] " + message);
            return this;
        }

        @Override
        public Monitor debug(String message) {
            return this;
        }
    }
}
