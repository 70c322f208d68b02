package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

import java.util.List;

/** Statistics of one (strategy, pods, workers) combination over its repetitions. Times in seconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@EqualsAndHashCode
@Getter
@Setter
public class ResultRow {

    @JsonPropertyDescription("In a sweep over runtimes: the runtime this row measured.")
    private String runtime;

    @JsonPropertyDescription("The strategy measured in this row.")
    private String strategy;

    @JsonPropertyDescription("Pods of the run this row comes from.")
    private Integer pods;

    @JsonPropertyDescription("Workers requested for the run (0 = the pods' CPUs).")
    private Integer workers;

    @JsonPropertyDescription("For thread-pool and process-pool: the pool size per pod really used "
            + "(the largest, if pods differed).")
    private Integer poolSize;

    @JsonPropertyDescription("Parallelism really available: summed over pods, min(concurrency, CPUs) for "
            + "cpu workloads, the concurrency for io workloads.")
    private Double parallelism;

    @JsonPropertyDescription("The raw makespans of every repetition, in order.")
    private List<Double> samples;

    @JsonPropertyDescription("Fastest repetition, seconds.")
    private Double min;

    @JsonPropertyDescription("Median over the repetitions, seconds: what speedup and fastest compare.")
    private Double median;

    @JsonPropertyDescription("Mean over the repetitions, seconds.")
    private Double mean;

    @JsonPropertyDescription("Sample standard deviation (n-1).")
    private Double stddev;

    @JsonPropertyDescription("Slowest repetition, seconds.")
    private Double max;

    @JsonPropertyDescription("95% confidence interval of the mean (Student's t), lower bound.")
    private Double ciLow;

    @JsonPropertyDescription("95% confidence interval of the mean (Student's t), upper bound.")
    private Double ciHigh;

    @JsonPropertyDescription("Baseline median / this median; the baseline is the single-pod sequential run.")
    private Double speedup;

    @JsonPropertyDescription("Standard uncertainty of the speedup, from both relative standard errors.")
    private Double speedupError;

    @JsonPropertyDescription("In a sweep over runtimes: the first runtime's single-pod sequential median / this "
            + "median, i.e. how many times faster than the first runtime's sequential this row is (speedup is "
            + "against the row's own runtime's sequential).")
    private Double relativeToFirstRuntime;

    @JsonPropertyDescription("speedup / parallelism.")
    private Double efficiency;

    @JsonPropertyDescription("Calls completed per second at the median.")
    private Double tasksPerSecond;

    @JsonPropertyDescription("True when the standard deviation exceeds 10% of the mean: read with care.")
    private Boolean unstable;

    @JsonPropertyDescription("custom workloads: true when this strategy's values differed from sequential's (the code "
            + "is not thread-safe, or not deterministic); the timings are kept, but they measured wrong results.")
    private Boolean resultsDiffer;

    @JsonPropertyDescription("With resultsDiffer: the task index of the first (lowest) call whose value differed.")
    private Integer firstDifferingCall;

    @JsonPropertyDescription("race workloads: updates of the shared variable lost over the measured repetitions, out "
            + "of tasks x size x repetitions (0 where calls cannot overlap, or run in processes of their own).")
    private Long lostUpdates;
    @JsonPropertyDescription("True when the row could not get the CPUs it could keep busy and the CPU it missed "
            + "went elsewhere (it waited runnable for a CPU, was throttled by its limit, or the hypervisor stole it): "
            + "its times say more about the machine than the strategy; a conclusion does not rest on it. Absent when "
            + "the kernel reported no CPU figures or they cannot tell. docs/contention.md has the rule.")
    private Boolean contended;

    @JsonPropertyDescription("Why contended fired, e.g. got 1.05 of 2 CPUs (waited 46 % of its time).")
    private String contendedReason;

    @JsonPropertyDescription("How much CPU the row really got, summed over its pods and repetitions (kernel result "
            + "format 2; absent for an older kernel): obtained, waitFraction, throttledFraction, stealFraction, and "
            + "efficiency against the CPUs obtained.")
    private RowCpuUsage cpu;

    @JsonPropertyDescription("With spec.baseline: this row against the baseline's row of the same runtime, strategy, "
            + "pods and workers (ratio of medians, Welch's p-value, verdict), or no matching row.")
    private RowComparisonStatus comparison;
}
