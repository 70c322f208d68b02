package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyChecksumTest {

    @Test
    void theStrategiesThisJvmRuns() {
        List<String> expected = new java.util.ArrayList<>(Strategy.DEFAULTS);
        if (Runtime.version().feature() >= 21) {
            expected.add("virtual-threads");
        }
        assertThat(Contract.supportedStrategies()).isEqualTo(expected);
    }

    @Test
    void everyStrategyReturnsTheContractChecksums() throws Exception {
        for (JsonNode c : Contract.read("checksums.json").get("cases")) {
            Shard shard = Shard.parse(c.get("shard").asText());
            int[] tasks = shard.taskIndices(c.get("tasks").asInt());
            int[] indices = new int[c.get("indices").size()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = c.get("indices").get(i).asInt();
            }
            assertThat(tasks).as(c.toString()).isEqualTo(indices);
            Workload.Kind kind = Workload.Kind.fromCliName(c.get("workload").asText());
            Workload workload = c.has("ioFraction")
                    ? new Workload(kind, c.get("size").asInt(), c.get("ioFraction").asDouble(), 0, null, null, true)
                    : new Workload(kind, c.get("size").asInt());
            assertThat(ClosedForm.checksum(kind, workload.size(), tasks)).as(c.toString()).isEqualTo(c.get("checksum").asText());
            for (String name : Contract.supportedStrategies()) {
                long[] values = Strategy.named(name, ChildJvm.current()).run(workload, tasks, 2);
                assertThat(values).hasSize(tasks.length);
                assertThat(Long.toUnsignedString(Strategy.checksum(values))).as(name + " on " + c)
                        .isEqualTo(c.get("checksum").asText());
            }
        }
    }

    @Test
    void theContractCoversEveryBuiltInWorkload() {
        List<String> covered = new java.util.ArrayList<>();
        Contract.read("checksums.json").get("cases").forEach(c -> covered.add(c.get("workload").asText()));
        assertThat(new java.util.TreeSet<>(covered))
                .isEqualTo(new java.util.TreeSet<>(Contract.strings(Contract.read("limits.json").get("builtInWorkloads"))));
    }

    @Test
    void cpuCallIsTheNestedLoop() {
        assertThat(Workload.cpuCall(1, 0)).isEqualTo(1);
        assertThat(Workload.cpuCall(2, 5)).isEqualTo(1 + 2 + 2 + 4 + 5);
        assertThat(Long.toUnsignedString(Workload.cpuCall(500, 9)))
                .isEqualTo(ClosedForm.cpuChecksum(500, new int[] {9}));
    }

    @Test
    void strategiesWithNoTasksSumToZero() throws Exception {
        for (String name : List.of("sequential", "threads", "thread-pool")) {
            assertThat(Strategy.named(name, ChildJvm.current()).run(new Workload(Workload.Kind.CPU, 5), new int[0], 2))
                    .isEmpty();
        }
    }

    @Test
    void aChildThatCannotStartFailsTheProcessStrategies() {
        ChildJvm broken = new ChildJvm(ChildJvm.current().command().get(0), "/nonexistent/classes",
                ProcessBuilder.Redirect.DISCARD);
        Workload workload = new Workload(Workload.Kind.IO, 0);
        assertThatThrownBy(() -> new ProcessPerCallStrategy(broken).run(workload, new int[] {1, 2}, 1))
                .isInstanceOf(ChildFailedException.class);
        assertThatThrownBy(() -> new ProcessPoolStrategy(broken).run(workload, new int[] {1, 2}, 2))
                .isInstanceOf(ChildFailedException.class);
    }

    @Test
    void aBuiltInWorkloadThatDisagreesFailsTheRun() {
        // a lost or repeated call: the built-ins' values are known
        Strategy wrong = new Strategy("wrong", (workload, tasks, workers) -> new long[] {42, 7});
        BenchmarkRun run = new BenchmarkRun(List.of(wrong, Strategy.named("sequential", null)),
                new Workload(Workload.Kind.CPU, 3), new int[] {5, 6}, 1, 1, 0);
        assertThatThrownBy(run::run).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageMatching("checksum mismatch: wrong gave 49, sequential gave \\d+ \\(first at task 5\\)");
    }

    @Test
    void benchmarkRunInterleavesAndRecordsOnlyMeasuredRepetitions() throws Exception {
        List<String> calls = new java.util.ArrayList<>();
        Strategy a = recording("a", calls);
        Strategy b = recording("b", calls);
        BenchmarkRun.Outcome outcome = new BenchmarkRun(List.of(a, b), new Workload(Workload.Kind.CPU, 2),
                new int[] {0}, 1, 3, 2).run();
        assertThat(calls).containsExactly("a", "b", "a", "b", "a", "b", "a", "b", "a", "b");
        assertThat(outcome.nanos()).containsOnlyKeys("a", "b");
        assertThat(outcome.nanos().get("a")).hasSize(3);
        assertThat(outcome.checksum()).isEqualTo(9);
        assertThat(outcome.end()).isAfterOrEqualTo(outcome.start());
        assertThat(outcome.differs()).isEmpty();
        assertThat(outcome.lost()).isNull();
    }

    private static Strategy recording(String name, List<String> calls) {
        return new Strategy(name, (workload, tasks, workers) -> {
            calls.add(name);
            return new long[] {9};
        });
    }
}
