package vn.datafloor.server.exchange;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import vn.datafloor.policy.OdrlJson;
import vn.datafloor.server.DatafloorApplication;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.identity.OrganisationKind;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.CompilerActivity;
import vn.datafloor.server.platform.ProblemException;

/**
 * {@code ./datafloor bench exchange}: many buyers at once on limited-quantity offers, against the
 * database the server is configured with (the embedded H2 in a fresh folder unless a
 * {@code --spring.datasource.url} is given). Each order is a whole purchase: the terms checked, the
 * contract, a unit taken from the offer, the journal's postings, a gap-free invoice and the ledger
 * entries through the outbox. Some orders are sent twice with the same key, as a doubled click would.
 * Then 1,000 bids on a sealed auction, each raising the bidder's deposit. The baseline, in the same run and
 * with as many threads, is the same number of single-row inserts, each committed on its own. The
 * figures: orders/s, p99 latency, and the anomalies that must be zero (journal total, kept balances that
 * differ from their postings, oversold units,
 * double charges, invoice number gaps).
 */
public final class ExchangeBench {

    private ExchangeBench() {}

    public static int run(List<String> options) throws Exception {
        int orders = option(options, "--orders", 20_000);
        int buyers = option(options, "--buyers", 64);
        int offersCount = option(options, "--offers", 16);
        int providersCount = Math.max(1, Math.min(offersCount, option(options, "--providers", 1)));
        // The JIT compiles a cold server's paths for a minute and more, on the same two cores: measured cold,
        // the figure is the compiler's. A server that sells all day runs warm, so both paths are warmed first
        // in rounds until the compiler is nearly done (see warm), at least --warmup orders and inserts each.
        int warmup = option(options, "--warmup", 10_000);
        Path data = Files.createTempDirectory("datafloor-bench-exchange-");
        List<String> args = new ArrayList<>(List.of(
                "--datafloor.data-dir=" + data,
                "--server.port=0",
                "--datafloor.demo=false",
                "--datafloor.ledger.checkpoint-interval=PT1H",
                "--datafloor.exchange.billing-interval=PT24H",
                "--logging.level.root=WARN"));
        options.stream()
                .filter(o -> o.startsWith("--spring.") || o.startsWith("--datafloor."))
                .forEach(args::add);
        try {
            try (ConfigurableApplicationContext context =
                    new SpringApplicationBuilder(DatafloorApplication.class).run(args.toArray(String[]::new))) {
                JdbcClient jdbc = context.getBean(JdbcClient.class);
                OrganisationService organisations = context.getBean(OrganisationService.class);
                ContractService contracts = context.getBean(ContractService.class);
                MoneyJournal journal = context.getBean(MoneyJournal.class);
                BankStatements statements = context.getBean(BankStatements.class);
                String run = Long.toString(System.currentTimeMillis(), 36);

                // Each provider has its own invoice counter, which its sales queue on: one provider is the hard case.
                long[] providers = new long[providersCount];
                for (int p = 0; p < providersCount; p++) {
                    providers[p] = organisations
                            .bootstrap("Nhà cung cấp thử tải " + run + "-" + p, OrganisationKind.ENTERPRISE)
                            .id();
                }
                long provider = providers[0];
                List<Actor> actors = new ArrayList<>();
                for (int b = 0; b < buyers; b++) {
                    long org = organisations
                            .bootstrap("Bên mua thử tải " + run + "-" + b, OrganisationKind.ENTERPRISE)
                            .id();
                    statements.credit(
                            journal.account(org, MoneyJournal.AccountKind.CASH),
                            1_000_000_000L,
                            "BENCH-" + run + "-" + b,
                            null);
                    for (long p : providers) {
                        contracts.prepareAccounts(org, p);
                    }
                    actors.add(new Actor(1_000_000 + b, "bench" + b, org, Set.of(Role.ORG_ADMIN), null, Set.of()));
                }
                long[] productOf = new long[providersCount];
                for (int p = 0; p < providersCount; p++) {
                    productOf[p] = insertProduct(jdbc, providers[p], run + "-" + p);
                }
                long product = productOf[0];
                // Fewer units than orders: the last buyers of each offer must be refused, never oversold.
                int quantity = (int) (orders * 0.9 / offersCount);
                long[] offerIds = new long[offersCount];
                for (int i = 0; i < offersCount; i++) {
                    int p = i % providersCount;
                    offerIds[i] = insertOffer(jdbc, productOf[p], providers[p], quantity, run + "-" + i);
                }
                jdbc.sql("create table bench_insert(id varchar(36) primary key, payload varchar(200))")
                        .update();

                AtomicLong sequence = new AtomicLong();
                AtomicLong soldOut = new AtomicLong();
                AtomicLong doubled = new AtomicLong();
                AtomicLong doubleMismatch = new AtomicLong();
                AtomicLong failures = new AtomicLong();
                IntConsumer order = thread -> {
                    long n = sequence.getAndIncrement();
                    Actor buyer = actors.get(thread % actors.size());
                    long offer = offerIds[(int) (n % offersCount)];
                    String key = "bench-" + run + "-" + n;
                    ContractService.Order request =
                            new ContractService.Order(offer, "df:statistics", "Thống kê thử tải sàn dữ liệu", "VN");
                    try {
                        ContractService.Contract made = contracts.order(buyer, key, request);
                        if (n % 20 == 0) {
                            // A doubled click: the same key again must answer the same contract, charging nothing.
                            doubled.incrementAndGet();
                            if (contracts.order(buyer, key, request).id() != made.id()) {
                                doubleMismatch.incrementAndGet();
                            }
                        }
                    } catch (ProblemException e) {
                        if ("contract.soldOut".equals(e.messageKey())) {
                            soldOut.incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                            System.err.println("order refused: " + e.getMessage());
                        }
                    }
                };
                IntConsumer insert = thread -> jdbc.sql("insert into bench_insert(id, payload) values (?, ?)")
                        .params(UUID.randomUUID().toString(), "a single row, committed on its own")
                        .update();

                // Warm-up of both paths on a separate offer, not counted.
                long warmOffer = insertOffer(jdbc, product, provider, 1_000_000, run + "-warm");
                AtomicLong warm = new AtomicLong();
                long warmOrders = warm(
                        thread -> {
                            try {
                                contracts.order(
                                        actors.get(thread % actors.size()),
                                        "warm-" + run + "-" + warm.getAndIncrement(),
                                        new ContractService.Order(
                                                warmOffer, "df:statistics", "Khởi động thử tải", "VN"));
                            } catch (ProblemException e) {
                                failures.incrementAndGet();
                            }
                        },
                        warmup,
                        buyers);
                long warmInserts = warm(insert, warmup, buyers);
                System.out.printf(
                        Locale.ROOT,
                        "warm-up: %d orders and %d inserts, until the JIT compiled in less than %d%% of a round%n",
                        warmOrders,
                        warmInserts,
                        CompilerActivity.WARM_PERCENT);

                Timing project = timed(order, orders, buyers);
                Timing baseline = timed(insert, orders, buyers);

                MoneyJournal.TrialBalance trial = journal.trialBalance();
                long total = trial.total();
                long drifted = trial.drifted().size();
                long oversold = 0;
                for (long offer : offerIds) {
                    long made = jdbc.sql(
                                    "select count(*) from exchange_contract where offer_id = ? and state = 'FINALIZED'")
                            .param(offer)
                            .query(Long.class)
                            .single();
                    long sold = jdbc.sql("select sold from exchange_offer where id = ?")
                            .param(offer)
                            .query(Long.class)
                            .single();
                    oversold += Math.max(0, made - quantity) + Math.abs(made - sold);
                }
                long doubleCharges = jdbc.sql("""
                                select count(*) from (select contract_id from exchange_invoice group by contract_id
                                having count(*) > 1) twice""").query(Long.class).single();
                long gaps = 0;
                for (long p : providers) {
                    long numbers = jdbc.sql("select count(*) from exchange_invoice where seller_org = ?")
                            .param(p)
                            .query(Long.class)
                            .single();
                    long highest = jdbc.sql(
                                    "select coalesce(max(number), 0) from exchange_invoice where seller_org = ?")
                            .param(p)
                            .query(Long.class)
                            .single();
                    gaps += highest - numbers;
                }
                long anomalies = Math.abs(total)
                        + drifted
                        + oversold
                        + doubleCharges
                        + gaps
                        + doubleMismatch.get()
                        + failures.get();

                double ordersPerSecond = orders / project.seconds();
                double insertsPerSecond = orders / baseline.seconds();
                double ratio = ordersPerSecond / insertsPerSecond;
                System.out.printf(
                        Locale.ROOT,
                        "database: %s; %d buyers, %d orders on %d offers of %d units from %d provider(s); %d sold out, %d "
                                + "doubled clicks%n",
                        databaseName(context),
                        buyers,
                        orders,
                        offersCount,
                        quantity,
                        providersCount,
                        soldOut.get(),
                        doubled.get());
                System.out.printf(
                        Locale.ROOT,
                        "orders: %.0f/s, p50 %.1f ms, p99 %.1f ms; single-row inserts: %.0f/s, p99 %.1f ms%n",
                        ordersPerSecond,
                        project.percentile(50),
                        project.percentile(99),
                        insertsPerSecond,
                        baseline.percentile(99));
                System.out.printf(
                        Locale.ROOT,
                        "anomalies: journal total %d đồng, kept balances unlike their postings %d, oversold units %d, double "
                                + "charges %d, invoice gaps %d, doubled orders answered differently %d, unexpected refusals %d%n",
                        total,
                        drifted,
                        oversold,
                        doubleCharges,
                        gaps,
                        doubleMismatch.get(),
                        failures.get());
                anomalies += bids(context, option(options, "--bids", 1_000), actors, product);
                boolean pass = project.percentile(99) <= 50 && anomalies == 0 && ratio >= 0.25;
                System.out.printf(
                        Locale.ROOT,
                        "BENCH exchange project=%.0f/s baseline=%.0f/s ratio=%.2f target=p99<=50ms,anomalies=0,ratio>=0.25 "
                                + "(p99=%.1fms,anomalies=%d) %s%n",
                        ordersPerSecond,
                        insertsPerSecond,
                        ratio,
                        project.percentile(99),
                        anomalies,
                        pass ? "PASS" : "FAIL");
            }
        } finally {
            // Its database, lake and ledger: gigabytes a run.
            vn.datafloor.server.platform.ScratchDirectories.delete(data);
        }
        return 0;
    }

    /**
     * 1,000 bids on one sealed auction from all the buyers at once, each raising its own bid (every
     * raise tops up its deposit in the journal); then the deposits are checked against the standing
     * bids and the journal's total. Returns the anomalies found.
     */
    private static long bids(ConfigurableApplicationContext context, int count, List<Actor> actors, long product)
            throws Exception {
        AuctionService auctions = context.getBean(AuctionService.class);
        MoneyJournal journal = context.getBean(MoneyJournal.class);
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        long offer = insertOffer(jdbc, product, 0, 0, "auction", "AUCTION");
        AuctionService.Auction auction = auctions.open(
                Actor.SYSTEM,
                offer,
                new AuctionService.NewAuction(
                        AuctionService.Kind.SEALED, Instant.now().plus(java.time.Duration.ofDays(1)), null));
        java.util.concurrent.ConcurrentHashMap<Long, AtomicLong> raises =
                new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong refused = new AtomicLong();
        Timing timing = timed(
                thread -> {
                    Actor bidder = actors.get(thread % actors.size());
                    long n = raises.computeIfAbsent(bidder.orgId(), k -> new AtomicLong())
                            .incrementAndGet();
                    try {
                        auctions.bid(
                                bidder,
                                auction.id(),
                                "bid-" + bidder.orgId() + "-" + n,
                                new AuctionService.NewBid(
                                        100_000L + n * 1_000 + thread, "df:statistics", "Thống kê thử tải", "VN"));
                    } catch (ProblemException e) {
                        refused.incrementAndGet();
                        System.err.println("bid refused: " + e.getMessage());
                    }
                },
                count,
                actors.size());
        long mismatched = 0;
        for (Actor bidder : actors) {
            long held = journal.balance(journal.account(bidder.orgId(), MoneyJournal.AccountKind.HELD)
                    .id());
            Long standing = jdbc.sql("select sum(deposit) from exchange_bid where auction_id = ? and bidder_org = ?")
                    .params(auction.id(), bidder.orgId())
                    .query(Long.class)
                    .optional()
                    .orElse(null);
            if (held != (standing == null ? 0 : standing)) {
                mismatched++;
            }
        }
        long total = journal.trialBalance().total();
        System.out.printf(
                Locale.ROOT,
                "bids: %d on one sealed auction, %.0f/s, p99 %.1f ms; refused %d, deposits not matching the bids %d, "
                        + "journal total %d đồng%n",
                count,
                count / timing.seconds(),
                timing.percentile(99),
                refused.get(),
                mismatched,
                total);
        return refused.get() + mismatched + Math.abs(total);
    }

    private static String databaseName(ConfigurableApplicationContext context) throws Exception {
        try (var connection = context.getBean(javax.sql.DataSource.class).getConnection()) {
            return connection.getMetaData().getDatabaseProductName() + " "
                    + connection.getMetaData().getDatabaseProductVersion();
        }
    }

    static long insertProduct(JdbcClient jdbc, long provider, String run) {
        Instant now = Instant.now();
        jdbc.sql("insert into exchange_product(org_id, catalog_slug, title, description, delivery, status, created_at, "
                        + "updated_at) values (?,?,?,?,?,?,?,?)")
                .params(
                        provider,
                        "bench-" + run,
                        "Sản phẩm thử tải",
                        "Sản phẩm dùng cho phép đo tải của sàn",
                        "LATEST",
                        "APPROVED",
                        Timestamp.from(now),
                        Timestamp.from(now))
                .update();
        return jdbc.sql("select max(id) from exchange_product where org_id = ?")
                .param(provider)
                .query(Long.class)
                .single();
    }

    static long insertOffer(JdbcClient jdbc, long product, long provider, int quantity, String name) {
        return insertOffer(jdbc, product, provider, quantity, name, "ONE_TIME");
    }

    static long insertOffer(JdbcClient jdbc, long product, long provider, int quantity, String name, String model) {
        String policy = OdrlJson.write(OfferTerms.build(
                "urn:datafloor:bench:" + name,
                OfferService.orgUri(provider),
                OfferService.productUri(product),
                List.of("df:statistics", "df:research"),
                "VN",
                List.of(),
                true,
                true,
                365,
                false,
                "other",
                List.of()));
        jdbc.sql("""
                        insert into exchange_offer(product_id, title, price_model, price, vat_percent, quantity, sold,
                          duration_days, approval_required, policy, active, created_at)
                        values (?, ?, ?, 100000, 10, ?, 0, 365, false, ?, true, ?)""")
                .params(
                        product,
                        "Thử tải " + name,
                        model,
                        quantity == 0 ? null : quantity,
                        policy,
                        Timestamp.from(Instant.now()))
                .update();
        return jdbc.sql("select max(id) from exchange_offer where product_id = ?")
                .param(product)
                .query(Long.class)
                .single();
    }

    /**
     * Runs {@code call} in rounds of {@code round} calls until a round in which the JIT was nearly idle
     * ({@link CompilerActivity}), at most 8 rounds; returns the calls made.
     */
    static long warm(IntConsumer call, int round, int threads) throws Exception {
        long calls = 0;
        for (int rounds = 1; rounds <= 8; rounds++) {
            CompilerActivity activity = CompilerActivity.watch();
            timed(call, round, threads);
            calls += round;
            if (activity.quiet()) {
                break;
            }
        }
        return calls;
    }

    /** How long {@code total} calls took on {@code threads} threads, and each call's latency. */
    record Timing(double seconds, double[] millis) {
        double percentile(int p) {
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            if (sorted.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }

    static Timing timed(IntConsumer call, int total, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                int share = total / threads + (t < total % threads ? 1 : 0);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        long began = System.nanoTime();
                        call.accept(thread);
                        latencies.add((System.nanoTime() - began) / 1e6);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Timing(
                    seconds, latencies.stream().mapToDouble(Double::doubleValue).toArray());
        } finally {
            pool.shutdown();
        }
    }

    static int option(List<String> options, String name, int fallback) {
        int at = options.indexOf(name);
        return at >= 0 && at + 1 < options.size() ? Integer.parseInt(options.get(at + 1)) : fallback;
    }
}
