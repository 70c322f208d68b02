package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CpuMeter over fixture files that change between the two ends of an interval, then over real strategies. */
class CpuMeterTest {

    @TempDir
    Path dir;

    private Path cgroup;
    private Path tasks;
    private Path procStat;
    private Path procSelfStat;

    @BeforeEach
    void fixtures() throws IOException {
        cgroup = dir.resolve("cgroup");
        tasks = dir.resolve("task");
        procStat = dir.resolve("stat");
        procSelfStat = dir.resolve("self-stat");
        state(1000, 5_000_000, 700, Map.of(1L, 10L, 2L, 20L), 500, 100);
    }

    /** The fixture files: cgroup cpu.stat and cpu.pressure, /proc/stat, /proc/self/task/*, /proc/self/stat. */
    private void state(long throttledUsec, long pressureUs, long stealTicks, Map<Long, Long> delays, long selfTicks,
                       long childTicks) throws IOException {
        write(cgroup.resolve("cpu.stat"), "usage_usec 9\nthrottled_usec " + throttledUsec + "\n");
        write(cgroup.resolve("cpu.pressure"), "some avg10=1.00 avg60=0.00 avg300=0.00 total=" + pressureUs
                + "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        write(procStat, "cpu  1 2 3 4 5 6 7 " + stealTicks + " 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n");
        if (Files.isDirectory(tasks)) {
            try (Stream<Path> files = Files.walk(tasks)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
        for (Map.Entry<Long, Long> thread : delays.entrySet()) {
            write(tasks.resolve(thread.getKey() + "/schedstat"), "1000 " + thread.getValue() + " 3\n");
        }
        write(procSelfStat, "42 (java) S 1 42 42 0 -1 0 0 0 0 0 " + selfTicks + " 0 " + childTicks + " 0 20 0 3 0\n");
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private CpuMeter meter() {
        return new CpuMeter(new Cgroup("v2", cgroup), procStat, tasks, procSelfStat);
    }

    @Test
    void theFiguresAreTheDeltasSummedOverTheIntervals() throws IOException {
        CpuMeter meter = meter();
        CpuMeter.Sample began = meter.begin();
        CpuMeter.childReported(4242, "2000000000");
        CpuMeter.childReported(4242, "1000000000"); // an earlier report read later: the largest counts
        CpuMeter.childReported(4243, "500000000");
        state(251_000, 6_500_000, 730, Map.of(1L, 10L + 500_000_000L, 3L, 7L), 500, 150);
        meter.end("s", began);
        CpuFigures figures = meter.totals().get("s");
        assertThat(figures.waited()).isCloseTo(3.000000007, within(1e-12));
        assertThat(figures.throttled()).isCloseTo(0.25, within(1e-12));
        assertThat(figures.stalled()).isCloseTo(1.5, within(1e-12));
        assertThat(figures.steal()).isCloseTo(0.3, within(1e-12));
        // the children's ticks (50 = 0.5 s) and this JVM's own CPU time over the interval (the JVM's clock)
        assertThat(figures.used()).isBetween(0.5, 0.6);

        began = meter.begin(); // a second measured repetition adds up; the reports are cleared
        assertThat(CpuMeter.childDelays()).isEmpty();
        state(252_000, 6_500_000, 731, Map.of(1L, 10L + 1_500_000_000L, 3L, 7L), 500, 150);
        meter.end("s", began);
        assertThat(meter.totals().get("s").waited()).isCloseTo(4.000000007, within(1e-12));
        assertThat(meter.totals().get("s").throttled()).isCloseTo(0.251, within(1e-12));
        assertThat(meter.totals().get("s").steal()).isCloseTo(0.31, within(1e-12));
    }

    @Test
    void oneUnknownIntervalMakesTheStrategyUnknown() throws IOException {
        CpuMeter meter = meter();
        meter.end("s", meter.begin());
        Files.delete(cgroup.resolve("cpu.pressure"));
        meter.end("s", meter.begin());
        assertThat(meter.totals().get("s").stalled()).isNull();
        assertThat(meter.totals().get("s").throttled()).isEqualTo(0.0);
        CpuMeter.Sample began = meter.begin();
        CpuMeter.childReported(5, "-"); // a child without schedstat
        meter.end("t", began);
        assertThat(meter.totals().get("t").waited()).isNull();
    }

    @Test
    void offLinuxNothingIsKnown() {
        Path missing = dir.resolve("missing");
        CpuMeter meter = new CpuMeter(Cgroup.NONE, missing, missing, missing);
        meter.end("s", meter.begin());
        assertThat(meter.totals().get("s")).isEqualTo(CpuFigures.UNKNOWN);
    }

    @Test
    void runDelaysAreUnknownWithoutSchedstatAccounting() throws IOException {
        state(0, 0, 0, Map.of(1L, 0L, 2L, 0L), 0, 0);
        Files.writeString(tasks.resolve("1/schedstat"), "0 0 0\n");
        Files.writeString(tasks.resolve("2/schedstat"), "0 0 0\n");
        assertThat(CpuMeter.taskRunDelays(tasks)).isNull();
        assertThat(CpuSources.taskSchedstats(tasks)).hasSize(2); // a child's own: as read
        assertThat(CpuMeter.taskRunDelays(dir.resolve("missing"))).isNull();
    }

    @Test
    void anEndedThreadStillListedIsCountedOnce() {
        long s = 1_000_000_000L;
        assertThat(CpuMeter.waited(Map.of(1L, 5L), Map.of(1L, s + 5, 2L, s), List.of(new long[] {2, s - 50}), Map.of()))
                .isEqualTo(2.0);
        assertThat(CpuMeter.waited(Map.of(1L, 5L, 2L, s), Map.of(1L, 5L), List.of(new long[] {2, 3 * s}), Map.of()))
                .isEqualTo(2.0);
        assertThat(CpuMeter.waited(null, Map.of(1L, 5L), List.of(), Map.of())).isNull();
    }

    @Test
    void realStrategiesAreMeasuredOnLinux() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/proc/thread-self/schedstat")), "Linux");
        List<Strategy> strategies = Strategy.DEFAULTS.stream().map(name -> Strategy.named(name, ChildJvm.current())).toList();
        BenchmarkRun.Outcome outcome = new BenchmarkRun(strategies, new Workload(Workload.Kind.CPU, 2000),
                new int[] {0, 1, 2, 3}, 2, 1, 0, new CpuMeter(Cgroup.NONE, Path.of("/proc/stat"))).run();
        assertThat(outcome.cpu()).containsOnlyKeys(Strategy.DEFAULTS);
        outcome.cpu().forEach((name, figures) -> {
            assertThat(figures.used()).as(name).isPositive();
            assertThat(figures.waited()).as(name).isNotNull();
            assertThat(figures.steal()).as(name).isNotNull();
            assertThat(figures.throttled()).as(name).isNull(); // no cgroup given
        });
        // the child JVMs, reaped inside the interval, count: starting one costs tens of ms of CPU
        assertThat(outcome.cpu().get("processes").used() / 4).isGreaterThan(0.02);
        assertThat(CpuMeter.childDelays()).hasSize(2); // both pool workers reported (the last interval's)
    }
}
