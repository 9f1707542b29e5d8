package vn.datafloor.integration.pipeline;

import java.util.List;
import java.util.Map;
import vn.datafloor.integration.pipeline.PipelineSpec.Dimension;
import vn.datafloor.integration.pipeline.PipelineSpec.Severity;

/**
 * How good a run's input was: a score per dimension (0-100, the share of checked rows that passed,
 * averaged over the dimension's rules), counts, and a few failing examples per rule with personal
 * values masked.
 *
 * @param malformed records the reader could not parse at all (quarantined with the reader's reason)
 */
public record QualityReport(
        long rowsIn,
        long rowsPublished,
        long rowsQuarantined,
        long malformed,
        Map<Dimension, Double> scores,
        double overallScore,
        List<RuleResult> rules) {

    public record RuleResult(
            String name,
            Dimension dimension,
            Severity severity,
            long checked,
            long failed,
            List<Map<String, String>> examples) {}
}
