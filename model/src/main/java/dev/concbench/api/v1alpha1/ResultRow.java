package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/** Statistics of one (strategy, pods, workers) combination over its repetitions. Times in seconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResultRow {

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

    @JsonPropertyDescription("speedup / parallelism.")
    private Double efficiency;

    @JsonPropertyDescription("Calls completed per second at the median.")
    private Double tasksPerSecond;

    @JsonPropertyDescription("True when the standard deviation exceeds 10% of the mean: read with care.")
    private Boolean unstable;

    public String getStrategy() {
        return strategy;
    }

    public void setStrategy(String strategy) {
        this.strategy = strategy;
    }

    public Integer getPods() {
        return pods;
    }

    public void setPods(Integer pods) {
        this.pods = pods;
    }

    public Integer getWorkers() {
        return workers;
    }

    public void setWorkers(Integer workers) {
        this.workers = workers;
    }

    public Integer getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(Integer poolSize) {
        this.poolSize = poolSize;
    }

    public Double getParallelism() {
        return parallelism;
    }

    public void setParallelism(Double parallelism) {
        this.parallelism = parallelism;
    }

    public List<Double> getSamples() {
        return samples;
    }

    public void setSamples(List<Double> samples) {
        this.samples = samples;
    }

    public Double getMin() {
        return min;
    }

    public void setMin(Double min) {
        this.min = min;
    }

    public Double getMedian() {
        return median;
    }

    public void setMedian(Double median) {
        this.median = median;
    }

    public Double getMean() {
        return mean;
    }

    public void setMean(Double mean) {
        this.mean = mean;
    }

    public Double getStddev() {
        return stddev;
    }

    public void setStddev(Double stddev) {
        this.stddev = stddev;
    }

    public Double getMax() {
        return max;
    }

    public void setMax(Double max) {
        this.max = max;
    }

    public Double getCiLow() {
        return ciLow;
    }

    public void setCiLow(Double ciLow) {
        this.ciLow = ciLow;
    }

    public Double getCiHigh() {
        return ciHigh;
    }

    public void setCiHigh(Double ciHigh) {
        this.ciHigh = ciHigh;
    }

    public Double getSpeedup() {
        return speedup;
    }

    public void setSpeedup(Double speedup) {
        this.speedup = speedup;
    }

    public Double getSpeedupError() {
        return speedupError;
    }

    public void setSpeedupError(Double speedupError) {
        this.speedupError = speedupError;
    }

    public Double getEfficiency() {
        return efficiency;
    }

    public void setEfficiency(Double efficiency) {
        this.efficiency = efficiency;
    }

    public Double getTasksPerSecond() {
        return tasksPerSecond;
    }

    public void setTasksPerSecond(Double tasksPerSecond) {
        this.tasksPerSecond = tasksPerSecond;
    }

    public Boolean getUnstable() {
        return unstable;
    }

    public void setUnstable(Boolean unstable) {
        this.unstable = unstable;
    }
}
