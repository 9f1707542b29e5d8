package vn.datafloor.integration.pipeline;

import java.util.List;
import java.util.Map;
import vn.datafloor.integration.connect.SourceConnector;
import vn.datafloor.integration.connect.SourceConnectors;
import vn.datafloor.integration.connect.SourceSettings;

/**
 * A pipeline, as written in YAML (see docs/pipelines.md): where the rows come from, how their
 * columns map to a canonical schema, which standardizers apply, which quality rules decide what is
 * published and what is quarantined, and the dataset that receives the result.
 *
 * @param mapping target column → SQL expression over source columns (often just a column name)
 * @param standardize target column → SQL expression over mapped columns, usually a standardizer call
 * @param key columns identifying a row, for uniqueness and the diff against the previous version
 * @param schedule optional cron expression (six fields, seconds first) for scheduled runs
 * @param addressColumn optional free-text address column to match to the 2025 administrative units; adds
 *     house_street, commune_code, province_code, address_confidence and address_method
 */
public record PipelineSpec(
        String name,
        String description,
        SourceSpec source,
        String dataset,
        String schema,
        Map<String, String> mapping,
        Map<String, String> standardize,
        List<QualityRule> quality,
        List<String> key,
        String schedule,
        String addressColumn) {

    /**
     * Where rows come from: a kind (csv, jsonl, … — see {@link SourceConnectors}) with its typed
     * settings; or {@code ref}, the name of a source registered on the platform, which supplies both.
     *
     * @param settings the kind's settings record; null only in a spec that was read with problems
     */
    public record SourceSpec(String ref, String kind, SourceSettings settings) {

        public SourceSpec {
            if (ref == null && kind == null) {
                throw new IllegalArgumentException("A source is a ref or a kind");
            }
            if (kind != null
                    && settings != null
                    && !SourceConnectors.get(kind).settingsType().isInstance(settings)) {
                throw new IllegalArgumentException("A " + kind + " source takes "
                        + SourceConnectors.get(kind).settingsType().getSimpleName() + ", not "
                        + settings.getClass().getSimpleName());
            }
        }

        /** A registered source, by name. */
        public static SourceSpec ref(String ref) {
            return new SourceSpec(ref, null, null);
        }

        /**
         * A source of a kind, its settings read by the kind's connector.
         *
         * @throws vn.datafloor.integration.connect.SettingsException naming what is missing or wrong
         */
        public static SourceSpec of(String kind, Map<String, String> settings) {
            SourceConnector<?> connector = SourceConnectors.get(kind);
            return new SourceSpec(null, connector.kind(), connector.parse(settings));
        }

        /** The stored credential's name the settings refer to, if any; never the secret. */
        public String credential() {
            return settings == null ? null : settings.credential();
        }

        /** Its registered name, or its kind and a non-secret label (a file, a table, a url without its query). */
        public String describe() {
            return ref != null ? ref : kind + ":" + (settings == null ? "?" : settings.describe());
        }
    }

    /** One quality rule; see {@link Dimension} for what each checks. */
    public record QualityRule(
            String name, Dimension dimension, Severity severity, List<String> columns, String check, String maxAge) {}

    public enum Dimension {
        COMPLETENESS,
        VALIDITY,
        UNIQUENESS,
        CONSISTENCY,
        TIMELINESS
    }

    /** REJECT sends a failing row to quarantine; WARN publishes it and counts it in the report. */
    public enum Severity {
        REJECT,
        WARN
    }
}
