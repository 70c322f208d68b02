package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

/** One result row compared with the matching row of spec.baseline: {@code status.results[].comparison}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@EqualsAndHashCode
@Getter
@Setter
public class RowComparisonStatus {

    @JsonPropertyDescription("faster, slower or not significant (pyperf's words: Welch's t-test on the raw samples, "
            + "p < 0.05); n/a with fewer than two samples on a side or no variance; no matching row when the "
            + "baseline has no row of the same runtime, strategy, pods and workers; not comparable (contended) when either "
            + "row was contended (it could not get the CPUs it could use).")
    private String verdict;

    @JsonPropertyDescription("This row's median / the baseline row's median: above 1 is slower (4 significant digits).")
    private Double ratio;

    @JsonPropertyDescription("Welch's two-sided p-value on the two rows' raw samples (3 significant digits); absent "
            + "when it cannot be computed.")
    private Double welchPValue;

    @JsonPropertyDescription("The matching baseline row's median, seconds.")
    private Double baselineMedian;
}
