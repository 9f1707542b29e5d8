package vn.datafloor.server.demo;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.catalog.CatalogService.Classification;
import vn.datafloor.server.catalog.CatalogService.Description;
import vn.datafloor.server.catalog.CatalogService.Review;

/**
 * The demo's catalog: the agencies' datasets and the register described, classified and (mostly)
 * published the way their stewards would — some open, some shared, some private, the register as
 * core data, and the health records left waiting for the operator's review.
 */
@Component
@Order(30)
@ConditionalOnProperty(name = "datafloor.demo", havingValue = "true")
class DemoCatalog implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoCatalog.class);

    /** How one dataset is described; {@code personal}: the steward's decisions that differ from the proposals. */
    record Described(
            String dataset,
            Description description,
            Map<String, String> personal,
            Classification classification,
            boolean reviewed,
            boolean publish) {}

    static final LocalDate FROM = LocalDate.of(2020, 1, 1);

    static final List<Described> DATASETS = List.of(
            new Described(
                    "qltt.san-pham",
                    new Description(
                            "Danh mục sản phẩm đã công bố chất lượng",
                            "Products with published quality declarations",
                            "Danh sách sản phẩm hàng hóa đã được doanh nghiệp công bố tiêu chuẩn chất lượng: mã GTIN, tên sản phẩm, "
                                    + "nhóm hàng, mã số thuế nhà sản xuất và ngày công bố. Dữ liệu mở phục vụ người tiêu dùng và doanh nghiệp "
                                    + "tra cứu nguồn gốc hàng hóa.",
                            "Goods whose producers declared their quality standards: GTIN, product name, category, producer tax code "
                                    + "and declaration date. Open data for consumers and businesses tracing products.",
                            "Phòng Thông tin thị trường",
                            "dulieu@qltt.gov.vn",
                            List.of("trade", "enterprise"),
                            List.of("sản phẩm", "GTIN", "mã vạch", "công bố chất lượng", "hàng hóa"),
                            List.of(),
                            FROM,
                            null,
                            "monthly",
                            "cc-by-4.0",
                            null),
                    Map.of("name", "none", "producer_name", "none"),
                    new Classification(
                            "other",
                            "open",
                            "Thông tin công khai theo quy định về công bố chất lượng; không chứa dữ liệu cá nhân"),
                    false,
                    true),
            new Described(
                    "dkkd.doanh-nghiep",
                    new Description(
                            "Đăng ký doanh nghiệp tỉnh Bắc Ninh",
                            "Business registrations, Bắc Ninh",
                            "Doanh nghiệp đăng ký tại Sở Kế hoạch và Đầu tư Bắc Ninh: mã số doanh nghiệp, tên, ngành nghề, địa chỉ trụ sở, "
                                    + "ngày đăng ký và người đại diện theo pháp luật. Cập nhật liên tục từ hệ thống đăng ký.",
                            "Enterprises registered in Bắc Ninh: enterprise code, name, industry, head-office address, registration date "
                                    + "and legal representative. Updated continuously from the registration system.",
                            "Phòng Đăng ký kinh doanh",
                            "dkkd@bacninh.gov.vn",
                            List.of("enterprise"),
                            List.of("doanh nghiệp", "mã số thuế", "đăng ký kinh doanh", "ngành nghề"),
                            List.of("24"),
                            FROM,
                            null,
                            "daily",
                            "restricted",
                            null),
                    Map.of(),
                    new Classification(
                            "important",
                            "shared",
                            "Có họ tên người đại diện (dữ liệu cá nhân cơ bản); chia sẻ có điều kiện cho cơ quan và doanh nghiệp"),
                    true,
                    true),
            new Described(
                    "ho-tich.cong-dan",
                    new Description(
                            "Dữ liệu hộ tịch công dân Hà Nội",
                            "Civil registry records, Hà Nội",
                            "Trích xuất sổ hộ tịch: họ tên, ngày sinh, giới tính, số định danh cá nhân, nơi cư trú của công dân đăng ký "
                                    + "khai sinh tại Hà Nội. Nguồn tin cậy nhất cho sổ đăng ký dân cư.",
                            "Civil registry extract: name, date of birth, sex, personal identity number and residence of citizens whose "
                                    + "birth was registered in Hà Nội. The most trusted source of the register of people.",
                            "Phòng Hộ tịch",
                            "hotich@hanoi.gov.vn",
                            List.of("population", "justice"),
                            List.of("hộ tịch", "khai sinh", "dân cư", "công dân"),
                            List.of("01"),
                            FROM,
                            null,
                            "monthly",
                            "restricted",
                            null),
                    Map.of(),
                    new Classification(
                            "important",
                            "shared",
                            "Dữ liệu cá nhân cơ bản của công dân; chỉ chia sẻ cho cơ quan nhà nước có thẩm quyền"),
                    true,
                    true),
            new Described(
                    "thue.nguoi-nop-thue",
                    new Description(
                            "Người nộp thuế thu nhập cá nhân tỉnh Bắc Ninh",
                            "Personal income taxpayers, Bắc Ninh",
                            "Danh sách người nộp thuế thu nhập cá nhân do Cục Thuế quản lý: mã số thuế, họ tên, ngày sinh, số định danh, "
                                    + "điện thoại, địa chỉ.",
                            "Personal income taxpayers: tax code, name, date of birth, identity number, "
                                    + "phone, address.",
                            "Phòng Kê khai và Kế toán thuế",
                            "dulieu@bacninh.gdt.gov.vn",
                            List.of("finance", "population"),
                            List.of("thuế", "mã số thuế", "người nộp thuế"),
                            List.of("24"),
                            FROM,
                            null,
                            "monthly",
                            "restricted",
                            null),
                    Map.of(),
                    new Classification(
                            "important", "private", "Thông tin thuế của cá nhân được bảo mật theo Luật Quản lý thuế"),
                    true,
                    true),
            new Described(
                    "bhxh.nguoi-tham-gia",
                    new Description(
                            "Người tham gia bảo hiểm xã hội",
                            "Social insurance participants",
                            "Người lao động tham gia bảo hiểm xã hội bắt buộc và tự nguyện: mã số BHXH, họ tên, ngày sinh, giới tính, số "
                                    + "định danh, nơi cư trú.",
                            "Employees in compulsory and voluntary social insurance: insurance number, "
                                    + "name, date of birth, sex, identity number, residence.",
                            "Trung tâm Công nghệ thông tin",
                            "cntt@vss.gov.vn",
                            List.of("social-insurance", "labour"),
                            List.of("bảo hiểm xã hội", "BHXH", "người lao động"),
                            List.of(),
                            FROM,
                            null,
                            "monthly",
                            "restricted",
                            null),
                    Map.of(),
                    new Classification(
                            "important",
                            "shared",
                            "Dữ liệu cá nhân cơ bản; cung cấp cho cơ quan nhà nước và đơn vị có hợp đồng theo mục đích được phép"),
                    true,
                    true),
            new Described(
                    "y-te.benh-nhan",
                    new Description(
                            "Hồ sơ bệnh nhân các bệnh viện Hà Nội",
                            "Hospital patients, Hà Nội",
                            "Thông tin hành chính của bệnh nhân khám chữa bệnh tại các bệnh viện thuộc Sở Y tế Hà Nội: họ tên, ngày sinh, "
                                    + "số CCCD, số thẻ BHYT, địa chỉ, điện thoại.",
                            "Administrative records of patients of Hà Nội's "
                                    + "public hospitals: name, date of birth, ID number, health insurance card number, address, phone.",
                            "Phòng Công nghệ thông tin",
                            "cntt@soyte.hanoi.gov.vn",
                            List.of("health"),
                            List.of("y tế", "bệnh nhân", "bệnh viện", "BHYT"),
                            List.of("01"),
                            FROM,
                            null,
                            "weekly",
                            "restricted",
                            null),
                    Map.of(),
                    new Classification(
                            "important",
                            "private",
                            "Dữ liệu về sức khỏe là dữ liệu cá nhân nhạy cảm; chỉ dùng khi có căn cứ pháp lý"),
                    false,
                    false),
            new Described(
                    "register.nguoi",
                    new Description(
                            "Sổ đăng ký dân cư quốc gia (bản tổng hợp)",
                            "National register of people (master records)",
                            "Bản ghi gốc về mỗi người, liên kết từ hộ tịch, thuế, bảo hiểm xã hội và y tế: mã thực thể ổn định, họ tên, "
                                    + "ngày sinh, giới tính, số định danh, điện thoại, xã/phường và tỉnh hiện hành, nguồn gốc từng thuộc tính.",
                            "One master record per person, linked from civil registry, tax, social insurance and health records: stable "
                                    + "entity id, name, date of birth, sex, identity number, phone, current commune and province, and the "
                                    + "source of every attribute.",
                            "Trung tâm Dữ liệu quốc gia",
                            "sodangky@datafloor.vn",
                            List.of("population"),
                            List.of("dân cư", "sổ đăng ký", "định danh", "bản ghi gốc"),
                            List.of(),
                            FROM,
                            null,
                            "continuous",
                            "restricted",
                            null),
                    Map.of(),
                    new Classification(
                            "core",
                            "shared",
                            "Dữ liệu cốt lõi về dân cư: chỉ chia sẻ giữa cơ quan nhà nước, không giao dịch trên sàn"),
                    true,
                    true));

    private final CatalogService catalog;

    DemoCatalog(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (Described d : DATASETS) {
            CatalogEntry entry = catalog.forDataset(d.dataset()).orElse(null);
            if (entry == null) {
                log.warn("Demo catalog: no dataset {} in the lake", d.dataset());
                continue;
            }
            if (entry.importance() != null) {
                continue; // described before: a restart keeps what stewards changed
            }
            catalog.describeAtOnce(
                    vn.datafloor.server.authz.Actor.SYSTEM,
                    d.dataset(),
                    d.description(),
                    d.personal(),
                    d.classification(),
                    d.reviewed() ? new Review("APPROVE", null, null, "Đã xem xét (dữ liệu mẫu)") : null,
                    d.publish());
        }
        log.info("Demo catalog: {} datasets described", DATASETS.size());
    }
}
