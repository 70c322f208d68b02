package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.EnvironmentStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.Conditions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultTableTest {

    private static ResultRow row(String strategy, int pods, int workers, Integer poolSize, double median,
                                 double stddev, Double speedup, Double error, Double efficiency, double tps,
                                 boolean unstable) {
        ResultRow r = new ResultRow();
        r.setStrategy(strategy);
        r.setPods(pods);
        r.setWorkers(workers);
        r.setPoolSize(poolSize);
        r.setMedian(median);
        r.setStddev(stddev);
        r.setSpeedup(speedup);
        r.setSpeedupError(error);
        r.setEfficiency(efficiency);
        r.setTasksPerSecond(tps);
        r.setUnstable(unstable);
        return r;
    }

    private static ConcurrencyBenchmark classic() {
        ConcurrencyBenchmark cb = LocalRunnerTest.benchmark("classic", WorkloadType.CPU, 400, 80, 1,
                StrategyName.CLASSIC);
        cb.getSpec().setRepetitions(3);
        cb.getSpec().setWarmup(1);
        return cb;
    }

    private static ConcurrencyBenchmarkStatus succeeded() {
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        status.setPhase(Phase.Succeeded);
        EnvironmentStatus env = TestResults.environment("local");
        status.setEnvironment(env);
        status.setResults(List.of(
                row("sequential", 1, 0, null, 1.061, 0.0099, 1.0, 0.008, 1.0, 75.4, false),
                row("threads", 1, 0, null, 12.5, 0.043, 0.085, 0.0071, 0.0425, 6.4, false),
                row("process-pool", 1, 0, 2, 0.489, 0.065, 2.17, 0.2, 1.085, 163.4, true)));
        status.setFastest("process-pool");
        status.setFastestSpeedup(2.17);
        return status;
    }

    @Test
    void rendersAHeaderAlignedRowsAndTheFastest() {
        String table = ResultTable.render(classic(), succeeded());
        List<String> lines = table.lines().toList();

        assertThat(lines.get(0)).isEqualTo(
                "classic: python 3.11.7, cpu n=400 x 80 tasks, CPUs seen 2, 3 repetitions (+1 warmup): Succeeded");
        assertThat(lines.get(1)).isEmpty();
        assertThat(lines.subList(2, 6)).containsExactly(
                "STRATEGY      PODS   WORKERS  MEDIAN s  ±STDDEV  SPEEDUP  ±ERR   EFFICIENCY  TASKS/s",
                "sequential       1         -     1.061  ±0.010      1.00  ±0.01        100%     75.4",
                "threads          1         -    12.500  ±0.043      0.09  ±0.01          4%      6.4",
                "process-pool     1  2 (auto)     0.489  ±0.065      2.17  ±0.20        109%    163.4  unstable");
        assertThat(lines.get(6)).startsWith("unstable: the standard deviation exceeds 10% of the mean");
        assertThat(lines.get(7)).isEqualTo(
                "fastest: process-pool (pool size 2), speedup 2.17 ±0.20 over the single-pod sequential baseline");
        assertThat(lines).hasSize(8);
    }

    @Test
    void showsTheCpusEachRowObtainedAndFlagsAContendedRowWithAFootnote() {
        ConcurrencyBenchmarkStatus status = succeeded();
        List<ResultRow> rows = status.getResults();
        TestResults.cpu(rows.get(0), 0.99, null);
        TestResults.cpu(rows.get(1), 1.01, null);
        TestResults.cpu(rows.get(2), 1.05, "got 1.05 of 2 CPUs (waited 46 % of its time)");
        status.getEnvironment().setCgroup("v1");
        status.getEnvironment().setExclusiveCpus(false);

        List<String> lines = ResultTable.render(classic(), status).lines().toList();

        // the table without CPU figures (rendersAHeaderAlignedRowsAndTheFastest), a CPUS column added
        List<String> without = ResultTable.render(classic(), succeeded()).lines().toList();
        assertThat(lines.subList(2, 6)).containsExactly(
                without.get(2) + "  CPUS",
                without.get(3) + "  0.99",
                without.get(4) + "  1.01",
                without.get(5).replace("  unstable", "  1.05  unstable, contended"));
        assertThat(lines.get(7)).startsWith("contended: the row could not get the CPUs it could use");
        assertThat(lines.get(8)).isEqualTo("  process-pool: got 1.05 of 2 CPUs (waited 46 % of its time)");
        assertThat(lines.get(9)).isEqualTo("CPUS: CPUs obtained (CPU time / wall time, summed over the pods); cgroup v1, "
                + "CPUs shared with the machine");
        // An older kernel's result (no CPU figures): the table as before, no CPUS column.
        assertThat(ResultTable.render(classic(), succeeded())).doesNotContain("CPUS", "contended");
    }

    @Test
    void rightAlignsNumbersUnderTheirHeadings() {
        List<String> lines = ResultTable.render(classic(), succeeded()).lines().toList();
        String header = lines.get(2);
        for (String heading : List.of("PODS", "MEDIAN s", "SPEEDUP", "EFFICIENCY", "TASKS/s")) {
            int end = header.indexOf(heading) + heading.length();
            for (String line : lines.subList(3, 6)) {
                assertThat(line.charAt(end - 1)).as(heading + " in " + line).isNotEqualTo(' ');
                assertThat(line.length() == end || line.charAt(end) == ' ').as(heading + " in " + line).isTrue();
            }
        }
    }

    @Test
    void showsPodsOfTheFastestWhenASingleRunHasSeveralPodCounts() {
        ConcurrencyBenchmarkStatus status = succeeded();
        status.setResults(List.of(
                row("sequential", 1, 0, null, 1.0, 0.01, 1.0, 0.01, 1.0, 80.0, false),
                row("sequential", 2, 0, null, 0.5, 0.01, 2.0, 0.05, 1.0, 160.0, false)));
        status.setFastest("sequential");
        status.setFastestSpeedup(2.0);
        assertThat(ResultTable.render(classic(), status))
                .contains("fastest: sequential (pods=2), speedup 2.00 ±0.05 over the single-pod sequential baseline");
    }

    @Test
    void showsTheFailure() {
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        status.setPhase(Phase.Failed);
        Conditions.set(status.getConditions(), Conditions.FAILED, true, "PodFailed",
                "pod classic-g1-r0-0 failed: exit code 3: concbench-kernel: boom", 1, Instant.EPOCH);
        String table = ResultTable.render(classic(), status);
        assertThat(table).isEqualTo("classic: python, cpu n=400 x 80 tasks, 3 repetitions (+1 warmup): Failed\n"
                + "failed: PodFailed: pod classic-g1-r0-0 failed: exit code 3: concbench-kernel: boom\n");
    }

    @Test
    void aSweepOverRuntimesShowsEachRowsRuntimeAndItsTimeAgainstTheFirstRuntimesSequential() {
        ConcurrencyBenchmarkStatus status = succeeded();
        ResultRow pypy = row("sequential", 1, 0, null, 0.1, 0.001, 1.0, 0.01, 1.0, 800.0, false);
        pypy.setRuntime("pypy-3.11");
        pypy.setRelativeToFirstRuntime(10.61);
        ResultRow cpython = row("sequential", 1, 0, null, 1.061, 0.0099, 1.0, 0.008, 1.0, 75.4, false);
        cpython.setRuntime("cpython-3.11");
        cpython.setRelativeToFirstRuntime(1.0);
        status.setResults(List.of(cpython, pypy));
        status.setFastest("pypy-3.11/sequential");
        status.setFastestSpeedup(1.0);

        String table = ResultTable.render(classic(), status);
        String markdown = MarkdownReport.results("classic", status);

        assertThat(table).contains("RUNTIME       STRATEGY", "VS FIRST")
                .containsPattern("cpython-3.11 +sequential .* 1\\.00x")
                .containsPattern("pypy-3.11 +sequential .* 10\\.61x")
                .contains("fastest: pypy-3.11/sequential, speedup 1.00 ±0.01 over the single-pod sequential baseline "
                        + "of pypy-3.11");
        assertThat(markdown).contains("| runtime | strategy |", "| pypy-3.11 | sequential |", "| 10.61x |");
    }
}
