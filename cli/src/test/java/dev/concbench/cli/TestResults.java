package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.EnvironmentStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RowCpuUsage;

import java.util.List;

/** Result rows and statuses made up for the report, compare and export tests. */
final class TestResults {

    private TestResults() {
    }

    static ResultRow row(String strategy, int pods, int workers, double parallelism, List<Double> samples,
                                 double speedup, double error) {
        ResultRow r = new ResultRow();
        r.setStrategy(strategy);
        r.setPods(pods);
        r.setWorkers(workers);
        r.setParallelism(parallelism);
        r.setSamples(samples);
        double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        r.setMean(mean);
        r.setMedian(samples.stream().sorted().toList().get(samples.size() / 2));
        r.setCiLow(mean - 0.05);
        r.setCiHigh(mean + 0.05);
        r.setSpeedup(speedup);
        r.setSpeedupError(error);
        r.setEfficiency(speedup / parallelism);
        r.setUnstable(false);
        return r;
    }

    /** {@code row} with the CPU figures a format-2 kernel gives: {@code obtained} CPUs, contended when a reason is given. */
    static ResultRow cpu(ResultRow row, double obtained, String contendedReason) {
        RowCpuUsage cpu = new RowCpuUsage();
        cpu.setObtained(obtained);
        cpu.setWaitFraction(contendedReason == null ? 0.01 : 0.46);
        cpu.setThrottledFraction(0.0);
        cpu.setStealFraction(0.0);
        cpu.setEfficiency(row.getSpeedup() == null ? null : Math.round(row.getSpeedup() / obtained * 1000) / 1000.0);
        row.setCpu(cpu);
        row.setContended(contendedReason != null);
        row.setContendedReason(contendedReason);
        return row;
    }

    static ConcurrencyBenchmarkStatus status(ResultRow... rows) {
        ConcurrencyBenchmarkStatus s = new ConcurrencyBenchmarkStatus();
        s.setPhase(Phase.Succeeded);
        s.setResults(List.of(rows));
        s.setFastest(rows[rows.length - 1].getStrategy());
        return s;
    }

    /** What a local run of CPython 3.11.7 on 2 CPUs of this node reports. */
    static EnvironmentStatus environment(String node) {
        EnvironmentStatus env = new EnvironmentStatus();
        env.setRuntime("python");
        env.setRuntimeVersion("3.11.7");
        env.setCpus(List.of(2));
        env.setNodes(List.of(node));
        return env;
    }
}
