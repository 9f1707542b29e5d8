package vn.datafloor.integration.pipeline;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Quality reports as JSON, the form stored with each version and shown by the server. */
public final class QualityReports {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private QualityReports() {}

    public static String toJson(QualityReport report) {
        return JSON.writeValueAsString(report);
    }

    public static QualityReport fromJson(String json) {
        return JSON.readValue(json, QualityReport.class);
    }
}
