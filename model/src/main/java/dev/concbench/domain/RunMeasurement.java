package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.RunCpuUsage;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.KernelInfo;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.StrategyName;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Combines the results of a run's pods into the run's measurement. The pods start from a
 * common start, so a repetition's makespan is the slowest pod's wall time for it.
 */
public final class RunMeasurement {

    private RunMeasurement() {
    }

    /**
     * Fills {@code run}'s measured fields from one result per shard and marks it Succeeded.
     *
     * @throws ResultFormatException when a shard is missing or repeated, a result does not
     *                               match the run, or the checksums prove a task was lost
     */
    public static void record(ConcurrencyBenchmarkSpec spec, PlannedRun planned, List<ShardResult> results,
                              RunStatus run) throws ResultFormatException {
        List<ShardResult> shards = new ArrayList<>(results);
        shards.sort(Comparator.comparingInt(ShardResult::shardIndex));
        check(spec, planned, shards);

        // What one pod skipped (its runtime cannot run it) every pod skipped: they run one image.
        // The planner's (a strategy of the other runtime kind, in a sweep over runtimes) come first.
        Map<String, String> skipped = new LinkedHashMap<>(planned.skipped());
        for (ShardResult shard : shards) {
            if (shard.skipped() != null) {
                shard.skipped().forEach(skipped::putIfAbsent);
            }
        }
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (String strategy : planned.strategyNames()) {
            if (skipped.containsKey(strategy)) {
                continue;
            }
            List<Double> makespans = new ArrayList<>();
            for (int rep = 0; rep < spec.getRepetitions(); rep++) {
                double slowest = 0;
                for (ShardResult shard : shards) {
                    slowest = Math.max(slowest, shard.times().get(strategy).get(rep));
                }
                makespans.add(slowest);
            }
            samples.put(strategy, makespans);
        }
        run.setSamples(samples);
        run.setCpu(cpu(spec, shards, samples.keySet()));
        run.setCgroup(StatusAggregator.joined(shards.stream().map(ShardResult::cgroup).toList()));
        run.setExclusiveCpus(allTrue(shards.stream().map(ShardResult::exclusiveCpus).toList()));
        run.setCpus(shards.stream().map(ShardResult::cpus).toList());
        run.setNodes(new ArrayList<>(new TreeSet<>(shards.stream()
                .map(r -> r.node() == null ? "local" : r.node()).toList())));
        run.setRuntimeVersion(shards.get(0).runtimeVersion());
        run.setSkipped(skipped.isEmpty() ? null : skipped);
        ShardResult first = shards.get(0);
        run.setKernel(first.implementation() == null ? null : new KernelInfo(first.implementation(),
                first.implementationVersion(), first.freeThreaded(), first.gil(), first.jit(), first.startMethod()));
        run.setChecksum(Checksums.sum(shards.stream().map(ShardResult::checksum).toList()).toString());
        recordFindings(shards, run);
        run.setState(RunState.Succeeded);
    }

    /** custom: the set-up (the slowest pod's) and the first differing call per strategy; race: the lost updates. */
    private static void recordFindings(List<ShardResult> shards, RunStatus run) {
        Map<String, Integer> differs = new LinkedHashMap<>();
        Map<String, Long> lost = new LinkedHashMap<>();
        Double setup = null;
        for (ShardResult shard : shards) {
            if (shard.differs() != null) {
                shard.differs().forEach((strategy, task) -> differs.merge(strategy, task, Math::min));
            }
            if (shard.lost() != null) {
                shard.lost().forEach((strategy, updates) -> lost.merge(strategy, updates, Long::sum));
            }
            if (shard.setup() != null) {
                setup = setup == null ? shard.setup() : Math.max(setup, shard.setup());
            }
        }
        run.setDiffers(differs.isEmpty() ? null : differs);
        run.setLostUpdates(lost.isEmpty() ? null : lost);
        run.setSetupSeconds(setup);
    }

    /**
     * Per strategy, what the CPU gave it over the run's pods ({@link Contention}); null when no pod
     * reported CPU figures (a format-1 kernel).
     */
    static Map<String, RunCpuUsage> cpu(ConcurrencyBenchmarkSpec spec, List<ShardResult> shards, Iterable<String> strategies) {
        boolean cpuBound = StatusAggregator.cpuBound(spec.getWorkload().getType());
        Map<String, RunCpuUsage> cpu = new LinkedHashMap<>();
        for (String name : strategies) {
            StrategyName strategy = StrategyName.fromValue(name);
            List<Contention.Pod> pods = shards.stream().map(shard -> pod(strategy, cpuBound, shard)).toList();
            RunCpuUsage usage = Contention.of(pods, cpuBound);
            if (usage != null) {
                cpu.put(name, usage);
            }
        }
        return cpu.isEmpty() ? null : cpu;
    }

    /** One shard's figures for a strategy, with what the rule needs to read them. */
    private static Contention.Pod pod(StrategyName strategy, boolean cpuBound, ShardResult shard) {
        int inFlight = StatusAggregator.inFlight(strategy, cpuBound, shard.tasks(), Math.max(1, shard.workers()));
        boolean jvm = !"python".equals(shard.runtime());
        // Threads under the GIL run one at a time; virtual threads on as many carriers as the JVM sees CPUs.
        boolean gilBound = Boolean.TRUE.equals(shard.gil())
                && (strategy == StrategyName.THREADS || strategy == StrategyName.THREAD_POOL);
        int runnable = switch (strategy) {
            case VIRTUAL_THREADS -> Math.min(inFlight, shard.cpus());
            // A child JVM compiles beside its main thread while it starts.
            case PROCESSES, PROCESS_POOL -> jvm ? 2 * inFlight : inFlight;
            default -> inFlight;
        };
        int usable = Math.min(gilBound ? 1 : inFlight, shard.cpus());
        return new Contention.Pod(wall(shard, strategy.value()), shard.cpuOf(strategy.value()), runnable, usable,
                shard.cpus(), shard.onlineCpus(), ambient(shard));
    }

    /** What the machine took from one runnable thread in this shard: sequential's waited / wall; null if unknown. */
    private static Double ambient(ShardResult shard) {
        ShardResult.CpuTimes sequential = shard.cpuOf(StrategyName.SEQUENTIAL.value());
        double wall = wall(shard, StrategyName.SEQUENTIAL.value());
        return sequential == null || sequential.waited() == null || wall <= 0 ? null : sequential.waited() / wall;
    }

    private static double wall(ShardResult shard, String strategy) {
        List<Double> times = shard.times().get(strategy);
        return times == null ? 0 : times.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** True when every known value is, false when one is not; null when none is known. */
    static Boolean allTrue(List<Boolean> values) {
        List<Boolean> known = values.stream().filter(java.util.Objects::nonNull).toList();
        return known.isEmpty() ? null : known.stream().allMatch(Boolean::booleanValue);
    }

    private static void check(ConcurrencyBenchmarkSpec spec, PlannedRun planned, List<ShardResult> shards)
            throws ResultFormatException {
        if (shards.size() != planned.pods()) {
            throw new ResultFormatException("expected " + planned.pods() + " results, got " + shards.size());
        }
        for (int i = 0; i < shards.size(); i++) {
            ShardResult r = shards.get(i);
            String expectedShard = i + "/" + planned.pods();
            if (!expectedShard.equals(r.shard())) {
                throw new ResultFormatException("expected shard " + expectedShard + ", got " + r.shard()
                        + (r.pod() == null ? "" : " from pod " + r.pod()));
            }
            if (r.repetitions() != spec.getRepetitions()) {
                throw new ResultFormatException("shard " + r.shard() + " measured " + r.repetitions()
                        + " repetitions, expected " + spec.getRepetitions());
            }
            List<String> missing = planned.strategyNames().stream().filter(s -> !r.times().containsKey(s)
                    && (r.skipped() == null || !r.skipped().containsKey(s))).toList();
            if (!missing.isEmpty() || !r.times().containsKey(StrategyName.SEQUENTIAL.value())) {
                throw new ResultFormatException("shard " + r.shard() + " lacks strategies: measured "
                        + r.times().keySet() + ", expected " + planned.strategyNames());
            }
        }
        if (!spec.getWorkload().getType().builtIn()) {
            return; // the user's values: each pod's kernel compared its strategies with sequential (differs)
        }
        BigInteger expected = Checksums.expected(spec.getWorkload().getType(), spec.getWorkload().getSize(),
                spec.getWorkload().getTasks());
        BigInteger actual = Checksums.sum(shards.stream().map(ShardResult::checksum).toList());
        if (!expected.equals(actual)) {
            throw new ResultFormatException("checksum " + actual + " differs from the expected " + expected
                    + ": some calls were lost or repeated");
        }
    }
}
