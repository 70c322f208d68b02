package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainUsageTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "--workload cpu --size 5 --tasks 3 --strategies threads,bogus",
        "--workload cpu --size 5 --tasks 3 --strategies threads,threads",
        "--workload cpu --size 5 --tasks 3 --strategies threads,",
        "--workload cpu --size 0 --tasks 3",
        "--workload cpu --size 100001 --tasks 3",
        "--workload io --size 600001 --tasks 3",
        "--workload cpu --size 5 --tasks 0",
        "--workload cpu --size 5 --tasks 100001",
        "--workload cpu --size 5 --tasks 3 --repetitions 0",
        "--workload cpu --size 5 --tasks 3 --repetitions 21",
        "--workload cpu --size 5 --tasks 3 --warmup 11",
        "--workload cpu --size 5 --tasks 3 --workers -1",
        "--workload cpu --size 5 --tasks 3 --shard 4/4",
        "--workload cpu --size 5 --tasks 3 --shard 1",
        "--workload cpu --size 5 --tasks 3 --start-at tomorrow",
        "--workload cpu --size 5 --tasks 3 --start-at 1 --start-gate /tmp/gate",
        "--workload gpu --size 5 --tasks 3",
        "--workload cpu --size 5",
        "--workload cpu --size five --tasks 3",
        "--workload cpu --size 5 --tasks 3 --bogus 1",
        "--workload cpu --size 5 --tasks",
        "--workload cpu --size 5 --output --tasks 3",
        "",
    })
    void usageErrorsExitWithTwoAndOneLine(String commandLine) {
        String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");
        KernelProcess result = KernelProcess.inThisJvm(args);
        assertThat(result.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).startsWith("concbench-kernel: ").endsWith("\n");
        assertThat(result.stderr().strip().lines()).hasSize(1);
    }

    @Test
    void defaultsAndBothOptionForms() throws UsageException {
        KernelOptions options = KernelOptions.parse(new String[] {"--workload=io", "--size", "0", "--tasks=7"});
        assertThat(options.workload()).isEqualTo(new Workload(Workload.Kind.IO, 0));
        assertThat(options.tasks()).isEqualTo(7);
        assertThat(options.strategies()).isEqualTo(Strategy.NAMES);
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
