package dev.concbench.domain;

import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.Strategy;

import java.util.List;

/**
 * One point of a benchmark's sweep: the strategies one Indexed Job of {@code pods} pods
 * measures with pool size {@code workers}.
 *
 * @param index      position in the plan; runs execute in this order, one at a time
 * @param baseline   true for the single-pod sequential run added when the sweep has no pods=1
 */
public record PlannedRun(int index, int pods, int workers, List<Strategy> strategies, boolean baseline) {

    public PlannedRun {
        strategies = List.copyOf(strategies);
    }

    /** The run as the status stores it: the plan is made once per generation, then read back from there. */
    public static PlannedRun of(RunStatus run) {
        List<Strategy> strategies = run.getStrategies().stream().map(Strategy::fromValue).toList();
        // The planner's added baseline is the one run measuring sequential alone on one pod.
        boolean baseline = run.getPods() == 1 && strategies.equals(List.of(Strategy.SEQUENTIAL));
        return new PlannedRun(run.getIndex(), run.getPods(), run.getWorkers(), strategies, baseline);
    }

    public List<String> strategyNames() {
        return strategies.stream().map(Strategy::value).toList();
    }
}
