package dev.concbench.domain;

import dev.concbench.api.v1alpha1.RunCpuUsage;
import dev.concbench.domain.KernelResult.CpuTimes;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * How much CPU a strategy got in a run, and the rule that flags it {@code contended}: it could not get
 * the CPUs it could have kept busy, and the CPU it missed went to others (it waited runnable, was
 * throttled, or the hypervisor stole it). docs/contention.md explains the rule and its thresholds.
 *
 * <p>Per pod, over the strategy's measured intervals (wall seconds {@code W}):
 * <ul>
 *   <li>could use: {@code D = min(k, C) x W} CPU-seconds, with {@code k} the calls in flight (1, the
 *       pod's calls, the pool size) and {@code C} the CPUs the pod sees;</li>
 *   <li>shortfall: {@code S = D - used};</li>
 *   <li>explained by contention: {@code E = X + throttled + steal share}, where {@code X} is the waiting
 *       the strategy cannot have caused itself. A strategy with more calls in flight than CPUs waits by
 *       design (80 children on 2 CPUs wait for each other), but only while all its CPUs run its own
 *       work: without contention, waiting is at most {@code (k - C)} threads for at most the time its
 *       {@code C} CPUs were all busy, {@code used / C}. So {@code X = waited - (k - C)+ x (1 + slack) x
 *       used / C}: waiting beyond that happened while a CPU it could have had ran someone else.</li>
 * </ul>
 * A pod is contended when {@code S >= SHORTFALL x D} and {@code E >= EXPLAINED x S}. Threads under the
 * GIL get about 1 CPU of 2 but sleep on the GIL, not runnable: S is large, E small, silent. An io row
 * sleeps by design: never judged. The row is contended when one of its pods is (the slowest pod makes
 * the makespan).
 */
public final class Contention {

    /** A row is contended only when it got less than (1 - this) of the CPU it could keep busy. */
    public static final double SHORTFALL = 0.2;
    /** ... and waiting, throttling and steal explain at least this share of the CPU it missed. */
    public static final double EXPLAINED = 0.5;
    /**
     * Waiting a strategy causes itself beyond its calls in flight: the threads besides the calls (a
     * parent forking children, a pool's helper threads, a JVM's compiler and collector threads).
     */
    public static final double SELF_WAIT_SLACK = 0.1;

    private Contention() {
    }

    /**
     * One pod's figures for one strategy.
     *
     * @param wall       the strategy's wall seconds, summed over its measured repetitions
     * @param cpu        what the CPU gave it over the same intervals
     * @param inFlight   calls in flight: 1 (sequential), the pod's calls (one per call), the pool size
     * @param cpus       CPUs the pod sees (affinity, the cgroup quota rounded up)
     * @param onlineCpus the machine's online CPUs, null when unknown
     */
    public record Pod(double wall, CpuTimes cpu, int inFlight, int cpus, Integer onlineCpus) {

        double could() {
            return Math.min(inFlight, cpus) * wall;
        }

        double shortfall() {
            return Math.max(0, could() - cpu.used());
        }

        /** Waiting beyond what the strategy can cause itself; null when not measured. */
        Double excessWait() {
            if (cpu.waited() == null) {
                return null;
            }
            double selfInflicted = Math.max(0, inFlight - cpus) * (1 + SELF_WAIT_SLACK) * cpu.used() / cpus;
            return Math.max(0, cpu.waited() - selfInflicted);
        }

        /** The machine's steal as a fraction of its CPU time; null when not measured. */
        Double stealFraction() {
            return cpu.steal() == null || onlineCpus == null || wall <= 0 ? null
                    : Math.min(1, cpu.steal() / (wall * onlineCpus));
        }

        /** True when contended, false when not, null when the figures cannot tell. */
        Boolean contended() {
            double could = could();
            if (shortfall() < SHORTFALL * could || could <= 0) {
                return false;
            }
            Double excess = excessWait();
            double explained = (excess == null ? 0 : excess) + (cpu.throttled() == null ? 0 : cpu.throttled())
                    + (stealFraction() == null ? 0 : stealFraction() * could);
            if (explained >= EXPLAINED * shortfall()) {
                return true;
            }
            // Throttling or steal not measured counts as none seen; waiting is the main witness.
            return excess == null ? null : false;
        }
    }

    /**
     * The strategy's CPU figures in a run, and the verdict: null when a pod has no figures (a format-1
     * kernel) or no wall time.
     *
     * @param cpuBound false for io workloads: they sleep by design and are never judged
     */
    public static RunCpuUsage of(List<Pod> pods, boolean cpuBound) {
        if (pods.isEmpty() || pods.stream().anyMatch(p -> p.cpu() == null || p.cpu().used() == null || p.wall() <= 0)) {
            return null;
        }
        RunCpuUsage usage = new RunCpuUsage();
        double obtained = pods.stream().mapToDouble(p -> p.cpu().used() / p.wall()).sum();
        usage.setObtained(round(obtained));
        usage.setWaitFraction(ratio(pods, p -> p.cpu().waited(), p -> p.wall() * Math.max(1, p.inFlight())));
        usage.setThrottledFraction(clampToOne(ratio(pods, p -> p.cpu().throttled(),
                p -> p.wall() * Math.max(1, Math.min(p.inFlight(), p.onlineCpus() == null ? p.cpus() : p.onlineCpus())))));
        usage.setStealFraction(pods.stream().anyMatch(p -> p.stealFraction() == null) ? null
                : round(sum(pods, p -> p.cpu().steal()) / sum(pods, p -> p.wall() * p.onlineCpus())));
        if (!cpuBound) {
            usage.setContended(false);
            return usage;
        }
        List<Boolean> verdicts = pods.stream().map(Pod::contended).toList();
        usage.setContended(verdicts.contains(Boolean.TRUE) ? Boolean.TRUE
                : verdicts.contains(null) ? null : Boolean.FALSE);
        if (Boolean.TRUE.equals(usage.getContended())) {
            usage.setContendedReason(reason(pods, usage));
        }
        return usage;
    }

    /** e.g. {@code got 1.05 of 2 CPUs (waited 46 % of its time)}: the largest cause names itself. */
    private static String reason(List<Pod> pods, RunCpuUsage usage) {
        double could = sum(pods, p -> Math.min(p.inFlight(), p.cpus()));
        double waited = sum(pods, p -> Objects.requireNonNullElse(p.excessWait(), 0.0));
        double throttled = sum(pods, p -> Objects.requireNonNullElse(p.cpu().throttled(), 0.0));
        double stolen = sum(pods, p -> p.stealFraction() == null ? 0 : p.stealFraction() * p.could());
        String cause;
        if (waited >= throttled && waited >= stolen) {
            cause = usage.getWaitFraction() == null ? "waited for a CPU"
                    : String.format(Locale.ROOT, "waited %.0f %% of its time", 100 * usage.getWaitFraction());
        } else if (throttled >= stolen) {
            cause = String.format(Locale.ROOT, "throttled %.0f %% of its time by its CPU limit",
                    100 * usage.getThrottledFraction());
        } else {
            cause = String.format(Locale.ROOT, "the hypervisor stole %.0f %% of the CPUs", 100 * usage.getStealFraction());
        }
        String of = cpus(could);
        return String.format(Locale.ROOT, "got %.2f of %s CPU%s (%s)", usage.getObtained(), of, "1".equals(of) ? "" : "s",
                cause);
    }

    private static String cpus(double could) {
        return Math.abs(could - Math.rint(could)) < 0.005 ? String.valueOf((long) Math.rint(could))
                : String.format(Locale.ROOT, "%.2f", could);
    }

    /** sum(numerator) / sum(denominator), null when a numerator is unknown. */
    private static Double ratio(List<Pod> pods, java.util.function.Function<Pod, Double> numerator,
                                ToDoubleFunction<Pod> denominator) {
        if (pods.stream().anyMatch(p -> numerator.apply(p) == null)) {
            return null;
        }
        double d = pods.stream().mapToDouble(denominator).sum();
        return d <= 0 ? null : round(pods.stream().mapToDouble(p -> numerator.apply(p)).sum() / d);
    }

    private static double sum(List<Pod> pods, ToDoubleFunction<Pod> f) {
        return pods.stream().mapToDouble(f).sum();
    }

    /**
     * Throttled time is summed over the run queues of every CPU the cgroup ran on; divided by those the
     * strategy could keep busy it can pass 1 when the kernel spread over more CPUs than its limit.
     */
    private static Double clampToOne(Double fraction) {
        return fraction == null ? null : Math.min(1.0, fraction);
    }

    private static double round(double value) {
        return StatusAggregator.round(value, 3);
    }
}
