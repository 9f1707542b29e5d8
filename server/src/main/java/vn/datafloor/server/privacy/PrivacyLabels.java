package vn.datafloor.server.privacy;

import java.util.Map;

/** Plain words for the exchange's ODRL purposes, in the notices citizens read and in exports. */
final class PrivacyLabels {

    private PrivacyLabels() {}

    private static final Map<String, String[]> PURPOSES = Map.of(
            "df:creditScoring", new String[] {"chấm điểm tín dụng", "credit scoring"},
            "df:research", new String[] {"nghiên cứu", "research"},
            "df:statistics", new String[] {"thống kê", "statistics"},
            "df:public-task", new String[] {"thực hiện nhiệm vụ của cơ quan nhà nước", "a public task"},
            "df:riskManagement", new String[] {"quản lý rủi ro", "risk management"},
            "df:productDevelopment", new String[] {"phát triển sản phẩm", "product development"},
            "df:marketing", new String[] {"tiếp thị", "marketing"});

    /** The purpose in plain words (the term itself when it has no label). */
    static String purpose(String term, boolean english) {
        String[] labels = PURPOSES.get(term);
        return labels == null ? String.valueOf(term) : labels[english ? 1 : 0];
    }
}
