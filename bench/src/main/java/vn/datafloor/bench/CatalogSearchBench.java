package vn.datafloor.bench;

import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import vn.datafloor.catalog.CatalogDocument;
import vn.datafloor.catalog.CatalogIndex;
import vn.datafloor.catalog.CatalogQuery;
import vn.datafloor.catalog.SearchResult;

/**
 * Catalog search latency: N (default 100,000) synthetic Vietnamese dataset descriptions indexed with
 * {@link CatalogIndex}, then a seeded mix of searches (folded and accented words, facet filters,
 * match-all, every sort, audience restrictions), each timed on its own, facet counting included,
 * one thread. Target: p95 ≤ 50 ms (absolute); ≤ 20 ms from a million descriptions on (issue 14). The
 * index's memory is printed. Descriptions are generated and indexed in batches of 50,000, so a million
 * fit in the 2 GB heap; the naive baseline needs them all in memory and is left out above 200,000. For
 * information only: throughput with 4 threads, and the p95 of a naive linear scan over the same descriptions.
 *
 * <p>Uses nothing but the catalog API and the JDK: the launcher runs it with bench/target/classes
 * and bench/target/lib-catalog only, so Lucene 9 never meets Duke's Lucene 4.
 */
final class CatalogSearchBench {

    private static final int LIMIT = 20;
    /** Descriptions generated and indexed at a time. */
    private static final int BATCH = 50_000;
    /** Largest catalog the naive baseline runs on. */
    private static final int NAIVE_MAX = 200_000;

    private CatalogSearchBench() {}

    static void run(String[] args) throws Exception {
        int datasets = intOpt(args, "--datasets", 100_000);
        int queries = Math.max(2_000, intOpt(args, "--queries", 3_000));
        int warmup = intOpt(args, "--warmup", 1_500);
        int baselineQueries = intOpt(args, "--baseline-queries", 200);

        // The naive baseline needs every description in memory at once; past this many it is left out,
        // and the descriptions are generated and indexed in batches so a million fit in a 2 GB heap.
        boolean naive = baselineQueries > 0 && datasets <= NAIVE_MAX;
        double targetMs = datasets >= 1_000_000 ? 20 : 50;
        Generator generator = new Generator(new Random(42));
        List<CatalogDocument> docs = naive ? new ArrayList<>(datasets) : List.of();

        try (CatalogIndex index = CatalogIndex.inMemory()) {
            long t0 = System.nanoTime();
            double generating = 0;
            for (int from = 0; from < datasets; from += BATCH) {
                long g0 = System.nanoTime();
                List<CatalogDocument> batch = generator.documents(from, Math.min(BATCH, datasets - from));
                generating += secondsSince(g0);
                index.putAll(batch);
                if (naive) {
                    docs.addAll(batch);
                }
            }
            double indexing = secondsSince(t0) - generating;
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf(
                    Locale.ROOT,
                    "generated %,d dataset descriptions in %.1f s; indexed them in %.1f s, %,d per second, in batches "
                            + "of %,d (%,d searchable)%n",
                    datasets,
                    generating,
                    indexing,
                    Math.round(datasets / Math.max(0.001, indexing)),
                    BATCH,
                    index.size());
            System.out.printf(
                    Locale.ROOT,
                    "index memory: %.0f MB (index files %s, facet ordinals included); heap in use after GC %.0f MB "
                            + "(index and %s)%n",
                    index.memoryBytes() / 1e6,
                    "in a ByteBuffersDirectory",
                    (rt.totalMemory() - rt.freeMemory()) / 1e6,
                    naive ? "the descriptions kept for the naive baseline" : "nothing else");

            QueryMix mix = new QueryMix(new Random(7));
            List<Kind> warmKinds = new ArrayList<>();
            List<CatalogQuery> warm = mix.queries(warmup, warmKinds);
            for (CatalogQuery q : warm) {
                index.search(q);
            }
            List<Kind> kinds = new ArrayList<>();
            List<CatalogQuery> measured = mix.queries(queries, kinds);
            long[] nanos = new long[measured.size()];
            long[] totals = new long[measured.size()];
            long wall0 = System.nanoTime();
            for (int i = 0; i < measured.size(); i++) {
                long s = System.nanoTime();
                SearchResult r = index.search(measured.get(i));
                nanos[i] = System.nanoTime() - s;
                totals[i] = r.total();
            }
            double singleQps = measured.size() / secondsSince(wall0);

            System.out.printf(
                    Locale.ROOT,
                    "%,d searches, 1 thread: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms, "
                            + "%.0f searches/s%n",
                    measured.size(),
                    ms(percentile(nanos, 50)),
                    ms(percentile(nanos, 95)),
                    ms(percentile(nanos, 99)),
                    ms(Arrays.stream(nanos).max().orElse(0)),
                    singleQps);
            for (Kind k : Kind.values()) {
                long[] of = select(nanos, kinds, k);
                long[] matches = select(totals, kinds, k);
                if (of.length > 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "  %-14s %5d searches: p50 %6.2f ms, p95 %6.2f ms; median matches %,d%n",
                            k.label,
                            of.length,
                            ms(percentile(of, 50)),
                            ms(percentile(of, 95)),
                            percentile(matches, 50));
                }
            }
            System.out.printf(
                    Locale.ROOT, "4 threads: %.0f searches/s (for information)%n", threaded(index, measured, 4));

            if (!naive && baselineQueries > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "naive linear scan left out above %,d descriptions (it needs all of them in memory)%n",
                        NAIVE_MAX);
            }
            if (naive) {
                NaiveScan scan = new NaiveScan(docs);
                int n = Math.min(baselineQueries, measured.size());
                long[] base = new long[n];
                for (int i = 0; i < n; i++) {
                    long s = System.nanoTime();
                    scan.search(measured.get(i));
                    base[i] = System.nanoTime() - s;
                }
                System.out.printf(
                        Locale.ROOT,
                        "naive linear scan (folded contains, same %,d descriptions), first %d "
                                + "searches: p95 %.2f ms (for information)%n",
                        docs.size(),
                        n,
                        ms(percentile(base, 95)));
            }

            double p95 = ms(percentile(nanos, 95));
            System.out.printf(
                    Locale.ROOT,
                    "BENCH catalog-search project=%.2fms baseline=- ratio=- target=<=%.0fms (datasets=%d,index=%.0fMB) %s%n",
                    p95,
                    targetMs,
                    datasets,
                    index.memoryBytes() / 1e6,
                    p95 <= targetMs ? "PASS" : "FAIL");
        }
    }

    private static double threaded(CatalogIndex index, List<CatalogQuery> queries, int threads)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (int i; (i = next.getAndIncrement()) < queries.size(); ) {
                    index.search(queries.get(i));
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        return queries.size() / secondsSince(t0);
    }

    // ---- synthetic catalog --------------------------------------------------------------------------

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
    private static final Set<String> CITIES = Set.of("Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Cần Thơ");

    /** Vietnamese subject, English subject, theme. */
    private static final String[][] SUBJECTS = {
        {"Danh sách cơ sở khám chữa bệnh", "List of medical facilities", "health"},
        {"Số giường bệnh theo bệnh viện", "Hospital beds by hospital", "health"},
        {"Tiêm chủng mở rộng", "Expanded immunization", "health"},
        {"Bệnh truyền nhiễm theo tuần", "Weekly communicable diseases", "health"},
        {"Nhà thuốc và quầy thuốc", "Pharmacies and drugstores", "health"},
        {"Dân cư theo xã phường", "Population by commune and ward", "population"},
        {"Dân số và mật độ dân số", "Population and population density", "population"},
        {"Hộ nghèo và cận nghèo", "Poor and near-poor households", "population"},
        {"Đăng ký khai sinh", "Birth registrations", "population"},
        {"Biến động dân cư", "Population movements", "population"},
        {"Đăng ký doanh nghiệp", "Business registrations", "enterprise"},
        {"Hộ kinh doanh cá thể", "Household businesses", "enterprise"},
        {"Doanh nghiệp giải thể", "Dissolved enterprises", "enterprise"},
        {"Khu công nghiệp và cụm công nghiệp", "Industrial parks and clusters", "enterprise"},
        {"Giá đất", "Land prices", "land"},
        {"Quy hoạch sử dụng đất", "Land use planning", "land"},
        {"Giấy chứng nhận quyền sử dụng đất", "Land use right certificates", "land"},
        {"Bản đồ địa chính", "Cadastral maps", "land"},
        {"Danh sách trường học", "List of schools", "education"},
        {"Kết quả thi tốt nghiệp trung học phổ thông", "High school graduation exam results", "education"},
        {"Giáo viên theo cấp học", "Teachers by education level", "education"},
        {"Tai nạn giao thông", "Traffic accidents", "transport"},
        {"Tuyến xe buýt", "Bus routes", "transport"},
        {"Đăng kiểm phương tiện", "Vehicle inspections", "transport"},
        {"Lưu lượng giao thông trên quốc lộ", "Traffic volume on national highways", "transport"},
        {"Thu ngân sách nhà nước", "State budget revenue", "finance"},
        {"Chi đầu tư công", "Public investment spending", "finance"},
        {"Giá cả thị trường", "Market prices", "finance"},
        {"Diện tích gieo trồng lúa", "Rice planted area", "agriculture"},
        {"Chăn nuôi gia súc gia cầm", "Livestock and poultry", "agriculture"},
        {"Sản lượng thủy sản", "Fishery output", "agriculture"},
        {"Chất lượng không khí", "Air quality", "environment"},
        {"Chất lượng nước mặt", "Surface water quality", "environment"},
        {"Chất thải rắn sinh hoạt", "Municipal solid waste", "environment"},
        {"Lượng mưa và nhiệt độ", "Rainfall and temperature", "environment"},
        {"Lý lịch tư pháp", "Judicial records", "justice"},
        {"Bản án đã công bố", "Published court judgments", "justice"},
        {"Công chứng và chứng thực", "Notarization and certification", "justice"},
        {"Di tích lịch sử văn hóa", "Historical and cultural relics", "culture"},
        {"Lễ hội truyền thống", "Traditional festivals", "culture"},
        {"Thư viện công cộng", "Public libraries", "culture"},
        {"Đề tài nghiên cứu khoa học", "Scientific research projects", "science"},
        {"Văn bằng sở hữu trí tuệ", "Intellectual property titles", "science"},
        {"Tiêu thụ điện năng", "Electricity consumption", "energy"},
        {"Nhà máy điện mặt trời", "Solar power plants", "energy"},
        {"Trạm sạc xe điện", "Electric vehicle charging stations", "energy"},
        {"Lao động có việc làm", "Employed workers", "labour"},
        {"Tham gia bảo hiểm xã hội", "Social insurance participation", "labour"},
        {"Tuyển dụng và việc làm", "Job vacancies", "labour"},
        {"Cơ sở lưu trú du lịch", "Tourist accommodation", "tourism"},
        {"Khách du lịch quốc tế", "International visitors", "tourism"},
        {"Điểm du lịch", "Tourist attractions", "tourism"},
    };

    private static final String[] MINISTRIES = {
        "Bộ Y tế",
        "Bộ Công an",
        "Bộ Tài chính",
        "Bộ Xây dựng",
        "Bộ Nông nghiệp và Môi trường",
        "Bộ Giáo dục và Đào tạo",
        "Bộ Tư pháp",
        "Bộ Văn hóa, Thể thao và Du lịch",
        "Bộ Khoa học và Công nghệ",
        "Bộ Công Thương",
        "Bộ Nội vụ",
        "Bộ Ngoại giao",
        "Bộ Quốc phòng",
        "Bộ Dân tộc và Tôn giáo",
        "Ngân hàng Nhà nước Việt Nam",
        "Thanh tra Chính phủ",
        "Cục Thống kê",
        "Bảo hiểm xã hội Việt Nam",
        "Cục Thuế",
        "Cục Hải quan"
    };
    private static final String[] DEPARTMENTS = {
        "Sở Y tế", "Sở Tài chính", "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo", "Sở Xây dựng"
    };

    private static final String[] SENTENCES = {
        "Số liệu được tổng hợp theo đơn vị hành chính cấp xã sau sắp xếp.",
        "Dữ liệu đã được chuẩn hóa theo danh mục dùng chung của quốc gia.",
        "Một số trường thông tin cá nhân đã được che giấu trước khi chia sẻ.",
        "Phục vụ công tác quản lý nhà nước, hoạch định chính sách và nghiên cứu.",
        "Tệp dữ liệu gồm nhiều bảng liên kết với nhau theo mã định danh.",
        "Chất lượng dữ liệu được kiểm tra tự động sau mỗi lần cập nhật.",
        "Người dùng cần ghi rõ nguồn khi sử dụng lại dữ liệu.",
        "Dữ liệu lịch sử được lưu trữ đầy đủ từ năm bắt đầu thu thập.",
        "Các giá trị thiếu được đánh dấu rõ ràng, không tự suy diễn.",
        "Đơn vị tính và định nghĩa chỉ tiêu được mô tả trong tài liệu kèm theo.",
        "Bộ dữ liệu được đồng bộ với cơ sở dữ liệu quốc gia về dân cư.",
        "Tọa độ địa lý theo hệ quy chiếu VN-2000.",
        "Thông tin được cung cấp miễn phí cho cơ quan nhà nước.",
        "Dữ liệu tham chiếu đến danh mục đơn vị hành chính mới nhất.",
    };
    private static final String[][] FREQUENCIES = {
        {"hàng ngày", "daily"},
        {"hàng tuần", "weekly"},
        {"hàng tháng", "monthly"},
        {"hàng quý", "quarterly"},
        {"hàng năm", "yearly"},
        {"theo thời gian thực", "in real time"}
    };
    private static final String[][] SOURCES = {
        {"hệ thống thông tin chuyên ngành", "the sector information system"},
        {"báo cáo thống kê định kỳ", "periodic statistical reports"},
        {"cơ sở dữ liệu quốc gia", "the national database"},
        {"điều tra chọn mẫu", "sample surveys"},
        {"thiết bị quan trắc tự động", "automatic monitoring stations"},
        {"hồ sơ thủ tục hành chính", "administrative procedure records"}
    };

    private static final String[][] COLUMNS = {
        {"ma_tinh", "Mã tỉnh"},
        {"ten_tinh", "Tên tỉnh"},
        {"ma_xa", "Mã xã"},
        {"ten_xa", "Tên xã, phường"},
        {"nam", "Năm"},
        {"thang", "Tháng"},
        {"quy", "Quý"},
        {"ngay_cap_nhat", "Ngày cập nhật"},
        {"so_luong", "Số lượng"},
        {"gia_tri", "Giá trị"},
        {"don_vi_tinh", "Đơn vị tính"},
        {"dia_chi", "Địa chỉ"},
        {"kinh_do", "Kinh độ"},
        {"vi_do", "Vĩ độ"},
        {"ten_co_so", "Tên cơ sở"},
        {"ma_so_thue", "Mã số thuế"},
        {"loai_hinh", "Loại hình"},
        {"so_giuong_benh", "Số giường bệnh"},
        {"so_bac_si", "Số bác sĩ"},
        {"ho_ten", "Họ và tên"},
        {"ngay_sinh", "Ngày sinh"},
        {"gioi_tinh", "Giới tính"},
        {"so_dinh_danh", "Số định danh cá nhân"},
        {"dien_tich", "Diện tích (ha)"},
        {"gia_dat", "Giá đất (đồng/m2)"},
        {"vi_tri", "Vị trí thửa đất"},
        {"muc_dich_su_dung", "Mục đích sử dụng"},
        {"so_to", "Số tờ bản đồ"},
        {"so_thua", "Số thửa"},
        {"ten_truong", "Tên trường"},
        {"cap_hoc", "Cấp học"},
        {"so_hoc_sinh", "Số học sinh"},
        {"so_giao_vien", "Số giáo viên"},
        {"diem_trung_binh", "Điểm trung bình"},
        {"bien_so", "Biển số xe"},
        {"loai_xe", "Loại phương tiện"},
        {"so_vu", "Số vụ"},
        {"so_nguoi_chet", "Số người chết"},
        {"so_nguoi_bi_thuong", "Số người bị thương"},
        {"tuyen_duong", "Tuyến đường"},
        {"pm25", "Nồng độ bụi PM2.5"},
        {"aqi", "Chỉ số chất lượng không khí"},
        {"nhiet_do", "Nhiệt độ"},
        {"luong_mua", "Lượng mưa"},
        {"san_luong", "Sản lượng (tấn)"},
        {"dien_tich_gieo_trong", "Diện tích gieo trồng"},
        {"so_dau_con", "Số đầu con"},
        {"doanh_thu", "Doanh thu"},
        {"von_dieu_le", "Vốn điều lệ"},
        {"nganh_nghe", "Ngành nghề kinh doanh"},
        {"ngay_thanh_lap", "Ngày thành lập"},
        {"trang_thai", "Trạng thái"},
        {"so_lao_dong", "Số lao động"},
        {"muc_luong", "Mức lương"},
        {"so_khach", "Số lượt khách"},
        {"cong_suat", "Công suất (MW)"},
        {"dien_nang", "Điện năng tiêu thụ (kWh)"},
        {"so_ban_an", "Số bản án"},
        {"toa_an", "Tòa án"},
        {"ten_di_tich", "Tên di tích"},
        {"xep_hang", "Xếp hạng"},
        {"ma_de_tai", "Mã đề tài"},
        {"linh_vuc", "Lĩnh vực"},
        {"so_ho", "Số hộ"},
        {"so_nhan_khau", "Số nhân khẩu"},
        {"thu_ngan_sach", "Thu ngân sách"},
        {"chi_tieu", "Chi tiêu"}
    };

    private static final String[] KEYWORDS = {
        "dữ liệu mở",
        "thống kê",
        "y tế",
        "bệnh viện",
        "dân số",
        "hộ gia đình",
        "đất đai",
        "bất động sản",
        "doanh nghiệp",
        "kinh tế",
        "môi trường",
        "ô nhiễm",
        "giao thông",
        "an toàn giao thông",
        "giáo dục",
        "học sinh",
        "nông nghiệp",
        "thủy sản",
        "năng lượng",
        "điện",
        "lao động",
        "việc làm",
        "du lịch",
        "văn hóa",
        "tư pháp",
        "khoa học",
        "công nghệ",
        "ngân sách",
        "đầu tư",
        "giá cả",
        "bản đồ",
        "GIS",
        "quy hoạch",
        "an sinh xã hội",
        "bảo hiểm",
        "trẻ em",
        "người cao tuổi",
        "chuyển đổi số",
        "hành chính công",
        "cải cách",
        "biến đổi khí hậu",
        "thiên tai",
        "nước sạch",
        "đô thị",
        "nông thôn mới",
        "xuất khẩu",
        "nhập khẩu",
        "thuế",
        "hải quan",
        "tài nguyên"
    };

    private static final String[] THEMES = {
        "population",
        "land",
        "enterprise",
        "health",
        "education",
        "transport",
        "finance",
        "agriculture",
        "environment",
        "justice",
        "culture",
        "science",
        "energy",
        "labour",
        "tourism"
    };
    private static final String[] FORMATS = {"CSV", "XLSX", "JSON", "Parquet", "XML", "API", "PDF", "SHP", "GeoJSON"};
    private static final String[] LICENCES = {
        "CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "Giấy phép dữ liệu mở Việt Nam", "Điều khoản riêng"
    };
    private static final String[] PRICES = {"free", "paid", "subscription"};
    private static final int PUBLISHERS = MINISTRIES.length + PROVINCES.length * DEPARTMENTS.length + 10;

    private static String publisher(int index) {
        if (index < MINISTRIES.length) {
            return MINISTRIES[index];
        }
        int i = index - MINISTRIES.length;
        if (i < PROVINCES.length * DEPARTMENTS.length) {
            return DEPARTMENTS[i % DEPARTMENTS.length] + " " + PROVINCES[i / DEPARTMENTS.length];
        }
        return "UBND " + PROVINCES[i - PROVINCES.length * DEPARTMENTS.length];
    }

    /** Seeded generator of realistic dataset descriptions. */
    private static final class Generator {
        private final Random rnd;

        Generator(Random rnd) {
            this.rnd = rnd;
        }

        /** The next {@code n} descriptions, numbered from {@code first}: batches in order give the same catalog. */
        List<CatalogDocument> documents(int first, int n) {
            List<CatalogDocument> out = new ArrayList<>(n);
            for (int i = first; i < first + n; i++) {
                out.add(document(i));
            }
            return out;
        }

        private CatalogDocument document(int i) {
            String[] subject = pick(SUBJECTS);
            boolean national = rnd.nextInt(5) == 0;
            int province = rnd.nextInt(PROVINCES.length);
            String provinceName = PROVINCES[province];
            String place =
                    national ? "toàn quốc" : (CITIES.contains(provinceName) ? "thành phố " : "tỉnh ") + provinceName;
            String placeEn = national
                    ? "Viet Nam"
                    : provinceName.startsWith("TP ") ? "Ho Chi Minh City" : capitalizeWords(fold(provinceName));
            int year = 2015 + rnd.nextInt(11);

            String title = switch (rnd.nextInt(5)) {
                case 0 -> subject[0] + " " + place + " " + year;
                case 1 -> subject[0] + " " + place;
                case 2 -> subject[0] + " năm " + year;
                case 3 -> subject[0] + " " + place + " giai đoạn " + (year - 5) + "–" + year;
                default -> subject[0] + " " + place + " quý " + (1 + rnd.nextInt(4)) + "/" + year;
            };
            String titleEn = rnd.nextInt(4) == 0 ? null : subject[1] + ", " + placeEn + ", " + year;

            int publisherIndex;
            if (national || rnd.nextInt(10) < 3) {
                publisherIndex = rnd.nextInt(MINISTRIES.length);
            } else if (rnd.nextInt(10) == 0 && province < 10) {
                publisherIndex = MINISTRIES.length + PROVINCES.length * DEPARTMENTS.length + province;
            } else {
                publisherIndex = MINISTRIES.length + province * DEPARTMENTS.length + rnd.nextInt(DEPARTMENTS.length);
            }
            String publisher = publisher(publisherIndex);

            String[] freq = pick(FREQUENCIES);
            String[] source = pick(SOURCES);
            StringBuilder description = new StringBuilder()
                    .append("Bộ dữ liệu ")
                    .append(subject[0].toLowerCase(Locale.ROOT))
                    .append(" trên địa bàn ")
                    .append(place)
                    .append(", được cập nhật ")
                    .append(freq[0])
                    .append(". Dữ liệu do ")
                    .append(publisher)
                    .append(" thu thập từ ")
                    .append(source[0])
                    .append('.');
            for (int s = rnd.nextInt(4); s > 0; s--) {
                description.append(' ').append(pick(SENTENCES));
            }
            String descriptionEn = rnd.nextInt(3) == 0
                    ? null
                    : subject[1] + " in " + placeEn + ", updated " + freq[1] + ", collected from " + source[1] + ".";

            List<String> themes = new ArrayList<>(List.of(subject[2]));
            if (rnd.nextInt(4) == 0) {
                String other = pick(THEMES);
                if (!themes.contains(other)) {
                    themes.add(other);
                }
            }
            Set<String> keywords = new LinkedHashSet<>();
            keywords.add(national ? "toàn quốc" : provinceName);
            for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                keywords.add(pick(KEYWORDS));
            }
            Set<String> columns = new LinkedHashSet<>();
            for (int c = 5 + rnd.nextInt(26); c > 0; c--) {
                String[] col = pick(COLUMNS);
                columns.add(rnd.nextBoolean() ? col[0] + " (" + col[1] + ")" : col[0]);
            }

            int roll = rnd.nextInt(100);
            String importance = roll < 10 ? "core" : roll < 40 ? "important" : "other";
            roll = rnd.nextInt(100);
            String sharing = roll < 60 ? "open" : roll < 90 ? "shared" : "private";
            boolean personal = rnd.nextInt(4) == 0;
            Set<String> formats = new LinkedHashSet<>();
            for (int f = 1 + rnd.nextInt(3); f > 0; f--) {
                formats.add(pick(FORMATS));
            }
            String licence = pick(LICENCES);
            String price = rnd.nextInt(10) < 6 ? null : pick(PRICES);
            Set<String> audiences = new HashSet<>();
            String owner = "org:" + publisherIndex;
            switch (sharing) {
                case "open" -> audiences.add(CatalogQuery.PUBLIC);
                case "shared" -> {
                    audiences.add(owner);
                    for (int a = 1 + rnd.nextInt(3); a > 0; a--) {
                        audiences.add("org:" + rnd.nextInt(PUBLISHERS));
                    }
                }
                default -> audiences.add(owner);
            }
            Instant modified =
                    Instant.parse("2015-01-01T00:00:00Z").plusSeconds((long) (rnd.nextDouble() * 11 * 365 * 86_400));
            double quality = rnd.nextInt(10) == 0 ? Double.NaN : Math.round(rnd.nextDouble() * 1000) / 10.0;

            return new CatalogDocument(
                    "ds-" + i,
                    title,
                    titleEn,
                    description.toString(),
                    descriptionEn,
                    publisher,
                    themes,
                    List.copyOf(keywords),
                    List.copyOf(columns),
                    importance,
                    sharing,
                    personal,
                    List.copyOf(formats),
                    licence,
                    price,
                    modified,
                    quality,
                    audiences);
        }

        private <T> T pick(T[] values) {
            return values[rnd.nextInt(values.length)];
        }
    }

    private static String capitalizeWords(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            b.append(start ? Character.toUpperCase(c) : c);
            start = c == ' ';
        }
        return b.toString();
    }

    // ---- the query mix ------------------------------------------------------------------------------

    enum Kind {
        PLAIN("no diacritics"),
        ACCENTED("diacritics"),
        ENGLISH("english"),
        TEXT_FILTER("text+filters"),
        FILTER_ONLY("filters only"),
        MATCH_ALL("match-all");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private static final String[] TYPED = {
        "dân cư",
        "bệnh viện hà nội",
        "doanh nghiệp",
        "giá đất",
        "chất lượng không khí",
        "trường học",
        "tai nạn giao thông",
        "đăng ký doanh nghiệp bắc ninh",
        "hộ nghèo",
        "thủy sản cà mau",
        "điện mặt trời",
        "du lịch đà nẵng",
        "bảo hiểm xã hội",
        "quy hoạch sử dụng đất",
        "xe buýt",
        "khám chữa bệnh",
        "lúa đồng tháp",
        "nước mặt",
        "di tích",
        "ngân sách",
        "giá đất huế",
        "dân số",
        "việc làm",
        "lý lịch tư pháp",
        "sở y tế",
        "khu công nghiệp",
        "chất thải",
        "giáo viên",
        "tiêm chủng",
        "lễ hội"
    };
    private static final String[] ENGLISH = {
        "population",
        "air quality",
        "business registrations",
        "hospital beds",
        "land prices",
        "traffic accidents",
        "solar power",
        "tourist accommodation",
        "population register",
        "schools",
        "rice planted area",
        "judicial records"
    };

    /** A seeded stream of searches; each knows its kind for the per-kind report. */
    private static final class QueryMix {
        private final Random rnd;

        QueryMix(Random rnd) {
            this.rnd = rnd;
        }

        List<CatalogQuery> queries(int n, List<Kind> kinds) {
            List<CatalogQuery> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int roll = rnd.nextInt(100);
                Kind kind = roll < 25
                        ? Kind.PLAIN
                        : roll < 45
                                ? Kind.ACCENTED
                                : roll < 50
                                        ? Kind.ENGLISH
                                        : roll < 70 ? Kind.TEXT_FILTER : roll < 90 ? Kind.FILTER_ONLY : Kind.MATCH_ALL;
                kinds.add(kind);
                out.add(query(kind));
            }
            return out;
        }

        private CatalogQuery query(Kind kind) {
            String text = switch (kind) {
                case PLAIN -> fold(words());
                case ACCENTED, TEXT_FILTER -> rnd.nextBoolean() ? words() : fold(words());
                case ENGLISH -> ENGLISH[rnd.nextInt(ENGLISH.length)];
                case FILTER_ONLY, MATCH_ALL -> rnd.nextBoolean() ? null : "";
            };
            Map<String, List<String>> filters = new LinkedHashMap<>();
            if (kind == Kind.TEXT_FILTER || kind == Kind.FILTER_ONLY) {
                for (int f = 1 + rnd.nextInt(2); f > 0; f--) {
                    addFilter(filters);
                }
            }
            int roll = rnd.nextInt(100);
            CatalogQuery.Sort sort = roll < 55
                    ? CatalogQuery.Sort.RELEVANCE
                    : roll < 75
                            ? CatalogQuery.Sort.RECENT
                            : roll < 87 ? CatalogQuery.Sort.QUALITY : CatalogQuery.Sort.TITLE;
            int offset = rnd.nextInt(10) == 0 ? LIMIT * (1 + rnd.nextInt(5)) : 0;
            Set<String> audiences =
                    rnd.nextBoolean() ? null : Set.of(CatalogQuery.PUBLIC, "org:" + rnd.nextInt(PUBLISHERS));
            return new CatalogQuery(text, filters, sort, offset, LIMIT, audiences);
        }

        /** 1–3 words as a user types them: a typical query, a piece of a title, or a subject and a place. */
        private String words() {
            int roll = rnd.nextInt(3);
            if (roll == 0) {
                return TYPED[rnd.nextInt(TYPED.length)];
            }
            String[] subject = SUBJECTS[rnd.nextInt(SUBJECTS.length)][0]
                    .toLowerCase(Locale.ROOT)
                    .split(" ");
            if (roll == 2) {
                // One subject word and a place: "bệnh" alone is common, "bệnh bắc ninh" narrows it.
                String province = PROVINCES[rnd.nextInt(PROVINCES.length)].toLowerCase(Locale.ROOT);
                return subject[rnd.nextInt(subject.length)] + " " + province.replace("tp ", "");
            }
            int count = 1 + rnd.nextInt(Math.min(3, subject.length));
            int start = rnd.nextInt(subject.length - count + 1);
            return String.join(" ", Arrays.copyOfRange(subject, start, start + count));
        }

        private void addFilter(Map<String, List<String>> filters) {
            switch (rnd.nextInt(8)) {
                case 0 ->
                    filters.put(
                            "theme",
                            rnd.nextInt(3) == 0
                                    ? List.of(THEMES[rnd.nextInt(THEMES.length)], THEMES[rnd.nextInt(THEMES.length)])
                                    : List.of(THEMES[rnd.nextInt(THEMES.length)]));
                case 1 ->
                    filters.put("importance", List.of(new String[] {"core", "important", "other"}[rnd.nextInt(3)]));
                case 2 -> filters.put("sharing", List.of(new String[] {"open", "shared"}[rnd.nextInt(2)]));
                case 3 -> filters.put("format", List.of(FORMATS[rnd.nextInt(FORMATS.length)]));
                case 4 -> filters.put("personal", List.of(rnd.nextBoolean() ? "yes" : "no"));
                case 5 -> filters.put("publisher", List.of(publisher(rnd.nextInt(PUBLISHERS))));
                case 6 -> filters.put("price", List.of(PRICES[rnd.nextInt(PRICES.length)]));
                default -> filters.put("keyword", List.of(KEYWORDS[rnd.nextInt(KEYWORDS.length)]));
            }
        }
    }

    // ---- the naive baseline -------------------------------------------------------------------------

    /**
     * What a catalog without a search engine does: scan every description, folded once up front, with
     * {@code contains} per query word; filter, count facets and sort in plain Java.
     */
    private static final class NaiveScan {
        private final List<CatalogDocument> docs;
        private final String[] folded;
        private final String[] titleKeys;

        NaiveScan(List<CatalogDocument> docs) {
            this.docs = docs;
            this.folded = new String[docs.size()];
            this.titleKeys = new String[docs.size()];
            for (int i = 0; i < docs.size(); i++) {
                CatalogDocument d = docs.get(i);
                folded[i] = fold(String.join(
                        " ",
                        nonNull(d.title()),
                        nonNull(d.titleEn()),
                        nonNull(d.description()),
                        nonNull(d.descriptionEn()),
                        nonNull(d.publisher()),
                        String.join(" ", d.keywords()),
                        String.join(" ", d.columns())));
                titleKeys[i] = fold(nonNull(d.title()));
            }
        }

        int search(CatalogQuery q) {
            String[] words = q.text() == null || q.text().isBlank()
                    ? new String[0]
                    : fold(q.text()).trim().split("\\s+");
            List<Integer> matches = new ArrayList<>();
            Map<String, Map<String, Integer>> counts = new TreeMap<>();
            for (int i = 0; i < docs.size(); i++) {
                CatalogDocument d = docs.get(i);
                if (q.audiences() != null && d.audiences().stream().noneMatch(q.audiences()::contains)) {
                    continue;
                }
                boolean ok = true;
                for (var f : q.filters().entrySet()) {
                    if (facetValues(d, f.getKey()).stream().noneMatch(f.getValue()::contains)) {
                        ok = false;
                        break;
                    }
                }
                for (int w = 0; ok && w < words.length; w++) {
                    ok = folded[i].contains(words[w]);
                }
                if (!ok) {
                    continue;
                }
                matches.add(i);
                for (String facet : CatalogQuery.FACETS) {
                    for (String v : facetValues(d, facet)) {
                        counts.computeIfAbsent(facet, k -> new HashMap<>()).merge(v, 1, Integer::sum);
                    }
                }
            }
            Comparator<Integer> order = switch (q.sort()) {
                case RELEVANCE, RECENT ->
                    Comparator.comparing((Integer i) -> docs.get(i).modified()).reversed();
                case QUALITY ->
                    Comparator.comparingDouble(
                                    (Integer i) -> Double.isNaN(docs.get(i).quality())
                                            ? Double.NEGATIVE_INFINITY
                                            : docs.get(i).quality())
                            .reversed();
                case TITLE -> Comparator.comparing((Integer i) -> titleKeys[i]);
            };
            matches.sort(order);
            int facetValues = 0;
            for (Map<String, Integer> c : counts.values()) {
                facetValues += c.entrySet().stream()
                        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                        .limit(50)
                        .toList()
                        .size();
            }
            return matches.subList(
                                    Math.min(q.offset(), matches.size()),
                                    Math.min(q.offset() + q.limit(), matches.size()))
                            .size()
                    + facetValues;
        }

        private static List<String> facetValues(CatalogDocument d, String facet) {
            return switch (facet) {
                case "publisher" -> List.of(d.publisher());
                case "theme" -> d.themes();
                case "importance" -> List.of(d.importance());
                case "sharing" -> List.of(d.sharing());
                case "personal" -> List.of(d.personalData() ? "yes" : "no");
                case "format" -> d.formats();
                case "licence" -> List.of(d.licence());
                case "price" -> d.priceType() == null ? List.of() : List.of(d.priceType());
                case "keyword" -> d.keywords();
                default -> List.of();
            };
        }

        private static String nonNull(String s) {
            return s == null ? "" : s;
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** Lower case, no diacritics, đ → d: how people type Vietnamese into a search box. */
    static String fold(String s) {
        String decomposed = Normalizer.normalize(s.toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue;
            }
            b.append(c == 'đ' || c == 'ð' ? 'd' : c);
        }
        return b.toString();
    }

    private static long[] select(long[] values, List<Kind> kinds, Kind kind) {
        return java.util.stream.IntStream.range(0, values.length)
                .filter(i -> kinds.get(i) == kind)
                .mapToLong(i -> values[i])
                .toArray();
    }

    /** Nearest-rank percentile. */
    static long percentile(long[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static int intOpt(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                return Integer.parseInt(args[i + 1].replace("_", "").replace(",", ""));
            }
            if (args[i].startsWith(name + "=")) {
                return Integer.parseInt(
                        args[i].substring(name.length() + 1).replace("_", "").replace(",", ""));
            }
        }
        return dflt;
    }
}
