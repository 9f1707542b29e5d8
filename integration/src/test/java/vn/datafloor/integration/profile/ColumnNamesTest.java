package vn.datafloor.integration.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColumnNamesTest {

    /** {@code expected}: a category code, or the kind of a column that is not personal. */
    @ParameterizedTest
    @CsvSource({
        "ho_ten, name",
        "HoTen, name",
        "hoten, name",
        "Họ và tên, name",
        "full_name, name",
        "fullName, name",
        "ten, name",
        "ten_benh_nhan, name",
        "ho_ten_cha, name",
        "name_key, name",
        "surname, name",
        "ngay_sinh, date_of_birth",
        "NgàySinh, date_of_birth",
        "ngaysinh, date_of_birth",
        "dateOfBirth, date_of_birth",
        "dob, date_of_birth",
        "nam_sinh, date_of_birth",
        "gioi_tinh, sex",
        "gender, sex",
        "noi_sinh, place_of_birth",
        "que_quan, place_of_birth",
        "ten_tinh_khai_sinh, place_of_birth",
        "birth_province_code, place_of_birth",
        "ma_xa_thuong_tru, address",
        "ten_tinh_hien_tai, address",
        "current_commune_code, address",
        "ho, name",
        "ten_dem, name",
        "dia_chi, address",
        "diachithuongtru, address",
        "noi_o, address",
        "house_street, address",
        "quoc_tich, nationality",
        "so_cccd, identity_number",
        "CMND, identity_number",
        "so_dinh_danh, identity_number",
        "personal_id, identity_number",
        "passport, identity_number",
        "mst, personal_tax_code",
        "ma_so_thue, personal_tax_code",
        "so_bhxh, social_insurance_number",
        "so_the_bhyt, health_insurance_number",
        "health_insurance, health_insurance_number",
        "so_dien_thoai, phone",
        "sdt, phone",
        "mobile, phone",
        "email, email",
        "tinh_trang_hon_nhan, marital_status",
        "marital_status, marital_status",
        "quan_he_voi_chu_ho, family_relationship",
        "anh_the, photo",
        "anh_cccd, id_card_image",
        "cccd_mat_truoc, id_card_image",
        "username, online_account",
        "ten_dang_nhap, online_account",
        "vneid_password, eid_login",
        "chan_doan, health",
        "tien_su_benh, health",
        "icd10, health",
        "van_tay, biometric",
        "khuon_mat, biometric",
        "dna, genetic",
        "ton_giao, religion",
        "dang_phai, political_view",
        "dan_toc, ethnicity",
        "tien_an, criminal_record",
        "so_tai_khoan, bank_account",
        "stk, bank_account",
        "kinh_do, location",
        "vi_do, location",
        "lat, location",
        "toa_do, location",
        // not personal: standardizer outputs, businesses and products, other dates, look-alikes
        "personal_id_status, STATUS",
        "gtin_status, STATUS",
        "address_method, STATUS",
        "personal_id_status_2, STATUS",
        "gtin, BUSINESS",
        "ten_san_pham, BUSINESS",
        "ten_doanh_nghiep, BUSINESS",
        "business_tax_code, BUSINESS",
        "email_doanh_nghiep, BUSINESS",
        "ngay_dang_ky, OTHER_DATE",
        "created_at, OTHER_DATE",
        "kinh_doanh, NONE",
        "nganh_kinh_doanh, NONE",
        "tiền ăn, NONE",
        "tien_an_uong, NONE",
        "ma_benh_vien, NONE",
        "person_id, NONE",
        "so_luong, NONE",
        "province_code, NONE"
    })
    void columnNamesSuggestCategories(String column, String expected) {
        ColumnNames.Hint hint = ColumnNames.hint(column);
        if (expected.equals(expected.toUpperCase())) {
            assertThat(hint.kind()).as(column).isEqualTo(ColumnNames.Kind.valueOf(expected));
        } else {
            assertThat(hint.kind()).as(column).isEqualTo(ColumnNames.Kind.PERSONAL);
            assertThat(hint.category().code()).as(column).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @CsvSource({"ten_chu_so_huu, true", "owner_personal_id, true", "ho_ten, false"})
    void aPersonInABusinessRoleIsMarked(String column, boolean roleQualified) {
        assertThat(ColumnNames.hint(column).roleQualified()).isEqualTo(roleQualified);
    }

    @ParameterizedTest
    @CsvSource({"Ngày_Sinh, ngay sinh", "soĐiệnThoại, so dien thoai", "PersonalID, personal id", "ĐỊA CHỈ, dia chi"})
    void namesFoldToPlainWords(String column, String folded) {
        assertThat(ColumnNames.fold(column)).isEqualTo(folded);
    }
}
