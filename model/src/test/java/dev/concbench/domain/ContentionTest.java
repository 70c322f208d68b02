package dev.concbench.domain;

import dev.concbench.api.v1alpha1.RunCpuUsage;
import dev.concbench.domain.ShardResult.CpuTimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contended rule as a table: each case is one pod's figures for one strategy (wall seconds summed over
 * the repetitions; CPU figures as the kernel reports them) and whether the rule must stay silent or fire.
 * The figures are of the shapes measured (docs/contention.md): on a quiet 2-CPU node and beside busy
 * processes.
 */
class ContentionTest {

    /** One pod: figures per wall second (wall 1 s) unless told, {@code ambient} the sequential row's waited / wall. */
    private static Contention.Pod pod(double wall, double used, Double waited, Double throttled, Double steal,
                                      int runnable, int usable, int cpus, Integer onlineCpus, Double ambient) {
        return new Contention.Pod(wall, new CpuTimes(used, waited, throttled, null, steal), runnable, usable, cpus,
                onlineCpus, ambient);
    }

    /** A pod on 2 CPUs of a 2-CPU machine, no throttling, no steal, over 1 s of wall time. */
    private static Contention.Pod onTwo(double used, double waited, int runnable, int usable, double ambient) {
        return pod(1.0, used, waited, 0.0, 0.0, runnable, usable, 2, 2, ambient);
    }

    static Stream<Arguments> silent() {
        return Stream.of(
                // Under the GIL 80 threads keep one CPU busy and sleep on the GIL: little run-queue wait.
                Arguments.of("GIL threads, quiet", onTwo(1.02, 0.03, 80, 1, 0.01), true),
                Arguments.of("GIL thread-pool of 2, quiet", onTwo(1.0, 0.05, 2, 1, 0.01), true),
                // 80 children on 2 CPUs wait for each other (waited ~ 78 x wall) but get both CPUs.
                Arguments.of("processes, 80 children on 2 CPUs, quiet", onTwo(1.92, 75.0, 80, 2, 0.01), true),
                // Forking and joining 80 children leaves CPUs idle a while: a shortfall, but the waiting is
                // all of the children among themselves (no more than 78 x the time both CPUs were theirs).
                Arguments.of("processes dominated by start-up, quiet", onTwo(1.3, 40.0, 80, 2, 0.01), true),
                Arguments.of("process-pool, quiet", pod(0.5, 0.98, 0.01, 0.0, 0.0, 2, 2, 2, 2, 0.01), true),
                Arguments.of("sequential, quiet", onTwo(0.99, 0.005, 1, 1, 0.005), true),
                // io: the calls sleep; the wake-ups' waiting is no shortfall of CPU.
                Arguments.of("io threads, busy machine", pod(0.3, 0.02, 0.5, 0.0, 0.0, 80, 2, 2, 2, 0.5), false),
                // A 2-CPU limit on an 8-CPU node: 80 children are throttled most of the time, yet get their 2 CPUs.
                Arguments.of("processes under a 2-CPU limit on 8 CPUs", pod(1.0, 1.98, 70.0, 6.0, 0.0, 80, 2, 2, 8, 0.0),
                        true),
                // The noisy node: the sequential baseline (in another cgroup than the busy processes)
                // kept its one CPU.
                Arguments.of("sequential beside busy processes, its CPU kept", onTwo(0.97, 0.03, 1, 1, 0.03), true),
                // Measured on the shared 2-CPU VM at load 22-28 (docs/contention.md), no busy process of ours:
                Arguments.of("measured: GIL threads (40)", onTwo(0.90, 0.56, 40, 1, 0.12), true),
                Arguments.of("measured: GIL thread-pool", onTwo(0.93, 0.50, 2, 1, 0.12), true),
                Arguments.of("measured: CPython processes (40)", onTwo(0.91, 8.94, 40, 2, 0.12), true),
                Arguments.of("measured: CPython processes (40), again", onTwo(1.33, 8.14, 40, 2, 0.06), true),
                Arguments.of("measured: Java threads (40)", onTwo(1.14, 11.46, 40, 2, 0.14), true),
                // 40 child JVMs, each compiling beside its main thread: 80 runnable by design.
                Arguments.of("measured: Java processes (40 JVMs)", onTwo(1.01, 38.58, 80, 2, 0.14), true));
    }

    @ParameterizedTest(name = "{0}: silent")
    @MethodSource("silent")
    void silentWhereTheRowGotTheCpuItCouldUse(String what, Contention.Pod pod, boolean cpuBound) {
        RunCpuUsage usage = Contention.of(List.of(pod), cpuBound);
        assertThat(usage.getContended()).as(what).isFalse();
        assertThat(usage.getContendedReason()).isNull();
    }

    static Stream<Arguments> firing() {
        return Stream.of(
                // The noisy run: the pool got about 1 CPU of 2, each worker runnable half the time,
                // while the sequential baseline kept its CPU.
                Arguments.of("process-pool beside busy processes", onTwo(1.05, 0.92, 2, 2, 0.03),
                        "got 1.05 of 2 CPUs (waited 46 % of its time)"),
                Arguments.of("sequential beside busy processes", onTwo(0.6, 0.4, 1, 1, 0.4),
                        "got 0.60 of 1 CPU (waited 40 % of its time)"),
                Arguments.of("processes beside busy processes", onTwo(1.0, 79.0, 80, 2, 0.01),
                        "got 1.00 of 2 CPUs (waited 99 % of its time)"),
                // A 1.5-CPU limit seen as 2 CPUs: the pool of 2 is throttled a quarter of its time.
                Arguments.of("process-pool throttled by a fractional limit",
                        pod(1.0, 1.5, 0.02, 0.5, 0.0, 2, 2, 2, 8, 0.0),
                        "got 1.50 of 2 CPUs (throttled 25 % of its time by its CPU limit)"),
                Arguments.of("process-pool on a VM whose host steals", pod(1.0, 1.3, 0.05, 0.0, 0.7, 2, 2, 2, 2, 0.0),
                        "got 1.30 of 2 CPUs (the hypervisor stole 35 % of the CPUs)"),
                // Waiting not measurable (no schedstat), throttling explains it.
                Arguments.of("throttled, waiting unknown", pod(1.0, 1.2, null, 0.8, null, 2, 2, 2, 2, null),
                        "got 1.20 of 2 CPUs (throttled 40 % of its time by its CPU limit)"),
                // Measured on the shared 2-CPU VM beside 3 busy processes (docs/contention.md):
                Arguments.of("measured: sequential", onTwo(0.33, 0.68, 1, 1, 0.68),
                        "got 0.33 of 1 CPU (waited 68 % of its time)"),
                Arguments.of("measured: GIL threads (40)", onTwo(0.32, 1.23, 40, 1, 0.68),
                        "got 0.32 of 1 CPU (sequential beside it waited 68 % of its time)"),
                Arguments.of("measured: CPython process-pool", onTwo(0.70, 1.30, 2, 2, 0.68),
                        "got 0.70 of 2 CPUs (waited 65 % of its time)"),
                // 40 children wait for each other anyway: the sequential row witnesses the busy machine.
                Arguments.of("measured: CPython processes (40)", onTwo(1.41, 7.41, 40, 2, 0.68),
                        "got 1.41 of 2 CPUs (sequential beside it waited 68 % of its time)"),
                Arguments.of("measured: Java processes (40 JVMs)", onTwo(0.99, 34.29, 80, 2, 1.02),
                        "got 0.99 of 2 CPUs (sequential beside it waited 100 % of its time)"));
    }

    @ParameterizedTest(name = "{0}: fires")
    @MethodSource("firing")
    void firesWhenTheRowMissedCpuThatWentElsewhere(String what, Contention.Pod pod, String reason) {
        RunCpuUsage usage = Contention.of(List.of(pod), true);
        assertThat(usage.getContended()).as(what).isTrue();
        assertThat(usage.getContendedReason()).isEqualTo(reason);
    }

    @Test
    void theFiguresOfARow() {
        RunCpuUsage usage = Contention.of(List.of(pod(2.0, 2.1, 1.84, 0.4, 0.2, 2, 2, 2, 4, 0.0)), true);
        assertThat(usage.getObtained()).isEqualTo(1.05);
        assertThat(usage.getWaitFraction()).isEqualTo(0.46); // 1.84 / (2 s x 2 runnable)
        assertThat(usage.getThrottledFraction()).isEqualTo(0.1); // 0.4 / (2 s x min(2 runnable, 4 online))
        assertThat(usage.getStealFraction()).isEqualTo(0.025); // 0.2 / (2 s x 4 online)
    }

    @Test
    void podsAddUpAndOneContendedPodFlagsTheRow() {
        Contention.Pod quiet = onTwo(1.96, 0.02, 2, 2, 0.01);
        Contention.Pod starved = pod(1.2, 1.2, 1.1, 0.0, 0.0, 2, 2, 2, 2, 0.02);
        RunCpuUsage usage = Contention.of(List.of(quiet, starved), true);
        assertThat(usage.getObtained()).isEqualTo(2.96); // 1.96 + 1.0 CPUs
        assertThat(usage.getWaitFraction()).isEqualTo(0.255); // 1.12 / (2 + 2.4)
        assertThat(usage.getContended()).isTrue();
        assertThat(usage.getContendedReason()).startsWith("got 2.96 of 4 CPUs");
        assertThat(Contention.of(List.of(quiet, quiet), true).getContended()).isFalse();
    }

    @Test
    void unknownStaysUnknown() {
        // No schedstat (macOS): a row that got its CPUs is not contended; one that did not cannot be judged.
        assertThat(Contention.of(List.of(pod(1.0, 1.95, null, null, null, 2, 2, 2, null, null)), true).getContended())
                .isFalse();
        RunCpuUsage undecided = Contention.of(List.of(pod(1.0, 1.0, null, null, null, 2, 2, 2, null, null)), true);
        assertThat(undecided.getContended()).isNull();
        assertThat(undecided.getObtained()).isEqualTo(1.0);
        assertThat(undecided.getWaitFraction()).isNull();
        assertThat(undecided.getThrottledFraction()).isNull();
        assertThat(undecided.getStealFraction()).isNull();
        // Steal needs the machine's CPUs to be a fraction.
        assertThat(Contention.of(List.of(pod(1.0, 1.95, 0.0, 0.0, 0.5, 2, 2, 2, null, 0.0)), true).getStealFraction())
                .isNull();
        // A format-1 pod (no figures) or no wall time: no CPU figures at all.
        assertThat(Contention.of(List.of(new Contention.Pod(1.0, null, 2, 2, 2, 2, null)), true)).isNull();
        assertThat(Contention.of(List.of(pod(0.0, 0.0, 0.0, 0.0, 0.0, 1, 1, 2, 2, 0.0)), true)).isNull();
        assertThat(Contention.of(List.of(onTwo(1.0, 0.0, 1, 1, 0.0), new Contention.Pod(1.0, null, 1, 1, 2, 2, null)),
                true)).isNull();
    }

    /**
     * A sub-millisecond row: the kernels write CPU times to the millisecond, so 0.3 ms of sequential work
     * read 0.000 s used, and the row "obtained 0.00 CPUs", not contended (seen in LocalRunnerTest's 2-pod
     * run on a quiet machine); or 1.67 CPUs of 1. Too short to say: no CPU figures, like a format-1 kernel.
     */
    @Test
    void aRowTooShortForCpuTimesToTheMillisecondHasNoCpuFigures() {
        assertThat(Contention.of(List.of(pod(0.0003, 0.0, 0.0, 0.0, 0.0, 1, 1, 2, 2, 0.0)), true)).isNull();
        assertThat(Contention.of(List.of(pod(0.0006, 0.001, 0.0, 0.0, 0.0, 1, 1, 2, 2, 0.0)), true)).isNull();
        assertThat(Contention.of(List.of(onTwo(1.0, 0.0, 1, 1, 0.0), pod(0.004, 0.004, 0.0, 0.0, 0.0, 1, 1, 2, 2, 0.0)),
                true)).as("one pod too short").isNull();
        RunCpuUsage atTheLeast = Contention.of(List.of(pod(Contention.MIN_WALL_SECONDS, 0.010, 0.0, 0.0, 0.0, 1, 1, 2, 2,
                0.0)), true);
        assertThat(atTheLeast.getObtained()).isEqualTo(1.0);
        assertThat(atTheLeast.getContended()).isFalse();
    }
}
