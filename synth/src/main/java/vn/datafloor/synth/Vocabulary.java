package vn.datafloor.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import vn.datafloor.integration.reference.GivenNames;

/**
 * The word lists the generator draws from, with their weights. Surname shares are the commonly cited
 * figures in refdata/SOURCE.md; combined entries there (Hoàng/Huỳnh, Vũ/Võ) are split roughly as in the
 * north/south usage, and the remaining ~11.5% is spread over less common surnames.
 */
final class Vocabulary {

    static final WeightedChoice<String> SURNAMES = new WeightedChoice<>(
            List.of(
                    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
                    "Ngô", "Dương", "Lý", "Đào", "Đinh", "Trương", "Lâm", "Mai", "Trịnh", "Đoàn", "Cao", "Lưu", "Hà",
                    "Tô", "Tạ", "Lương", "Chu", "Thái", "Châu", "Kiều", "Quách", "Phùng", "Vương", "La", "Triệu",
                    "Tăng", "Lại", "Khúc", "Mạc"),
            new double[] {
                38, 11, 9.5, 7, 3, 2, 4.5, 2, 1.9, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.4,
                0.4, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1
            });

    static final WeightedChoice<String> MALE_MIDDLE = new WeightedChoice<>(
            List.of("Văn", "Minh", "Đức", "Hữu", "Quốc", "Thanh", "Xuân", "Công", "Đình", "Ngọc", "Văn Minh", "Quang"),
            new double[] {38, 12, 10, 8, 8, 7, 5, 4, 3, 2, 1, 2});

    static final WeightedChoice<String> FEMALE_MIDDLE = new WeightedChoice<>(
            List.of("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Xuân", "Kim", "Hồng", "Thị Minh", "Thị Thu", "Mai"),
            new double[] {50, 10, 8, 8, 5, 4, 4, 3, 3, 2, 3});

    /**
     * The given-name lists have no frequencies; a fixed shuffle (seed 2024, not the run's seed, so name
     * popularity is the same in every run) followed by Zipf weights gives a realistic long tail.
     */
    static final WeightedChoice<String> MALE_GIVEN = popular(GivenNames.male());

    static final WeightedChoice<String> FEMALE_GIVEN = popular(GivenNames.female());

    /** Viettel 032–039, 086, 096–098; Mobifone 070, 076–079, 089, 090, 093; Vinaphone 081–085, 088, 091, 094; Vietnamobile 052, 056, 058, 092; Gmobile 059, 099. */
    static final List<String> PHONE_PREFIXES = List.of(
            "032", "033", "034", "035", "036", "037", "038", "039", "052", "056", "058", "059", "070", "076", "077",
            "078", "079", "081", "082", "083", "084", "085", "086", "088", "089", "090", "091", "092", "093", "094",
            "096", "097", "098", "099");

    static final List<String> STREETS = List.of(
            "Lê Lợi",
            "Trần Hưng Đạo",
            "Nguyễn Huệ",
            "Hai Bà Trưng",
            "Lý Thường Kiệt",
            "Quang Trung",
            "Nguyễn Trãi",
            "Lê Duẩn",
            "Hùng Vương",
            "Điện Biên Phủ",
            "Phan Chu Trinh",
            "Võ Thị Sáu",
            "Nguyễn Văn Cừ",
            "Trần Phú",
            "Lê Thánh Tông",
            "Ngô Quyền",
            "Bà Triệu",
            "Hoàng Diệu",
            "Phạm Văn Đồng",
            "Nguyễn Thị Minh Khai",
            "Lạc Long Quân",
            "Âu Cơ",
            "Hoà Bình",
            "Thống Nhất",
            "Cách Mạng Tháng Tám",
            "Nguyễn Du",
            "Lê Hồng Phong",
            "Phan Đình Phùng",
            "Trường Chinh",
            "Tô Hiến Thành",
            "Bạch Đằng",
            "Chu Văn An",
            "Yết Kiêu",
            "Lý Tự Trọng",
            "Nguyễn Tất Thành");

    static final List<String> HAMLET_WORDS = List.of("Thôn", "Ấp", "Xóm", "Tổ dân phố", "Bản");

    /** A VSIC 2018 sector, the word it puts in company names, and whether it makes goods with barcodes. */
    record Sector(String vsic, String title, String nameWord, String productCategory) {}

    static final List<Sector> SECTORS = List.of(
            new Sector("4690", "Bán buôn tổng hợp", "Thương mại", "Hàng tiêu dùng"),
            new Sector("4100", "Xây dựng nhà các loại", "Xây dựng", null),
            new Sector("1079", "Sản xuất thực phẩm khác chưa được phân vào đâu", "Thực phẩm", "Thực phẩm"),
            new Sector("4933", "Vận tải hàng hóa bằng đường bộ", "Vận tải", null),
            new Sector("6201", "Lập trình máy vi tính", "Công nghệ", null),
            new Sector("5510", "Dịch vụ lưu trú ngắn ngày", "Du lịch", null),
            new Sector("0150", "Trồng trọt, chăn nuôi hỗn hợp", "Nông nghiệp", "Nông sản"),
            new Sector("2100", "Sản xuất thuốc, hóa dược và dược liệu", "Dược phẩm", "Dược phẩm"),
            new Sector("5610", "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động", "Dịch vụ Ăn uống", null),
            new Sector("1410", "May trang phục (trừ trang phục từ da lông thú)", "May mặc", "Thời trang"),
            new Sector("1104", "Sản xuất đồ uống không cồn, nước khoáng", "Đồ uống", "Đồ uống"),
            new Sector("6810", "Kinh doanh bất động sản", "Bất động sản", null));

    static final WeightedChoice<Sector> SECTOR =
            new WeightedChoice<>(SECTORS, new double[] {22, 14, 8, 8, 6, 5, 6, 2, 9, 6, 4, 10});

    static final WeightedChoice<String> COMPANY_FORM = new WeightedChoice<>(
            List.of("Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Doanh nghiệp tư nhân"),
            new double[] {50, 20, 22, 8});

    static final List<String> BRAND_FIRST = List.of(
            "Minh", "Hoàng", "An", "Phú", "Thành", "Việt", "Đại", "Tân", "Hưng", "Phúc", "Kim", "Bảo", "Nam", "Hải",
            "Sao", "Trường", "Đông", "Hòa", "Quang", "Thiên");
    static final List<String> BRAND_SECOND = List.of(
            "Phát", "Long", "Khang", "Thịnh", "Đạt", "Tiến", "Hưng", "Lộc", "Anh", "Thành", "Việt", "Mai", "Á", "Vượng",
            "Phong", "Thủy", "Bình", "Nguyên", "Tín", "Gia");

    /** Product names per category; a brand and a pack size are appended. */
    static List<String> productNames(String category) {
        return switch (category) {
            case "Thực phẩm" ->
                List.of(
                        "Nước mắm",
                        "Bánh tráng",
                        "Mì ăn liền",
                        "Nước tương",
                        "Bánh quy bơ",
                        "Chả lụa",
                        "Hạt điều rang muối",
                        "Kẹo dừa");
            case "Nông sản" ->
                List.of("Gạo ST25", "Cà phê rang xay", "Trà xanh", "Hạt tiêu đen", "Mật ong", "Xoài sấy dẻo");
            case "Dược phẩm" ->
                List.of(
                        "Viên sủi vitamin C",
                        "Siro ho thảo dược",
                        "Cao ích mẫu",
                        "Dầu gió xanh",
                        "Viên nang hoạt huyết");
            case "Thời trang" -> List.of("Áo sơ mi nam", "Áo dài lụa", "Quần âu nữ", "Áo thun cotton", "Nón lá");
            case "Đồ uống" -> List.of("Nước khoáng", "Trà thảo mộc", "Nước cam ép", "Sữa đậu nành", "Nước yến");
            default -> List.of("Nước rửa chén", "Bột giặt", "Khăn giấy", "Dầu ăn", "Xà phòng thơm");
        };
    }

    static final List<String> PACK_SIZES =
            List.of("250ml", "500ml", "1L", "100g", "200g", "500g", "1kg", "5kg", "hộp 10 gói", "túi 20 cái");

    /** ICD-10 codes common in primary care, with the Vietnamese diagnosis wording (Bộ Y tế ICD-10 list). */
    record Diagnosis(String icd10, String name) {}

    static final WeightedChoice<Diagnosis> DIAGNOSES = new WeightedChoice<>(
            List.of(
                    new Diagnosis("J06.9", "Nhiễm trùng đường hô hấp trên cấp"),
                    new Diagnosis("I10", "Tăng huyết áp vô căn (nguyên phát)"),
                    new Diagnosis("E11.9", "Bệnh đái tháo đường típ 2 không có biến chứng"),
                    new Diagnosis("K29.7", "Viêm dạ dày, không đặc hiệu"),
                    new Diagnosis("J20.9", "Viêm phế quản cấp"),
                    new Diagnosis("A09", "Tiêu chảy và viêm dạ dày ruột do nhiễm trùng"),
                    new Diagnosis("M54.5", "Đau vùng thắt lưng"),
                    new Diagnosis("J18.9", "Viêm phổi, không đặc hiệu"),
                    new Diagnosis("K21.9", "Bệnh trào ngược dạ dày thực quản"),
                    new Diagnosis("N39.0", "Nhiễm khuẩn hệ tiết niệu"),
                    new Diagnosis("H10.9", "Viêm kết mạc"),
                    new Diagnosis("R50.9", "Sốt, không đặc hiệu"),
                    new Diagnosis("J45.9", "Hen phế quản"),
                    new Diagnosis("E78.5", "Tăng lipid máu"),
                    new Diagnosis("A90", "Sốt xuất huyết Dengue")),
            new double[] {22, 14, 7, 9, 8, 6, 6, 3, 4, 4, 3, 5, 2, 4, 3});

    private Vocabulary() {}

    private static WeightedChoice<String> popular(List<String> names) {
        List<String> shuffled = new ArrayList<>(names);
        Collections.sort(shuffled);
        SplittableRandom fixed = new SplittableRandom(2024);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            Collections.swap(shuffled, i, fixed.nextInt(i + 1));
        }
        return WeightedChoice.zipf(shuffled, 0.9);
    }
}
