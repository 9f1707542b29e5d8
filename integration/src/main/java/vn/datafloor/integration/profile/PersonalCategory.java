package vn.datafloor.integration.profile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Kinds of personal data in the sense of the Personal Data Protection Law (Law 91/2025/QH15) and
 * Decree 356/2025: <em>basic</em> personal data, and <em>sensitive</em> personal data, whose
 * processing carries stricter duties. A category is what a data steward confirms for a column; see
 * docs/personal-data.md.
 */
public enum PersonalCategory {

    // basic personal data
    NAME(false, "Họ, chữ đệm và tên khai sinh, tên gọi khác", "Name (surname, middle and given names, other names)"),
    DATE_OF_BIRTH(false, "Ngày, tháng, năm sinh", "Date of birth"),
    SEX(false, "Giới tính", "Sex"),
    PLACE_OF_BIRTH(
            false, "Nơi sinh, nơi đăng ký khai sinh, quê quán", "Place of birth, of birth registration, hometown"),
    ADDRESS(
            false,
            "Nơi thường trú, nơi tạm trú, nơi ở hiện tại, địa chỉ liên hệ",
            "Permanent, temporary or current residence, contact address"),
    NATIONALITY(false, "Quốc tịch", "Nationality"),
    IDENTITY_NUMBER(false, "Số định danh cá nhân (CCCD/CMND/hộ chiếu)", "Identity number (CCCD, CMND, passport)"),
    PERSONAL_TAX_CODE(false, "Mã số thuế cá nhân", "Personal tax code"),
    SOCIAL_INSURANCE_NUMBER(false, "Số sổ bảo hiểm xã hội", "Social insurance number"),
    HEALTH_INSURANCE_NUMBER(false, "Số thẻ bảo hiểm y tế", "Health insurance card number"),
    PHONE(false, "Số điện thoại", "Phone number"),
    EMAIL(false, "Địa chỉ thư điện tử", "E-mail address"),
    MARITAL_STATUS(false, "Tình trạng hôn nhân", "Marital status"),
    FAMILY_RELATIONSHIP(
            false, "Quan hệ gia đình (cha, mẹ, vợ, chồng, con)", "Family relationships (parents, spouse, children)"),
    PHOTO(false, "Ảnh chân dung", "Portrait photo"),
    ONLINE_ACCOUNT(
            false, "Tài khoản số, dữ liệu hoạt động trên không gian mạng", "Online accounts and online activity"),

    // sensitive personal data
    HEALTH(true, "Tình trạng sức khỏe, hồ sơ bệnh án", "Health condition and medical records"),
    BIOMETRIC(
            true,
            "Dữ liệu sinh trắc học (vân tay, khuôn mặt, mống mắt, giọng nói)",
            "Biometric data (fingerprints, face, iris, voice)"),
    GENETIC(true, "Dữ liệu di truyền", "Genetic data"),
    RELIGION(true, "Tôn giáo, tín ngưỡng", "Religion and beliefs"),
    POLITICAL_VIEW(true, "Quan điểm chính trị", "Political views"),
    ETHNICITY(true, "Dân tộc, nguồn gốc chủng tộc", "Ethnicity and racial origin"),
    SEX_LIFE(true, "Đời sống tình dục, xu hướng tính dục", "Sex life and sexual orientation"),
    CRIMINAL_RECORD(true, "Tiền án, tiền sự, dữ liệu về tội phạm", "Criminal records and offences"),
    BANK_ACCOUNT(
            true, "Tài khoản ngân hàng, thông tin giao dịch tài chính", "Bank accounts and financial transactions"),
    LOCATION(true, "Vị trí của cá nhân xác định qua dịch vụ định vị", "Location of a person from positioning services"),
    ID_CARD_IMAGE(true, "Ảnh thẻ căn cước, giấy tờ tùy thân", "Images of ID cards and identity documents"),
    EID_LOGIN(true, "Dữ liệu đăng nhập tài khoản định danh điện tử (VNeID)", "E-ID account login data (VNeID)");

    private static final Map<String, PersonalCategory> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(PersonalCategory::code, Function.identity()));

    private final boolean sensitive;
    private final String labelVi;
    private final String labelEn;

    PersonalCategory(boolean sensitive, String labelVi, String labelEn) {
        this.sensitive = sensitive;
        this.labelVi = labelVi;
        this.labelEn = labelEn;
    }

    /** Sensitive personal data (dữ liệu cá nhân nhạy cảm); otherwise basic (cơ bản). */
    public boolean sensitive() {
        return sensitive;
    }

    /** Lower-case stable code for storage and APIs, e.g. {@code identity_number}. Never renamed. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String labelVi() {
        return labelVi;
    }

    public String labelEn() {
        return labelEn;
    }

    /** The category with exactly this {@link #code()}; empty for anything else, null included. */
    public static Optional<PersonalCategory> ofCode(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(BY_CODE.get(code));
    }
}
