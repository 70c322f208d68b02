package dev.concbench.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Unit tests of the node agent's (a test fixture's) pure parts; they run in every build. */
class NodeAgentUnitTest {

    @Test
    void expandsVariablesLikeKubernetes() {
        Map<String, String> vars = Map.of("JOB_COMPLETION_INDEX", "3", "A", "x");
        assertThat(PodRunner.expand("--shard $(JOB_COMPLETION_INDEX)/4", vars)).isEqualTo("--shard 3/4");
        assertThat(PodRunner.expand("$(UNDEFINED) $(A)", vars)).isEqualTo("$(UNDEFINED) x");
        assertThat(PodRunner.expand("$$(A) costs $$5", vars)).isEqualTo("$(A) costs $5");
    }

    @Test
    void rewritesContainerPathsOnceLongestFirst() {
        Map<String, String> mounts = Map.of(
                "/tmp", "/tmp/agent/pod/volumes/tmp",
                "/opt/concbench/kernel", "/tmp/agent/pod/volumes/kernel",
                "/dev/termination-log", "/tmp/agent/pod/kernel.termination-log");
        assertThat(PodRunner.rewrite("/opt/concbench/kernel/concbench_kernel.py", mounts))
                .isEqualTo("/tmp/agent/pod/volumes/kernel/concbench_kernel.py");
        assertThat(PodRunner.rewrite("--output=/dev/termination-log", mounts))
                .isEqualTo("--output=/tmp/agent/pod/kernel.termination-log");
        assertThat(PodRunner.rewrite("/tmp", mounts)).isEqualTo("/tmp/agent/pod/volumes/tmp");
        assertThat(PodRunner.rewrite("/tmpfoo /etc/x", mounts)).isEqualTo("/tmpfoo /etc/x");
    }

    @Test
    void imageMapMatchesGlobsAndResolvesRelativePaths() throws Exception {
        Path dir = Files.createTempDirectory("images");
        Path file = dir.resolve("images.yaml");
        Files.writeString(file, """
                images:
                  - pattern: "python:*"
                    entrypoint: [python3]
                  - pattern: "*concbench-kernel:*"
                    entrypoint: [java, -jar, kernel/target/k.jar]
                    env: {A: "1"}
                """);
        ImageMap map = ImageMap.load(file, Path.of("/repo"));
        assertThat(map.find("python:3.11-slim")).get().extracting(ImageMap.Image::entrypoint).isEqualTo(List.of("python3"));
        assertThat(map.find("example/concbench-kernel:0.1.0")).get().satisfies(i -> {
            assertThat(i.entrypoint()).containsExactly("java", "-jar", "/repo/kernel/target/k.jar");
            assertThat(i.env()).containsEntry("A", "1");
        });
        assertThat(map.find("busybox:1")).isEmpty();
        assertThat(map.find("mypython:3")).isEmpty();
    }

    @Test
    void placementHonoursSelectorAntiAffinityAndCapacity() {
        Node node = new NodeBuilder().withNewMetadata().withName("n1")
                .withLabels(Map.of("kubernetes.io/hostname", "n1", "disk", "ssd")).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().withAllocatable(Map.of("cpu", new Quantity("2"), "memory", new Quantity("1Gi"),
                        "pods", new Quantity("10"))).endStatus().build();
        Pod plain = pod("a", Map.of("run", "r1"), null, "500m");
        assertThat(Placement.misfit(plain, node, List.of())).isEmpty();

        Pod wantsHdd = new PodBuilder(plain).editSpec().withNodeSelector(Map.of("disk", "hdd")).endSpec().build();
        assertThat(Placement.misfit(wantsHdd, node, List.of())).get().asString().contains("selector");

        Pod spread = new PodBuilder(pod("b", Map.of("run", "r1"), null, "500m")).editSpec().withNewAffinity()
                .withNewPodAntiAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withTopologyKey("kubernetes.io/hostname").withNewLabelSelector().addToMatchLabels("run", "r1")
                .endLabelSelector().endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity()
                .endAffinity().endSpec().build();
        assertThat(Placement.misfit(spread, node, List.of())).isEmpty();
        assertThat(Placement.misfit(spread, node, List.of(plain))).get().asString().contains("anti-affinity");

        Pod big = pod("c", Map.of(), null, "1800m");
        assertThat(Placement.misfit(big, node, List.of(plain))).get().asString().isEqualTo("Insufficient cpu");
    }

    private static Pod pod(String name, Map<String, String> labels, String node, String cpu) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withLabels(labels).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("python:3")
                .withNewResources().addToRequests("cpu", new Quantity(cpu)).endResources().endContainer()
                .endSpec().build();
    }
}
