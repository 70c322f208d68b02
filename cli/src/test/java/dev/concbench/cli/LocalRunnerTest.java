package dev.concbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.Checksums;
import dev.concbench.domain.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The local runner end to end: real kernels, and a kernel that fails. */
class LocalRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An example run with the real kernels: what the command printed and the status it printed. */
    private record Ran(CliHarness cli, ConcurrencyBenchmarkStatus status) {
    }

    /** Runs an example with the real kernels; it must exit 0 and end Succeeded. */
    private static Ran runExample(String example) throws IOException {
        CliHarness cli = CliHarness.run(() -> KernelLauncher.forHome(TestPaths.repoRoot()),
                "run", TestPaths.example(example).toString(), "-o", "json");
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        ConcurrencyBenchmarkStatus status = JSON.readValue(cli.out(), ConcurrencyBenchmarkStatus.class);
        assertThat(status.getPhase()).isEqualTo(Phase.Succeeded);
        return new Ran(cli, status);
    }

    @Test
    void runsTheIoExampleWithThePythonKernelAndPrintsTheOperatorsStatus() throws Exception {
        Ran ran = runExample("seed-python-io.yaml");
        ConcurrencyBenchmarkStatus status = ran.status();
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(Conditions.isTrue(status.getConditions(), Conditions.COMPLETE)).isTrue();
        assertThat(Conditions.isTrue(status.getConditions(), Conditions.FAILED)).isFalse();

        // Every run read, its checksum the one the contract predicts: every call ran exactly once.
        String expected = Checksums.expected(WorkloadType.IO, 50, 80).toString();
        assertThat(status.getRuns()).isNotEmpty().allSatisfy(run -> {
            assertThat(run.getState()).isEqualTo(RunState.Succeeded);
            assertThat(run.getChecksum()).isEqualTo(expected);
            assertThat(run.getJobName()).isEqualTo("seed-python-io-g1-r" + run.getIndex());
            assertThat(run.getNodes()).containsExactly(LocalRunner.NODE_NAME);
        });

        assertThat(status.getResults()).extracting(ResultRow::getStrategy)
                .containsExactly("sequential", "threads", "thread-pool");
        assertThat(status.getResults()).allSatisfy(row -> {
            assertThat(row.getSpeedup()).isNotNull().isPositive();
            assertThat(row.getEfficiency()).isNotNull().isPositive();
            assertThat(row.getSamples()).hasSize(3);
        });
        ResultRow sequential = status.getResults().get(0);
        ResultRow threads = status.getResults().get(1);
        assertThat(sequential.getSpeedup()).isEqualTo(1.0);
        assertThat(sequential.getMedian()).isGreaterThan(80 * 0.050); // 80 sleeps one after another
        assertThat(threads.getSpeedup()).isGreaterThan(10.0);         // the sleeps overlap
        assertThat(status.getFastest()).isIn("threads", "thread-pool@workers=80");
        assertThat(status.getEnvironment().getRuntime()).isEqualTo("python");
        assertThat(status.getEnvironment().getRuntimeVersion()).isNotBlank();

        // The lifecycle's events, in the words kubectl describe shows on a cluster.
        assertThat(ran.cli().err()).contains("run 1/1: pods=1 workers=80",
                "seed-python-io: RunStarted: run 1/1 started: job seed-python-io-g1-r0",
                "seed-python-io: RunSucceeded: run 1/1 succeeded: job seed-python-io-g1-r0",
                "seed-python-io: BenchmarkSucceeded: all 1 run(s) succeeded");
    }

    @Test
    void runsTheShardsOfAMultiPodRunInParallelAndSumsTheirChecksums() {
        // size 200: a pod's row lasts over 10 ms, long enough for CPU times to the millisecond (Contention.MIN_WALL_SECONDS)
        ConcurrencyBenchmark cb = benchmark("shards", WorkloadType.CPU, 200, 12, 2,
                List.of(StrategyName.SEQUENTIAL, StrategyName.THREADS));
        List<List<String>> commands = new CopyOnWriteArrayList<>();
        KernelLauncher real = KernelLauncher.forHome(TestPaths.repoRoot());
        KernelLauncher recording = (runtime, args) -> {
            commands.add(args);
            return real.command(runtime, args);
        };

        ConcurrencyBenchmarkStatus status = new LocalRunner(recording, null).run(cb);

        assertThat(status.getPhase()).as(String.valueOf(status.getConditions())).isEqualTo(Phase.Succeeded);
        // A single-pod sequential baseline comes first, then the 2-pod run with a common start.
        assertThat(status.getRuns()).extracting(RunStatus::getPods).containsExactly(1, 2);
        assertThat(commands).hasSize(3);
        assertThat(commands.get(0)).doesNotContain("--start-at");
        assertThat(commands.get(1)).contains("--shard", "0/2", "--start-at");
        assertThat(commands.get(2)).contains("--shard", "1/2", "--start-at");
        String expected = Checksums.expected(WorkloadType.CPU, 200, 12).toString();
        assertThat(status.getRuns()).allSatisfy(run -> assertThat(run.getChecksum()).isEqualTo(expected));
        assertThat(status.getResults()).extracting(r -> r.getStrategy() + "@" + r.getPods())
                .containsExactly("sequential@1", "sequential@2", "threads@2");
        // The real kernel's CPU figures (result format 2), summed over the pods: a pod gets at most its CPUs.
        assertThat(status.getResults()).allSatisfy(r -> {
            assertThat(r.getCpu()).as(r.getStrategy() + "@" + r.getPods()).isNotNull();
            assertThat(r.getCpu().getObtained()).isNotNegative().isLessThanOrEqualTo(r.getPods() * 2.0 * 1.1 + 0.1);
            if (r.getCpu().getObtained() == 0.0) {
                // On a loaded machine a row may get under 0.005 CPU (0.00 once rounded): then it is flagged,
                // never read as a measurement.
                assertThat(r.getContended()).as(r.getStrategy() + "@" + r.getPods() + " obtained no CPU")
                        .isTrue();
            }
        });
        if (System.getProperty("os.name").startsWith("Linux")) {
            // schedstat and a cgroup are read on Linux
            assertThat(status.getResults()).allSatisfy(r -> assertThat(r.getCpu().getWaitFraction()).isNotNull());
            assertThat(status.getEnvironment().getCgroup()).isIn("v1", "v2");
        }
        assertThat(status.getEnvironment().getQosClass()).as("no pods, no QoS class").isNull();
    }

    @Test
    void aSweepOverRuntimesStartsEachRunWithItsRuntimesKernel() {
        ConcurrencyBenchmark cb = benchmark("runtimes", WorkloadType.CPU, 30, 8, 1,
                List.of(StrategyName.THREADS, StrategyName.ASYNCIO));
        cb.getSpec().setSweep(new dev.concbench.api.v1alpha1.SweepSpec());
        cb.getSpec().getSweep().setRuntimes(List.of(Runtime.CPYTHON_3_11, Runtime.JAVA_17));
        List<String> started = new CopyOnWriteArrayList<>();
        KernelLauncher real = KernelLauncher.forHome(TestPaths.repoRoot());
        KernelLauncher recording = (runtime, args) -> {
            started.add(runtime.value() + " " + args.get(args.indexOf("--strategies") + 1));
            // This machine's Python kernel stands in for both (the point is which runtime each run asks for).
            return real.command(Runtime.PYTHON, args);
        };

        ConcurrencyBenchmarkStatus status = new LocalRunner(recording, null).run(cb);

        assertThat(status.getPhase()).as(String.valueOf(status.getConditions())).isEqualTo(Phase.Succeeded);
        assertThat(started).containsExactly("cpython-3.11 sequential,threads,asyncio", "java-17 sequential,threads");
        assertThat(status.getResults()).extracting(r -> r.getRuntime() + "/" + r.getStrategy())
                .containsExactly("cpython-3.11/sequential", "cpython-3.11/threads", "cpython-3.11/asyncio",
                        "java-17/sequential", "java-17/threads");
        assertThat(status.getResults()).allSatisfy(r -> assertThat(r.getRelativeToFirstRuntime()).isPositive());
        assertThat(status.getEnvironment().getSkipped())
                .containsOnlyKeys("java-17/asyncio");
        assertThat(status.getFastest()).startsWith(status.getResults().stream()
                .min(java.util.Comparator.comparingDouble(ResultRow::getMedian)).orElseThrow().getRuntime() + "/");
    }

    @Test
    void aFailingKernelFailsTheBenchmarkWithItsMessage(@TempDir Path tmp) throws IOException {
        Path script = tmp.resolve("failing-kernel.sh");
        Files.writeString(script, "#!/bin/sh\n"
                + "echo 'some progress' >&2\n"
                + "echo 'concbench-kernel: checksum of threads (7) differs from sequential (8)' >&2\n"
                + "exit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        KernelLauncher failing = (runtime, args) -> {
            List<String> command = new ArrayList<>(List.of(script.toString()));
            command.addAll(args);
            return command;
        };

        ConcurrencyBenchmarkStatus status = new LocalRunner(failing, null)
                .run(benchmark("broken", WorkloadType.IO, 1, 4, 1, List.of(StrategyName.SEQUENTIAL)));

        assertThat(status.getPhase()).isEqualTo(Phase.Failed);
        assertThat(status.getCompletionTime()).isNotNull();
        Condition failed = Conditions.find(status.getConditions(), Conditions.FAILED).orElseThrow();
        assertThat(failed.getStatus()).isEqualTo("True");
        assertThat(failed.getReason()).isEqualTo("PodFailed");
        assertThat(failed.getMessage())
                .isEqualTo("pod broken-g1-r0-0 failed: exit code 3: "
                        + "concbench-kernel: checksum of threads (7) differs from sequential (8)");
        assertThat(status.getRuns().get(0).getState()).isEqualTo(RunState.Failed);
        assertThat(status.getRuns().get(0).getMessage()).isEqualTo(failed.getMessage());
        assertThat(status.getResults()).isEmpty();
    }

    @Test
    void aFailingKernelMakesTheCommandExitOneAndShowsTheFailure(@TempDir Path tmp) throws IOException {
        Path script = tmp.resolve("k.sh");
        Files.writeString(script, "#!/bin/sh\necho 'concbench-kernel: boom' >&2\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path manifest = tmp.resolve("cb.yaml");
        Files.writeString(manifest, CliHarness.manifest("boom",
                "workload: {type: io, size: 1, tasks: 2}\nstrategies: [sequential]\nrepetitions: 1"));

        CliHarness table = CliHarness.run(() -> (runtime, args) -> List.of(script.toString()),
                "run", manifest.toString());
        assertThat(table.exitCode()).isEqualTo(1);
        assertThat(table.out()).contains("boom: ", ": Failed")
                .contains("failed: PodFailed: pod boom-g1-r0-0 failed: exit code 3: concbench-kernel: boom");
        assertThat(table.err()).contains("boom: RunFailed: run 1/1 failed: job boom-g1-r0",
                "boom: BenchmarkFailed: pod boom-g1-r0-0 failed: exit code 3: concbench-kernel: boom");

        CliHarness yaml = CliHarness.run(() -> (runtime, args) -> List.of(script.toString()),
                "run", manifest.toString(), "-o", "yaml");
        assertThat(yaml.exitCode()).isEqualTo(1);
        ConcurrencyBenchmarkStatus status = new ObjectMapper(new YAMLFactory())
                .readValue(yaml.out(), ConcurrencyBenchmarkStatus.class);
        assertThat(status.getPhase()).isEqualTo(Phase.Failed);
        assertThat(Conditions.find(status.getConditions(), Conditions.FAILED).orElseThrow().getMessage())
                .endsWith("concbench-kernel: boom");
    }

    @Test
    void unreadableKernelOutputFailsTheRun(@TempDir Path tmp) throws IOException {
        Path script = tmp.resolve("k.sh");
        Files.writeString(script, "#!/bin/sh\necho 'hello, not json'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        ConcurrencyBenchmarkStatus status = new LocalRunner((runtime, args) -> List.of(script.toString()), null)
                .run(benchmark("garbled", WorkloadType.IO, 1, 2, 1, List.of(StrategyName.SEQUENTIAL)));

        assertThat(status.getPhase()).isEqualTo(Phase.Failed);
        Condition failed = Conditions.find(status.getConditions(), Conditions.FAILED).orElseThrow();
        assertThat(failed.getReason()).isEqualTo("ResultUnreadable");
        assertThat(failed.getMessage()).contains("pod garbled-g1-r0-0", "not a kernel result: hello, not json");
    }

    /** The real Python kernel (3.11 here): asyncio measured with the same checksum, interpreter-pool skipped. */
    @Test
    void asyncioIsMeasuredAndAStrategyTheInterpreterLacksIsSkippedWithItsReason() throws Exception {
        ConcurrencyBenchmarkStatus status = runExample("asyncio-io.yaml").status();
        assertThat(status.getResults()).extracting(ResultRow::getStrategy).contains("sequential", "threads", "asyncio");
        assertThat(status.getRuns().get(0).getChecksum()).isEqualTo(Checksums.expected(WorkloadType.IO, 50, 80).toString());
        String version = status.getEnvironment().getRuntimeVersion();
        if (!version.startsWith("3.1") || version.compareTo("3.14") < 0) {
            assertThat(status.getEnvironment().getSkipped()).containsOnlyKeys("interpreter-pool");
            assertThat(status.getEnvironment().getSkipped().get("interpreter-pool"))
                    .isEqualTo("needs CPython 3.14 or newer; this is " + version);
            assertThat(status.getResults()).extracting(ResultRow::getStrategy).doesNotContain("interpreter-pool");
        }
        assertThat(status.getEnvironment().getKernel().getImplementation()).isEqualTo("cpython");
        assertThat(status.getEnvironment().getKernel().getGil()).isTrue();
        assertThat(status.getConclusion()).startsWith("io-bound on python " + version + " (GIL enabled): ")
                .contains("asyncio ").contains("threads ");
    }

    static ConcurrencyBenchmark benchmark(String name, WorkloadType type, int size, int tasks, int pods,
                                          List<StrategyName> strategies) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(type, size, tasks));
        // A mutable list, as Jackson makes it: SpecValidator's contains(null) throws on List.of.
        spec.setStrategies(new ArrayList<>(strategies));
        spec.setPods(pods);
        spec.setRepetitions(2);
        spec.setWarmup(0);
        return new ConcurrencyBenchmark("default", name, spec);
    }
}
