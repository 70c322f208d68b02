package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunMeasurementTest {

    // cpu n=10: every call returns 55^2 + t = 3025 + t; 5 tasks.
    // 2 shards: shard 0 has t = 0, 2, 4 -> 3 * 3025 + 6 = 9081; shard 1 has t = 1, 3 -> 2 * 3025 + 4 = 6054.
    private static final String SHARD0_OF_2 = "9081";
    private static final String SHARD1_OF_2 = "6054";

    private static ConcurrencyBenchmarkSpec spec() {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(WorkloadType.CPU, 10, 5));
        spec.setStrategies(List.of(StrategyName.THREADS));
        spec.setRepetitions(2);
        return spec;
    }

    private static final PlannedRun TWO_PODS = new PlannedRun(0, 2, 0, List.of(StrategyName.SEQUENTIAL, StrategyName.THREADS),
            false);

    private static ShardResult result(String shard, int cpus, String node, String checksum, int repetitions,
                                       List<Double> sequential, List<Double> threads) {
        LinkedHashMap<String, List<Double>> times = new LinkedHashMap<>();
        times.put("sequential", sequential);
        if (threads != null) {
            times.put("threads", threads);
        }
        return new ShardResult(1, "python", "3.11.7", cpus, "affinity", null, node, "pod-" + shard.charAt(0),
                shard, 0, "cpu", 10, cpus, repetitions, 1, checksum, 100.0, 110.0, times, null, "cpython", "3.11.7",
                false, true, false, "fork");
    }

    /** {@code r} as a format-2 kernel writes it: the runtime's CPU facts and these figures per strategy. */
    private static ShardResult format2(ShardResult r, int tasks, String cgroup, Boolean exclusive, Integer online,
                                        ShardResult.CpuTimes sequential, ShardResult.CpuTimes threads) {
        LinkedHashMap<String, ShardResult.CpuTimes> cpu = new LinkedHashMap<>();
        cpu.put("sequential", sequential);
        if (threads != null) {
            cpu.put("threads", threads);
        }
        return new ShardResult(2, r.runtime(), r.runtimeVersion(), r.cpus(), r.cpuSource(), r.cpuQuota(), r.node(),
                r.pod(), r.shard(), tasks, r.workload(), r.size(), r.workers(), r.repetitions(), r.warmup(),
                r.checksum(), r.start(), r.end(), r.times(), r.skipped(), r.implementation(), r.implementationVersion(),
                r.freeThreaded(), r.gil(), r.jit(), r.startMethod(), cgroup, exclusive, online, cpu);
    }

    @Test
    void cpuFiguresAreSummedOverThePodsPerStrategy() throws Exception {
        // shard 0 runs 3 calls on 2 CPUs, shard 1 runs 2 calls on 2 CPUs; 2 repetitions each.
        ShardResult shard0 = format2(result("0/2", 2, "node-a", SHARD0_OF_2, 2, List.of(1.0, 1.0), List.of(1.0, 1.0)), 3,
                "v2", true, 4, new ShardResult.CpuTimes(1.98, 0.01, 0.0, null, 0.0),
                new ShardResult.CpuTimes(2.0, 0.05, 0.0, null, 0.0));
        ShardResult shard1 = format2(result("1/2", 2, "node-b", SHARD1_OF_2, 2, List.of(1.0, 1.0), List.of(2.0, 2.0)), 2,
                "v2", false, 4, new ShardResult.CpuTimes(1.9, 0.03, 0.0, null, 0.0),
                new ShardResult.CpuTimes(2.0, 3.6, 0.0, null, 0.0));
        RunStatus run = new RunStatus();

        RunMeasurement.record(spec(), TWO_PODS, List.of(shard0, shard1), run);

        assertThat(run.getCpu()).containsOnlyKeys("sequential", "threads");
        assertThat(run.getCpu().get("sequential").getObtained()).isEqualTo(1.94); // 1.98/2 + 1.9/2
        assertThat(run.getCpu().get("sequential").getWaitFraction()).isEqualTo(0.01); // 0.04 / ((2 + 2) s x 1)
        assertThat(run.getCpu().get("sequential").getContended()).isFalse();
        // threads (one per call, under the GIL: one CPU per pod at most) got their CPU in shard 0 and half
        // of it in shard 1, where they waited 3.6 s of 4 s x 2 threads: shard 1 was contended, so the row is.
        assertThat(run.getCpu().get("threads").getObtained()).isEqualTo(1.5);
        assertThat(run.getCpu().get("threads").getWaitFraction()).isEqualTo(0.261); // 3.65 / (2 s x 3 + 4 s x 2)
        assertThat(run.getCpu().get("threads").getContended()).isTrue();
        assertThat(run.getCpu().get("threads").getContendedReason()).isEqualTo("got 1.50 of 2 CPUs (waited 26 % of its time)");
        assertThat(run.getCgroup()).isEqualTo("v2");
        assertThat(run.getExclusiveCpus()).as("one pod shared its machine's CPUs").isFalse();
    }

    /** The two shards of a two-pod run, as a format-1 kernel writes them: shard 0 on node-b (2 CPUs), 1 on node-a (4). */
    private static List<ShardResult> twoShardsOfFormat1() {
        return List.of(result("0/2", 2, "node-b", SHARD0_OF_2, 2, List.of(1.0, 2.0), List.of(0.5, 0.7)),
                result("1/2", 4, "node-a", SHARD1_OF_2, 2, List.of(1.5, 1.8), List.of(0.4, 0.9)));
    }

    @Test
    void aFormat1KernelGivesNoCpuFiguresAndNoFlag() throws Exception {
        List<ShardResult> shards = twoShardsOfFormat1();
        RunStatus run = new RunStatus();
        RunMeasurement.record(spec(), TWO_PODS, shards, run);
        assertThat(run.getCpu()).isNull();
        assertThat(run.getCgroup()).isNull();
        assertThat(run.getExclusiveCpus()).isNull();
        // One pod of an older kernel among newer ones: the run's figures would be partial, so there are none.
        ShardResult newer = format2(shards.get(1), 2, "v1", null, 2, new ShardResult.CpuTimes(1.0, 0.0, 0.0, null, 0.0),
                new ShardResult.CpuTimes(1.0, 0.0, 0.0, null, 0.0));
        RunStatus mixed = new RunStatus();
        RunMeasurement.record(spec(), TWO_PODS, List.of(shards.get(0), newer), mixed);
        assertThat(mixed.getCpu()).isNull();
        assertThat(mixed.getCgroup()).isEqualTo("v1");
    }

    @Test
    void aStrategyTheRuntimeSkippedHasNoSamplesButItsReason() throws Exception {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(WorkloadType.CPU, 10, 1));
        spec.setRepetitions(2);
        PlannedRun planned = new PlannedRun(0, 1, 0, List.of(StrategyName.SEQUENTIAL, StrategyName.INTERPRETER_POOL), false);
        LinkedHashMap<String, List<Double>> times = new LinkedHashMap<>();
        times.put("sequential", List.of(1.0, 1.1));
        LinkedHashMap<String, String> skipped = new LinkedHashMap<>();
        skipped.put("interpreter-pool", "needs CPython 3.14 or newer; this is 3.11.7");
        String checksum = Checksums.expected(WorkloadType.CPU, 10, 1).toString();
        ShardResult r = new ShardResult(1, "python", "3.11.7", 2, "affinity", null, "n", "p", "0/1", 1, "cpu", 10, 0, 2,
                0, checksum, 1.0, 2.0, times, skipped, "cpython", "3.11.7", false, true, false, null);
        RunStatus run = new RunStatus();

        RunMeasurement.record(spec, planned, List.of(r), run);

        assertThat(run.getSamples()).containsOnlyKeys("sequential");
        assertThat(run.getSkipped()).containsEntry("interpreter-pool", "needs CPython 3.14 or newer; this is 3.11.7");
        assertThat(run.getKernel().getGil()).isTrue();
        assertThat(run.getKernel().getFreeThreaded()).isFalse();

        // A strategy neither measured nor skipped is still a broken result.
        ShardResult lacking = new ShardResult(1, "python", "3.11.7", 2, "affinity", null, "n", "p", "0/1", 1, "cpu",
                10, 0, 2, 0, checksum, 1.0, 2.0, times, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> RunMeasurement.record(spec, planned, List.of(lacking),
                new RunStatus())).isInstanceOf(ResultFormatException.class).hasMessageContaining("lacks strategies");
    }

    @Test
    void makespanPerRepetitionIsTheSlowestShard() throws Exception {
        List<ShardResult> shards = twoShardsOfFormat1();
        RunStatus run = new RunStatus();

        // given in the wrong order: shards are matched by their index, not by arrival
        RunMeasurement.record(spec(), TWO_PODS, List.of(shards.get(1), shards.get(0)), run);

        assertThat(run.getState()).isEqualTo(RunState.Succeeded);
        assertThat(run.getSamples()).containsOnlyKeys("sequential", "threads");
        assertThat(run.getSamples().get("sequential")).containsExactly(1.5, 2.0);
        assertThat(run.getSamples().get("threads")).containsExactly(0.5, 0.9);
        assertThat(run.getCpus()).containsExactly(2, 4);
        assertThat(run.getNodes()).containsExactly("node-a", "node-b");
        assertThat(run.getRuntimeVersion()).isEqualTo("3.11.7");
        assertThat(run.getChecksum()).isEqualTo("15135");
    }

    @Test
    void nodesAreDistinctAndCpusKeepShardOrder() throws Exception {
        ConcurrencyBenchmarkSpec spec = spec();
        spec.getWorkload().setTasks(3);
        PlannedRun threePods = new PlannedRun(1, 3, 0, List.of(StrategyName.SEQUENTIAL), false);
        // tasks 0, 1, 2 on shards 0, 1, 2: 3025 + t each
        List<ShardResult> results = List.of(
                result("2/3", 1, "node-a", "3027", 2, List.of(1.0, 1.0), null),
                result("0/3", 3, "node-a", "3025", 2, List.of(1.0, 1.0), null),
                result("1/3", 2, "node-b", "3026", 2, List.of(1.0, 1.0), null));
        RunStatus run = new RunStatus();

        RunMeasurement.record(spec, threePods, results, run);

        assertThat(run.getCpus()).containsExactly(3, 2, 1);
        assertThat(run.getNodes()).containsExactly("node-a", "node-b");
    }

    @Test
    void aResultWithoutNodeCountsAsLocal() throws Exception {
        PlannedRun onePod = new PlannedRun(0, 1, 0, List.of(StrategyName.SEQUENTIAL), true);
        RunStatus run = new RunStatus();
        RunMeasurement.record(spec(), onePod,
                List.of(result("0/1", 2, null, "15135", 2, List.of(3.0, 4.0), null)), run);
        assertThat(run.getNodes()).containsExactly("local");
        assertThat(run.getSamples().get("sequential")).containsExactly(3.0, 4.0);
    }

    @Test
    void aMissingShardIsRejected() {
        ShardResult shard0 = result("0/2", 2, "n", SHARD0_OF_2, 2, List.of(1.0, 2.0), List.of(0.5, 0.7));
        RunStatus run = new RunStatus();
        assertThatThrownBy(() -> RunMeasurement.record(spec(), TWO_PODS, List.of(shard0), run))
                .isInstanceOf(ResultFormatException.class)
                .hasMessageContaining("expected 2 results, got 1");
        assertThat(run.getState()).isNull();
        assertThat(run.getSamples()).isNull();
    }

    /** A second shard that breaks the run, and what the rejection must say. */
    static Stream<Arguments> brokenSecondShards() {
        return Stream.of(
                Arguments.of("a duplicated shard", result("0/2", 2, "n", SHARD0_OF_2, 2, List.of(1.0, 2.0), List.of(0.5, 0.7)),
                        List.of("expected shard 1/2, got 0/2")),
                Arguments.of("a shard of another split", result("1/3", 2, "n", SHARD1_OF_2, 2, List.of(1.0, 2.0),
                        List.of(0.5, 0.7)), List.of("expected shard 1/2, got 1/3", "pod-1")),
                Arguments.of("the wrong number of repetitions", result("1/2", 2, "n", SHARD1_OF_2, 3,
                        List.of(1.0, 2.0, 3.0), List.of(0.5, 0.7, 0.8)), List.of("shard 1/2", "3 repetitions", "expected 2")),
                Arguments.of("a missing strategy", result("1/2", 2, "n", SHARD1_OF_2, 2, List.of(1.0, 2.0), null),
                        List.of("shard 1/2", "threads")),
                // shard 1 lost task 3: 3025 + 1 only
                Arguments.of("a checksum that does not add up", result("1/2", 2, "n", "3026", 2, List.of(1.0, 2.0),
                        List.of(0.5, 0.7)), List.of("checksum 12107", "expected 15135", "lost or repeated")));
    }

    @ParameterizedTest(name = "{0} is rejected")
    @MethodSource("brokenSecondShards")
    void aBrokenSecondShardIsRejected(String what, ShardResult second, List<String> messages) {
        ShardResult first = result("0/2", 2, "n", SHARD0_OF_2, 2, List.of(1.0, 2.0), List.of(0.5, 0.7));
        assertThatThrownBy(() -> RunMeasurement.record(spec(), TWO_PODS, List.of(first, second), new RunStatus()))
                .isInstanceOf(ResultFormatException.class)
                .hasMessageContainingAll(messages.toArray(String[]::new));
    }
}
