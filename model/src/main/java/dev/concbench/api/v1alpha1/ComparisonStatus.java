package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

/**
 * The comparison with {@code spec.baseline} (another benchmark): {@code status.comparison}. Not to be
 * confused with {@code status.baseline}, the single-pod sequential row every speedup is measured against.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@EqualsAndHashCode
@Getter
@Setter
public class ComparisonStatus {

    @JsonPropertyDescription("The benchmark compared with (spec.baseline), in this namespace.")
    private String baseline;

    @JsonPropertyDescription("The baseline's generation the rows' comparisons were computed with; absent when "
            + "none was computed yet. Kept when the baseline is deleted or re-runs: the BaselineCompared condition "
            + "says whether it is current.")
    private Long baselineGeneration;

    @JsonPropertyDescription("What the VS-BASELINE column shows: the fastest row against its match in the baseline "
            + "in pyperf's words (process-pool 1.25x faster, threads 1.02x slower, thread-pool not significant), or "
            + "the BaselineCompared condition's reason when the comparison is not current (BaselinePending, "
            + "BaselineNotFound, ...; with the last comparison after a comma when one is kept).")
    private String headline;
}
