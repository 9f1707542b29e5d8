package vn.datafloor.integration.pipeline;

import java.util.List;
import java.util.Map;

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
     * Where rows come from. {@code type}: csv, jsonl, parquet, xlsx, jdbc or http; or {@code ref}, the
     * name of a source registered on the platform, which supplies all the rest.
     *
     * @param path file (csv, jsonl, parquet, xlsx), relative to the run's input directory
     * @param encoding csv only: auto (detect), utf-8, windows-1258
     * @param credential name of a stored credential (jdbc password, http token); never the secret itself
     * @param watermark jdbc: column whose maximum is remembered, so the next run reads only newer rows
     * @param pageParameter http: query parameter carrying the page number
     * @param itemsField http: field of the JSON answer holding the array of rows
     */
    public record SourceSpec(String ref, String type, String path, String encoding, String delimiter, String sheet, String url,
            String user, String credential, String table, String query, String watermark, String pageParameter,
            String itemsField, Integer maxPages, Integer timeoutSeconds) {}

    /** One quality rule; see {@link Dimension} for what each checks. */
    public record QualityRule(String name, Dimension dimension, Severity severity, List<String> columns, String check,
            String maxAge) {}

    public enum Dimension { COMPLETENESS, VALIDITY, UNIQUENESS, CONSISTENCY, TIMELINESS }

    /** REJECT sends a failing row to quarantine; WARN publishes it and counts it in the report. */
    public enum Severity { REJECT, WARN }
}
