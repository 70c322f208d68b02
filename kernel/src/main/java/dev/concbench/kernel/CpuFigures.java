package dev.concbench.kernel;

/**
 * What the CPU gave a strategy over its timed intervals, in seconds, each null when this
 * platform cannot measure it (kernel/CONTRACT.md, result format 2).
 *
 * @param used      CPU time of the process (all its threads) and of its waited-for children
 * @param waited    run-queue delay of its threads and children
 * @param throttled CFS throttled time of the process's cgroup
 * @param stalled   the cgroup's CPU pressure ({@code some}), v2 only
 * @param steal     the machine's steal time, all CPUs
 */
public record CpuFigures(Double used, Double waited, Double throttled, Double stalled, Double steal) {

    public static final CpuFigures ZERO = new CpuFigures(0.0, 0.0, 0.0, 0.0, 0.0);
    public static final CpuFigures UNKNOWN = new CpuFigures(null, null, null, null, null);

    /** The sum of two intervals' figures: unknown in either, unknown in the sum. */
    public CpuFigures plus(CpuFigures other) {
        return new CpuFigures(sum(used, other.used), sum(waited, other.waited), sum(throttled, other.throttled),
                sum(stalled, other.stalled), sum(steal, other.steal));
    }

    private static Double sum(Double a, Double b) {
        return a == null || b == null ? null : a + b;
    }
}
