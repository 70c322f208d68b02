package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a spec into the runs to execute. Pure: the operator and the local runner share it.
 *
 * <p>One run per (pods, workers) of the sweep, pods in the outer loop, in the order the
 * user listed them. Every run measures sequential (first) plus the requested strategies.
 * Speedups need a single-pod sequential baseline: when the sweep lists no pods=1, a
 * baseline run measuring only sequential on one pod comes first.
 *
 * <p>A sweep over runtimes repeats that plan per runtime (runtimes outer, in the order listed,
 * each with its own baseline), and names each run's runtime. A strategy a runtime's kind never
 * runs (asyncio on java) is left out of that runtime's runs and recorded as skipped, with why.
 */
public final class BenchmarkPlanner {

    private BenchmarkPlanner() {
    }

    public static List<PlannedRun> plan(ConcurrencyBenchmarkSpec spec) {
        List<Integer> podCounts = sweepPods(spec);
        List<Integer> workerCounts = sweepWorkers(spec);
        List<Runtime> runtimes = sweepRuntimes(spec);
        // A plain benchmark's runs name no runtime: they run spec.runtime.
        boolean named = isRuntimeSweep(spec);

        List<PlannedRun> runs = new ArrayList<>();
        for (Runtime runtime : runtimes) {
            List<StrategyName> strategies = new ArrayList<>();
            Map<String, String> skipped = new LinkedHashMap<>();
            for (StrategyName s : strategiesWithBaseline(spec.getStrategies())) {
                if (s.runsOn(runtime)) {
                    strategies.add(s);
                } else {
                    skipped.put(s.value(), neverRunsReason(s, runtime));
                }
            }
            Runtime name = named ? runtime : null;
            if (!podCounts.contains(1)) {
                runs.add(new PlannedRun(runs.size(), 1, workerCounts.get(0), List.of(StrategyName.SEQUENTIAL), true,
                        name, Map.of()));
            }
            for (int pods : podCounts) {
                for (int workers : workerCounts) {
                    runs.add(new PlannedRun(runs.size(), pods, workers, strategies, false, name, skipped));
                }
            }
        }
        return List.copyOf(runs);
    }

    /** Whether the benchmark sweeps over runtimes (sweep.runtimes is set): its runs and rows name theirs. */
    public static boolean isRuntimeSweep(ConcurrencyBenchmarkSpec spec) {
        return spec.getSweep() != null && spec.getSweep().getRuntimes() != null
                && !spec.getSweep().getRuntimes().isEmpty();
    }

    /** The runtimes measured: sweep.runtimes when set, else spec.runtime. */
    public static List<Runtime> sweepRuntimes(ConcurrencyBenchmarkSpec spec) {
        if (isRuntimeSweep(spec)) {
            // not List.copyOf: the validator reads a list with an unknown (null) entry through this too
            return java.util.Collections.unmodifiableList(new ArrayList<>(spec.getSweep().getRuntimes()));
        }
        return List.of(spec.getRuntime() == null ? Runtime.PYTHON : spec.getRuntime());
    }

    /** Why a runtime of this kind never runs the strategy (the version-dependent cases are the kernel's). */
    static String neverRunsReason(StrategyName strategy, Runtime runtime) {
        return strategy.value() + " is a " + (runtime.isPython() ? "Java" : "Python") + " strategy; "
                + runtime.value() + " is a " + (runtime.isPython() ? "Python" : "Java") + " runtime";
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
    static List<StrategyName> strategiesWithBaseline(List<StrategyName> requested) {
        List<StrategyName> result = new ArrayList<>();
        result.add(StrategyName.SEQUENTIAL);
        for (StrategyName s : StrategyName.values()) {
            if (s != StrategyName.SEQUENTIAL && requested != null && requested.contains(s)) {
                result.add(s);
            }
        }
        return result;
    }
}
