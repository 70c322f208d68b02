package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.RowCpuUsage;
import dev.concbench.api.v1alpha1.RunCpuUsage;
import dev.concbench.api.v1alpha1.EnvironmentStatus;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.RuntimeEnvironment;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Derives the result rows, the fastest strategy and the environment from the runs measured
 * so far. Pure and deterministic: the same runs give the same status, so the operator
 * patches only when something really changed.
 */
public final class StatusAggregator {

    private StatusAggregator() {
    }

    /** Recomputes results, fastest, fastestSpeedup and environment of {@code status} from its runs. */
    public static void aggregate(ConcurrencyBenchmarkSpec spec, ConcurrencyBenchmarkStatus status) {
        List<RunStatus> measured = status.getRuns().stream()
                .filter(r -> r.getState() == RunState.Succeeded && r.getSamples() != null)
                .toList();
        // Per runtime (one, keyed null, unless the benchmark sweeps over runtimes): its own baseline.
        List<Runtime> runtimes = runtimesOf(status.getRuns());
        Map<Runtime, Statistics> baselines = new LinkedHashMap<>();
        runtimes.forEach(rt -> baseline(ofRuntime(measured, rt)).ifPresent(b -> baselines.put(rt, b)));
        // Across runtimes: against the first runtime's sequential.
        Statistics first = runtimes.get(0) == null ? null : baselines.get(runtimes.get(0));

        List<ResultRow> rows = new ArrayList<>();
        for (RunStatus run : measured) {
            for (Map.Entry<String, List<Double>> e : inPlanOrder(run)) {
                ResultRow row = row(spec, run, StrategyName.fromValue(e.getKey()), e.getValue(),
                        baselines.get(run.getRuntime()));
                if (first != null && row.getMedian() > 0) {
                    row.setRelativeToFirstRuntime(round(first.median() / row.getMedian(), 3));
                }
                rows.add(row);
            }
        }
        status.setResults(rows);

        Optional<ResultRow> fastest = fastest(rows);
        boolean sweep = status.getRuns().stream().filter(r -> !isBaselineOnly(r))
                .map(r -> r.getPods() + "/" + r.getWorkers()).distinct().count() > 1;
        status.setFastest(fastest.map(r -> label(r, sweep)).orElse(null));
        status.setFastestSpeedup(fastest.map(ResultRow::getSpeedup).orElse(null));
        status.setBaseline(baselines.isEmpty() ? null : baselines.entrySet().stream()
                .map(b -> (b.getKey() == null ? "" : b.getKey().value() + "/") + StrategyName.SEQUENTIAL.value()
                        + "@pods=1 " + String.format(Locale.ROOT, "%.3fs", b.getValue().median()))
                .collect(Collectors.joining(", ")));
        status.setEnvironment(measured.isEmpty() ? null : environment(spec, measured));
        status.setConclusion(Conclusion.of(spec, status).orElse(null));
        long finished = status.getRuns().stream().filter(r -> r.getState() == RunState.Succeeded).count();
        status.setProgress(status.getRuns().isEmpty() ? null : finished + "/" + status.getRuns().size());
    }

    /**
     * A row's name as {@code status.fastest} shows it. In a sweep: the strategy with its pods and
     * workers. Otherwise the strategy, with the pods when they are not 1 (a pods: 2 benchmark's
     * fastest must not read like the single-pod baseline it is compared with) and the pool size when
     * a pool strategy has one other than auto: e.g. process-pool@pods=2,workers=4, threads@pods=3.
     */
    public static String label(ResultRow row, boolean sweep) {
        // In a sweep over runtimes the runtime comes first: pypy-3.11/process-pool.
        String runtime = row.getRuntime() == null ? "" : row.getRuntime() + "/";
        if (sweep) {
            return runtime + row.getStrategy() + "@pods=" + row.getPods() + ",workers=" + row.getWorkers();
        }
        List<String> parts = new ArrayList<>();
        if (row.getPods() != 1) {
            parts.add("pods=" + row.getPods());
        }
        if (row.getWorkers() != 0 && StrategyName.fromValue(row.getStrategy()).pooled()) {
            parts.add("workers=" + row.getWorkers());
        }
        return runtime + (parts.isEmpty() ? row.getStrategy() : row.getStrategy() + "@" + String.join(",", parts));
    }

    /** The fastest row: the lowest median. The one rule for {@code status.fastest} and whatever shows it. */
    public static Optional<ResultRow> fastest(List<ResultRow> rows) {
        return rows == null ? Optional.empty() : rows.stream()
                .filter(r -> r.getMedian() != null)
                .min(Comparator.comparingDouble(ResultRow::getMedian));
    }

    /**
     * A run's samples in the order of its strategies: the API server returns a map's keys sorted
     * (asyncio before sequential), so the order read back is not the order measured.
     */
    static List<Map.Entry<String, List<Double>>> inPlanOrder(RunStatus run) {
        List<String> order = run.getStrategies() == null ? List.of() : run.getStrategies();
        return run.getSamples().entrySet().stream()
                .sorted(Comparator.comparingInt(e -> order.contains(e.getKey()) ? order.indexOf(e.getKey())
                        : Integer.MAX_VALUE))
                .toList();
    }

    /** The runtimes of the runs, in plan order: the sweep's, or just null (the spec's runtime). */
    static List<Runtime> runtimesOf(List<RunStatus> runs) {
        List<Runtime> runtimes = runs.stream().map(RunStatus::getRuntime).distinct().toList();
        return runtimes.isEmpty() ? java.util.Collections.singletonList(null) : runtimes;
    }

    static List<RunStatus> ofRuntime(List<RunStatus> runs, Runtime runtime) {
        return runs.stream().filter(r -> r.getRuntime() == runtime).toList();
    }

    /** The single-pod sequential samples of the first run that has them. */
    static Optional<Statistics> baseline(List<RunStatus> measured) {
        return measured.stream()
                .filter(r -> r.getPods() == 1 && r.getSamples().containsKey(StrategyName.SEQUENTIAL.value()))
                .findFirst()
                .map(r -> Statistics.of(r.getSamples().get(StrategyName.SEQUENTIAL.value())));
    }

    static ResultRow row(ConcurrencyBenchmarkSpec spec, RunStatus run, StrategyName strategy, List<Double> samples,
                         Statistics baseline) {
        Statistics s = Statistics.of(samples);
        ResultRow row = new ResultRow();
        row.setRuntime(run.getRuntime() == null ? null : run.getRuntime().value());
        row.setStrategy(strategy.value());
        row.setPods(run.getPods());
        row.setWorkers(run.getWorkers());
        if (strategy.pooled()) {
            row.setPoolSize(run.getCpus().stream().mapToInt(c -> poolSize(run.getWorkers(), c)).max().orElse(0));
        }
        double parallelism = parallelism(spec, run, strategy);
        row.setParallelism(parallelism);
        row.setSamples(samples.stream().map(v -> round(v, 6)).toList());
        row.setMin(round(s.min(), 6));
        row.setMedian(round(s.median(), 6));
        row.setMean(round(s.mean(), 6));
        row.setStddev(round(s.stddev(), 6));
        row.setMax(round(s.max(), 6));
        row.setCiLow(s.ciLow() == null ? null : round(s.ciLow(), 6));
        row.setCiHigh(s.ciHigh() == null ? null : round(s.ciHigh(), 6));
        row.setUnstable(s.unstable());
        Integer differs = run.getDiffers() == null ? null : run.getDiffers().get(strategy.value());
        row.setResultsDiffer(differs == null ? null : true);
        row.setFirstDifferingCall(differs);
        row.setLostUpdates(run.getLostUpdates() == null ? null : run.getLostUpdates().get(strategy.value()));
        row.setTasksPerSecond(s.median() > 0 ? round(spec.getWorkload().getTasks() / s.median(), 3) : null);
        if (baseline != null && s.median() > 0) {
            double speedup = baseline.median() / s.median();
            row.setSpeedup(round(speedup, 3));
            row.setSpeedupError(round(speedup * Math.hypot(baseline.relativeStandardError(),
                    s.relativeStandardError()), 3));
            row.setEfficiency(parallelism > 0 ? round(speedup / parallelism, 3) : null);
        }
        cpu(run, strategy, row);
        return row;
    }

    /** The run's CPU figures of the strategy on the row: the verdict beside unstable, efficiency per CPU obtained. */
    private static void cpu(RunStatus run, StrategyName strategy, ResultRow row) {
        RunCpuUsage measured = run.getCpu() == null ? null : run.getCpu().get(strategy.value());
        if (measured == null) {
            return;
        }
        RowCpuUsage cpu = new RowCpuUsage();
        cpu.setObtained(measured.getObtained());
        cpu.setWaitFraction(measured.getWaitFraction());
        cpu.setThrottledFraction(measured.getThrottledFraction());
        cpu.setStealFraction(measured.getStealFraction());
        if (row.getSpeedup() != null && measured.getObtained() != null && measured.getObtained() > 0) {
            cpu.setEfficiency(round(row.getSpeedup() / measured.getObtained(), 3));
        }
        row.setCpu(cpu);
        row.setContended(measured.getContended());
        row.setContendedReason(measured.getContendedReason());
    }

    /**
     * The parallelism really available to a strategy in a run: summed over the pods, how
     * many calls can be in flight (1 for sequential, the pod's calls for one-per-call
     * strategies, the pool size for pools), capped by the pod's CPUs for cpu workloads
     * (for io workloads the CPUs are not the bound).
     */
    public static double parallelism(ConcurrencyBenchmarkSpec spec, RunStatus run, StrategyName strategy) {
        int tasks = spec.getWorkload().getTasks();
        boolean cpuBound = cpuBound(spec.getWorkload().getType());
        double total = 0;
        for (int i = 0; i < run.getPods(); i++) {
            int cpus = run.getCpus() != null && i < run.getCpus().size() ? run.getCpus().get(i) : 1;
            int calls = Sharding.tasksOfShard(tasks, i, run.getPods());
            int inFlight = inFlight(strategy, cpuBound, calls, poolSize(run.getWorkers(), cpus));
            total += cpuBound ? Math.min(inFlight, cpus) : inFlight;
        }
        return total;
    }

    /**
     * Whether the CPUs bound a strategy's parallelism: every workload but io and mixed, whose calls
     * wait (custom code is taken as CPU-bound: its parallelism is not known, the CPUs are a bound).
     */
    static boolean cpuBound(WorkloadType type) {
        return type != WorkloadType.IO && type != WorkloadType.MIXED;
    }

    /** How many of a pod's {@code calls} a strategy has in flight at once (not capped by the CPUs). */
    static int inFlight(StrategyName strategy, boolean cpuBound, int calls, int poolSize) {
        return switch (strategy) {
            case SEQUENTIAL -> Math.min(1, calls);
            case THREADS, PROCESSES, VIRTUAL_THREADS -> calls;
            // One event loop: every call in flight for io, one thread for cpu.
            case ASYNCIO -> cpuBound ? Math.min(1, calls) : calls;
            case THREAD_POOL, PROCESS_POOL, INTERPRETER_POOL -> Math.min(poolSize, calls);
        };
    }

    static int poolSize(int workersRequested, int cpus) {
        return workersRequested > 0 ? workersRequested : Math.max(1, cpus);
    }

    static EnvironmentStatus environment(ConcurrencyBenchmarkSpec spec, List<RunStatus> measured) {
        EnvironmentStatus env = new EnvironmentStatus();
        env.setCpus(new ArrayList<>(new TreeSet<>(measured.stream()
                .flatMap(r -> r.getCpus().stream()).toList())));
        env.setNodes(new ArrayList<>(new TreeSet<>(measured.stream()
                .flatMap(r -> r.getNodes().stream()).toList())));
        env.setCgroup(joined(measured.stream().map(RunStatus::getCgroup).toList()));
        env.setExclusiveCpus(RunMeasurement.allTrue(measured.stream().map(RunStatus::getExclusiveCpus).toList()));
        env.setQosClass(joined(measured.stream().map(RunStatus::getQosClass).toList()));
        List<Runtime> runtimes = runtimesOf(measured);
        if (runtimes.get(0) == null) {
            RuntimeEnvironment only = runtimeEnvironment(spec.getRuntime(), measured);
            env.setRuntime(only.getRuntime());
            env.setRuntimeVersion(only.getRuntimeVersion());
            env.setKernel(only.getKernel());
            env.setSkipped(only.getSkipped());
            return env;
        }
        List<RuntimeEnvironment> each = runtimes.stream().map(rt -> runtimeEnvironment(rt, ofRuntime(measured, rt)))
                .toList();
        env.setRuntime(each.stream().map(RuntimeEnvironment::getRuntime).collect(Collectors.joining(",")));
        Map<String, String> skipped = new LinkedHashMap<>();
        each.stream().filter(e -> e.getSkipped() != null)
                .forEach(e -> e.getSkipped().forEach((k, v) -> skipped.put(e.getRuntime() + "/" + k, v)));
        env.setSkipped(skipped.isEmpty() ? null : skipped);
        env.setRuntimes(new ArrayList<>(each));
        return env;
    }

    /** What the runs of one runtime reported: its version, kernel facts and skipped strategies. */
    static RuntimeEnvironment runtimeEnvironment(Runtime runtime, List<RunStatus> runs) {
        RuntimeEnvironment env = new RuntimeEnvironment();
        env.setRuntime(runtime.value());
        env.setRuntimeVersion(runs.get(0).getRuntimeVersion());
        env.setKernel(runs.stream().map(RunStatus::getKernel).filter(java.util.Objects::nonNull).findFirst()
                .orElse(null));
        Map<String, String> skipped = new LinkedHashMap<>();
        runs.stream().filter(r -> r.getSkipped() != null).forEach(r -> r.getSkipped().forEach(skipped::putIfAbsent));
        env.setSkipped(skipped.isEmpty() ? null : skipped);
        return env;
    }

    /** The distinct known values (each possibly a comma-separated list), sorted, comma-separated; null when none. */
    static String joined(List<String> values) {
        List<String> known = values.stream().filter(java.util.Objects::nonNull)
                .flatMap(v -> java.util.Arrays.stream(v.split(","))).distinct().sorted().toList();
        return known.isEmpty() ? null : String.join(",", known);
    }

    private static boolean isBaselineOnly(RunStatus run) {
        return run.getStrategies().size() == 1 && run.getStrategies().get(0).equals(StrategyName.SEQUENTIAL.value())
                && run.getPods() == 1;
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
