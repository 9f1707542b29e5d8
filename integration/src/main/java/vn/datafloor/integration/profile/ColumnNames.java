package vn.datafloor.integration.profile;

import static vn.datafloor.integration.profile.PersonalCategory.*;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a column's name says: Vietnamese (with or without marks) or English, snake_case, camelCase or
 * run together ("ngaysinh"). Names are folded to lower-case words without marks, then the first
 * matching rule wins, so specific rules ("so_tai_khoan", "anh_cccd", "tien_su_benh") come before the
 * general ones they contain ("tai_khoan", "cccd", "tien_su").
 */
final class ColumnNames {

    enum Kind {
        /** The name suggests {@link Hint#category()}. */
        PERSONAL,
        /** A standardizer's status or match-quality output ({@code personal_id_status}): describes a value, is none. */
        STATUS,
        /** About a business, product or organisation ({@code ten_san_pham}, {@code email_doanh_nghiep}). */
        BUSINESS,
        /** A date of something other than birth ({@code ngay_dang_ky}, {@code created_at}). */
        OTHER_DATE,
        NONE
    }

    /**
     * @param phrase the words of the name that decided it, folded (from the column name, never from data)
     * @param roleQualified names a person by their role in a business (owner, representative): such a
     *     column does not make the dataset one about people
     * @param category what the name suggests; for STATUS and BUSINESS columns only a note, not a proposal
     * @param dateWord a word for a date or time in the name ("ngay", "date"), or null
     */
    record Hint(Kind kind, PersonalCategory category, String phrase, boolean roleQualified, String dateWord) {

        boolean personal() {
            return kind == Kind.PERSONAL;
        }
    }

    private record Rule(PersonalCategory category, List<String> phrases, List<String> ignored) {

        static Rule of(PersonalCategory category, String... phrases) {
            return new Rule(category, List.of(phrases), List.of());
        }

        Rule ignoring(String... phrases) {
            return new Rule(category, this.phrases, List.of(phrases));
        }
    }

    private static final List<String> STATUS_ENDINGS = List.of("status", "method", "confidence", "trang thai");

    private static final List<String> BUSINESS_WORDS = List.of(
            "doanh nghiep",
            "cong ty",
            "business",
            "company",
            "enterprise",
            "san pham",
            "product",
            "hang hoa",
            "goods",
            "nha san xuat",
            "producer",
            "manufacturer",
            "to chuc",
            "organization",
            "organisation",
            "co quan",
            "agency",
            "cua hang",
            "store",
            "shop",
            "merchant",
            "gtin",
            "barcode",
            "ma vach",
            "sku",
            "chi nhanh",
            "branch",
            "supplier",
            "nha cung cap",
            "hop tac xa");

    /** A person in a business role: personal data, but not a sign that the rows are people. */
    private static final List<String> ROLE_WORDS = List.of(
            "chu so huu",
            "owner",
            "dai dien",
            "representative",
            "giam doc",
            "director",
            "ke toan",
            "accountant",
            "founder",
            "sang lap");

    private static final List<String> DATE_WORDS = List.of(
            "ngay",
            "date",
            "thoi gian",
            "time",
            "timestamp",
            "thang",
            "created",
            "updated",
            "modified",
            "at",
            "on",
            "dt",
            "ts",
            "nam");

    private static final List<String> IMAGE_WORDS =
            List.of("anh", "image", "photo", "scan", "hinh", "img", "mat truoc", "mat sau", "front", "picture");
    private static final List<String> ID_DOCUMENT_WORDS = List.of(
            "cccd", "cmnd", "cmt", "can cuoc", "id card", "idcard", "giay to", "identity card", "passport", "ho chieu");

    /** A residence word with a unit word names a part of an address ("ten_xa_hien_tai"). */
    private static final List<String> RESIDENCE_WORDS = List.of(
            "thuong tru",
            "tam tru",
            "hien tai",
            "cu tru",
            "noi o",
            "cho o",
            "permanent",
            "current",
            "residence",
            "home");

    private static final List<String> UNIT_WORDS = List.of(
            "xa", "phuong", "tinh", "huyen", "quan", "thon", "commune", "ward", "province", "district", "street");

    /** Words that, with "ten" or "name", make it the name of a person. */
    private static final List<String> PERSON_WORDS = List.of(
            "khach hang",
            "benh nhan",
            "nguoi",
            "cong dan",
            "chu ho",
            "chu so huu",
            "customer",
            "patient",
            "person",
            "citizen",
            "owner",
            "employee",
            "nhan vien",
            "hoc sinh",
            "sinh vien",
            "student",
            "contact",
            "lien he",
            "cha",
            "me",
            "vo",
            "chong",
            "dai dien",
            "representative",
            "giam doc",
            "director",
            "member",
            "thanh vien",
            "taxpayer",
            "applicant",
            "nguoi nop thue",
            "bo",
            "con",
            "goi",
            "dem");

    private static final List<Rule> RULES = List.of(
            Rule.of(MARITAL_STATUS, "tinh trang hon nhan", "hon nhan", "marital", "married", "ket hon"),
            Rule.of(
                    EID_LOGIN,
                    "vneid",
                    "eid",
                    "e id",
                    "dinh danh dien tu",
                    "tai khoan dinh danh",
                    "electronic id",
                    "electronic identification"),
            Rule.of(
                    HEALTH_INSURANCE_NUMBER,
                    "bhyt",
                    "the bhyt",
                    "so the bhyt",
                    "ma the bhyt",
                    "bao hiem y te",
                    "health insurance"),
            Rule.of(
                    SOCIAL_INSURANCE_NUMBER,
                    "bhxh",
                    "so bhxh",
                    "ma so bhxh",
                    "bao hiem xa hoi",
                    "social insurance",
                    "social security",
                    "ssn"),
            Rule.of(
                    BANK_ACCOUNT,
                    "so tai khoan",
                    "stk",
                    "so tk",
                    "tai khoan ngan hang",
                    "ngan hang",
                    "bank account",
                    "bankaccount",
                    "bank acc",
                    "bank",
                    "iban",
                    "account number",
                    "account no",
                    "card number",
                    "so the ngan hang",
                    "so the tin dung",
                    "credit card",
                    "the atm",
                    "atm"),
            Rule.of(
                    PLACE_OF_BIRTH,
                    "noi sinh",
                    "noisinh",
                    "place of birth",
                    "birthplace",
                    "birth place",
                    "noi dang ky khai sinh",
                    "noi khai sinh",
                    "tinh khai sinh",
                    "xa khai sinh",
                    "que quan",
                    "quequan",
                    "nguyen quan",
                    "que",
                    "hometown",
                    "place of origin",
                    "birth province",
                    "province of birth",
                    "birth commune"),
            Rule.of(
                    DATE_OF_BIRTH,
                    "ngay sinh",
                    "ngaysinh",
                    "nam sinh",
                    "namsinh",
                    "ngay thang nam sinh",
                    "sinh ngay",
                    "sinh nhat",
                    "birth date",
                    "birthdate",
                    "date of birth",
                    "dob",
                    "birthday",
                    "birth year",
                    "year of birth",
                    "born"),
            Rule.of(
                            HEALTH,
                            "chan doan",
                            "chandoan",
                            "diagnosis",
                            "benh",
                            "benh ly",
                            "benh an",
                            "tien su benh",
                            "health",
                            "icd",
                            "icd10",
                            "icd 10",
                            "ma icd",
                            "medical",
                            "xet nghiem",
                            "trieu chung",
                            "symptom",
                            "suc khoe",
                            "khuyet tat",
                            "disability",
                            "di ung",
                            "allergy",
                            "tiem chung",
                            "vaccine",
                            "vaccination",
                            "don thuoc",
                            "prescription",
                            "dieu tri",
                            "treatment",
                            "nhom mau",
                            "blood type",
                            "tam than",
                            "mental",
                            "thai san",
                            "pregnancy")
                    .ignoring("benh vien", "benh nhan"),
            Rule.of(
                    BIOMETRIC,
                    "van tay",
                    "vantay",
                    "fingerprint",
                    "khuon mat",
                    "face",
                    "facial",
                    "face id",
                    "biometric",
                    "biometrics",
                    "sinh trac",
                    "sinh trac hoc",
                    "mong mat",
                    "iris",
                    "giong noi",
                    "voiceprint",
                    "voice print"),
            Rule.of(GENETIC, "gen", "dna", "adn", "genetic", "di truyen", "genome", "genotype", "kieu gen"),
            Rule.of(RELIGION, "ton giao", "tongiao", "religion", "religious", "tin nguong"),
            Rule.of(
                    POLITICAL_VIEW,
                    "dang phai",
                    "dang vien",
                    "ngay vao dang",
                    "chinh tri",
                    "political",
                    "politics",
                    "party member",
                    "party membership"),
            Rule.of(ETHNICITY, "dan toc", "dantoc", "ethnicity", "ethnic", "ethnic group", "race", "chung toc"),
            Rule.of(
                    SEX_LIFE,
                    "tinh duc",
                    "xu huong tinh duc",
                    "doi song tinh duc",
                    "sexual",
                    "sexual orientation",
                    "sex life",
                    "lgbt"),
            Rule.of(
                            CRIMINAL_RECORD,
                            "tien an",
                            "tien su",
                            "criminal",
                            "conviction",
                            "an tich",
                            "toi danh",
                            "pham toi",
                            "ly lich tu phap",
                            "crime",
                            "offence",
                            "offense")
                    .ignoring("tien an uong", "tien an trua", "tien an ca"),
            Rule.of(NATIONALITY, "quoc tich", "quoctich", "nationality", "citizenship"),
            Rule.of(SEX, "gioi tinh", "gioitinh", "sex", "gender"),
            Rule.of(
                    IDENTITY_NUMBER,
                    "cccd",
                    "so cccd",
                    "cmnd",
                    "so cmnd",
                    "cmt",
                    "can cuoc",
                    "so dinh danh",
                    "dinh danh",
                    "ma dinh danh",
                    "dinh danh ca nhan",
                    "personal id",
                    "personalid",
                    "national id",
                    "citizen id",
                    "id number",
                    "idnumber",
                    "id no",
                    "identity",
                    "identity number",
                    "identification number",
                    "passport",
                    "ho chieu",
                    "so ho chieu",
                    "giay to tuy than",
                    "so giay to"),
            Rule.of(
                    PERSONAL_TAX_CODE,
                    "mst",
                    "ma so thue",
                    "masothue",
                    "ma thue",
                    "tax code",
                    "taxcode",
                    "tax id",
                    "taxid",
                    "tax number"),
            Rule.of(
                    PHONE,
                    "so dien thoai",
                    "sodienthoai",
                    "dien thoai",
                    "dienthoai",
                    "sdt",
                    "so dt",
                    "di dong",
                    "phone",
                    "phone number",
                    "mobile",
                    "tel",
                    "telephone",
                    "cellphone",
                    "cell phone",
                    "zalo"),
            Rule.of(EMAIL, "email", "e mail", "mail", "thu dien tu", "hop thu"),
            Rule.of(
                    ONLINE_ACCOUNT,
                    "tai khoan",
                    "taikhoan",
                    "ten dang nhap",
                    "username",
                    "user name",
                    "user id",
                    "userid",
                    "login",
                    "account",
                    "nickname",
                    "nick",
                    "facebook",
                    "mat khau",
                    "password",
                    "ip",
                    "ip address",
                    "mac address",
                    "device id",
                    "cookie"),
            Rule.of(
                    ADDRESS,
                    "dia chi",
                    "diachi",
                    "address",
                    "addr",
                    "noi o",
                    "cho o",
                    "thuong tru",
                    "tam tru",
                    "ho khau",
                    "noi cu tru",
                    "cu tru",
                    "street",
                    "so nha",
                    "duong pho",
                    "residence"),
            Rule.of(
                    LOCATION,
                    "kinh do",
                    "kinhdo",
                    "vi do",
                    "vido",
                    "lat",
                    "lon",
                    "lng",
                    "latitude",
                    "longitude",
                    "gps",
                    "toa do",
                    "location",
                    "geo",
                    "geolocation",
                    "coordinates",
                    "coordinate",
                    "coord"),
            Rule.of(
                    FAMILY_RELATIONSHIP,
                    "quan he",
                    "quanhe",
                    "relationship",
                    "relation",
                    "quan he chu ho",
                    "moi quan he",
                    "gia dinh",
                    "family"),
            Rule.of(
                            PHOTO,
                            "anh",
                            "anh the",
                            "anh chan dung",
                            "hinh anh",
                            "chan dung",
                            "photo",
                            "avatar",
                            "portrait",
                            "picture",
                            "selfie")
                    .ignoring("tieng anh", "anh ngu"));

    private static final List<String> NAME_PHRASES = List.of(
            "ho ten",
            "hoten",
            "ho va ten",
            "hovaten",
            "full name",
            "fullname",
            "given name",
            "first name",
            "firstname",
            "last name",
            "lastname",
            "middle name",
            "surname",
            "family name",
            "ten dem",
            "ten goi",
            "ten khai sinh",
            "ten thuong goi",
            "name key",
            "nguoi dai dien",
            "legal representative");
    private static final List<String> WHOLE_NAMES = List.of("ten", "name", "ho", "tendem");

    private static final Pattern CAMEL =
            Pattern.compile("(?<=[\\p{Ll}\\p{M}\\p{N}])(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})");
    private static final Pattern NOT_WORD = Pattern.compile("[^a-z0-9]+");

    private ColumnNames() {}

    static Hint hint(String column) {
        String words = fold(column);
        String padded = " " + words + " ";
        String compact = words.replace(" ", "");
        boolean role = matchAny(padded, compact, ROLE_WORDS) != null;
        String date = matchAny(padded, compact, DATE_WORDS);
        String marital = matchAny(padded, compact, List.of("tinh trang hon nhan", "hon nhan", "marital"));
        if (marital != null) {
            return new Hint(Kind.PERSONAL, MARITAL_STATUS, marital, role, date);
        }
        boolean meal = column != null
                && Normalizer.normalize(column, Normalizer.Form.NFC)
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}]+", " ")
                        .contains("tiền ăn");
        Hint suggested = suggested(padded, compact, role, date, meal);
        String numbered = words.replaceAll("( [0-9]+)+$", ""); // "personal_id_status_2"
        for (String ending : STATUS_ENDINGS) {
            if (numbered.endsWith(" " + ending)) {
                return new Hint(Kind.STATUS, suggested.category(), ending, role, date);
            }
        }
        String business = matchAny(padded, compact, BUSINESS_WORDS);
        if (business != null && !role) {
            return new Hint(Kind.BUSINESS, suggested.category(), business, false, date);
        }
        return suggested;
    }

    private static Hint suggested(String padded, String compact, boolean role, String date, boolean meal) {
        String image = matchAny(padded, compact, IMAGE_WORDS);
        String document = matchAny(padded, compact, ID_DOCUMENT_WORDS);
        if (image != null && document != null) {
            return new Hint(Kind.PERSONAL, ID_CARD_IMAGE, image + " " + document, role, date);
        }
        String residence = matchAny(padded, compact, RESIDENCE_WORDS);
        String unit = matchAny(padded, compact, UNIT_WORDS);
        if (residence != null && unit != null) {
            // "ma_xa_thuong_tru", "current_province_code": a part of where someone lives
            return new Hint(Kind.PERSONAL, ADDRESS, unit + " " + residence, role, date);
        }
        String name = personName(padded.strip(), padded, compact);
        for (Rule rule : RULES) {
            if (rule.category() == CRIMINAL_RECORD && meal) {
                continue; // "tiền ăn" (meal money) folds to the same words as "tiền án" (a conviction)
            }
            if (rule.category() == FAMILY_RELATIONSHIP && name != null) {
                // "ho_ten_cha" (father's full name) is a name first; the relationship is implied
                break;
            }
            String text = padded;
            for (String ignored : rule.ignored()) {
                text = text.replace(" " + ignored + " ", "  ");
            }
            String phrase = matchAny(text, text.equals(padded) ? compact : text.replace(" ", ""), rule.phrases());
            if (phrase != null) {
                return new Hint(Kind.PERSONAL, rule.category(), phrase, role, date);
            }
        }
        if (name != null) {
            return new Hint(Kind.PERSONAL, NAME, name, role, date);
        }
        return new Hint(date != null ? Kind.OTHER_DATE : Kind.NONE, null, date, role, date);
    }

    /** "ho_ten", "full_name", a column called just "ten" or "name", or "ten"/"name" with a person word. */
    private static String personName(String words, String padded, String compact) {
        if (WHOLE_NAMES.contains(words)) {
            return words;
        }
        String phrase = matchAny(padded, compact, NAME_PHRASES);
        if (phrase != null) {
            return phrase;
        }
        if (padded.contains(" ten ") || padded.contains(" name ")) {
            String person = matchAny(padded, compact, PERSON_WORDS);
            if (person != null) {
                return (padded.contains(" ten ") ? "ten " : "name ") + person;
            }
        }
        return null;
    }

    /**
     * The first phrase found as whole words; or, run together, as the whole name, or inside it when it is
     * a phrase of several words at least 7 letters long (shorter ones hide in other words: "kinhdo" in
     * "kinhdoanh", "tienan" in "tienanuong").
     */
    private static String matchAny(String padded, String compact, List<String> phrases) {
        for (String phrase : phrases) {
            String joined = phrase.replace(" ", "");
            if (padded.contains(" " + phrase + " ")
                    || compact.equals(joined)
                    || (phrase.contains(" ") && joined.length() >= 7 && compact.contains(joined))) {
                return phrase;
            }
        }
        return null;
    }

    /** Lower-case words without marks, đ as d; camelCase and any punctuation split words. */
    static String fold(String column) {
        String split = CAMEL.matcher(column == null ? "" : column).replaceAll(" ");
        return NOT_WORD.matcher(vn.datafloor.integration.reference.VietnameseText.fold(split))
                .replaceAll(" ")
                .strip();
    }
}
