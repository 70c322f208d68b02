package dev.concbench.domain;

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

    public List<String> strategyNames() {
        return strategies.stream().map(Strategy::value).toList();
    }
}
