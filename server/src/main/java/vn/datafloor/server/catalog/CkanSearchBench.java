package vn.datafloor.server.catalog;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import vn.datafloor.server.DatafloorApplication;

/**
 * {@code ./datafloor bench ckan-search [--datasets 100000] [--requests 4000] [--clients 4] [--warmup 2000]}:
 * CKAN's {@code package_search} over real HTTP at scale. The whole server starts in a fresh folder on
 * a free port (no demo); N synthetic Vietnamese dataset descriptions (about 200 publishers — ministries,
 * provincial departments, people's committees — 17 themes, keywords, licences, open, shared, private
 * and core data, 3 columns each) are written to its control database in batches and the catalog index
 * is rebuilt from it, as at start-up. Then, after a warm-up, {@code clients} concurrent keep-alive
 * connections send a seeded mix of {@code package_search} requests (free text with and without
 * diacritics, {@code fq} on organisation, tags, groups, formats and licences, AND of two tags, date
 * ranges, every sort, {@code facet.field}, pages of 10 to 1000 rows, deep {@code start}), each waiting
 * for its answer before the next. The baseline, in the same run with as many connections and
 * requests, is the same server's {@code GET /api/3} (the CKAN API's version answer: the same filters,
 * security chain and JSON envelope, no search). Target: package_search p95 ≤ 50 ms.
 *
 * <p>The synthetic entries have no version in the lake, so packages carry no version facts (no quality,
 * row count or resource dates): a described dataset costs the page the same database reads otherwise.
 */
public final class CkanSearchBench {

    private CkanSearchBench() {}

    public static int run(List<String> options) throws Exception {
        int datasets = option(options, "--datasets", 100_000);
        int requests = option(options, "--requests", 4_000);
        int clients = option(options, "--clients", 4);
        int warmup = option(options, "--warmup", 2_000);
        Path data = Files.createTempDirectory("datafloor-bench-ckan-");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("datafloor.data-dir", data.toString());
        settings.put("server.port", "0");
        settings.put("logging.level.root", "WARN");
        settings.put("datafloor.ledger.checkpoint-interval", "PT1H");
        for (String o : options) {
            if ((o.startsWith("--spring.") || o.startsWith("--datafloor.") || o.startsWith("--server."))
                    && o.contains("=")) {
                settings.put(o.substring(2, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
            }
        }
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> args.add("--" + k + "=" + v));
        long started = System.nanoTime();
        try (ConfigurableApplicationContext context =
                new SpringApplicationBuilder(DatafloorApplication.class).run(args.toArray(String[]::new))) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            System.out.printf(Locale.ROOT, "server up on port %d in %.1f s%n", port, secondsSince(started));

            long t0 = System.nanoTime();
            Catalog catalog = new Generator(new Random(42)).write(context.getBean(DataSource.class), datasets);
            System.out.printf(
                    Locale.ROOT,
                    "wrote %,d catalog entries (%,d public) of %d publishers to the control database in %.1f s%n",
                    datasets,
                    catalog.publicCount,
                    catalog.publishers.size(),
                    secondsSince(t0));

            t0 = System.nanoTime();
            context.getBean(CatalogService.class).rebuildIndex();
            CatalogSearch search = context.getBean(CatalogSearch.class);
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf(
                    Locale.ROOT,
                    "rebuilt the catalog index from the database in %.1f s: %,d entries, index %.0f MB in memory, "
                            + "server heap in use %.0f MB%n",
                    secondsSince(t0),
                    search.size(),
                    search.memoryBytes() / 1e6,
                    (rt.totalMemory() - rt.freeMemory()) / 1e6);

            QueryMix mix = new QueryMix(new Random(7), catalog);
            List<Request> warm = mix.requests(warmup);
            List<Request> measured = mix.requests(requests);
            List<Request> bare = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                bare.add(new Request("bare", "/api/3"));
            }
            Result warmResult = load(port, warm, clients);
            Result project = load(port, measured, clients);
            Result baseline = load(port, bare, clients);

            System.out.printf(
                    Locale.ROOT,
                    "warm-up: %,d package_search requests, non-200: %d%n",
                    warm.size(),
                    warmResult.failures.get());
            System.out.printf(
                    Locale.ROOT,
                    "package_search: %,d requests, %d connections, %.0f/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, "
                            + "non-200: %d%n",
                    requests,
                    clients,
                    project.throughput(),
                    project.percentile(null, 50),
                    project.percentile(null, 95),
                    project.percentile(null, 99),
                    project.failures.get());
            for (String kind : QueryMix.KINDS) {
                if (project.count(kind) > 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "  %-26s %5d requests: p50 %6.1f ms, p95 %6.1f ms%n",
                            kind,
                            project.count(kind),
                            project.percentile(kind, 50),
                            project.percentile(kind, 95));
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "bare GET /api/3 (same server, filters and envelope, no search): %,d requests, %.0f/s, "
                            + "p50 %.1f ms, p95 %.1f ms, non-200: %d%n",
                    requests,
                    baseline.throughput(),
                    baseline.percentile(null, 50),
                    baseline.percentile(null, 95),
                    baseline.failures.get());
            double p95 = project.percentile(null, 95);
            double baseP95 = baseline.percentile(null, 95);
            boolean pass = p95 <= 50 && project.failures.get() == 0;
            System.out.printf(
                    Locale.ROOT,
                    "BENCH ckan-search project=%.1fms baseline=%.1fms ratio=%.1f target=p95<=50ms "
                            + "(datasets=%d,clients=%d,rps=%.0f,non200=%d) %s%n",
                    p95,
                    baseP95,
                    p95 / Math.max(0.001, baseP95),
                    datasets,
                    clients,
                    project.throughput(),
                    project.failures.get(),
                    pass ? "PASS" : "FAIL");
        }
        deleteQuietly(data);
        return 0;
    }

    // ------------------------------------------------------------------ the load

    record Request(String kind, String path) {}

    /** Latencies by request, in the order sent, with each request's kind. */
    static final class Result {
        final List<Request> requests;
        final double[] millis;
        final AtomicLong failures = new AtomicLong();
        double seconds;

        Result(List<Request> requests) {
            this.requests = requests;
            this.millis = new double[requests.size()];
        }

        double throughput() {
            return requests.size() / seconds;
        }

        int count(String kind) {
            return (int) requests.stream().filter(r -> r.kind().equals(kind)).count();
        }

        /** Nearest-rank percentile of one kind (null: all). */
        double percentile(String kind, int p) {
            double[] of = java.util.stream.IntStream.range(0, millis.length)
                    .filter(i -> kind == null || requests.get(i).kind().equals(kind))
                    .mapToDouble(i -> millis[i])
                    .sorted()
                    .toArray();
            if (of.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(p / 100.0 * of.length);
            return of[Math.max(0, Math.min(of.length - 1, rank - 1))];
        }
    }

    /** Sends the requests from {@code clients} threads, each on its own kept-alive connection, closed loop. */
    static Result load(int port, List<Request> requests, int clients) throws Exception {
        Result result = new Result(requests);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    try (Client client = new Client(port)) {
                        for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
                            long began = System.nanoTime();
                            int status;
                            try {
                                status = client.get(requests.get(i).path());
                            } catch (IOException e) {
                                status = -1;
                            }
                            result.millis[i] = (System.nanoTime() - began) / 1e6;
                            if (status != 200) {
                                result.failures.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            result.seconds = secondsSince(start);
        } finally {
            pool.shutdownNow();
        }
        return result;
    }

    /**
     * One kept-alive HTTP/1.1 connection reading whole answers (a length or chunks). The JDK's HttpClient
     * costs more CPU than the requests it measures on two cores (see the access benchmark).
     */
    private static final class Client implements AutoCloseable {
        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Client(int port) {
            this.port = port;
        }

        int get(String path) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(60_000);
                socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
                out = new BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
            }
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String[] status = line().split(" ", 3);
            long length = -1;
            boolean chunked = false;
            boolean closeAfter = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = colon < 0 ? "" : header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value =
                        colon < 0 ? "" : header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> closeAfter = value.contains("close");
                    default -> {}
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16);
                        size > 0;
                        size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    in.skipNBytes(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers are dropped
                }
            } else if (length >= 0) {
                in.skipNBytes(length);
            }
            if (closeAfter) {
                close();
            }
            return Integer.parseInt(status[1]);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new java.io.EOFException("the connection closed mid-answer");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing left to do
                }
                socket = null;
            }
        }
    }

    // ------------------------------------------------------------------ the synthetic catalog

    private static final String[] PROVINCES = {
        "Hà Nội",
        "Huế",
        "Lai Châu",
        "Điện Biên",
        "Sơn La",
        "Lạng Sơn",
        "Quảng Ninh",
        "Thanh Hóa",
        "Nghệ An",
        "Hà Tĩnh",
        "Cao Bằng",
        "Tuyên Quang",
        "Lào Cai",
        "Thái Nguyên",
        "Phú Thọ",
        "Bắc Ninh",
        "Hưng Yên",
        "Hải Phòng",
        "Ninh Bình",
        "Quảng Trị",
        "Đà Nẵng",
        "Quảng Ngãi",
        "Gia Lai",
        "Khánh Hòa",
        "Lâm Đồng",
        "Đắk Lắk",
        "TP Hồ Chí Minh",
        "Đồng Nai",
        "Tây Ninh",
        "Cần Thơ",
        "Vĩnh Long",
        "Đồng Tháp",
        "Cà Mau",
        "An Giang"
    };

    private static final String[] MINISTRIES = {
        "Bộ Y tế",
        "Bộ Tài chính",
        "Bộ Công an",
        "Bộ Giáo dục và Đào tạo",
        "Bộ Nông nghiệp và Môi trường",
        "Bộ Xây dựng",
        "Bộ Công Thương",
        "Bộ Tư pháp",
        "Bộ Nội vụ",
        "Bộ Khoa học và Công nghệ",
        "Bộ Văn hóa, Thể thao và Du lịch",
        "Tổng cục Thống kê",
        "Bảo hiểm xã hội Việt Nam",
        "Cục Thuế",
        "Cục Quản lý thị trường"
    };

    private static final String[] DEPARTMENTS = {"Sở Y tế", "Sở Tài chính", "Sở Giáo dục và Đào tạo", "Sở Xây dựng"};

    /** Vietnamese subject, theme code, keywords. */
    private static final String[][] SUBJECTS = {
        {"Danh sách cơ sở khám chữa bệnh", "health", "bệnh viện", "khám chữa bệnh"},
        {"Số giường bệnh theo bệnh viện", "health", "bệnh viện", "giường bệnh"},
        {"Tiêm chủng mở rộng", "health", "tiêm chủng", "trẻ em"},
        {"Dân cư theo xã phường", "population", "dân số", "hộ tịch"},
        {"Khai sinh và khai tử", "population", "hộ tịch", "khai sinh"},
        {"Giá đất theo tuyến đường", "land", "giá đất", "bất động sản"},
        {"Giấy chứng nhận quyền sử dụng đất", "land", "đất đai", "sổ đỏ"},
        {"Doanh nghiệp đăng ký thành lập mới", "enterprise", "doanh nghiệp", "đăng ký kinh doanh"},
        {"Hộ kinh doanh cá thể", "enterprise", "hộ kinh doanh", "thuế"},
        {"Trường học và số học sinh", "education", "trường học", "học sinh"},
        {"Kết quả thi tốt nghiệp trung học phổ thông", "education", "thi cử", "học sinh"},
        {"Tuyến xe buýt và điểm dừng", "transport", "xe buýt", "giao thông"},
        {"Tai nạn giao thông đường bộ", "transport", "tai nạn", "giao thông"},
        {"Thu ngân sách nhà nước", "finance", "ngân sách", "thuế"},
        {"Diện tích và sản lượng lúa", "agriculture", "lúa gạo", "nông nghiệp"},
        {"Chất lượng không khí", "environment", "không khí", "quan trắc"},
        {"Người tham gia bảo hiểm xã hội", "social-insurance", "bảo hiểm", "lao động"},
        {"Sản phẩm công bố lưu thông trên thị trường", "trade", "sản phẩm", "GTIN"},
        {"Chợ và siêu thị", "trade", "chợ", "bán lẻ"},
        {"Thủ tục hành chính công", "government", "thủ tục", "dịch vụ công"}
    };

    private static final String[] COLUMNS = {
        "ma_tinh", "ten_tinh", "ma_xa", "ten_xa", "nam", "quy", "so_luong", "gia_tri", "ty_le", "ghi_chu"
    };

    private static final String[] SHARED_KEYWORDS = {
        "dữ liệu mở", "thống kê", "báo cáo", "hàng năm", "chuyển đổi số", "cấp tỉnh", "cấp xã"
    };

    /** What the query mix needs to know of the written catalog. */
    record Catalog(List<String> publishers, List<String> keywords, int publicCount) {}

    private static final class Generator {
        private final Random rnd;

        Generator(Random rnd) {
            this.rnd = rnd;
        }

        Catalog write(DataSource dataSource, int n) throws Exception {
            List<String> publishers = new ArrayList<>(List.of(MINISTRIES));
            for (String province : PROVINCES) {
                for (String department : DEPARTMENTS) {
                    publishers.add(department + " " + province);
                }
                publishers.add("UBND " + province);
            }
            Set<String> keywords = new LinkedHashSet<>();
            int publicCount = 0;
            List<String> themes = Arrays.stream(CatalogVocabulary.Theme.values())
                    .map(CatalogVocabulary.Theme::code)
                    .toList();
            List<String> licences = Arrays.stream(CatalogVocabulary.Licence.values())
                    .map(CatalogVocabulary.Licence::code)
                    .toList();
            Instant epoch = Instant.parse("2015-01-01T00:00:00Z");
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                long[] orgIds = new long[publishers.size()];
                try (PreparedStatement org = c.prepareStatement(
                        "insert into organisation(name, kind, verified, enabled, created_at) values (?,?,true,true,?)",
                        new String[] {"id"})) {
                    for (int i = 0; i < publishers.size(); i++) {
                        org.setString(1, publishers.get(i));
                        org.setString(2, "STATE_AGENCY");
                        org.setTimestamp(3, Timestamp.from(epoch.minusSeconds(86_400L * (publishers.size() - i))));
                        org.executeUpdate();
                        try (var keys = org.getGeneratedKeys()) {
                            keys.next();
                            orgIds[i] = keys.getLong(1);
                        }
                    }
                }
                c.commit();
                String insert = "insert into catalog_dataset(id, slug, dataset, org_id, title_vi, title_en, "
                        + "description_vi, themes, keywords, licence, importance, sharing, status, published_at, "
                        + "created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
                long firstId;
                try (var st = c.createStatement();
                        var rs = st.executeQuery("select coalesce(max(id), 0) from catalog_dataset")) {
                    rs.next();
                    firstId = rs.getLong(1) + 1_000_000;
                }
                try (PreparedStatement ds = c.prepareStatement(insert);
                        PreparedStatement col = c.prepareStatement(
                                "insert into catalog_column(dataset_id, position, name, type, personal_category) "
                                        + "values (?,?,?,?,'none')")) {
                    for (int i = 0; i < n; i++) {
                        String[] subject = SUBJECTS[rnd.nextInt(SUBJECTS.length)];
                        boolean national = rnd.nextInt(5) == 0;
                        int province = rnd.nextInt(PROVINCES.length);
                        String place = national ? "toàn quốc" : "tỉnh " + PROVINCES[province];
                        int year = 2015 + rnd.nextInt(11);
                        String title = switch (rnd.nextInt(3)) {
                            case 0 -> subject[0] + " " + place + " " + year;
                            case 1 -> subject[0] + " " + place;
                            default -> subject[0] + " " + place + " quý " + (1 + rnd.nextInt(4)) + "/" + year;
                        };
                        int publisher = national || rnd.nextInt(10) < 3
                                ? rnd.nextInt(MINISTRIES.length)
                                : MINISTRIES.length
                                        + province * (DEPARTMENTS.length + 1)
                                        + rnd.nextInt(DEPARTMENTS.length + 1);
                        List<String> entryThemes = new ArrayList<>(List.of(subject[1]));
                        if (rnd.nextInt(4) == 0) {
                            String other = themes.get(rnd.nextInt(themes.size()));
                            if (!entryThemes.contains(other)) {
                                entryThemes.add(other);
                            }
                        }
                        Set<String> entryKeywords = new LinkedHashSet<>();
                        entryKeywords.add(national ? "toàn quốc" : PROVINCES[province]);
                        entryKeywords.add(subject[2 + rnd.nextInt(2)]);
                        if (rnd.nextBoolean()) {
                            entryKeywords.add(SHARED_KEYWORDS[rnd.nextInt(SHARED_KEYWORDS.length)]);
                        }
                        keywords.addAll(entryKeywords);
                        int roll = rnd.nextInt(100);
                        String importance = roll < 10 ? "core" : roll < 40 ? "important" : "other";
                        roll = rnd.nextInt(100);
                        String sharing = roll < 60 ? "open" : roll < 90 ? "shared" : "private";
                        boolean published = rnd.nextInt(20) != 0;
                        if (published && !"core".equals(importance) && !"private".equals(sharing)) {
                            publicCount++;
                        }
                        Instant created = epoch.plusSeconds((long) (rnd.nextDouble() * 10 * 365 * 86_400));
                        Instant updated = created.plusSeconds((long) (rnd.nextDouble() * 365 * 86_400));
                        long id = firstId + i;
                        ds.setLong(1, id);
                        ds.setString(2, "ds-" + i);
                        ds.setString(3, "bench.ds-" + i);
                        ds.setLong(4, orgIds[publisher]);
                        ds.setString(5, title);
                        ds.setString(6, rnd.nextInt(4) == 0 ? null : "Dataset " + i + ", " + year);
                        ds.setString(
                                7,
                                "Bộ dữ liệu " + subject[0].toLowerCase(Locale.ROOT) + " trên địa bàn " + place + ", do "
                                        + publishers.get(publisher) + " thu thập và cập nhật định kỳ.");
                        ds.setString(8, String.join(",", entryThemes));
                        ds.setString(9, String.join("\n", entryKeywords));
                        ds.setString(10, licences.get(rnd.nextInt(licences.size())));
                        ds.setString(11, importance);
                        ds.setString(12, sharing);
                        ds.setString(13, published ? "PUBLISHED" : "DRAFT");
                        ds.setTimestamp(14, published ? Timestamp.from(updated) : null);
                        ds.setTimestamp(15, Timestamp.from(created));
                        ds.setTimestamp(16, Timestamp.from(updated));
                        ds.addBatch();
                        for (int k = 0; k < 3; k++) {
                            col.setLong(1, id);
                            col.setInt(2, k);
                            col.setString(3, COLUMNS[(i + k * 3) % COLUMNS.length]);
                            col.setString(4, "VARCHAR");
                            col.addBatch();
                        }
                        if (i % 2_000 == 1_999 || i == n - 1) {
                            ds.executeBatch();
                            col.executeBatch();
                            c.commit();
                        }
                    }
                }
            }
            return new Catalog(List.copyOf(publishers), List.copyOf(keywords), publicCount);
        }
    }

    // ------------------------------------------------------------------ the query mix

    /** A seeded stream of package_search requests as portals, ckanapi and harvesters send them. */
    private static final class QueryMix {
        static final List<String> KINDS = List.of(
                "text",
                "text + fq",
                "fq + sort",
                "two tags (AND) + facets",
                "facets, everything",
                "harvest: date range, id asc",
                "rows=1000");

        private static final String[] TYPED = {
            "benh vien", "bệnh viện", "dan cu", "giá đất", "doanh nghiep", "truong hoc", "giao thong", "thuế",
            "san pham", "lúa", "bảo hiểm", "ha noi", "đà nẵng", "khai sinh", "xe buyt", "ngân sách"
        };
        private static final String[] SORTS = {
            "score desc, metadata_modified desc",
            "metadata_modified desc",
            "metadata_created asc",
            "name asc",
            "title_string asc",
            "title_string desc",
            "id asc"
        };
        private static final String FACETS = "[\"organization\",\"tags\",\"groups\",\"res_format\",\"license_id\"]";

        private final Random rnd;
        private final Catalog catalog;

        QueryMix(Random rnd, Catalog catalog) {
            this.rnd = rnd;
            this.catalog = catalog;
        }

        List<Request> requests(int n) {
            List<Request> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(request());
            }
            return out;
        }

        private Request request() {
            Map<String, String> p = new LinkedHashMap<>();
            int roll = rnd.nextInt(100);
            String kind;
            if (roll < 25) {
                kind = "text";
                p.put("q", TYPED[rnd.nextInt(TYPED.length)]);
            } else if (roll < 45) {
                kind = "text + fq";
                p.put("q", TYPED[rnd.nextInt(TYPED.length)]);
                p.put("fq", filter());
                p.put("facet.field", FACETS);
            } else if (roll < 65) {
                kind = "fq + sort";
                p.put("fq", filter());
                p.put("sort", SORTS[rnd.nextInt(SORTS.length)]);
            } else if (roll < 75) {
                kind = "two tags (AND) + facets";
                p.put("fq", "tags:\"" + keyword() + "\" AND tags:\"" + keyword() + "\"");
                p.put("facet.field", FACETS);
            } else if (roll < 85) {
                kind = "facets, everything";
                p.put("q", "*:*");
                p.put("facet.field", FACETS);
                p.put("facet.limit", "20");
            } else if (roll < 97) {
                kind = "harvest: date range, id asc";
                int year = 2016 + rnd.nextInt(10);
                p.put("fq", "metadata_modified:[" + year + "-01-01T00:00:00Z TO *]");
                p.put("sort", "id asc");
                p.put("rows", "100");
                p.put("start", Integer.toString(100 * rnd.nextInt(20)));
            } else {
                kind = "rows=1000";
                p.put("sort", "metadata_modified desc");
                p.put("rows", "1000");
            }
            if (!p.containsKey("rows")) {
                p.put("rows", new String[] {"10", "10", "20", "50"}[rnd.nextInt(4)]);
                if (rnd.nextInt(5) == 0) {
                    p.put("start", Integer.toString(10 * rnd.nextInt(10)));
                }
            }
            StringBuilder path = new StringBuilder("/api/3/action/package_search?");
            p.forEach((k, v) -> path.append(path.charAt(path.length() - 1) == '?' ? "" : "&")
                    .append(k)
                    .append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            return new Request(kind, path.toString());
        }

        private String keyword() {
            return catalog.keywords().get(rnd.nextInt(catalog.keywords().size()));
        }

        private String filter() {
            return switch (rnd.nextInt(6)) {
                case 0 ->
                    "organization:"
                            + CkanPackages.organizationName(catalog.publishers()
                                    .get(rnd.nextInt(catalog.publishers().size())));
                case 1 -> "tags:\"" + keyword() + "\"";
                case 2 ->
                    "groups:"
                            + CatalogVocabulary.Theme.values()[rnd.nextInt(CatalogVocabulary.Theme.values().length)]
                                    .code();
                case 3 -> "res_format:" + new String[] {"CSV", "PARQUET", "JSON"}[rnd.nextInt(3)];
                case 4 ->
                    "license_id:"
                            + CatalogVocabulary.Licence.values()[rnd.nextInt(CatalogVocabulary.Licence.values().length)]
                                    .code();
                default -> "sharing:open AND importance:important";
            };
        }
    }

    // ------------------------------------------------------------------ helpers

    static int option(List<String> options, String name, int fallback) {
        int at = options.indexOf(name);
        return at >= 0 && at + 1 < options.size()
                ? Integer.parseInt(options.get(at + 1).replace("_", "").replace(",", ""))
                : fallback;
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void deleteQuietly(Path directory) {
        try (var walk = Files.walk(directory)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("could not delete " + directory + ": " + e.getMessage());
        }
    }
}
