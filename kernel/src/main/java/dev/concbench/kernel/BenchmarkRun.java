package dev.concbench.kernel;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warmup rounds, then measured rounds; each round runs every strategy in the given
 * order, so drift hits all strategies alike. Every run's checksum must agree. Around each
 * measured run the meter samples what the CPU gave it (outside the timed region).
 */
public final class BenchmarkRun {

    /** The outcome: the agreed checksum, the wall-clock stamps, the measured nanoseconds, the CPU figures. */
    public record Outcome(long checksum, Instant start, Instant end, Map<String, List<Long>> nanos,
                          Map<String, CpuFigures> cpu) {
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
        Long expected = null;
        String expectedFrom = null;
        Instant start = Instant.now();
        for (int round = 0; round < warmup + repetitions; round++) {
            boolean measured = round >= warmup;
            for (Strategy strategy : strategies) {
                CpuMeter.Sample sample = measured ? meter.begin() : null;
                long began = System.nanoTime();
                long checksum = strategy.run(workload, tasks, workers);
                long elapsed = System.nanoTime() - began;
                if (measured) {
                    meter.end(strategy.name(), sample);
                }
                if (expected == null) {
                    expected = checksum;
                    expectedFrom = strategy.name();
                } else if (checksum != expected) {
                    throw new ChecksumMismatchException("checksum mismatch: " + strategy.name() + " gave "
                            + Long.toUnsignedString(checksum) + ", " + expectedFrom + " gave "
                            + Long.toUnsignedString(expected));
                }
                if (measured) {
                    nanos.get(strategy.name()).add(elapsed);
                }
            }
        }
        Instant end = Instant.now();
        Map<String, CpuFigures> cpu = new LinkedHashMap<>();
        strategies.forEach(s -> cpu.put(s.name(), meter.totals().getOrDefault(s.name(), CpuFigures.UNKNOWN)));
        return new Outcome(expected == null ? 0 : expected, start, end, nanos, cpu);
    }
}
