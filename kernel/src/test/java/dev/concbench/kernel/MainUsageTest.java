package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MainUsageTest {

    static Stream<Arguments> usageErrors() {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : Contract.read("usage-errors.json").get("cases")) {
            if (!c.has("runtime") || c.get("runtime").asText().equals("java")) {
                cases.add(Arguments.of(String.join(" ", Contract.strings(c.get("args"))),
                        Contract.strings(c.get("args")), Contract.strings(c.get("stderr"))));
            }
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("usageErrors")
    void theContractUsageErrorsExitWithTwoAndOneLine(String commandLine, List<String> args, List<String> fragments) {
        KernelProcess result = KernelProcess.inThisJvm(args.toArray(new String[0]));
        assertThat(result.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).startsWith("concbench-kernel: ").endsWith("\n");
        assertThat(result.stderr().strip().lines()).hasSize(1);
        assertThat(result.stderr()).contains(fragments);
    }

    @Test
    void defaultsAndBothOptionForms() throws UsageException {
        KernelOptions options = KernelOptions.parse(new String[] {"--workload=io", "--size", "0", "--tasks=7"});
        assertThat(options.workload()).isEqualTo(new Workload(Workload.Kind.IO, 0));
        assertThat(options.tasks()).isEqualTo(7);
        assertThat(options.strategies()).isEqualTo(Strategy.DEFAULTS);
        assertThat(options.startMethod()).isNull();
        assertThat(options.skipped()).isEmpty();
        assertThat(options.workers()).isZero();
        assertThat(options.repetitions()).isEqualTo(5);
        assertThat(options.warmup()).isEqualTo(1);
        assertThat(options.shard()).isEqualTo(new Shard(0, 1));
        assertThat(options.startAt()).isNull();
        assertThat(options.startGate()).isNull();
        assertThat(options.output()).isNull();
    }

    @Test
    void strategiesKeepTheGivenOrder() throws UsageException {
        KernelOptions options = KernelOptions.parse(new String[] {
            "--workload", "cpu", "--size", "100000", "--tasks", "100000",
            "--strategies", "process-pool,sequential", "--repetitions", "20", "--warmup", "10",
            "--shard", "99999/100000", "--start-at", "1764070000.25"});
        assertThat(options.strategies()).containsExactly("process-pool", "sequential");
        assertThat(options.startAt()).isEqualTo(1764070000.25);
    }

    @Test
    void theStartMethodIsCheckedThenIgnored() throws UsageException {
        for (String method : KernelOptions.START_METHODS) {
            assertThat(KernelOptions.parse(new String[] {"--workload", "io", "--size", "0", "--tasks", "1",
                "--start-method", method}).startMethod()).isEqualTo(method);
        }
        KernelProcess result = KernelProcess.inThisJvm("--workload", "io", "--size", "0", "--tasks", "2",
                "--strategies", "sequential,process-pool", "--start-method", "spawn", "--repetitions", "1",
                "--warmup", "0");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("\"startMethod\":null,");
    }

    @Test
    void skipUnsupportedMeasuresTheOthersAndRecordsTheSkipped() {
        KernelProcess result = KernelProcess.inThisJvm("--workload", "io", "--size", "1", "--tasks", "4",
                "--strategies", "asyncio,sequential,interpreter-pool,threads", "--skip-unsupported",
                "--repetitions", "2", "--warmup", "0");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).isEmpty();
        String version = System.getProperty("java.version");
        assertThat(result.stdout())
                .contains("\"skipped\":{\"asyncio\":\"needs CPython or PyPy; this is Java " + version
                        + "\",\"interpreter-pool\":\"needs CPython 3.14 or newer; this is Java " + version + "\"},")
                .containsPattern("\"times\":\\{\"sequential\":\\[[0-9.,]+],\"threads\":\\[[0-9.]+,[0-9.]+]},\"cpu\":")
                .contains("\"checksum\":\"6\"");
    }

    @Test
    void virtualThreadsBeforeJava21ExitTwoNamingTheVersionTheyNeed() {
        KernelProcess result = KernelProcess.inThisJvm("--workload", "io", "--size", "0", "--tasks", "2",
                "--strategies", "sequential,virtual-threads");
        if (Runtime.version().feature() >= 21) {
            assertThat(result.exitCode()).as(result.stderr()).isZero();
        } else {
            assertThat(result.exitCode()).isEqualTo(Main.EXIT_USAGE);
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderr()).isEqualTo("concbench-kernel: virtual-threads needs Java 21 or newer; this is "
                    + System.getProperty("java.version") + "\n");
        }
    }

    @Test
    void helpExitsWithZero() {
        KernelProcess result = KernelProcess.inThisJvm("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("--workload", "--start-gate");
    }

    @Test
    void aSuccessfulRunPrintsOneDocument() {
        KernelProcess result = KernelProcess.inThisJvm(
                java.util.Map.of("NODE_NAME", "node-a"),
                "--workload", "cpu", "--size", "10", "--tasks", "5", "--strategies", "threads,sequential",
                "--repetitions", "2", "--warmup", "0", "--shard", "1/2");
        assertThat(result.exitCode()).isZero();
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout().lines().toList()).hasSize(1);
        assertThat(result.stdout()).contains("\"node\":\"node-a\",\"pod\":null,\"shard\":\"1/2\",\"tasks\":2,")
                .contains("\"checksum\":\"" + ClosedForm.cpuChecksum(10, new int[] {1, 3}) + "\"")
                .containsPattern("\"times\":\\{\"threads\":\\[\\d+\\.\\d{6},\\d+\\.\\d{6}],\"sequential\":\\[");
    }

    @Test
    void aFailingChildExitsWithThree() {
        for (String strategy : List.of("processes", "process-pool")) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int code = Main.run(new String[] {"--workload", "io", "--size", "0", "--tasks", "2",
                "--strategies", "sequential," + strategy, "--warmup", "0", "--repetitions", "1"},
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err),
                java.util.Map.of(), new ChildJvm(ChildJvm.current().command().get(0), "/nonexistent",
                        ProcessBuilder.Redirect.DISCARD));
            assertThat(code).as(strategy).isEqualTo(Main.EXIT_MISMATCH);
            assertThat(err.toString()).contains("concbench-kernel: " + strategy);
        }
    }
}
