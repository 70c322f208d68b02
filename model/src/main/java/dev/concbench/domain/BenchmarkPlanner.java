package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a spec into the runs to execute. Pure: the operator and the local runner share it.
 *
 * <p>One run per (pods, workers) of the sweep, pods in the outer loop, in the order the
 * user listed them. Every run measures sequential (first) plus the requested strategies.
 * Speedups need a single-pod sequential baseline: when the sweep lists no pods=1, a
 * baseline run measuring only sequential on one pod comes first.
 */
public final class BenchmarkPlanner {

    private BenchmarkPlanner() {
    }

    public static List<PlannedRun> plan(ConcurrencyBenchmarkSpec spec) {
        List<Integer> podCounts = sweepPods(spec);
        List<Integer> workerCounts = sweepWorkers(spec);
        List<Strategy> strategies = strategiesWithBaseline(spec.getStrategies());

        List<PlannedRun> runs = new ArrayList<>();
        if (!podCounts.contains(1)) {
            runs.add(new PlannedRun(0, 1, workerCounts.get(0), List.of(Strategy.SEQUENTIAL), true));
        }
        for (int pods : podCounts) {
            for (int workers : workerCounts) {
                runs.add(new PlannedRun(runs.size(), pods, workers, strategies, false));
            }
        }
        return List.copyOf(runs);
    }

    /** The pod counts measured: sweep.pods when set, else spec.pods. */
    public static List<Integer> sweepPods(ConcurrencyBenchmarkSpec spec) {
        if (spec.getSweep() != null && spec.getSweep().getPods() != null && !spec.getSweep().getPods().isEmpty()) {
            return List.copyOf(spec.getSweep().getPods());
        }
        return List.of(spec.getPods() == null ? 1 : spec.getPods());
    }

    /** The worker counts measured: sweep.workers when set, else spec.workers. */
    public static List<Integer> sweepWorkers(ConcurrencyBenchmarkSpec spec) {
        if (spec.getSweep() != null && spec.getSweep().getWorkers() != null
                && !spec.getSweep().getWorkers().isEmpty()) {
            return List.copyOf(spec.getSweep().getWorkers());
        }
        return List.of(spec.getWorkers() == null ? 0 : spec.getWorkers());
    }

    /** sequential first (the baseline, always measured), then the others in canonical order. */
    static List<Strategy> strategiesWithBaseline(List<Strategy> requested) {
        List<Strategy> result = new ArrayList<>();
        result.add(Strategy.SEQUENTIAL);
        for (Strategy s : Strategy.values()) {
            if (s != Strategy.SEQUENTIAL && requested != null && requested.contains(s)) {
                result.add(s);
            }
        }
        return result;
    }
}
