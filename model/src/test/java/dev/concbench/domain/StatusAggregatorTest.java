package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.RunCpuUsage;
import dev.concbench.api.v1alpha1.KernelInfo;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StatusAggregatorTest {

    private static ConcurrencyBenchmarkSpec spec(WorkloadType type, int tasks) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setRuntime(Runtime.PYTHON);
        spec.setWorkload(new WorkloadSpec(type, type == WorkloadType.CPU ? 1000 : 100, tasks));
        return spec;
    }

    private static RunStatus run(int index, int pods, int workers, List<Integer> cpus, List<String> nodes,
                                 Map<String, List<Double>> samples) {
        RunStatus run = new RunStatus();
        run.setIndex(index);
        run.setPods(pods);
        run.setWorkers(workers);
        run.setStrategies(new ArrayList<>(samples.keySet()));
        run.setState(RunState.Succeeded);
        run.setSamples(samples);
        run.setCpus(cpus);
        run.setNodes(nodes);
        run.setRuntimeVersion("3.11.7");
        return run;
    }

    private static Map<String, List<Double>> samples(Object... strategyAndSamples) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        for (int i = 0; i < strategyAndSamples.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Double> values = (List<Double>) strategyAndSamples[i + 1];
            m.put((String) strategyAndSamples[i], values);
        }
        return m;
    }

    private static ConcurrencyBenchmarkStatus status(RunStatus... runs) {
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        status.setRuns(new ArrayList<>(List.of(runs)));
        return status;
    }

    private static ResultRow row(ConcurrencyBenchmarkStatus status, String strategy, int pods, int workers) {
        return status.getResults().stream()
                .filter(r -> r.getStrategy().equals(strategy) && r.getPods() == pods && r.getWorkers() == workers)
                .findFirst().orElseThrow(() -> new AssertionError("no row " + strategy + " " + pods + " " + workers));
    }

    /** A sweep over pods (1, 2) on cpu work with 8 tasks. */
    private static ConcurrencyBenchmarkStatus cpuSweep() {
        RunStatus single = run(0, 1, 0, List.of(2), List.of("node-a"), samples(
                "sequential", List.of(4.0, 4.2, 3.8),
                "threads", List.of(4.4, 4.0, 4.2),
                "thread-pool", List.of(2.0, 2.2, 2.1)));
        RunStatus twoPods = run(1, 2, 4, List.of(2, 3), List.of("node-a", "node-b"), samples(
                "sequential", List.of(2.0, 2.0, 2.0),
                "thread-pool", List.of(1.0, 1.0, 1.0)));
        return status(single, twoPods);
    }

    /** These runs aggregated as the status of a cpu benchmark of 8 tasks. */
    private static ConcurrencyBenchmarkStatus aggregatedCpu(RunStatus... runs) {
        return aggregateCpu(status(runs));
    }

    /** {@code status} aggregated (again) as the status of a cpu benchmark of 8 tasks. */
    private static ConcurrencyBenchmarkStatus aggregateCpu(ConcurrencyBenchmarkStatus status) {
        StatusAggregator.aggregate(spec(WorkloadType.CPU, 8), status);
        return status;
    }

    /** A run of one pod on a 2-CPU node that has no samples (yet). */
    private static RunStatus unmeasured(int index, int pods, RunState state) {
        RunStatus run = run(index, pods, 0, List.of(2), List.of("n"), samples("sequential", List.of(1.0)));
        run.setState(state);
        run.setSamples(null);
        return run;
    }

    @Test
    void oneRowPerStrategyPodsAndWorkers() {
        ConcurrencyBenchmarkStatus status = aggregateCpu(cpuSweep());

        assertThat(status.getResults()).extracting(r -> r.getStrategy() + "/" + r.getPods() + "/" + r.getWorkers())
                .containsExactly("sequential/1/0", "threads/1/0", "thread-pool/1/0", "sequential/2/4",
                        "thread-pool/2/4");
    }

    @Test
    void rowStatisticsSpeedupErrorAndEfficiency() {
        ConcurrencyBenchmarkStatus status = aggregateCpu(cpuSweep());

        ResultRow seq = row(status, "sequential", 1, 0);
        assertThat(seq.getSamples()).containsExactly(4.0, 4.2, 3.8);
        assertThat(seq.getMin()).isEqualTo(3.8);
        assertThat(seq.getMedian()).isEqualTo(4.0);
        assertThat(seq.getMean()).isEqualTo(4.0);
        assertThat(seq.getStddev()).isEqualTo(0.2);
        assertThat(seq.getMax()).isEqualTo(4.2);
        // t(0.975, 2) * 0.2 / sqrt(3) = 0.496828
        assertThat(seq.getCiLow()).isCloseTo(4.0 - 0.496828, within(2e-6));
        assertThat(seq.getCiHigh()).isCloseTo(4.0 + 0.496828, within(2e-6));
        assertThat(seq.getSpeedup()).isEqualTo(1.0);
        assertThat(seq.getParallelism()).isEqualTo(1.0);
        assertThat(seq.getEfficiency()).isEqualTo(1.0);
        assertThat(seq.getTasksPerSecond()).isEqualTo(2.0);
        assertThat(seq.getPoolSize()).isNull();
        assertThat(seq.getUnstable()).isFalse();

        ResultRow pool = row(status, "thread-pool", 1, 0);
        // 4.0 / 2.1 = 1.904762
        assertThat(pool.getSpeedup()).isEqualTo(1.905);
        // speedup * sqrt((0.2/sqrt(3)/4.0)^2 + (0.1/sqrt(3)/2.1)^2) = 1.904762 * 0.039865 = 0.075933
        double expectedError = (4.0 / 2.1) * Math.sqrt(Math.pow(0.2 / Math.sqrt(3) / 4.0, 2)
                + Math.pow(0.1 / Math.sqrt(3) / 2.1, 2));
        assertThat(expectedError).isCloseTo(0.075933, within(1e-6));
        assertThat(pool.getSpeedupError()).isEqualTo(0.076);
        // workers 0 on a 2-CPU pod: a pool of 2, capped by 2 CPUs: parallelism 2
        assertThat(pool.getPoolSize()).isEqualTo(2);
        assertThat(pool.getParallelism()).isEqualTo(2.0);
        // 1.904762 / 2
        assertThat(pool.getEfficiency()).isEqualTo(0.952);
        // 8 / 2.1
        assertThat(pool.getTasksPerSecond()).isEqualTo(3.81);

        ResultRow threads = row(status, "threads", 1, 0);
        // 8 threads on 2 CPUs, cpu-bound: 2
        assertThat(threads.getParallelism()).isEqualTo(2.0);
        assertThat(threads.getSpeedup()).isEqualTo(0.952);   // 4.0 / 4.2
        assertThat(threads.getEfficiency()).isEqualTo(0.476);
        assertThat(threads.getPoolSize()).isNull();

        ResultRow seq2 = row(status, "sequential", 2, 4);
        assertThat(seq2.getParallelism()).isEqualTo(2.0);
        assertThat(seq2.getSpeedup()).isEqualTo(2.0);
        assertThat(seq2.getEfficiency()).isEqualTo(1.0);
        assertThat(seq2.getStddev()).isZero();

        ResultRow pool2 = row(status, "thread-pool", 2, 4);
        assertThat(pool2.getPoolSize()).isEqualTo(4);
        // each pod: 4 calls, pool 4; capped by its CPUs: min(4, 2) + min(4, 3) = 5
        assertThat(pool2.getParallelism()).isEqualTo(5.0);
        assertThat(pool2.getSpeedup()).isEqualTo(4.0);
        assertThat(pool2.getEfficiency()).isEqualTo(0.8);
        assertThat(pool2.getSpeedupError()).isCloseTo(4.0 * (0.2 / Math.sqrt(3) / 4.0), within(0.0005));
    }

    private static RunCpuUsage usage(double obtained, Double waitFraction, Boolean contended, String reason) {
        RunCpuUsage u = new RunCpuUsage();
        u.setObtained(obtained);
        u.setWaitFraction(waitFraction);
        u.setThrottledFraction(0.0);
        u.setContended(contended);
        u.setContendedReason(reason);
        return u;
    }

    @Test
    void eachRowCarriesItsRunsCpuFiguresTheFlagAndEfficiencyPerCpuObtained() {
        ConcurrencyBenchmarkStatus status = cpuSweep();
        RunStatus single = status.getRuns().get(0);
        single.setCpu(new java.util.LinkedHashMap<>(Map.of(
                "sequential", usage(0.99, 0.01, false, null),
                "thread-pool", usage(1.02, 0.61, true, "got 1.02 of 2 CPUs (waited 61 % of its time)"))));
        single.setCgroup("v1");
        single.setExclusiveCpus(false);
        single.setQosClass("Burstable");
        status.getRuns().get(1).setCgroup("v2");
        status.getRuns().get(1).setQosClass("Guaranteed");
        aggregateCpu(status);

        ResultRow pool = row(status, "thread-pool", 1, 0);
        assertThat(pool.getContended()).isTrue();
        assertThat(pool.getContendedReason()).isEqualTo("got 1.02 of 2 CPUs (waited 61 % of its time)");
        assertThat(pool.getCpu().getObtained()).isEqualTo(1.02);
        assertThat(pool.getCpu().getWaitFraction()).isEqualTo(0.61);
        assertThat(pool.getCpu().getThrottledFraction()).isZero();
        assertThat(pool.getCpu().getStealFraction()).isNull();
        // speedup 1.905 on the 1.02 CPUs it got; efficiency is against the parallelism of 2
        assertThat(pool.getCpu().getEfficiency()).isEqualTo(1.868);
        assertThat(pool.getEfficiency()).isEqualTo(0.952);
        assertThat(row(status, "sequential", 1, 0).getContended()).isFalse();
        // No figures for a strategy (an older kernel's run): unknown, no flag.
        assertThat(row(status, "threads", 1, 0).getCpu()).isNull();
        assertThat(row(status, "threads", 1, 0).getContended()).isNull();
        assertThat(row(status, "thread-pool", 2, 4).getCpu()).isNull();

        assertThat(status.getEnvironment().getCgroup()).isEqualTo("v1,v2");
        assertThat(status.getEnvironment().getExclusiveCpus()).isFalse();
        assertThat(status.getEnvironment().getQosClass()).isEqualTo("Burstable,Guaranteed");
        // Unknown everywhere: absent, never false.
        ConcurrencyBenchmarkStatus plain = aggregateCpu(cpuSweep());
        assertThat(plain.getEnvironment().getCgroup()).isNull();
        assertThat(plain.getEnvironment().getExclusiveCpus()).isNull();
        assertThat(plain.getEnvironment().getQosClass()).isNull();
    }

    @Test
    void fastestIsTheLowestMedianFormattedForASweep() {
        ConcurrencyBenchmarkStatus status = aggregateCpu(cpuSweep());

        assertThat(status.getFastest()).isEqualTo("thread-pool@pods=2,workers=4");
        assertThat(status.getFastestSpeedup()).isEqualTo(4.0);
    }

    @Test
    void fastestOfASinglePointIsThePlainStrategy() {
        RunStatus only = run(0, 1, 0, List.of(4), List.of("node-a"), samples(
                "sequential", List.of(4.0, 4.0),
                "threads", List.of(4.1, 4.1),
                "process-pool", List.of(1.1, 1.1)));
        ConcurrencyBenchmarkStatus status = aggregatedCpu(only);

        assertThat(status.getFastest()).isEqualTo("process-pool");
        assertThat(status.getFastestSpeedup()).isEqualTo(3.636);   // 4.0 / 1.1
        assertThat(status.getBaseline()).isEqualTo("sequential@pods=1 4.000s");
        assertThat(status.getProgress()).isEqualTo("1/1");

        // A pool's size other than auto is named too; a pool size means nothing to threads.
        only.setWorkers(4);
        aggregateCpu(status);
        assertThat(status.getFastest()).isEqualTo("process-pool@workers=4");
        only.getSamples().put("threads", List.of(1.0, 1.0));
        aggregateCpu(status);
        assertThat(status.getFastest()).isEqualTo("threads");
    }

    @Test
    void aMultiPodPointNamesItsPodsNextToTheAddedBaseline() {
        RunStatus baseline = run(0, 1, 0, List.of(2), List.of("node-a"), samples(
                "sequential", List.of(6.0, 6.0)));
        RunStatus point = run(1, 3, 0, List.of(2, 2, 2), List.of("node-a", "node-b", "node-c"), samples(
                "sequential", List.of(2.5, 2.5),
                "process-pool", List.of(1.2, 1.2)));
        ConcurrencyBenchmarkStatus status = status(baseline, point);
        StatusAggregator.aggregate(spec(WorkloadType.CPU, 12), status);

        // Not a sweep, but "sequential 2.4" next to a single-pod baseline would read as a contradiction.
        assertThat(status.getFastest()).isEqualTo("process-pool@pods=3");
        assertThat(status.getFastestSpeedup()).isEqualTo(5.0);
        assertThat(row(status, "sequential", 3, 0).getSpeedup()).isEqualTo(2.4);
        assertThat(status.getBaseline()).isEqualTo("sequential@pods=1 6.000s");
        assertThat(status.getProgress()).isEqualTo("2/2");
    }

    @Test
    void ioWorkloadsAreNotCappedByCpus() {
        RunStatus run = run(0, 1, 0, List.of(2), List.of("node-a"), samples(
                "sequential", List.of(16.0, 16.0),
                "threads", List.of(2.0, 2.0),
                "thread-pool", List.of(8.0, 8.0),
                "processes", List.of(2.5, 2.5),
                "process-pool", List.of(8.0, 8.0)));
        ConcurrencyBenchmarkStatus status = status(run);
        ConcurrencyBenchmarkSpec spec = spec(WorkloadType.IO, 8);
        StatusAggregator.aggregate(spec, status);

        assertThat(row(status, "sequential", 1, 0).getParallelism()).isEqualTo(1.0);
        assertThat(row(status, "threads", 1, 0).getParallelism()).isEqualTo(8.0);
        assertThat(row(status, "processes", 1, 0).getParallelism()).isEqualTo(8.0);
        // workers 0: pool of the pod's 2 CPUs, not capped further for io
        assertThat(row(status, "thread-pool", 1, 0).getParallelism()).isEqualTo(2.0);
        assertThat(row(status, "thread-pool", 1, 0).getPoolSize()).isEqualTo(2);
        assertThat(row(status, "threads", 1, 0).getSpeedup()).isEqualTo(8.0);
        assertThat(row(status, "threads", 1, 0).getEfficiency()).isEqualTo(1.0);

        // the same run, cpu-bound: threads and processes are capped by the 2 CPUs
        RunStatus cpuRun = run(0, 1, 0, List.of(2), List.of("node-a"), run.getSamples());
        assertThat(StatusAggregator.parallelism(spec(WorkloadType.CPU, 8), cpuRun, StrategyName.THREADS)).isEqualTo(2.0);
        assertThat(StatusAggregator.parallelism(spec(WorkloadType.CPU, 8), cpuRun, StrategyName.PROCESSES)).isEqualTo(2.0);
    }

    @Test
    void parallelismOfPoolsResolvesWorkersZeroToEachPodsCpus() {
        ConcurrencyBenchmarkSpec cpu = spec(WorkloadType.CPU, 8);
        ConcurrencyBenchmarkSpec io = spec(WorkloadType.IO, 8);
        // two pods with 4 calls each; the pods saw 3 and 1 CPUs
        RunStatus run = run(0, 2, 0, List.of(3, 1), List.of("a", "b"), samples(
                "thread-pool", List.of(1.0), "process-pool", List.of(1.0)));

        // pool 3 on pod 0 (3 CPUs), pool 1 on pod 1 (1 CPU)
        assertThat(StatusAggregator.parallelism(cpu, run, StrategyName.THREAD_POOL)).isEqualTo(4.0);
        assertThat(StatusAggregator.parallelism(io, run, StrategyName.PROCESS_POOL)).isEqualTo(4.0);

        // an explicit pool of 6 exceeds the 4 calls per pod: 4 in flight per pod
        run.setWorkers(6);
        assertThat(StatusAggregator.parallelism(io, run, StrategyName.THREAD_POOL)).isEqualTo(8.0);
        // cpu-bound: capped by 3 and 1 CPUs
        assertThat(StatusAggregator.parallelism(cpu, run, StrategyName.THREAD_POOL)).isEqualTo(4.0);

        // the row reports the largest pool of the pods
        run.setWorkers(0);
        ConcurrencyBenchmarkStatus status = status(run);
        StatusAggregator.aggregate(cpu, status);
        assertThat(row(status, "thread-pool", 2, 0).getPoolSize()).isEqualTo(3);
    }

    @Test
    void parallelismFollowsTheUnevenTaskSplit() {
        // 5 calls on 2 pods: 3 and 2; threads in io: 5 in flight in total
        RunStatus run = run(0, 2, 0, List.of(8, 8), List.of("a"), samples("threads", List.of(1.0)));
        assertThat(StatusAggregator.parallelism(spec(WorkloadType.IO, 5), run, StrategyName.THREADS)).isEqualTo(5.0);
        // cpu with 1 CPU each: 2
        run.setCpus(List.of(1, 1));
        assertThat(StatusAggregator.parallelism(spec(WorkloadType.CPU, 5), run, StrategyName.THREADS)).isEqualTo(2.0);
    }

    @Test
    void environmentListsDistinctCpusAndNodes() {
        ConcurrencyBenchmarkStatus status = aggregateCpu(cpuSweep());

        assertThat(status.getEnvironment().getRuntime()).isEqualTo("python");
        assertThat(status.getEnvironment().getRuntimeVersion()).isEqualTo("3.11.7");
        assertThat(status.getEnvironment().getCpus()).containsExactly(2, 3);
        assertThat(status.getEnvironment().getNodes()).containsExactly("node-a", "node-b");
    }

    @Test
    void baselineComesFromTheFirstSinglePodRun() {
        RunStatus first = run(0, 1, 0, List.of(2), List.of("n"), samples(
                "sequential", List.of(4.0, 4.0), "thread-pool", List.of(2.0, 2.0)));
        RunStatus second = run(1, 1, 2, List.of(2), List.of("n"), samples(
                "sequential", List.of(5.0, 5.0), "thread-pool", List.of(2.5, 2.5)));
        RunStatus third = run(2, 2, 0, List.of(2, 2), List.of("n"), samples(
                "sequential", List.of(2.2, 2.2)));
        ConcurrencyBenchmarkStatus status = aggregatedCpu(first, second, third);

        // every row against 4.0, the first single-pod run's sequential median, not 5.0
        assertThat(row(status, "sequential", 1, 2).getSpeedup()).isEqualTo(0.8);
        assertThat(row(status, "thread-pool", 1, 2).getSpeedup()).isEqualTo(1.6);
        assertThat(row(status, "sequential", 2, 0).getSpeedup()).isEqualTo(1.818);
        assertThat(status.getFastest()).isEqualTo("thread-pool@pods=1,workers=0");
    }

    @Test
    void unmeasuredRunsGiveNoRowsAndNoBaselineMeansNoSpeedup() {
        RunStatus baseline = unmeasured(0, 1, RunState.Running);
        RunStatus point = run(1, 2, 0, List.of(2, 2), List.of("n"), samples(
                "sequential", List.of(2.0, 2.1), "threads", List.of(1.9, 2.0)));
        RunStatus failed = run(2, 4, 0, List.of(2, 2, 2, 2), List.of("n"), samples("sequential", List.of(1.0)));
        failed.setState(RunState.Failed);
        ConcurrencyBenchmarkStatus status = aggregatedCpu(baseline, point, failed);

        assertThat(status.getResults()).hasSize(2).allSatisfy(r -> {
            assertThat(r.getPods()).isEqualTo(2);
            assertThat(r.getSpeedup()).isNull();
            assertThat(r.getSpeedupError()).isNull();
            assertThat(r.getEfficiency()).isNull();
        });
        assertThat(status.getFastest()).isEqualTo("threads@pods=2,workers=0");
        assertThat(status.getFastestSpeedup()).isNull();
        assertThat(status.getBaseline()).isNull();
        assertThat(status.getProgress()).isEqualTo("1/3");
    }

    @Test
    void nothingMeasuredYetClearsTheOutcome() {
        RunStatus planned = unmeasured(0, 1, RunState.Planned);
        ConcurrencyBenchmarkStatus status = aggregatedCpu(planned);

        assertThat(status.getResults()).isEmpty();
        assertThat(status.getFastest()).isNull();
        assertThat(status.getFastestSpeedup()).isNull();
        assertThat(status.getEnvironment()).isNull();
    }

    @Test
    void unstableRowsAreFlagged() {
        RunStatus run = run(0, 1, 0, List.of(2), List.of("n"), samples(
                "sequential", List.of(1.0, 2.0, 3.0), "threads", List.of(1.0, 1.01, 0.99)));
        ConcurrencyBenchmarkStatus status = aggregatedCpu(run);
        assertThat(row(status, "sequential", 1, 0).getUnstable()).isTrue();
        assertThat(row(status, "threads", 1, 0).getUnstable()).isFalse();
    }

    @Test
    void aggregationIsDeterministic() {
        ConcurrencyBenchmarkStatus a = cpuSweep();
        ConcurrencyBenchmarkStatus b = cpuSweep();
        aggregateCpu(a);
        aggregateCpu(b);
        aggregateCpu(b);
        assertThat(b.getResults()).usingRecursiveFieldByFieldElementComparator().isEqualTo(a.getResults());
        assertThat(b.getFastest()).isEqualTo(a.getFastest());
    }

    /** cpython-3.11 (GIL), cpython-3.13t (no GIL) and java-21 on 2 CPUs, one run each. */
    private static ConcurrencyBenchmarkStatus runtimeSweep() {
        RunStatus gil = run(0, 1, 0, List.of(2), List.of("node-a"), samples(
                "sequential", List.of(4.0, 4.0, 4.0),
                "threads", List.of(4.0, 4.0, 4.0),
                "process-pool", List.of(2.0, 2.0, 2.0)));
        gil.setRuntime(Runtime.CPYTHON_3_11);
        gil.setKernel(new KernelInfo("cpython", "3.11.2", false, true, false, "fork"));
        RunStatus noGil = run(1, 1, 0, List.of(2), List.of("node-b"), samples(
                "sequential", List.of(5.0, 5.0, 5.0),
                "threads", List.of(2.5, 2.5, 2.5),
                "process-pool", List.of(2.5, 2.5, 2.5)));
        noGil.setRuntime(Runtime.CPYTHON_3_13T);
        noGil.setRuntimeVersion("3.13.5");
        noGil.setKernel(new KernelInfo("cpython", "3.13.5", true, false, false, "fork"));
        RunStatus jvm = run(2, 1, 0, List.of(2), List.of("node-a"), samples(
                "sequential", List.of(0.4, 0.4, 0.4),
                "threads", List.of(0.2, 0.2, 0.2)));
        jvm.setRuntime(Runtime.JAVA_21);
        jvm.setRuntimeVersion("21.0.5");
        jvm.setSkipped(new LinkedHashMap<>(Map.of("asyncio", "asyncio is a Python strategy; java-21 is a Java runtime")));
        return status(gil, noGil, jvm);
    }

    @Test
    void aSweepOverRuntimesMeasuresEachAgainstItsOwnSequentialAndAllAgainstTheFirsts() {
        ConcurrencyBenchmarkSpec spec = spec(WorkloadType.CPU, 8);
        spec.setSweep(new dev.concbench.api.v1alpha1.SweepSpec());
        spec.getSweep().setRuntimes(List.of(Runtime.CPYTHON_3_11, Runtime.CPYTHON_3_13T, Runtime.JAVA_21));
        ConcurrencyBenchmarkStatus status = runtimeSweep();

        StatusAggregator.aggregate(spec, status);

        // runtime | strategy | speedup (own sequential) | relativeToFirstRuntime (4.0 / median)
        Object[][] expected = {
                {"cpython-3.11", "sequential", 1.0, 1.0},
                {"cpython-3.11", "threads", 1.0, 1.0},
                {"cpython-3.11", "process-pool", 2.0, 2.0},
                {"cpython-3.13t", "sequential", 1.0, 0.8},
                {"cpython-3.13t", "threads", 2.0, 1.6},
                {"cpython-3.13t", "process-pool", 2.0, 1.6},
                {"java-21", "sequential", 1.0, 10.0},
                {"java-21", "threads", 2.0, 20.0},
        };
        assertThat(status.getResults()).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            ResultRow r = status.getResults().get(i);
            assertThat(r.getRuntime() + " " + r.getStrategy()).isEqualTo(expected[i][0] + " " + expected[i][1]);
            assertThat(r.getSpeedup()).as("speedup of row %d", i).isEqualTo(expected[i][2]);
            assertThat(r.getRelativeToFirstRuntime()).as("relative of row %d", i).isEqualTo(expected[i][3]);
        }
        assertThat(status.getFastest()).isEqualTo("java-21/threads");
        assertThat(status.getFastestSpeedup()).isEqualTo(2.0);
        assertThat(status.getBaseline()).isEqualTo("cpython-3.11/sequential@pods=1 4.000s, "
                + "cpython-3.13t/sequential@pods=1 5.000s, java-21/sequential@pods=1 0.400s");

        var env = status.getEnvironment();
        assertThat(env.getRuntime()).isEqualTo("cpython-3.11,cpython-3.13t,java-21");
        assertThat(env.getNodes()).containsExactly("node-a", "node-b");
        assertThat(env.getRuntimes()).extracting(e -> e.getRuntime() + " " + e.getRuntimeVersion() + " gil="
                        + (e.getKernel() == null ? null : e.getKernel().getGil()))
                .containsExactly("cpython-3.11 3.11.7 gil=true", "cpython-3.13t 3.13.5 gil=false", "java-21 21.0.5 gil=null");
        assertThat(env.getRuntimes().get(2).getSkipped()).containsOnlyKeys("asyncio");
        assertThat(env.getSkipped()).containsOnlyKeys("java-21/asyncio");

        assertThat(status.getConclusion()).isEqualTo(
                "cpu-bound on cpython-3.11 3.11.7 (GIL enabled): threads 1.00x, process-pool 2.00x on 2 CPUs: use processes; "
                + "cpu-bound on cpython-3.13t 3.13.5 (free-threaded, GIL disabled): threads 2.00x, process-pool 2.00x "
                + "on 2 CPUs: use threads; "
                + "cpu-bound on java-21 21.0.5: threads 2.00x on 2 CPUs: use threads; "
                + "fastest of all: java-21/threads (20.00x cpython-3.11's sequential)");
    }

    @Test
    void aPlainBenchmarksRowsNameNoRuntime() {
        ConcurrencyBenchmarkStatus status = aggregateCpu(cpuSweep());

        assertThat(status.getResults()).allSatisfy(r -> {
            assertThat(r.getRuntime()).isNull();
            assertThat(r.getRelativeToFirstRuntime()).isNull();
        });
        assertThat(status.getEnvironment().getRuntimes()).isNull();
        assertThat(status.getBaseline()).isEqualTo("sequential@pods=1 4.000s");
    }

    @Test
    void rowsFollowTheRunsStrategiesNotTheOrderTheSamplesWereReadBackIn() {
        // What the API server returns: the samples' keys sorted.
        RunStatus run = run(0, 1, 0, List.of(2), List.of("node-a"), samples(
                "asyncio", List.of(1.0), "sequential", List.of(1.0), "threads", List.of(1.0)));
        run.setStrategies(List.of("sequential", "threads", "asyncio"));
        ConcurrencyBenchmarkStatus status = status(run);

        aggregateCpu(status);

        assertThat(status.getResults()).extracting(ResultRow::getStrategy)
                .containsExactly("sequential", "threads", "asyncio");
    }
}
