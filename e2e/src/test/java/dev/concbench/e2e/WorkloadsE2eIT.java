package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.concbench.e2e.Commands.items;
import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.Commands.kubectlIn;
import static dev.concbench.e2e.E2eEnvironment.awaitFailed;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.namespaceForTheClass;
import static dev.concbench.e2e.E2eEnvironment.runtimeImages;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workloads beyond the classic's on the real nodes (issue 21), one small benchmark per group of
 * assertions, all applied at once and awaited in turn: the user's Python function from a ConfigMap
 * (mounted read-only in the kernel pod, the ConfigMap left as the user made it), the hash workload,
 * the race on the GIL and the free-threaded images (lost updates per row), a user function that
 * raises (Failed, WorkloadError, naming file, line and exception, the Job failed at once), a ConfigMap
 * that does not exist (Failed before any Job). No speedup is asserted.
 *
 * <p>On the shared operator (SharedOperator: the chart's release with the catalog of the pushed images). A
 * malformed entrypoint refused at apply is a row of apiserver-tests' CrdSchemaTest.
 */
@Order(80)
@OnTheSharedOperator
class WorkloadsE2eIT {

    static final String NS = "e2e-workloads";
    /** Seconds each benchmark may take, all applied at once and run one after another. */
    static final int TIMEOUT = 420;

    /** The user's code: a module with set-up at import, called as work(index). */
    static final String CODE = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: records-code
            data:
              records.py: |
                import json

                RECORDS = [json.dumps({"id": i, "user": "user-%d" % (i % 7), "amount": i % 100}) for i in range(500)]


                def work(index):
                    totals = {}
                    for line in RECORDS[index:] + RECORDS[:index]:
                        record = json.loads(line)
                        totals[record["user"]] = totals.get(record["user"], 0) + record["amount"]
                    return sorted(totals.items())
            """;

    @Test
    @Order(1)
    void everyBenchmarkIsApplied() {
        assertThat(runtimeImages()).as("the e2e tier's runtime catalog").containsKeys("cpython-3.11", "cpython-3.13t");
        namespaceForTheClass(NS);

        // One file for kubectl apply: the ConfigMap first, then its benchmark (as examples/own-code.yaml).
        String all = CODE + "---\n" + benchmark("own-code", """
                runtime: cpython-3.11
                workload:
                  type: custom
                  tasks: 4
                  custom: {entrypoint: "records:work", configMap: records-code}
                strategies: [sequential, threads, process-pool]
                """) + "---\n" + benchmark("hash", """
                runtime: cpython-3.11
                workload: {type: hash, size: 256, tasks: 4}
                strategies: [sequential, threads]
                """) + "---\n" + benchmark("race", """
                sweep: {runtimes: [cpython-3.11, cpython-3.13t]}
                workload: {type: race, size: 1000000, tasks: 4}
                strategies: [sequential, threads, processes]
                """) + "---\n" + benchmark("broken", """
                runtime: cpython-3.11
                workload:
                  type: custom
                  tasks: 4
                  custom:
                    entrypoint: "broken:work"
                    source: |
                      def work(index):
                          return 10 // (index - 2)
                strategies: [sequential, threads]
                """) + "---\n" + benchmark("no-code", """
                runtime: cpython-3.11
                workload:
                  type: custom
                  tasks: 4
                  custom: {entrypoint: "records:work", configMap: no-such-code}
                strategies: [sequential, threads]
                """);
        CommandResult apply = kubectlIn(all, "apply", "-n", NS, "-f", "-");
        assertThat(apply.ok()).as(apply.toString()).isTrue();
    }

    @Test
    @Order(2)
    void aConfigMapThatDoesNotExistFailsTheBenchmarkBeforeAnyJob() {
        JsonNode failed = awaitFailed(NS, "no-code", TIMEOUT);
        assertThat(failed.path("reason").asText()).isEqualTo("WorkloadError");
        assertThat(failed.path("message").asText()).contains("ConfigMap no-such-code does not exist in namespace " + NS);
        assertThat(items("-n", NS, "get", "jobs", "-l", "concbench.dev/benchmark=no-code")).isEmpty();
    }

    @Test
    @Order(3)
    void theUsersCodeRunsFromItsConfigMapMountedReadOnlyAndTheConfigMapStaysTheUsers() {
        JsonNode status = awaitSucceeded("own-code");
        JsonNode run = status.path("runs").path(0);
        assertThat(run.path("setupSeconds").asDouble()).as("the import, timed apart").isPositive();
        for (JsonNode row : status.path("results")) {
            assertThat(row.has("resultsDiffer")).as("a deterministic, thread-safe function: " + row).isFalse();
            assertThat(row.path("median").asDouble()).as(row.toString()).isPositive();
        }
        JsonNode pod = json("-n", NS, "get", "job", run.path("jobName").asText()).path("spec").path("template")
                .path("spec");
        JsonNode volume = null;
        for (JsonNode v : pod.path("volumes")) {
            if ("records-code".equals(v.path("configMap").path("name").asText())) {
                volume = v;
            }
        }
        assertThat(volume).as("the ConfigMap is a volume of the kernel pod: " + pod.path("volumes")).isNotNull();
        String volumeName = volume.path("name").asText();
        JsonNode mount = null;
        for (JsonNode m : pod.path("containers").path(0).path("volumeMounts")) {
            if (volumeName.equals(m.path("name").asText())) {
                mount = m;
            }
        }
        assertThat(mount).isNotNull();
        assertThat(mount.path("readOnly").asBoolean()).as("mounted read-only").isTrue();
        assertThat(pod.path("containers").path(0).path("args").toString()).contains("--code-dir",
                mount.path("mountPath").asText());

        // Least privilege: the operator read the ConfigMap, it neither owns nor marked nor changed it.
        JsonNode code = json("-n", NS, "get", "configmap", "records-code", "--show-managed-fields").path("metadata");
        assertThat(code.has("ownerReferences")).isFalse();
        assertThat(code.path("labels").has("app.kubernetes.io/managed-by")).isFalse();
        assertThat(code.path("managedFields").size()).as("only kubectl wrote it: " + code.path("managedFields"))
                .isEqualTo(1);
    }

    @Test
    @Order(4)
    void theHashWorkloadRunsUnderTheGil() {
        JsonNode status = awaitSucceeded("hash");
        List<String> rows = new ArrayList<>();
        status.path("results").forEach(r -> rows.add(r.path("strategy").asText()));
        assertThat(rows).containsExactly("sequential", "threads");
        assertThat(status.path("conclusion").asText()).startsWith("hashing (C code) on cpython-3.11 3.11.")
                .contains("(GIL enabled)");
        System.out.println("[e2e] hash: " + status.path("conclusion").asText());
    }

    @Test
    @Order(5)
    void theRaceLosesUpdatesWithoutTheGilAndNoneInSequentialOrProcesses() {
        JsonNode status = awaitSucceeded("race");
        Map<String, Long> lost = new LinkedHashMap<>();
        for (JsonNode row : status.path("results")) {
            assertThat(row.path("lostUpdates").isIntegralNumber()).as("every race row counts: " + row).isTrue();
            lost.put(row.path("runtime").asText() + "/" + row.path("strategy").asText(), row.path("lostUpdates").asLong());
        }
        System.out.println("[e2e] race, lost updates: " + lost);
        assertThat(lost.keySet()).containsExactly("cpython-3.11/sequential", "cpython-3.11/threads",
                "cpython-3.11/processes", "cpython-3.13t/sequential", "cpython-3.13t/threads", "cpython-3.13t/processes");
        for (String rt : List.of("cpython-3.11", "cpython-3.13t")) {
            assertThat(lost.get(rt + "/sequential")).as(rt + " sequential: one call at a time").isZero();
            assertThat(lost.get(rt + "/processes")).as(rt + " processes: nothing shared").isZero();
        }
        assertThat(lost.get("cpython-3.13t/threads")).as("free-threaded: threads run the updates at once").isPositive();
        assertThat(status.path("conclusion").asText()).contains("updates lost without a lock: ", "cpython-3.13t/threads ");
    }

    @Test
    @Order(6)
    void aFunctionThatRaisesEndsFailedWithWorkloadErrorNamingTheLine() {
        JsonNode failed = awaitFailed(NS, "broken", TIMEOUT);
        assertThat(failed.path("reason").asText()).isEqualTo("WorkloadError");
        String message = failed.path("message").asText();
        System.out.println("[e2e] broken: " + message);
        assertThat(message).contains("task 2: ZeroDivisionError", "broken.py, line 2, in work",
                "return 10 // (index - 2)");
        assertThat(message).doesNotContain("concbench_kernel.py", "at dev.concbench", "Exception:");
        JsonNode run = json("-n", NS, "get", "cb", "broken").path("status").path("runs").path(0);
        assertThat(run.path("state").asText()).isEqualTo("Failed");
        assertThat(run.path("message").asText()).as("the run ended on the user's error").isEqualTo(message);
        assertThat(run.path("podsFailed").asInt()).as("its one pod, counted failed: " + run).isEqualTo(1);
    }

    @AfterAll
    void whatRan() {
        System.out.println(kubectl("-n", NS, "get", "cb,jobs,pods", "-o", "wide").out());
    }

    // ------------------------------------------------------------------ helpers

    private static String benchmark(String name, String spec) {
        return manifest(name, spec + "repetitions: 2\nwarmup: 0\n");
    }

    private static JsonNode awaitSucceeded(String name) {
        JsonNode status = awaitPhase(NS, name, "Succeeded", TIMEOUT).path("status");
        System.out.println("[e2e] " + name + ": " + status.path("conclusion").asText());
        return status;
    }
}
