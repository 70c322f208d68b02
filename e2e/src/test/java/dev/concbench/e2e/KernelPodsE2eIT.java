package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.concbench.e2e.Commands.items;
import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.E2eEnvironment.JAVA_IMAGE;
import static dev.concbench.e2e.E2eEnvironment.PYTHON_IMAGE;
import static dev.concbench.e2e.E2eEnvironment.apply;
import static dev.concbench.e2e.E2eEnvironment.awaitFailed;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.awaitTrue;
import static dev.concbench.e2e.E2eEnvironment.condition;
import static dev.concbench.e2e.E2eEnvironment.jobName;
import static dev.concbench.e2e.E2eEnvironment.kernelPods;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.namespace;
import static dev.concbench.e2e.E2eEnvironment.sleeps;
import static dev.concbench.e2e.E2eEnvironment.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where and how kernel pods run on the real nodes: two JVM pods on distinct nodes placed by the real
 * scheduler; a run no node can take (Unschedulable at its scheduling timeout); a one-CPU limit on a two-CPU
 * node seen by both kernels (one CPU, a pool of one); processes and pools under the restricted pod security
 * in both runtimes; {@code kubectl logs} of a kernel pod.
 */
@Order(15)
@OnTheSharedOperator
class KernelPodsE2eIT {

    @Test
    @Order(1)
    void javaKernelRunsTwoPodsOnDistinctNodesFromACommonStart() {
        String ns = namespace("e2e-java");
        apply(ns, manifest("jvm-spread", """
                runtime: java
                workload: {type: cpu, size: 300, tasks: 8}
                strategies: [sequential, threads]
                pods: 2
                placement: {spreadAcrossNodes: true}
                repetitions: 2
                warmup: 0
                """));
        JsonNode status = awaitPhase(ns, "jvm-spread", "Succeeded", 180).path("status");
        assertThat(status.path("environment").path("runtime").asText()).isEqualTo("java");
        List<String> nodes = new ArrayList<>();
        status.path("environment").path("nodes").forEach(n -> nodes.add(n.asText()));
        assertThat(nodes).as("required pod anti-affinity: one pod per node").containsExactlyInAnyOrder("e2e-node-a",
                "e2e-node-b");
        // Placed by the real scheduler, one pod per node (the two-pod run; run 0 is the baseline).
        List<JsonNode> pods = items("-n", ns, "get", "pods", "-l", "batch.kubernetes.io/job-name="
                + jobName(ns, "jvm-spread", 1, 1));
        assertThat(pods.stream().map(p -> p.path("spec").path("nodeName").asText()).sorted().toList())
                .containsExactly("e2e-node-a", "e2e-node-b");
        for (JsonNode pod : pods) {
            String name = pod.path("metadata").path("name").asText();
            List<String> scheduled = items("-n", ns, "get", "events", "--field-selector",
                    "reason=Scheduled,involvedObject.name=" + name).stream()
                    .map(e -> e.path("reportingComponent").asText() + "/" + e.path("source").path("component").asText()
                            + ": " + e.path("message").asText()).toList();
            System.out.println("[e2e] " + scheduled);
            assertThat(scheduled).hasSize(1).allMatch(e -> e.contains("default-scheduler"))
                    .allMatch(e -> e.contains(pod.path("spec").path("nodeName").asText()));
        }
    }

    @Test
    @Order(2)
    void runThatCannotBeScheduledSaysWhyAndEndsUnschedulableAtItsSchedulingTimeout() {
        String ns = namespace("e2e-unschedulable");
        apply(ns, manifest("too-spread", """
                pods: 3
                placement: {spreadAcrossNodes: true}
                timeoutSeconds: 600
                schedulingTimeoutSeconds: 10
                """ + sleeps(20, 6, 1)));
        // Three pods, two nodes, one pod per node: the third stays Pending, as with a real scheduler.
        awaitTrue("Progressing says why the run waits", Duration.ofSeconds(90), () -> "Unschedulable".equals(
                condition(json("-n", ns, "get", "cb", "too-spread"), "Progressing").path("reason").asText()));
        JsonNode waiting = condition(json("-n", ns, "get", "cb", "too-spread"), "Progressing");
        System.out.println("[e2e] Progressing while it waits: " + waiting.path("message").asText());
        assertThat(waiting.path("message").asText()).contains("waiting: pod ", "cannot be scheduled",
                "didn't match pod anti-affinity rules");
        // The scheduling timeout ends it, not the 10-minute deadline.
        JsonNode failed = awaitFailed(ns, "too-spread", 90);
        assertThat(failed.path("reason").asText()).isEqualTo("Unschedulable");
        assertThat(failed.path("message").asText()).contains("didn't match pod anti-affinity rules", "waited 10 s");
    }

    @Test
    @Order(3)
    void aOneCpuLimitOnATwoCpuNodeIsOneCpuSeenAndAPoolOfOne() {
        assertThat(json("get", "node", "e2e-node-a").path("status").path("capacity").path("cpu").asText())
                .as("the node has 2 CPUs: the limit, not the node, must make it 1").isEqualTo("2");
        Map<String, JsonNode> statuses = succeededInBothRuntimes(namespace("e2e-cpu-limit"), "one-cpu", """
                workload: {type: cpu, size: 100, tasks: 4}
                strategies: [sequential, process-pool]
                workers: 0
                resources: {requests: {cpu: "1"}, limits: {cpu: "1", memory: 512Mi}}
                """);
        for (var e : statuses.entrySet()) {
            String runtime = e.getKey();
            JsonNode status = e.getValue();
            System.out.println("[e2e] one-cpu-" + runtime + ": cpus " + status.path("environment").path("cpus")
                    + ", rows " + status.path("results"));
            assertThat(status.path("environment").path("cpus").toString()).as(runtime + ": CPUs seen").isEqualTo("[1]");
            assertThat(status.path("runs").path(0).path("cpus").toString()).isEqualTo("[1]");
            JsonNode pool = null;
            for (JsonNode row : status.path("results")) {
                if ("process-pool".equals(row.path("strategy").asText())) {
                    pool = row;
                }
            }
            assertThat(pool).as(runtime + ": a process-pool row").isNotNull();
            assertThat(pool.path("poolSize").asInt()).as(runtime + ": workers 0 = the CPUs the pod has").isEqualTo(1);
        }
    }

    @Test
    @Order(4)
    void processesAndPoolsWorkUnderTheRestrictedPodSecurityInBothRuntimes() {
        String ns = namespace("e2e-restricted");
        Map<String, JsonNode> statuses = succeededInBothRuntimes(ns, "procs", """
                workload: {type: cpu, size: 50, tasks: 4}
                strategies: [sequential, processes, process-pool]
                workers: 2
                """);
        for (var e : statuses.entrySet()) {
            String runtime = e.getKey();
            String name = "procs-" + runtime;
            JsonNode status = e.getValue();
            List<String> strategies = new ArrayList<>();
            status.path("results").forEach(r -> {
                strategies.add(r.path("strategy").asText());
                assertThat(r.path("samples").size()).as(runtime + " " + r.path("strategy").asText()).isEqualTo(1);
            });
            assertThat(strategies).as(runtime).containsExactlyInAnyOrder("sequential", "processes", "process-pool");
            // What the kubelet ran them with.
            JsonNode pod = kernelPods(ns, name).get(0);
            JsonNode sc = pod.path("spec").path("containers").path(0).path("securityContext");
            assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(sc.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
            assertThat(pod.path("spec").path("securityContext").path("runAsUser").asLong()).isEqualTo(65532);
            assertThat(pod.path("spec").path("containers").path(0).path("image").asText())
                    .isEqualTo("python".equals(runtime) ? PYTHON_IMAGE : JAVA_IMAGE);
        }
    }

    @Test
    @Order(5)
    void kubectlLogsOfAKernelPodShowTheKernelsOutput() throws IOException {
        String ns = "e2e-restricted";
        JsonNode pod = kernelPods(ns, "procs-python").get(0);
        String name = pod.path("metadata").path("name").asText();
        CommandResult logs = kubectl("-n", ns, "logs", name);
        System.out.println("[e2e] kubectl logs " + name + ": " + logs.all().strip());
        assertThat(logs.ok()).as(logs.toString()).isTrue();
        // The kernel prints its result document: the same one the termination message carries.
        JsonNode printed = Commands.JSON.readTree(logs.out().strip().lines().reduce((a, b) -> b).orElse(""));
        JsonNode message = Commands.JSON.readTree(pod.path("status").path("containerStatuses").path(0).path("state")
                .path("terminated").path("message").asText());
        assertThat(printed).isEqualTo(message);
        assertThat(printed.toString()).contains(name).contains("e2e-node-");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Applies {@code <prefix>-python} and {@code <prefix>-java} with the given spec lines (one
     * repetition, no warmup), waits until both have Succeeded and returns their status by runtime.
     */
    private static Map<String, JsonNode> succeededInBothRuntimes(String ns, String prefix, String specLines) {
        String spec = specLines + "repetitions: 1\nwarmup: 0\n";
        Map<String, JsonNode> statuses = succeeded(ns, 240, Map.entry(prefix + "-python", "runtime: python\n" + spec),
                Map.entry(prefix + "-java", "runtime: java\n" + spec));
        Map<String, JsonNode> byRuntime = new LinkedHashMap<>();
        statuses.forEach((name, status) -> byRuntime.put(name.substring(prefix.length() + 1), status));
        return byRuntime;
    }
}
