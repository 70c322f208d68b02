package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.SweepSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The workloads beyond the classic two in the domain: the kernel's findings (setup, differs, lost) read
 * from its documents into the runs, the rows and the conclusion; the checksum kept for the built-ins
 * only; the kernel's arguments; the spec's rules as the validator applies them without an API server;
 * the code's ConfigMap checked before a run.
 */
class CustomWorkloadTest {

    static ConcurrencyBenchmarkSpec custom(String entrypoint, String configMap, String source) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(TestSpecs.customWorkload(TestSpecs.code(entrypoint, configMap, source), 6));
        spec.setStrategies(new ArrayList<>(List.of(StrategyName.THREADS, StrategyName.PROCESSES)));
        spec.setRepetitions(2);
        return spec;
    }

    /** A shard's document as the kernel writes it (format 2, the optional keys where they apply). */
    private static String document(String shard, String workload, String checksum, String optional) {
        return "{\"format\":2,\"runtime\":\"python\",\"runtimeVersion\":\"3.11.7\",\"cpus\":2,\"cpuSource\":\"affinity\","
                + "\"cpuQuota\":null,\"node\":\"n\",\"pod\":\"p\",\"shard\":\"" + shard + "\",\"tasks\":3,\"workload\":\""
                + workload + "\",\"size\":0,\"workers\":2,\"repetitions\":2,\"warmup\":1,\"checksum\":\"" + checksum
                + "\",\"start\":1.0,\"end\":2.0,\"skipped\":{},"
                + "\"times\":{\"sequential\":[1.0,1.1],\"threads\":[0.6,0.7],\"processes\":[0.9,0.8]}" + optional + "}";
    }

    private static final PlannedRun TWO_PODS = new PlannedRun(0, 2, 0,
            List.of(StrategyName.SEQUENTIAL, StrategyName.THREADS, StrategyName.PROCESSES), false);

    @Test
    void customCodesFindingsReachTheRowsAndTheConclusion() throws Exception {
        ConcurrencyBenchmarkSpec spec = custom("records:work", "records-code", null);
        // any checksum: the values are the user's, the kernels compared them with sequential's
        ShardResult shard0 = ShardResult.parse(document("0/2", "custom", "12345",
                ",\"setup\":0.250000,\"differs\":{\"threads\":4}"));
        ShardResult shard1 = ShardResult.parse(document("1/2", "custom", "999",
                ",\"setup\":0.500000,\"differs\":{\"threads\":1}"));
        assertThat(shard0.setup()).isEqualTo(0.25);
        assertThat(shard0.differs()).containsExactly(Map.entry("threads", 4));
        assertThat(shard0.lost()).isNull();
        RunStatus run = new RunStatus();
        run.setPods(2);
        run.setWorkers(0);
        run.setStrategies(List.of("sequential", "threads", "processes"));

        RunMeasurement.record(spec, TWO_PODS, List.of(shard0, shard1), run);

        assertThat(run.getState()).isEqualTo(RunState.Succeeded);
        assertThat(run.getSetupSeconds()).isEqualTo(0.5);              // the slowest pod's
        assertThat(run.getDiffers()).containsExactly(Map.entry("threads", 1)); // the lowest task of all pods
        assertThat(run.getLostUpdates()).isNull();

        // one pod: its rows have a speedup over the single-pod sequential, and so a conclusion
        ConcurrencyBenchmarkStatus status = aggregated(spec, ShardResult.parse(document("0/1", "custom", "7",
                ",\"setup\":0.1,\"differs\":{\"threads\":1}")));
        ResultRow threads = status.getResults().stream().filter(r -> r.getStrategy().equals("threads")).findFirst()
                .orElseThrow();
        assertThat(threads.getResultsDiffer()).isTrue();
        assertThat(threads.getFirstDifferingCall()).isEqualTo(1);
        assertThat(status.getResults()).filteredOn(r -> !r.getStrategy().equals("threads"))
                .allSatisfy(r -> assertThat(r.getResultsDiffer()).isNull());
        // threads are the fastest here, but gave wrong results: no advice to use them
        assertThat(status.getConclusion()).startsWith("custom code records:work on ")
                .contains("threads gave different results than sequential: the code is not thread-safe")
                .doesNotContain("use threads");
    }

    @Test
    void aBuiltInsChecksumStillProvesEveryCallRanOnce() {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(WorkloadType.RACE, 1000, 6));
        spec.setRepetitions(2);
        // race: every call returns its task: 0+2+4 and 1+3+5; one shard lost a call (its sum is 1+3)
        assertThatThrownBy(() -> RunMeasurement.record(spec, TWO_PODS, List.of(
                ShardResult.parse(document("0/2", "race", "6", ",\"lost\":{\"sequential\":0,\"threads\":10,"
                        + "\"processes\":0}")),
                ShardResult.parse(document("1/2", "race", "4", ",\"lost\":{\"sequential\":0,\"threads\":5,"
                        + "\"processes\":0}"))), new RunStatus()))
                .isInstanceOf(ResultFormatException.class).hasMessageContaining("some calls were lost or repeated");
    }

    @Test
    void raceCountsLostUpdatesOverAllPods() throws Exception {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(WorkloadType.RACE, 1000, 6));
        spec.setStrategies(new ArrayList<>(List.of(StrategyName.THREADS, StrategyName.PROCESSES)));
        spec.setRepetitions(2);
        RunStatus run = new RunStatus();
        run.setPods(2);
        run.setWorkers(0);
        run.setStrategies(List.of("sequential", "threads", "processes"));
        RunMeasurement.record(spec, TWO_PODS, List.of(
                ShardResult.parse(document("0/2", "race", "6", ",\"lost\":{\"sequential\":0,\"threads\":10,"
                        + "\"processes\":0}")),
                ShardResult.parse(document("1/2", "race", "9", ",\"lost\":{\"sequential\":0,\"threads\":5,"
                        + "\"processes\":0}"))), run);
        assertThat(run.getLostUpdates()).containsExactly(Map.entry("sequential", 0L), Map.entry("threads", 15L),
                Map.entry("processes", 0L));

        spec.getWorkload().setTasks(3);
        ConcurrencyBenchmarkStatus status = aggregated(spec, ShardResult.parse(document("0/1", "race", "3",
                ",\"lost\":{\"sequential\":0,\"threads\":15,\"processes\":0}")));
        assertThat(status.getResults()).extracting(ResultRow::getLostUpdates).containsExactly(0L, 15L, 0L);
        assertThat(status.getConclusion()).startsWith("the race on ")
                .endsWith("; updates lost without a lock: threads 15");
    }

    /** One single-pod run of the shard's document, aggregated. */
    private static ConcurrencyBenchmarkStatus aggregated(ConcurrencyBenchmarkSpec spec, ShardResult shard)
            throws ResultFormatException {
        RunStatus run = new RunStatus();
        run.setIndex(0);
        run.setPods(1);
        run.setWorkers(0);
        run.setStrategies(List.of("sequential", "threads", "processes"));
        RunMeasurement.record(spec, new PlannedRun(0, 1, 0, List.of(StrategyName.SEQUENTIAL, StrategyName.THREADS,
                StrategyName.PROCESSES), false), List.of(shard), run);
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        status.setRuns(List.of(run));
        StatusAggregator.aggregate(spec, status);
        return status;
    }

    @Test
    void sequentialDifferingFromItselfIsNotDeterministic() {
        ResultRow sequential = new ResultRow();
        sequential.setStrategy("sequential");
        sequential.setPods(1);
        sequential.setResultsDiffer(true);
        sequential.setFirstDifferingCall(0);
        assertThat(Conclusion.findings(List.of(sequential))).contains("sequential gave different results from one "
                + "repetition to the next: the code is not deterministic (workload.custom.deterministic: false measures "
                + "it without comparing)");
        ResultRow raceRow = new ResultRow();
        raceRow.setStrategy("threads");
        raceRow.setPods(1);
        raceRow.setLostUpdates(0L);
        assertThat(Conclusion.findings(List.of(raceRow))).contains("no update of the shared variable was lost");
        assertThat(Conclusion.findings(List.of(new ResultRow()))).isEmpty();
    }

    @Test
    void theKernelsErrorDocumentIsReadBackAndAResultIsNot() {
        assertThat(ShardResult.workloadError("{\"format\":2,\"workloadError\":\"task 3: ValueError: x (a.py, line 2, "
                + "in f)\\nValueError: x\"}")).contains("task 3: ValueError: x (a.py, line 2, in f)\nValueError: x");
        assertThat(ShardResult.workloadError(document("0/1", "cpu", "1", ""))).isEmpty();
        assertThat(ShardResult.workloadError("concbench-kernel: workload error: boom")).isEmpty();
        assertThat(ShardResult.workloadError(null)).isEmpty();
    }

    @Test
    void theKernelsArgumentsOfEachWorkload() {
        ConcurrencyBenchmarkSpec spec = custom("records:work", "records-code", null);
        spec.getWorkload().getCustom().setDeterministic(false);
        spec.getWorkload().getCustom().setCallTimeoutSeconds(30);
        PlannedRun run = new PlannedRun(0, 1, 0, List.of(StrategyName.SEQUENTIAL, StrategyName.THREADS), false);
        assertThat(String.join(" ", KernelCommand.args(spec, run, "0/1", null, null, "/out", "/code")))
                .isEqualTo("--workload custom --tasks 6 --strategies sequential,threads --workers 0 --repetitions 2 "
                        + "--warmup 1 --shard 0/1 --skip-unsupported --entrypoint records:work --code-dir /code "
                        + "--call-timeout 30 --nondeterministic --output /out");
        ConcurrencyBenchmarkSpec mixed = new ConcurrencyBenchmarkSpec();
        mixed.setWorkload(new WorkloadSpec(WorkloadType.MIXED, 200, 4));
        mixed.getWorkload().setIoFraction(0.1234567);
        assertThat(String.join(" ", KernelCommand.args(mixed, run, "0/1", null, null, null, null)))
                .startsWith("--workload mixed --size 200 --tasks 4 ").contains("--io-fraction 0.123457");
        mixed.getWorkload().setIoFraction(0.0);
        assertThat(KernelCommand.args(mixed, run, "0/1", null, null, null, null)).containsSequence("--io-fraction", "0");
        assertThat(KernelCommand.sourceFile(spec.getWorkload().getCustom())).isEqualTo("records.py");
    }

    @Test
    void theValidatorHoldsTheSchemasRulesOfCustomCode() {
        assertThat(SpecValidator.validate(custom("records:work", "records-code", null))).isEmpty();
        assertThat(SpecValidator.validate(custom("records:work", null, "def work(i):\n    return i\n"))).isEmpty();
        assertThat(SpecValidator.validate(custom("records", "records-code", null))).singleElement().asString()
                .contains("custom.entrypoint must be module:function");
        assertThat(SpecValidator.validate(custom("records:work", null, null))).singleElement().asString()
                .contains("configMap or source, one of them");
        assertThat(SpecValidator.validate(custom("records:work", null, "x".repeat(CustomWorkloadSpec.MAX_SOURCE_CHARS + 1))))
                .singleElement().asString().contains("at most 16384 characters");
        assertThat(SpecValidator.validate(custom("concbench_kernel:main", null, "x = 1\n"))).singleElement()
                .asString().contains("cannot be named concbench_kernel");

        ConcurrencyBenchmarkSpec sized = custom("records:work", "records-code", null);
        sized.getWorkload().setSize(5);
        assertThat(SpecValidator.validate(sized)).singleElement().asString().contains("a custom workload has no size");

        ConcurrencyBenchmarkSpec onJava = custom("records:work", "records-code", null);
        onJava.setRuntime(Runtime.JAVA_21);
        assertThat(SpecValidator.validate(onJava)).singleElement().asString().contains("Python runtimes only");

        ConcurrencyBenchmarkSpec java = custom(null, null, null);
        java.getWorkload().getCustom().setClassName("com.example.Work");
        java.setRuntime(Runtime.JAVA_21);
        assertThat(SpecValidator.validate(java)).singleElement().asString().contains("from spec.image");
        java.setImage("registry.local/my-work:1");
        assertThat(SpecValidator.validate(java)).isEmpty();

        ConcurrencyBenchmarkSpec slow = custom("records:work", "records-code", null);
        slow.getWorkload().getCustom().setCallTimeoutSeconds(900);
        assertThat(SpecValidator.validate(slow)).singleElement().asString()
                .contains("callTimeoutSeconds (900) must be below spec.timeoutSeconds (900)");

        ConcurrencyBenchmarkSpec swept = custom("records:work", "records-code", null);
        swept.setSweep(new SweepSpec());
        swept.getSweep().setRuntimes(List.of(Runtime.CPYTHON_3_11, Runtime.JAVA_21));
        assertThat(SpecValidator.validate(swept)).singleElement().asString().contains("not java-21");
    }

    @Test
    void theValidatorHoldsEachBuiltInsSizes() {
        for (Object[] c : new Object[][] {{WorkloadType.HASH, 0, "for a hash workload"},
                {WorkloadType.HASH, 65_537, "for a hash workload"}, {WorkloadType.RACE, 1_000_001, "for a race workload"},
                {WorkloadType.MIXED, 0, "for a mixed workload"}}) {
            ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
            spec.setWorkload(new WorkloadSpec((WorkloadType) c[0], (Integer) c[1], 4));
            assertThat(SpecValidator.validate(spec)).as(c[0] + " " + c[1]).singleElement().asString().contains((String) c[2]);
        }
        ConcurrencyBenchmarkSpec io = new ConcurrencyBenchmarkSpec();
        io.setWorkload(new WorkloadSpec(WorkloadType.IO, 5, 4));
        io.getWorkload().setIoFraction(0.5);
        assertThat(SpecValidator.validate(io)).singleElement().asString().contains("ioFraction is for the mixed workload");
        ConcurrencyBenchmarkSpec noCode = new ConcurrencyBenchmarkSpec();
        noCode.setWorkload(new WorkloadSpec());
        noCode.getWorkload().setType(WorkloadType.CUSTOM);
        noCode.getWorkload().setTasks(3);
        assertThat(SpecValidator.validate(noCode)).singleElement().asString().contains("custom is set for type custom");
    }

    @Test
    void theCodesConfigMapIsCheckedBeforeARun() {
        ConcurrencyBenchmarkSpec spec = custom("records:work", "records-code", null);
        assertThat(WorkloadCode.problem(spec, "namespace b", null, null)).contains("workload.custom.configMap: ConfigMap "
                + "records-code does not exist in namespace b: create it before the benchmark runs (e.g. kubectl create "
                + "configmap records-code --from-file=records.py)");
        assertThat(WorkloadCode.problem(spec, "namespace b", Map.of("other.py", "x"), null)).contains("workload.custom"
                + ".configMap: ConfigMap records-code has no records.py, the module of entrypoint records:work (its "
                + "keys: other.py)");
        assertThat(WorkloadCode.problem(spec, "namespace b", Map.of("records.py",
                "x".repeat(WorkloadCode.MAX_CONFIG_MAP_BYTES)), null)).get().asString()
                .contains("holds 524298 bytes, more than the 524288");
        assertThat(WorkloadCode.problem(spec, "namespace b", Map.of(), Map.of("records.py", "eA=="))).isEmpty();
        assertThat(WorkloadCode.problem(custom("records:work", null, "x = 1\n"), "namespace b", null, null)).isEmpty();
        assertThat(WorkloadCode.configMapName(custom("records:work", null, "x = 1\n"))).isEmpty();
    }

    @Test
    void theCodeIsLookedAtOnlyWhileNoRunOfTheCurrentGenerationRunsNorHasItEnded() {
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("b", "records", custom("records:work", "records-code", null));
        cb.getMetadata().setGeneration(2L);
        assertThat(WorkloadCode.toLookUp(cb)).as("before the first step").contains("records-code");

        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        RunStatus running = new RunStatus();
        running.setState(RunState.Running);
        status.getRuns().add(running);
        status.setObservedGeneration(1L);
        cb.setStatus(status);
        assertThat(WorkloadCode.toLookUp(cb)).as("the running run is an older generation's").contains("records-code");

        status.setObservedGeneration(2L);
        assertThat(WorkloadCode.toLookUp(cb)).as("a run is running").isEmpty();
        running.setState(RunState.Succeeded);
        assertThat(WorkloadCode.toLookUp(cb)).as("between two runs").contains("records-code");
        StatusTransitions.finish(status, true, "AllRunsSucceeded", "", 2L, java.time.Instant.EPOCH);
        assertThat(WorkloadCode.toLookUp(cb)).as("ended").isEmpty();
    }
}
