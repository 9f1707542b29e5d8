package vn.datafloor.server.access;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.server.DatafloorApplication;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.exchange.OfferService;
import vn.datafloor.server.exchange.ProductService;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.platform.CompilerActivity;
import vn.datafloor.server.privacy.ConsentService;

/**
 * {@code ./datafloor bench access [--requests 20000] [--connections 64] [--consents 300] [--people 20000]}:
 * the REST delivery channel under load over real HTTP. The server starts with the demo (its civil
 * registry) in a fresh folder on a free port; an enterprise's agreement on the registry is ordered and
 * decided, a few hundred citizens consent, and an agreement API key is made. Then, after a warm-up,
 * {@code GET /api/access/{id}/rows?limit=20&offset=<random>} is sent by 64 concurrent connections from
 * a separate process ({@link LoadGenerator}, a JVM of its own): each request is authenticated by the key, authorized on the
 * agreement's terms, rate-limited, consent-filtered, masked, metered and indexed. The baseline, in the
 * same run with as many connections, is the same number of requests to the public, unauthenticated
 * {@code /actuator/health/liveness} of the same server. Ratio = access throughput over baseline
 * throughput; target ratio ≥ 0.5 and access p99 ≤ 20 ms. Any answer other than 200 is an anomaly.
 */
public final class AccessBench {

    private AccessBench() {}

    public static int run(List<String> options) throws Exception {
        int requests = QueryBench.option(options, "--requests", 20_000);
        int connections = QueryBench.option(options, "--connections", 64);
        int consentCount = QueryBench.option(options, "--consents", 300);
        int people = QueryBench.option(options, "--people", 20_000);
        Path data = Files.createTempDirectory("datafloor-bench-access-");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("datafloor.data-dir", data.toString());
        settings.put("server.port", "0");
        settings.put("datafloor.demo", "true");
        settings.put("datafloor.demo.people", Integer.toString(people));
        settings.put("datafloor.access.requests-per-second", "1000000");
        settings.put("datafloor.ledger.checkpoint-interval", "PT1H");
        settings.put("logging.level.root", "WARN");
        // Given options win over the defaults above (a property given twice would be read as a list).
        for (String o : options) {
            if ((o.startsWith("--spring.") || o.startsWith("--datafloor.") || o.startsWith("--server."))
                    && o.contains("=")) {
                settings.put(o.substring(2, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
            }
        }
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> args.add("--" + k + "=" + v));
        long started = System.nanoTime();
        try {
            try (ConfigurableApplicationContext context =
                    new SpringApplicationBuilder(DatafloorApplication.class).run(args.toArray(String[]::new))) {
                int port =
                        ((WebServerApplicationContext) context).getWebServer().getPort();
                System.out.printf(
                        Locale.ROOT,
                        "server with the demo (%d people) up on port %d in %.1f s%n",
                        people,
                        port,
                        (System.nanoTime() - started) / 1e9);
                UserService users = context.getBean(UserService.class);
                DeliveryService delivery = context.getBean(DeliveryService.class);
                long agreementId = agreement(context, users);
                Actor buyer = actor(users, "saomai.admin");
                DeliveryService.Grant grant = delivery.grant(buyer, agreementId, DeliveryService.Channel.REST);

                long began = System.nanoTime();
                List<String> persons = identityNumbers(context, grant, consentCount);
                int given = consent(context, users, persons);
                System.out.printf(
                        Locale.ROOT,
                        "agreement %d on %s; %d of %d persons consented in %.1f s%n",
                        agreementId,
                        grant.table(),
                        given,
                        persons.size(),
                        (System.nanoTime() - began) / 1e9);
                long permitted = ((Number)
                                delivery.query(buyer, agreementId, "SELECT count(*) AS n FROM " + grant.table(), 10)
                                        .rows()
                                        .get(0)
                                        .get("n"))
                        .longValue();
                String token = context.getBean(ApiKeyService.class)
                        .createForAgreement(buyer, "thử tải", AccessKeys.scope(agreementId), Duration.ofDays(1))
                        .token();
                int lastOffset = (int) Math.max(1, permitted - 20);
                System.out.printf(
                        Locale.ROOT,
                        "%d permitted rows; pages of 20 at random offsets in [0, %d)%n",
                        permitted,
                        lastOffset);

                String base = "http://127.0.0.1:" + port;
                String bare = base + "/actuator/health/liveness";
                String access = base + "/api/access/" + agreementId + "/rows?limit=20&offset={offset}";
                String authorization = "Bearer " + token;
                // Long enough for the JIT to have compiled both paths: with 2,000 requests each, the compilers were
                // still busy through the measured loads and took their share of the two cores, and with 10,000 they
                // still took a quarter of a core. So rounds of both loads run until one in which the compiler was
                // nearly idle (at most 6), and then a last warm-up and the measured loads in one generator process.
                int warm = Math.max(connections, Math.min(10_000, requests / 2));
                int warmRounds = 0;
                while (warmRounds < 6) {
                    warmRounds++;
                    CompilerActivity activity = CompilerActivity.watch();
                    LoadGenerator.load(
                            List.of(
                                    new LoadGenerator.Load(access, true, warm),
                                    new LoadGenerator.Load(bare, false, warm)),
                            authorization,
                            connections,
                            lastOffset);
                    if (activity.quiet()) {
                        break;
                    }
                }
                // One load generator process for the warm-ups and the measured loads, so both are measured warm.
                List<LoadGenerator.Result> loads = LoadGenerator.load(
                        List.of(
                                new LoadGenerator.Load(access, true, warm),
                                new LoadGenerator.Load(bare, false, warm),
                                new LoadGenerator.Load(access, true, requests),
                                new LoadGenerator.Load(bare, false, requests)),
                        authorization,
                        connections,
                        lastOffset);
                LoadGenerator.Result warmAccess = loads.get(0);
                LoadGenerator.Result warmBare = loads.get(1);
                LoadGenerator.Result project = loads.get(2);
                LoadGenerator.Result baseline = loads.get(3);

                long anomalies = project.failures() + baseline.failures();
                double ratio = project.throughput() / baseline.throughput();
                System.out.printf(
                        Locale.ROOT,
                        "warm-up: %d rounds of %d requests each until the JIT compiled in less than %d%% of a round, "
                                + "non-200 in the last %s (access), %s (bare)%n",
                        warmRounds + 1,
                        warm,
                        CompilerActivity.WARM_PERCENT,
                        warmAccess.statuses(),
                        warmBare.statuses());
                System.out.printf(
                        Locale.ROOT,
                        "access  GET /api/access/%d/rows?limit=20: %d requests, %d connections, %.0f/s, p50 %.1f ms, "
                                + "p99 %.1f ms, non-200 %s%n",
                        agreementId,
                        requests,
                        connections,
                        project.throughput(),
                        project.p50(),
                        project.p99(),
                        project.statuses());
                System.out.printf(
                        Locale.ROOT,
                        "bare    GET /actuator/health/liveness (public, no auth): %d requests, %.0f/s, p50 %.1f ms, "
                                + "p99 %.1f ms, non-200 %s%n",
                        requests,
                        baseline.throughput(),
                        baseline.p50(),
                        baseline.p99(),
                        baseline.statuses());
                System.out.printf(Locale.ROOT, "anomalies (answers other than 200): %d%n", anomalies);
                boolean pass = ratio >= 0.5 && project.p99() <= 20;
                System.out.printf(
                        Locale.ROOT,
                        "BENCH access project=%.0f/s baseline=%.0f/s ratio=%.2f target=ratio>=0.5,p99<=20ms "
                                + "(p99=%.1fms,anomalies=%d) %s%n",
                        project.throughput(),
                        baseline.throughput(),
                        ratio,
                        project.p99(),
                        anomalies,
                        pass ? "PASS" : "FAIL");
            }
        } finally {
            // Its database, lake and ledger: gigabytes a run.
            vn.datafloor.server.platform.ScratchDirectories.delete(data);
        }
        return 0;
    }

    private static Actor actor(UserService users, String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    /** The civil registry's product, a free offer, its inspection, an enterprise's order and its approval. */
    private static long agreement(ConfigurableApplicationContext context, UserService users) {
        ProductService products = context.getBean(ProductService.class);
        OfferService offers = context.getBean(OfferService.class);
        ContractService contracts = context.getBean(ContractService.class);
        Actor provider = actor(users, "hotich.dulieu");
        ProductService.Product product = products.create(
                provider,
                new ProductService.NewProduct(
                        "ho-tich-cong-dan",
                        "Hộ tịch công dân (thử tải kênh giao)",
                        "Trích xuất hộ tịch có che dữ liệu cá nhân, dùng cho phép đo tải kênh giao",
                        ProductService.Delivery.LATEST,
                        null));
        OfferService.Offer offer = offers.create(
                provider,
                product.id(),
                new OfferService.NewOffer(
                        "Truy cập thống kê (thử tải)",
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
                        new OfferService.Terms(List.of("df:statistics"), "VN", List.of(), true, true),
                        null,
                        null));
        products.submit(provider, product.id());
        products.inspect(actor(users, "admin"), product.id(), true, "Đã thẩm định cho phép đo tải");
        ContractService.Contract contract = contracts.order(
                actor(users, "saomai.admin"),
                "access-bench",
                new ContractService.Order(offer.id(), "df:statistics", "Thống kê dân số (phép đo tải)", "VN"));
        if (contract.state() == ContractService.State.REQUESTED) {
            contract = contracts.decide(provider, contract.id(), true, "Đồng ý cho phép đo tải");
        }
        if (contract.state() != ContractService.State.FINALIZED) {
            throw new IllegalStateException("the bench agreement is " + contract.state());
        }
        return contract.id();
    }

    /** The first identity numbers in the registry, read from the lake directly (what the provider holds). */
    private static List<String> identityNumbers(
            ConfigurableApplicationContext context, DeliveryService.Grant grant, int count) throws Exception {
        List<String> found = new ArrayList<>();
        String column = DuckDbConnections.identifier(grant.subjectColumn());
        Path scratch = vn.datafloor.integration.lake.PrivateFiles.createDirectory(
                context.getBean(vn.datafloor.server.platform.DatafloorProperties.class)
                        .dataDir()
                        .resolve("access")
                        .resolve("bench"));
        try (vn.datafloor.integration.lake.ClearVersion clear = context.getBean(
                                vn.datafloor.server.integration.DatasetService.class)
                        .clear(grant.view().files(), scratch);
                Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT DISTINCT CAST(" + column + " AS VARCHAR) FROM "
                        + clear.readExpression() + " WHERE " + column
                        + " IS NOT NULL ORDER BY 1 LIMIT " + count)) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    /** Each person signs up as a citizen and consents to the recipient's statistics; two at a time. */
    private static int consent(ConfigurableApplicationContext context, UserService users, List<String> persons)
            throws Exception {
        ConsentService consents = context.getBean(ConsentService.class);
        long controller = actor(users, "hotich.dulieu").orgId();
        long recipient = actor(users, "saomai.admin").orgId();
        LocalDate until = LocalDate.now().plusYears(5);
        String notice =
                consents.notice(controller, recipient, "df:statistics", List.of("identity_number"), until, "vi");
        AtomicInteger given = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String person : persons) {
                done.add(pool.submit(() -> {
                    UserAccount citizen = users.findByUsername(person)
                            .orElseGet(
                                    () -> users.bootstrapCitizen(person, "Công dân " + person, "Mat-khau-thu-tai-9x!"));
                    consents.give(
                            new Actor(citizen.id(), citizen.username(), null, citizen.roles(), null, Set.of()),
                            new ConsentService.Grant(
                                    controller,
                                    recipient,
                                    "df:statistics",
                                    List.of("identity_number"),
                                    until,
                                    notice,
                                    "vi",
                                    ConsentService.Channel.WEB,
                                    true,
                                    ConsentService.Decision.GIVE));
                    given.incrementAndGet();
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    System.err.println("consent refused: " + e.getCause());
                }
            }
        } finally {
            pool.shutdown();
        }
        return given.get();
    }
}
