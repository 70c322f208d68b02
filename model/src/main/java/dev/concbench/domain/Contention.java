package dev.concbench.domain;

import dev.concbench.api.v1alpha1.RunCpuUsage;
import dev.concbench.domain.ShardResult.CpuTimes;

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
 *   <li>could use: {@code D = u x W} CPU-seconds, {@code u} the CPUs it can keep busy: min(calls in
 *       flight, CPUs the pod sees), and 1 for threads under the GIL;</li>
 *   <li>shortfall: {@code S = D - used};</li>
 *   <li>explained by contention: {@code E = max(X, a x D) + throttled + steal share}. {@code X} is the
 *       waiting the strategy cannot have caused itself: with {@code r} threads or children runnable by
 *       design on {@code u} CPUs it waits by design (80 children on 2 CPUs wait for each other), but only
 *       while all its CPUs run its own work, at most {@code used / u}: so {@code X = waited - (r - u)+ x
 *       (1 + slack) x used / u}. {@code a} is what the machine took from a single runnable thread in the
 *       same pod and run: the sequential row's waited / wall (strategies are interleaved per
 *       repetition, so it saw the same machine). A strategy that oversubscribes cannot witness
 *       contention with its own waiting; the sequential row can.</li>
 * </ul>
 * A pod is contended when {@code S >= SHORTFALL x D} and {@code E >= EXPLAINED x S}. Threads under the
 * GIL keep one CPU busy and sleep on the GIL, not runnable: silent while they get that CPU. An io row
 * sleeps by design: never judged. The row is contended when one of its pods is (the slowest pod makes
 * the makespan).
 */
public final class Contention {

    /** A row is contended only when it got less than (1 - this) of the CPU it could keep busy. */
    public static final double SHORTFALL = 0.2;
    /** ... and waiting, throttling and steal explain at least this share of the CPU it missed. */
    public static final double EXPLAINED = 0.5;
    /**
     * Waiting a strategy causes itself beyond its threads runnable by design: the threads besides them
     * (a parent forking children, a pool's helper threads, a JVM's collector threads).
     */
    public static final double SELF_WAIT_SLACK = 0.1;
    /**
     * The least wall time (seconds, per pod, over the measured repetitions) whose CPU figures mean
     * something: the kernels write CPU times to the millisecond (kernel/CONTRACT.md), off by up to half of
     * one, so a shorter row's "CPUs obtained" is off by more than 5 % (a 0.3 ms row reads 0.00 or 1.67).
     */
    public static final double MIN_WALL_SECONDS = 0.010;

    private Contention() {
    }

    /**
     * One pod's figures for one strategy.
     *
     * @param wall       the strategy's wall seconds, summed over its measured repetitions
     * @param cpu        what the CPU gave it over the same intervals
     * @param runnable   its threads and children that can be runnable at once by design (the calls in
     *                   flight; two per child JVM, which compiles beside its main thread)
     * @param usable     the CPUs it can keep busy: min(calls in flight, cpus); 1 under the GIL
     * @param cpus       CPUs the pod sees (affinity, the cgroup quota rounded up)
     * @param onlineCpus the machine's online CPUs, null when unknown
     * @param ambient    the same pod's sequential waited / wall in the same run: what the machine took
     *                   from one runnable thread; null when unknown
     */
    public record Pod(double wall, CpuTimes cpu, int runnable, int usable, int cpus, Integer onlineCpus,
                      Double ambient) {

        double could() {
            return usable * wall;
        }

        double shortfall() {
            return Math.max(0, could() - cpu.used());
        }

        /** Waiting beyond what the strategy can cause itself; null when not measured. */
        Double excessWait() {
            if (cpu.waited() == null || usable <= 0) {
                return null;
            }
            double selfInflicted = Math.max(0, runnable - usable) * (1 + SELF_WAIT_SLACK) * cpu.used() / usable;
            return Math.max(0, cpu.waited() - selfInflicted);
        }

        /** The waiting that witnesses contention: its own beyond design, or the sequential row's share. */
        Double witnessedWait() {
            Double own = excessWait();
            Double seen = ambient == null ? null : Math.min(1, ambient) * could();
            if (own == null || seen == null) {
                return own == null ? seen : own;
            }
            return Math.max(own, seen);
        }

        /** The machine's steal as a fraction of its CPU time; null when not measured. */
        Double stealFraction() {
            return cpu.steal() == null || onlineCpus == null || wall <= 0 ? null
                    : Math.min(1, cpu.steal() / (wall * onlineCpus));
        }

        /** True when contended, false when not, null when the figures cannot tell. */
        Boolean contended() {
            double could = could();
            if (could <= 0 || shortfall() < SHORTFALL * could) {
                return false;
            }
            Double waited = witnessedWait();
            double explained = (waited == null ? 0 : waited) + (cpu.throttled() == null ? 0 : cpu.throttled())
                    + (stealFraction() == null ? 0 : stealFraction() * could);
            if (explained >= EXPLAINED * shortfall()) {
                return true;
            }
            // Throttling or steal not measured counts as none seen; waiting is the main witness.
            return waited == null ? null : false;
        }
    }

    /**
     * The strategy's CPU figures in a run, and the verdict: null when a pod has no figures (a format-1
     * kernel), or too little wall time for CPU times to the millisecond ({@link #MIN_WALL_SECONDS}).
     *
     * @param cpuBound false for io workloads: they sleep by design and are never judged
     */
    public static RunCpuUsage of(List<Pod> pods, boolean cpuBound) {
        if (pods.isEmpty() || pods.stream().anyMatch(p -> p.cpu() == null || p.cpu().used() == null
                || p.wall() < MIN_WALL_SECONDS)) {
            return null;
        }
        RunCpuUsage usage = new RunCpuUsage();
        double obtained = pods.stream().mapToDouble(p -> p.cpu().used() / p.wall()).sum();
        usage.setObtained(round(obtained));
        usage.setWaitFraction(ratio(pods, p -> p.cpu().waited(), p -> p.wall() * Math.max(1, p.runnable())));
        usage.setThrottledFraction(clampToOne(ratio(pods, p -> p.cpu().throttled(),
                p -> p.wall() * Math.max(1, Math.min(p.runnable(), p.onlineCpus() == null ? p.cpus() : p.onlineCpus())))));
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
        double could = sum(pods, Pod::usable);
        double own = sum(pods, p -> Objects.requireNonNullElse(p.excessWait(), 0.0));
        double beside = sum(pods, p -> p.ambient() == null ? 0 : Math.min(1, p.ambient()) * p.could());
        double waited = Math.max(own, beside);
        double throttled = sum(pods, p -> Objects.requireNonNullElse(p.cpu().throttled(), 0.0));
        double stolen = sum(pods, p -> p.stealFraction() == null ? 0 : p.stealFraction() * p.could());
        String cause;
        // A strategy that does not wait by design is its own witness; one that does relies on sequential's.
        boolean ownWitness = own >= beside || pods.stream().allMatch(p -> p.runnable() <= p.usable());
        if (waited >= throttled && waited >= stolen && ownWitness) {
            cause = usage.getWaitFraction() == null ? "waited for a CPU"
                    : String.format(Locale.ROOT, "waited %.0f %% of its time", 100 * usage.getWaitFraction());
        } else if (waited >= throttled && waited >= stolen) {
            // It waits by design (more threads than CPUs): the sequential row beside it says the machine was busy.
            cause = String.format(Locale.ROOT, "sequential beside it waited %.0f %% of its time",
                    100 * beside / sum(pods, Pod::could));
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
