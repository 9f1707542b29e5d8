package vn.datafloor.integration.pipeline;

import java.util.List;
import java.util.Map;
import vn.datafloor.integration.pipeline.PipelineSpec.Dimension;
import vn.datafloor.integration.pipeline.PipelineSpec.Severity;

/**
 * How good a run's input was: a score per dimension (0-100, the share of checked rows that passed
 * every rule of the dimension), an overall score (the share of all records that are clean: readable,
 * passing every rule, warnings included, with no value the standardizers had to guess, such as a
 * birth date that reads both day/month and month/day), counts, and a few failing examples per rule
 * with personal values masked.
 *
 * @param malformed records the reader could not parse at all (quarantined with the reader's reason)
 * @param rowsClean records behind the overall score; null in reports written before it was counted
 */
public record QualityReport(
        long rowsIn,
        long rowsPublished,
        long rowsQuarantined,
        long malformed,
        Map<Dimension, Double> scores,
        double overallScore,
        List<RuleResult> rules,
        Long rowsClean) {

    /**
     * @param columns the columns the rule looks at (named, or referenced by its check)
     * @param check the rule's condition as written, when it has one
     * @param automatic added by the runner itself: values a standardizer could only guess
     */
    public record RuleResult(
            String name,
            Dimension dimension,
            Severity severity,
            long checked,
            long failed,
            List<Map<String, String>> examples,
            List<String> columns,
            String check,
            boolean automatic) {}
}
