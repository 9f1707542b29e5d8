package vn.datafloor.server.catalog;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The controlled vocabularies a dataset description draws from, each with its Vietnamese and English
 * label and the EU authority-table URI the DCAT-AP export uses.
 */
public final class CatalogVocabulary {

    private CatalogVocabulary() {}

    private static final String EU = "http://publications.europa.eu/resource/authority/";

    /** Subject themes; the EU data-theme each maps to lets European harvesters file them. */
    public enum Theme {
        POPULATION("Dân cư", "Population", "SOCI"),
        LAND("Đất đai", "Land", "REGI"),
        ENTERPRISE("Doanh nghiệp", "Enterprise", "ECON"),
        HEALTH("Y tế", "Health", "HEAL"),
        EDUCATION("Giáo dục", "Education", "EDUC"),
        TRANSPORT("Giao thông vận tải", "Transport", "TRAN"),
        FINANCE("Tài chính", "Finance", "ECON"),
        AGRICULTURE("Nông nghiệp", "Agriculture", "AGRI"),
        ENVIRONMENT("Môi trường", "Environment", "ENVI"),
        JUSTICE("Tư pháp", "Justice", "JUST"),
        LABOUR("Lao động, việc làm", "Labour", "SOCI"),
        SOCIAL_INSURANCE("Bảo hiểm xã hội", "Social insurance", "SOCI"),
        TRADE("Thương mại", "Trade", "ECON"),
        ENERGY("Năng lượng", "Energy", "ENER"),
        SCIENCE("Khoa học, công nghệ", "Science and technology", "TECH"),
        CULTURE("Văn hóa, thể thao, du lịch", "Culture, sport and tourism", "EDUC"),
        GOVERNMENT("Hành chính công", "Government", "GOVE");

        private final String vi;
        private final String en;
        private final String euTheme;

        Theme(String vi, String en, String euTheme) {
            this.vi = vi;
            this.en = en;
            this.euTheme = euTheme;
        }

        public String code() {
            return name().toLowerCase().replace('_', '-');
        }

        public String label(boolean english) {
            return english ? en : vi;
        }

        public String vi() {
            return vi;
        }

        public String en() {
            return en;
        }

        public String euThemeUri() {
            return EU + "data-theme/" + euTheme;
        }

        public static Optional<Theme> ofCode(String code) {
            return Arrays.stream(values()).filter(t -> t.code().equals(code)).findFirst();
        }
    }

    /** How often a dataset is declared to change; a dataset older than its period (with slack) is stale. */
    public enum Frequency {
        CONTINUOUS("Liên tục", "Continuous", "CONT", Duration.ofDays(1)),
        DAILY("Hằng ngày", "Daily", "DAILY", Duration.ofDays(1)),
        WEEKLY("Hằng tuần", "Weekly", "WEEKLY", Duration.ofDays(7)),
        MONTHLY("Hằng tháng", "Monthly", "MONTHLY", Duration.ofDays(31)),
        QUARTERLY("Hằng quý", "Quarterly", "QUARTERLY", Duration.ofDays(92)),
        ANNUAL("Hằng năm", "Annual", "ANNUAL", Duration.ofDays(366)),
        IRREGULAR("Không định kỳ", "Irregular", "IRREG", null);

        private final String vi;
        private final String en;
        private final String eu;
        private final Duration period;

        Frequency(String vi, String en, String eu, Duration period) {
            this.vi = vi;
            this.en = en;
            this.eu = eu;
            this.period = period;
        }

        public String code() {
            return name().toLowerCase();
        }

        public String label(boolean english) {
            return english ? en : vi;
        }

        public String euFrequencyUri() {
            return EU + "frequency/" + eu;
        }

        /** Longest acceptable age of the latest version; null when no update is promised. */
        public Duration allowedAge() {
            return period == null ? null : period.plus(period.dividedBy(2));
        }

        public static Optional<Frequency> ofCode(String code) {
            return Arrays.stream(values()).filter(f -> f.code().equals(code)).findFirst();
        }
    }

    /** Licences a provider may choose. Open data needs an open licence; others use the exchange's contract terms. */
    public enum Licence {
        CC_BY_4_0(
                "cc-by-4.0",
                "Creative Commons Ghi công 4.0",
                "Creative Commons Attribution 4.0",
                "https://creativecommons.org/licenses/by/4.0/",
                true),
        CC_BY_SA_4_0(
                "cc-by-sa-4.0",
                "Creative Commons Ghi công – Chia sẻ tương tự 4.0",
                "Creative Commons Attribution-ShareAlike 4.0",
                "https://creativecommons.org/licenses/by-sa/4.0/",
                true),
        CC0_1_0(
                "cc0-1.0",
                "CC0 – Dành cho công chúng",
                "CC0 Public Domain Dedication",
                "https://creativecommons.org/publicdomain/zero/1.0/",
                true),
        ODBL_1_0(
                "odbl-1.0",
                "Giấy phép Cơ sở dữ liệu mở (ODbL) 1.0",
                "Open Database License 1.0",
                "https://opendatacommons.org/licenses/odbl/1-0/",
                true),
        RESTRICTED(
                "restricted",
                "Hạn chế – theo hợp đồng trên sàn dữ liệu",
                "Restricted – under an exchange contract",
                "https://datafloor.vn/licences/restricted",
                false);

        private final String code;
        private final String vi;
        private final String en;
        private final String url;
        private final boolean open;

        Licence(String code, String vi, String en, String url, boolean open) {
            this.code = code;
            this.vi = vi;
            this.en = en;
            this.url = url;
            this.open = open;
        }

        public String code() {
            return code;
        }

        public String label(boolean english) {
            return english ? en : vi;
        }

        public String url() {
            return url;
        }

        public boolean open() {
            return open;
        }

        public static Optional<Licence> ofCode(String code) {
            return Arrays.stream(values()).filter(l -> l.code.equals(code)).findFirst();
        }
    }

    /** Data Law 2024, importance: core data is never traded; important data needs the operator's approval. */
    public enum Importance {
        CORE,
        IMPORTANT,
        OTHER;

        public String code() {
            return name().toLowerCase();
        }

        public static Optional<Importance> ofCode(String code) {
            return Arrays.stream(values()).filter(i -> i.code().equals(code)).findFirst();
        }
    }

    /** Data Law 2024, sharing: open to anyone, shared on conditions, or private to the owner and contract parties. */
    public enum Sharing {
        OPEN,
        SHARED,
        PRIVATE;

        public String code() {
            return name().toLowerCase();
        }

        public static Optional<Sharing> ofCode(String code) {
            return Arrays.stream(values()).filter(s -> s.code().equals(code)).findFirst();
        }
    }

    /** Download formats of open data. */
    public static final List<String> FORMATS = List.of("csv", "parquet", "json");
}
