package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

import java.util.ArrayList;
import java.util.List;

/** What the operator observed and measured. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("What the operator observed and measured: the phase and conditions, one entry per run, "
        + "one result row per (strategy, pods, workers), the fastest row and the environment. Written by the "
        + "operator only.")
@EqualsAndHashCode
@Getter
@Setter
public class ConcurrencyBenchmarkStatus {

    @JsonPropertyDescription("Pending (accepted, not started), Queued (waiting for a slot: the operator "
            + "measures a limited number of benchmarks at once), Running, Succeeded or Failed (the Failed "
            + "condition says why).")
    private Phase phase;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Valid, Admitted, Progressing, Complete and Failed, and BaselineCompared with spec.baseline, in "
            + "Kubernetes condition shape.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("When the first run of this generation started (RFC 3339, UTC).")
    private String startTime;

    @JsonPropertyDescription("When the benchmark reached Succeeded or Failed (RFC 3339, UTC).")
    private String completionTime;

    @JsonPropertyDescription("One entry per planned run (one Indexed Job each), in execution order, with "
            + "the makespan samples measured so far.")
    private List<RunStatus> runs = new ArrayList<>();

    @JsonPropertyDescription("One row per (strategy, pods, workers): statistics over the repetitions.")
    private List<ResultRow> results = new ArrayList<>();

    @JsonPropertyDescription("The strategy with the lowest median wall time. In a sweep with its pods and "
            + "workers (process-pool@pods=2,workers=0); otherwise with its pods when not 1 and a pool's size when "
            + "not auto (threads@pods=2, process-pool@workers=4).")
    private String fastest;

    @JsonPropertyDescription("Speedup of the fastest row over the single-pod sequential baseline.")
    private Double fastestSpeedup;

    @JsonPropertyDescription("What was measured on: runtime version, CPUs seen, nodes used.")
    private EnvironmentStatus environment;

    @JsonPropertyDescription("The experiment's conclusion, computed from the rows: the workload, the runtime and its "
            + "GIL, each strategy's speedup, the CPUs, and what to use, e.g. cpu-bound on python 3.11.7 (GIL enabled): "
            + "threads 0.89x, process-pool 2.00x on 2 CPUs: use processes.")
    private String conclusion;

    @JsonPropertyDescription("Runs finished of runs planned, e.g. 2/3.")
    private String progress;

    @JsonPropertyDescription("What every speedup is measured against: the single-pod sequential row and its "
            + "median wall time, e.g. sequential@pods=1 0.710s.")
    private String baseline;

    @JsonPropertyDescription("With spec.baseline: the benchmark compared with, its generation and the headline; each "
            + "row's comparison is in results[].comparison, whether it is current in the BaselineCompared condition.")
    private ComparisonStatus comparison;
}
