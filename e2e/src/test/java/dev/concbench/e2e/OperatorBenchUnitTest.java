package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concbench.domain.ShardResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's own arithmetic: the overlap sweep, the percentiles it prints, the results it writes for pods. */
class OperatorBenchUnitTest {

    @Test
    void overlapCountsIntervalsOpenAtOnePointAndAnEndFreesItsPointForTheNextStart() {
        assertThat(BenchReport.maxOverlap(List.of())).isZero();
        // one after another, each starting exactly where the previous ended: never two at once
        assertThat(BenchReport.maxOverlap(List.of(new long[] {1, 5}, new long[] {5, 9}, new long[] {9, 12})))
                .isEqualTo(1);
        // [1,10] holds while [2,4] and [3,6] both start: three at once at 3
        assertThat(BenchReport.maxOverlap(List.of(new long[] {1, 10}, new long[] {2, 4}, new long[] {3, 6},
                new long[] {7, 8}))).isEqualTo(3);
    }

    @Test
    void percentilesAreNearestRank() {
        BenchReport.Stats s = BenchReport.Stats.of(List.of(5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 6.0, 7.0, 8.0, 9.0,
                11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0));
        assertThat(s.n()).isEqualTo(20);
        assertThat(s.p50()).isEqualTo(10.0);
        assertThat(s.p95()).isEqualTo(19.0);
        assertThat(s.max()).isEqualTo(20.0);
        assertThat(BenchReport.Stats.of(List.of()).n()).isZero();
    }

    /**
     * The simulated kubelet's checksums are the kernel contract's cases (kernel/contract/checksums.json), and
     * the operator's reader (the model's ShardResult) accepts its documents.
     */
    @Test
    void simulatedResultsCarryTheChecksumsOfTheKernelContract() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(Path.of("../kernel/contract/checksums.json").toFile()).path("cases");
        assertThat(cases.size()).isGreaterThan(5);
        for (JsonNode c : cases) {
            String[] shard = c.path("shard").asText().split("/");
            Pod pod = kernelPod(c.path("workload").asText(), c.path("size").asInt(), c.path("tasks").asInt(),
                    shard[0], shard[1]);
            SimulatedKubelet.KernelArgs args = SimulatedKubelet.KernelArgs.of(pod);
            assertThat(args.checksum()).as(c.toString()).isEqualTo(c.path("checksum").asText());
            String document = args.resultDocument(pod, 10.0, 10.5);
            ShardResult parsed = ShardResult.parse(document);
            assertThat(parsed.checksum()).isEqualTo(c.path("checksum").asText());
            assertThat(parsed.shardIndex()).isEqualTo(Integer.parseInt(shard[0]));
            JsonNode result = new ObjectMapper().readTree(document);
            assertThat(result.path("shard").asText()).isEqualTo(c.path("shard").asText());
            assertThat(result.path("tasks").asInt()).isEqualTo(c.path("indices").size());
            assertThat(result.path("times").path("sequential").size()).isEqualTo(2);
        }
    }

    /** A kernel pod as the operator's Job makes it: the shard's index is the pod's completion index. */
    private static Pod kernelPod(String workload, int size, int tasks, String index, String count) {
        return new PodBuilder().withNewMetadata().withName("b-g1-r0-" + index + "-abcde")
                .addToAnnotations(SimulatedKubelet.ANNOTATION_INDEX, index).endMetadata()
                .withNewSpec().addNewContainer().withName("kernel").withImage("python:3.11-slim")
                .withCommand("python3", "/opt/concbench/concbench_kernel.py")
                .withArgs("--workload", workload, "--size", Integer.toString(size), "--tasks", Integer.toString(tasks),
                        "--strategies", "sequential", "--workers", "0", "--repetitions", "2", "--warmup", "0",
                        "--shard", "$(JOB_COMPLETION_INDEX)/" + count, "--skip-unsupported")
                .endContainer().withNodeName("kwok-node-000").endSpec().build();
    }
}
