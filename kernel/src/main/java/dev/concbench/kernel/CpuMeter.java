package dev.concbench.kernel;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Samples what the CPU gave around each timed interval and sums it per strategy (result
 * format 2's {@code cpu}, kernel/CONTRACT.md).
 *
 * <ul>
 *   <li>used: CPU time of this JVM (every thread, also those that ended) and of its waited-for
 *       children ({@code /proc/self/stat} cutime + cstime: a strategy waits for all its child JVMs
 *       inside its interval).</li>
 *   <li>waited: run-queue delay (schedstat, 2nd field, ns) of every thread and child that ran.
 *       Threads alive at both ends of the interval: the delta from {@code /proc/self/task}. A
 *       thread or a child loses its schedstat when it ends, so it reports its own before: threads
 *       the strategies start run {@link #recording}; child JVMs send theirs with their result.
 *       Virtual threads are not counted themselves: their carrier threads are.</li>
 *   <li>throttled, stalled: this process's cgroup's {@code cpu.stat} and (v2) {@code cpu.pressure}.</li>
 *   <li>steal: machine-wide, {@code /proc/stat}.</li>
 * </ul>
 */
public final class CpuMeter {

    static final Path TASK_DIR = Path.of("/proc/self/task");
    static final Path PROC_SELF_STAT = Path.of("/proc/self/stat");
    private static final File THREAD_SELF = new File("/proc/thread-self");
    private static final String THREAD_SCHEDSTAT = "/proc/thread-self/schedstat";

    /** {native thread id, run delay ns} of the threads that ended since the interval began. */
    private static final Queue<long[]> ENDED_THREADS = new ConcurrentLinkedQueue<>();
    /** child pid -> its latest run delay ns (-1: unknown). */
    private static final Map<Long, Long> CHILD_DELAYS = new ConcurrentHashMap<>();

    private final Cgroup cgroup;
    private final Path procStat;
    private final Path taskDir;
    private final Path procSelfStat;
    private final Map<String, CpuFigures> totals = new LinkedHashMap<>();

    /** A meter of this process, its cgroup and the machine's {@code /proc/stat}. */
    public CpuMeter(Cgroup cgroup, Path procStat) {
        this(cgroup, procStat, TASK_DIR, PROC_SELF_STAT);
    }

    CpuMeter(Cgroup cgroup, Path procStat, Path taskDir, Path procSelfStat) {
        this.cgroup = cgroup;
        this.procStat = procStat;
        this.taskDir = taskDir;
        this.procSelfStat = procSelfStat;
    }

    /** The sources at one end of an interval. */
    public record Sample(Double steal, Double throttled, Double stalled, Map<Long, Long> delays, Double used) {
    }

    /** Just before a timed interval (the precise CPU clock last, nearest to it). */
    public Sample begin() {
        ENDED_THREADS.clear();
        CHILD_DELAYS.clear();
        Double steal = CpuSources.parseStealSeconds(CpuSources.firstLine(procStat));
        Double throttled = cgroup.throttledSeconds();
        Double stalled = cgroup.stalledSeconds();
        Map<Long, Long> delays = taskRunDelays(taskDir);
        return new Sample(steal, throttled, stalled, delays, usedSoFar());
    }

    /** Just after the interval (the CPU clock first): adds its figures to the strategy's. */
    public void end(String strategy, Sample began) {
        Double used = usedSoFar();
        Map<Long, Long> delays = taskRunDelays(taskDir);
        Double stalled = cgroup.stalledSeconds();
        Double throttled = cgroup.throttledSeconds();
        Double steal = CpuSources.parseStealSeconds(CpuSources.firstLine(procStat));
        CpuFigures figures = new CpuFigures(delta(began.used(), used),
                waited(began.delays(), delays, ENDED_THREADS, CHILD_DELAYS),
                delta(began.throttled(), throttled), delta(began.stalled(), stalled), delta(began.steal(), steal));
        totals.merge(strategy, figures, CpuFigures::plus);
    }

    /** Each strategy's figures summed over its measured intervals, in the order first measured. */
    public Map<String, CpuFigures> totals() {
        return totals;
    }

    /** Wraps a thread's body so that the thread, once the body has run, records its run delay. */
    static Runnable recording(Runnable body) {
        return () -> {
            try {
                body.run();
            } finally {
                threadEnded();
            }
        };
    }

    private static void threadEnded() {
        try { // java.io, not NIO: this runs once per thread, and costs the strategy's wall time
            String self = THREAD_SELF.getCanonicalPath(); // /proc/<pid>/task/<tid>
            long[] stat = CpuSources.readSchedstat(THREAD_SCHEDSTAT);
            if (stat != null) {
                ENDED_THREADS.add(new long[] {Long.parseLong(self.substring(self.lastIndexOf('/') + 1)), stat[1]});
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: nothing to record, and waited is unknown anyway
        }
    }

    /** A child JVM's report, from its result line; the latest (largest) per child counts. */
    static void childReported(long pid, String runDelayNs) {
        long delay;
        try {
            delay = Long.parseLong(runDelayNs);
        } catch (NumberFormatException e) {
            delay = -1;
        }
        CHILD_DELAYS.merge(pid, delay, (a, b) -> a < 0 || b < 0 ? -1 : Math.max(a, b));
    }

    /**
     * {thread id: run delay ns} of this process's live threads; null when schedstat is not readable
     * or reads {@code 0 0 0} everywhere (a kernel without schedstat accounting: this long-running
     * process has run, so its run time is not 0; a young child may read 0, hence
     * {@link CpuSources#ownRunDelay} does not check).
     */
    static Map<Long, Long> taskRunDelays(Path taskDir) {
        Map<Long, long[]> stats = CpuSources.taskSchedstats(taskDir);
        if (stats == null) {
            return null;
        }
        Map<Long, Long> delays = new HashMap<>();
        long ran = 0;
        for (Map.Entry<Long, long[]> entry : stats.entrySet()) {
            delays.put(entry.getKey(), entry.getValue()[1]);
            ran += entry.getValue()[0];
        }
        return ran > 0 ? delays : null;
    }

    /**
     * Seconds the interval's threads and children waited for a CPU: live threads' deltas, ended
     * threads' own values (less what they had at the start), children's own values.
     */
    static Double waited(Map<Long, Long> before, Map<Long, Long> after, Collection<long[]> endedThreads,
                         Map<Long, Long> children) {
        if (before == null || after == null) {
            return null;
        }
        long total = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            total += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
        }
        for (long[] thread : endedThreads) {
            if (!after.containsKey(thread[0])) { // an ended thread may still be listed: counted once
                total += Math.max(0, thread[1] - before.getOrDefault(thread[0], 0L));
            }
        }
        for (long delay : children.values()) {
            if (delay < 0) {
                return null;
            }
            total += delay;
        }
        return total / 1e9;
    }

    /** CPU seconds so far of this JVM (all threads) and of its waited-for children; null off Linux. */
    Double usedSoFar() {
        long[] ticks = CpuSources.parseProcessTicks(CpuSources.readText(procSelfStat));
        if (ticks == null) {
            return null;
        }
        long selfNanos = processCpuNanos();
        double self = selfNanos >= 0 ? selfNanos / 1e9 : ticks[0] / (double) CpuSources.USER_HZ;
        return self + ticks[1] / (double) CpuSources.USER_HZ;
    }

    /** This JVM's CPU time in ns (all its threads, clock precision), -1 when the JVM does not say. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static Double delta(Double before, Double after) {
        return before == null || after == null ? null : Math.max(0, after - before);
    }

    /** The latest child reports, for tests. */
    static Map<Long, Long> childDelays() {
        return Map.copyOf(CHILD_DELAYS);
    }
}
