package dev.concbench.kernel;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warmup rounds, then measured rounds; each round runs every strategy in the given order, so
 * drift hits all strategies alike. Every run's values are compared with the reference: the first
 * run of sequential (else of the first strategy). For a built-in workload a difference is a lost or
 * repeated call ({@link ChecksumMismatchException}); for deterministic custom code it is a finding:
 * {@code differs} holds, per strategy, the lowest task whose value differed in any round. For race,
 * {@code lost} holds per strategy the updates lost over the measured rounds. Around each measured
 * run the meter samples what the CPU gave it (outside the timed region).
 */
public final class BenchmarkRun {

    /**
     * The outcome: the reference's checksum, the wall-clock stamps, the measured nanoseconds, the CPU
     * figures; differs (empty when none did) and lost (null but for race), in the strategies' order.
     */
    public record Outcome(long checksum, Instant start, Instant end, Map<String, List<Long>> nanos,
                          Map<String, CpuFigures> cpu, Map<String, Integer> differs, Map<String, Long> lost) {
    }

    private final List<Strategy> strategies;
    private final Workload workload;
    private final int[] tasks;
    private final int workers;
    private final int repetitions;
    private final int warmup;
    private final CpuMeter meter;

    /** A run measured by a meter of this process without a cgroup (tests). */
    public BenchmarkRun(List<Strategy> strategies, Workload workload, int[] tasks, int workers,
                        int repetitions, int warmup) {
        this(strategies, workload, tasks, workers, repetitions, warmup, new CpuMeter(Cgroup.NONE, Path.of("/proc/stat")));
    }

    public BenchmarkRun(List<Strategy> strategies, Workload workload, int[] tasks, int workers,
                        int repetitions, int warmup, CpuMeter meter) {
        this.meter = meter;
        this.strategies = List.copyOf(strategies);
        this.workload = workload;
        this.tasks = tasks.clone();
        this.workers = workers;
        this.repetitions = repetitions;
        this.warmup = warmup;
    }

    public Outcome run() throws Exception {
        Map<String, List<Long>> nanos = new LinkedHashMap<>();
        strategies.forEach(s -> nanos.put(s.name(), new ArrayList<>()));
        String referenceName = strategies.stream().map(Strategy::name).filter("sequential"::equals).findFirst()
                .orElse(strategies.isEmpty() ? null : strategies.get(0).name());
        long[] reference = null;
        Map<String, long[]> beforeReference = new LinkedHashMap<>(); // first runs that came before the reference's
        Map<String, Integer> differs = new HashMap<>();
        Map<String, Long> lost = workload.kind() == Workload.Kind.RACE ? new LinkedHashMap<>() : null;
        Instant start = Instant.now();
        for (int round = 0; round < warmup + repetitions; round++) {
            boolean measured = round >= warmup;
            for (Strategy strategy : strategies) {
                CpuMeter.Sample sample = measured ? meter.begin() : null;
                Workload.Race.reset();
                long began = System.nanoTime();
                long[] values = strategy.run(workload, tasks, workers);
                long elapsed = System.nanoTime() - began;
                long counted = Workload.Race.counted();
                if (measured) {
                    meter.end(strategy.name(), sample);
                    nanos.get(strategy.name()).add(elapsed);
                    if (lost != null) {
                        lost.merge(strategy.name(), (long) workload.size() * tasks.length - counted, Long::sum);
                    }
                }
                if (reference != null) {
                    compare(strategy.name(), values, referenceName, reference, differs);
                } else if (strategy.name().equals(referenceName)) {
                    reference = values;
                    for (Map.Entry<String, long[]> earlier : beforeReference.entrySet()) {
                        compare(earlier.getKey(), earlier.getValue(), referenceName, reference, differs);
                    }
                } else {
                    beforeReference.putIfAbsent(strategy.name(), values);
                }
            }
        }
        Instant end = Instant.now();
        Map<String, CpuFigures> cpu = new LinkedHashMap<>();
        strategies.forEach(s -> cpu.put(s.name(), meter.totals().getOrDefault(s.name(), CpuFigures.UNKNOWN)));
        Map<String, Integer> differing = new LinkedHashMap<>();
        strategies.forEach(s -> {
            if (differs.containsKey(s.name())) {
                differing.put(s.name(), differs.get(s.name()));
            }
        });
        return new Outcome(reference == null ? 0 : Strategy.checksum(reference), start, end, nanos, cpu, differing,
                lost);
    }

    private void compare(String name, long[] values, String referenceName, long[] reference,
                         Map<String, Integer> differs) throws ChecksumMismatchException {
        int position = Arrays.mismatch(reference, values);
        if (position < 0 || !workload.kind().builtIn() && !workload.deterministic()) {
            return;
        }
        int task = tasks[Math.min(position, tasks.length - 1)];
        if (workload.kind().builtIn()) {
            throw new ChecksumMismatchException("checksum mismatch: " + name + " gave "
                    + Long.toUnsignedString(Strategy.checksum(values)) + ", " + referenceName + " gave "
                    + Long.toUnsignedString(Strategy.checksum(reference)) + " (first at task " + task + ")");
        }
        differs.merge(name, task, Math::min);
    }
}
