package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One point of a benchmark's sweep: the strategies one Indexed Job of {@code pods} pods
 * measures with pool size {@code workers}.
 *
 * @param index      position in the plan; runs execute in this order, one at a time
 * @param baseline   true for the single-pod sequential run added when the sweep has no pods=1
 * @param runtime    the run's runtime in a sweep over runtimes; null: the spec's runtime
 * @param skipped    requested strategies this run's runtime never runs, each with why
 */
public record PlannedRun(int index, int pods, int workers, List<StrategyName> strategies, boolean baseline,
                         Runtime runtime, Map<String, String> skipped) {

    public PlannedRun {
        strategies = List.copyOf(strategies);
        // In the order the planner found them (the status shows them so).
        skipped = skipped == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
    }

    /** A run of the spec's own runtime. */
    public PlannedRun(int index, int pods, int workers, List<StrategyName> strategies, boolean baseline) {
        this(index, pods, workers, strategies, baseline, null, Map.of());
    }

    /** The run as the status stores it: the plan is made once per generation, then read back from there. */
    public static PlannedRun of(RunStatus run) {
        List<StrategyName> strategies = run.getStrategies().stream().map(StrategyName::fromValue).toList();
        // The planner's added baseline is the one run measuring sequential alone on one pod (and not
        // because its runtime skips the rest).
        boolean baseline = run.getPods() == 1 && strategies.equals(List.of(StrategyName.SEQUENTIAL))
                && (run.getSkipped() == null || run.getSkipped().isEmpty());
        return new PlannedRun(run.getIndex(), run.getPods(), run.getWorkers(), strategies, baseline,
                run.getRuntime(), run.getSkipped());
    }

    /** The runtime this run's kernel runs: its own in a sweep over runtimes, else the spec's. */
    public Runtime runtimeOf(ConcurrencyBenchmarkSpec spec) {
        return runtime != null ? runtime : spec.getRuntime();
    }

    public List<String> strategyNames() {
        return strategies.stream().map(StrategyName::value).toList();
    }
}
