package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** What the operator observed and measured. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConcurrencyBenchmarkStatus {

    @JsonPropertyDescription("Pending, Queued, Running, Succeeded or Failed.")
    private Phase phase;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Valid, Admitted, Progressing, Complete and Failed, in Kubernetes condition shape.")
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

    @JsonPropertyDescription("The strategy with the lowest median wall time; for a sweep with its pods and "
            + "workers, e.g. process-pool@pods=2,workers=0.")
    private String fastest;

    @JsonPropertyDescription("Speedup of the fastest row over the single-pod sequential baseline.")
    private Double fastestSpeedup;

    @JsonPropertyDescription("What was measured on: runtime version, CPUs seen, nodes used.")
    private EnvironmentStatus environment;

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getCompletionTime() {
        return completionTime;
    }

    public void setCompletionTime(String completionTime) {
        this.completionTime = completionTime;
    }

    public List<RunStatus> getRuns() {
        return runs;
    }

    public void setRuns(List<RunStatus> runs) {
        this.runs = runs;
    }

    public List<ResultRow> getResults() {
        return results;
    }

    public void setResults(List<ResultRow> results) {
        this.results = results;
    }

    public String getFastest() {
        return fastest;
    }

    public void setFastest(String fastest) {
        this.fastest = fastest;
    }

    public Double getFastestSpeedup() {
        return fastestSpeedup;
    }

    public void setFastestSpeedup(Double fastestSpeedup) {
        this.fastestSpeedup = fastestSpeedup;
    }

    public EnvironmentStatus getEnvironment() {
        return environment;
    }

    public void setEnvironment(EnvironmentStatus environment) {
        this.environment = environment;
    }
}
