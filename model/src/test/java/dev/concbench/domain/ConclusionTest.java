package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.EnvironmentStatus;
import dev.concbench.api.v1alpha1.KernelInfo;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConclusionTest {

    private static ResultRow row(String strategy, int pods, double speedup) {
        ResultRow r = new ResultRow();
        r.setStrategy(strategy);
        r.setPods(pods);
        r.setWorkers(0);
        r.setSpeedup(speedup);
        return r;
    }

    private static ConcurrencyBenchmarkStatus status(KernelInfo kernel, ResultRow... rows) {
        ConcurrencyBenchmarkStatus s = new ConcurrencyBenchmarkStatus();
        s.setResults(List.of(rows));
        EnvironmentStatus env = new EnvironmentStatus();
        env.setRuntime("python");
        env.setRuntimeVersion("3.11.7");
        env.setCpus(List.of(2));
        env.setKernel(kernel);
        s.setEnvironment(env);
        return s;
    }

    private static ConcurrencyBenchmarkSpec spec(WorkloadType type) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(type, 100, 80));
        return spec;
    }

    @Test
    void theClassicUnderTheGilSaysUseProcesses() {
        KernelInfo gil = new KernelInfo("cpython", "3.11.7", false, true, false, "fork");
        String line = Conclusion.of(spec(WorkloadType.CPU), status(gil, row("sequential", 1, 1.0),
                row("threads", 1, 0.89), row("thread-pool", 1, 0.97), row("process-pool", 1, 2.0))).orElseThrow();
        assertThat(line).isEqualTo("cpu-bound on python 3.11.7 (GIL enabled): threads 0.89x, thread-pool 0.97x, "
                + "process-pool 2.00x on 2 CPUs: use processes");
    }

    @Test
    void freeThreadedThreadsAndIoSayUseThreads() {
        KernelInfo noGil = new KernelInfo("cpython", "3.13.5", true, false, false, null);
        assertThat(Conclusion.of(spec(WorkloadType.CPU), status(noGil, row("threads", 1, 1.8),
                row("process-pool", 1, 1.7))).orElseThrow())
                .isEqualTo("cpu-bound on python 3.11.7 (free-threaded, GIL disabled): threads 1.80x, "
                        + "process-pool 1.70x on 2 CPUs: use threads");
        assertThat(Conclusion.of(spec(WorkloadType.IO), status(null, row("asyncio", 1, 60.0),
                row("threads", 1, 55.0))).orElseThrow()).endsWith("asyncio 60.00x, threads 55.00x on 2 CPUs: use asyncio");
    }

    @Test
    void whenNothingBeatsSequentialItSaysSoAndMorePodsAreNamed() {
        assertThat(Conclusion.of(spec(WorkloadType.CPU), status(null, row("threads", 1, 1.05))).orElseThrow())
                .endsWith("threads 1.05x on 2 CPUs: nothing beats sequential by 1.2x");
        assertThat(Conclusion.of(spec(WorkloadType.CPU), status(null, row("sequential", 4, 3.9),
                row("threads", 1, 0.9))).orElseThrow()).endsWith("sequential@pods=4 3.90x, threads 0.90x on 2 CPUs: "
                + "use more pods");
    }

    private static ResultRow contended(ResultRow row, String reason) {
        row.setContended(true);
        row.setContendedReason(reason);
        return row;
    }

    @Test
    void aContendedRowTheConclusionRestsOnMakesItInconclusive() {
        KernelInfo gil = new KernelInfo("cpython", "3.11.7", false, true, false, "fork");
        // The noisy run: the pool got half the CPUs; without the flag the line said processes do not help.
        ConcurrencyBenchmarkStatus noisy = status(gil, row("sequential", 1, 1.0), row("threads", 1, 0.94),
                contended(row("process-pool", 1, 0.95), "got 1.05 of 2 CPUs (waited 46 % of its time)"));
        String why = "inconclusive: process-pool got 1.05 of 2 CPUs (waited 46 % of its time): rerun on a quiet node, "
                + "or with requests equal to limits in whole CPUs";
        assertThat(Conclusion.of(spec(WorkloadType.CPU), noisy).orElseThrow())
                .isEqualTo("cpu-bound on python 3.11.7 (GIL enabled): threads 0.94x, process-pool 0.95x on 2 CPUs: " + why);
        assertThat(Conclusion.inconclusive(spec(WorkloadType.CPU), noisy)).contains(why);

        // The baseline contended: every speedup rests on it.
        ConcurrencyBenchmarkStatus slowBaseline = status(gil,
                contended(row("sequential", 1, 1.0), "got 0.60 of 1 CPU (waited 40 % of its time)"),
                row("process-pool", 1, 3.1));
        assertThat(Conclusion.of(spec(WorkloadType.CPU), slowBaseline).orElseThrow())
                .endsWith("process-pool 3.10x on 2 CPUs: inconclusive: sequential got 0.60 of 1 CPU (waited 40 % of its "
                        + "time): rerun on a quiet node, or with requests equal to limits in whole CPUs");
    }

    @Test
    void aContendedRowTheConclusionDoesNotNameLeavesItStanding() {
        // processes on 2 pods is that strategy's best row; the contended single-pod one is not named.
        ConcurrencyBenchmarkStatus sweep = status(null, row("sequential", 1, 1.0),
                contended(row("processes", 1, 1.1), "got 1.20 of 2 CPUs (waited 80 % of its time)"),
                row("processes", 2, 3.8));
        assertThat(Conclusion.inconclusive(spec(WorkloadType.CPU), sweep)).isEmpty();
        assertThat(Conclusion.of(spec(WorkloadType.CPU), sweep).orElseThrow()).endsWith("processes@pods=2 3.80x on 2 CPUs: "
                + "use processes on 2 pods");
        // A contended sequential row of another pod count is no baseline.
        ConcurrencyBenchmarkStatus pods = status(null, row("sequential", 1, 1.0),
                contended(row("sequential", 2, 1.5), "got 1.00 of 2 CPUs (waited 50 % of its time)"),
                row("sequential", 4, 3.9));
        assertThat(Conclusion.inconclusive(spec(WorkloadType.CPU), pods)).isEmpty();
    }

    @Test
    void aSweepOverRuntimesWithholdsTheFastestOfAllWhenItRestsOnAContendedRow() {
        ResultRow cpythonSeq = row("sequential", 1, 1.0);
        cpythonSeq.setRuntime("cpython-3.11");
        ResultRow cpythonPool = contended(row("process-pool", 1, 1.1), "got 1.10 of 2 CPUs (waited 40 % of its time)");
        cpythonPool.setRuntime("cpython-3.11");
        ResultRow pypySeq = row("sequential", 1, 1.0);
        pypySeq.setRuntime("pypy-3.11");
        ResultRow pypyPool = row("process-pool", 1, 1.9);
        pypyPool.setRuntime("pypy-3.11");
        pypyPool.setMedian(0.1);
        pypyPool.setRelativeToFirstRuntime(24.1);
        cpythonPool.setMedian(2.0);
        cpythonSeq.setMedian(2.2);
        pypySeq.setMedian(0.19);
        ConcurrencyBenchmarkStatus status = status(null, cpythonSeq, cpythonPool, pypySeq, pypyPool);
        dev.concbench.api.v1alpha1.RuntimeEnvironment cpython = new dev.concbench.api.v1alpha1.RuntimeEnvironment();
        cpython.setRuntime("cpython-3.11");
        dev.concbench.api.v1alpha1.RuntimeEnvironment pypy = new dev.concbench.api.v1alpha1.RuntimeEnvironment();
        pypy.setRuntime("pypy-3.11");
        status.getEnvironment().setRuntimes(List.of(cpython, pypy));
        status.setFastest("pypy-3.11/process-pool");

        String line = Conclusion.of(spec(WorkloadType.CPU), status).orElseThrow();
        assertThat(line).startsWith("cpu-bound on cpython-3.11: process-pool 1.10x on 2 CPUs: inconclusive: "
                + "cpython-3.11/process-pool got 1.10 of 2 CPUs")
                .contains("; cpu-bound on pypy-3.11: process-pool 1.90x on 2 CPUs: use processes; ")
                .endsWith("; fastest of all: pypy-3.11/process-pool (24.10x cpython-3.11's sequential)");
        assertThat(Conclusion.inconclusive(spec(WorkloadType.CPU), status)).isPresent();

        contended(cpythonSeq, "got 0.50 of 1 CPU (waited 50 % of its time)");
        assertThat(Conclusion.of(spec(WorkloadType.CPU), status).orElseThrow()).endsWith("; fastest of all: "
                + "pypy-3.11/process-pool, inconclusive (it or cpython-3.11's sequential was contended)");
    }

    @Test
    void noSpeedupsNoConclusion() {
        assertThat(Conclusion.of(spec(WorkloadType.CPU), status(null, row("sequential", 1, 1.0)))).isEmpty();
    }
}
