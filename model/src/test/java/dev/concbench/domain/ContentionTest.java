package dev.concbench.domain;

import dev.concbench.api.v1alpha1.RunCpuUsage;
import dev.concbench.domain.KernelResult.CpuTimes;
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

    private static Contention.Pod pod(double wall, double used, Double waited, Double throttled, Double steal,
                                      int inFlight, int cpus, Integer onlineCpus) {
        return new Contention.Pod(wall, new CpuTimes(used, waited, throttled, null, steal), inFlight, cpus, onlineCpus);
    }

    static Stream<Arguments> silent() {
        return Stream.of(
                // Under the GIL 80 threads get about 1 CPU of 2 and sleep on the GIL: little run-queue wait.
                Arguments.of("GIL threads, quiet", pod(1.0, 1.02, 0.03, 0.0, 0.0, 80, 2, 2), true),
                Arguments.of("GIL thread-pool of 2, quiet", pod(1.0, 1.0, 0.05, 0.0, 0.0, 2, 2, 2), true),
                // 80 children on 2 CPUs wait for each other (waited ~ 78 x wall) but get both CPUs.
                Arguments.of("processes, 80 children on 2 CPUs, quiet", pod(0.6, 1.15, 45.0, 0.0, 0.0, 80, 2, 2), true),
                // Forking and joining 80 children leaves CPUs idle a while: a shortfall, but the waiting is
                // all of the children among themselves (no more than 78 x the time both CPUs were theirs).
                Arguments.of("processes dominated by start-up, quiet", pod(1.0, 1.3, 40.0, 0.0, 0.0, 80, 2, 2), true),
                Arguments.of("process-pool, quiet", pod(0.5, 0.98, 0.01, 0.0, 0.0, 2, 2, 2), true),
                Arguments.of("sequential, quiet", pod(1.0, 0.99, 0.005, 0.0, 0.0, 1, 2, 2), true),
                // io: the calls sleep; the wake-ups' waiting is no shortfall of CPU.
                Arguments.of("io threads, busy machine", pod(0.3, 0.02, 0.5, 0.0, 0.0, 80, 2, 2), false),
                // A 2-CPU limit on an 8-CPU node: 80 children are throttled most of the time, yet get their 2 CPUs.
                Arguments.of("processes under a 2-CPU limit on 8 CPUs", pod(1.0, 1.98, 70.0, 6.0, 0.0, 80, 2, 8), true),
                // The sequential baseline beside busy processes in another cgroup: it still had its one CPU.
                Arguments.of("sequential beside busy processes (its CPU kept)", pod(1.0, 0.97, 0.03, 0.0, 0.0, 1, 2, 2),
                        true));
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
                // The noisy run: the pool got about 1 CPU of 2, each worker runnable half the time.
                Arguments.of("process-pool beside busy processes", pod(1.0, 1.05, 0.92, 0.0, 0.0, 2, 2, 2),
                        "got 1.05 of 2 CPUs (waited 46 % of its time)"),
                Arguments.of("sequential beside busy processes", pod(1.0, 0.6, 0.4, 0.0, 0.0, 1, 2, 2),
                        "got 0.60 of 1 CPU (waited 40 % of its time)"),
                Arguments.of("processes beside busy processes", pod(1.0, 1.0, 79.0, 0.0, 0.0, 80, 2, 2),
                        "got 1.00 of 2 CPUs (waited 99 % of its time)"),
                // A 1.5-CPU limit seen as 2 CPUs: the pool of 2 is throttled a quarter of its time.
                Arguments.of("process-pool throttled by a fractional limit", pod(1.0, 1.5, 0.02, 0.5, 0.0, 2, 2, 8),
                        "got 1.50 of 2 CPUs (throttled 25 % of its time by its CPU limit)"),
                Arguments.of("process-pool on a VM whose host steals", pod(1.0, 1.3, 0.05, 0.0, 0.7, 2, 2, 2),
                        "got 1.30 of 2 CPUs (the hypervisor stole 35 % of the CPUs)"),
                // Waiting not measurable (no schedstat), throttling explains it.
                Arguments.of("throttled, waiting unknown", pod(1.0, 1.2, null, 0.8, null, 2, 2, 2),
                        "got 1.20 of 2 CPUs (throttled 40 % of its time by its CPU limit)"));
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
        RunCpuUsage usage = Contention.of(List.of(pod(2.0, 2.1, 1.84, 0.4, 0.2, 2, 2, 4)), true);
        assertThat(usage.getObtained()).isEqualTo(1.05);
        assertThat(usage.getWaitFraction()).isEqualTo(0.46); // 1.84 / (2 s x 2 in flight)
        assertThat(usage.getThrottledFraction()).isEqualTo(0.1); // 0.4 / (2 s x min(2 in flight, 4 online))
        assertThat(usage.getStealFraction()).isEqualTo(0.025); // 0.2 / (2 s x 4 online)
    }

    @Test
    void podsAddUpAndOneContendedPodFlagsTheRow() {
        Contention.Pod quiet = pod(1.0, 1.96, 0.02, 0.0, 0.0, 2, 2, 2);
        Contention.Pod starved = pod(1.2, 1.2, 1.1, 0.0, 0.0, 2, 2, 2);
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
        assertThat(Contention.of(List.of(pod(1.0, 1.95, null, null, null, 2, 2, null)), true).getContended()).isFalse();
        RunCpuUsage undecided = Contention.of(List.of(pod(1.0, 1.0, null, null, null, 2, 2, null)), true);
        assertThat(undecided.getContended()).isNull();
        assertThat(undecided.getObtained()).isEqualTo(1.0);
        assertThat(undecided.getWaitFraction()).isNull();
        assertThat(undecided.getThrottledFraction()).isNull();
        assertThat(undecided.getStealFraction()).isNull();
        // Steal needs the machine's CPUs to be a fraction.
        assertThat(Contention.of(List.of(pod(1.0, 1.95, 0.0, 0.0, 0.5, 2, 2, null)), true).getStealFraction()).isNull();
        // A format-1 pod (no figures) or no wall time: no CPU figures at all.
        assertThat(Contention.of(List.of(new Contention.Pod(1.0, null, 2, 2, 2)), true)).isNull();
        assertThat(Contention.of(List.of(pod(0.0, 0.0, 0.0, 0.0, 0.0, 1, 2, 2)), true)).isNull();
        assertThat(Contention.of(List.of(pod(1.0, 1.0, 0.0, 0.0, 0.0, 1, 2, 2),
                new Contention.Pod(1.0, null, 1, 2, 2)), true)).isNull();
    }
}
