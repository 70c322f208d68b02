package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.concbench.e2e.Cli.REPO;
import static dev.concbench.e2e.Cli.STATE;
import static dev.concbench.e2e.Cli.helm;
import static dev.concbench.e2e.Cli.items;
import static dev.concbench.e2e.Cli.json;
import static dev.concbench.e2e.Cli.kubectl;
import static dev.concbench.e2e.Cli.kubectlIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The end-to-end suite: the chart installed with the real helm, manifests applied and read
 * with the real kubectl, against a real kube-apiserver + kube-controller-manager +
 * kube-scheduler and two real nodes (kubelet, containerd, runc, kube-proxy; e2e/nodes). The
 * operator runs as a pod from the image {@code make images} built, under the chart's
 * ServiceAccount, so RBAC is enforced; kernel pods run on the kernel images built the same way.
 *
 * <p>Run it with {@code e2e/run} (which starts the control plane, the nodes and the registry,
 * and pushes the images). The tests build on each other (install first, uninstall last), hence
 * the fixed order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Timings.class)
class OperatorE2eIT {

    static final String RELEASE = "concbench-operator";
    static final String SYSTEM_NS = "concbench-system";
    static final String OPERATOR_SA = "system:serviceaccount:" + SYSTEM_NS + ":" + RELEASE;
    static final String OPERATOR_PODS = "app.kubernetes.io/name=concbench-operator";
    static final String CHART = REPO.resolve("charts/concbench-operator").toString();
    /** The operator's HTTP port (pods have network namespaces of their own: any port will do). */
    static final String HTTP_PORT = Objects.toString(System.getenv("CONCBENCH_E2E_HTTP_PORT"), "18080");
    /** The e2e nodes' registry (e2e/nodes) that e2e/run pushed the images of {@code make images} to. */
    static final String REGISTRY = Objects.requireNonNull(System.getenv("CONCBENCH_E2E_REGISTRY"),
            "CONCBENCH_E2E_REGISTRY: run the suite with e2e/run");
    static final String IMAGE_TAG = Objects.toString(System.getenv("CONCBENCH_E2E_IMAGE_TAG"), "0.1.0");
    static final String PYTHON_IMAGE = REGISTRY + "/concbench/concbench-python:" + IMAGE_TAG;
    static final String JAVA_IMAGE = REGISTRY + "/concbench/concbench-kernel:" + IMAGE_TAG;

    /** The chart's image values of every release the suite installs: the images e2e/run pushed. */
    static List<String> imageValues() {
        return List.of("--set", "image.repository=" + REGISTRY + "/concbench/concbench-operator",
                "--set", "image.tag=" + IMAGE_TAG,
                "--set", "kernel.pythonImage=" + PYTHON_IMAGE,
                "--set", "kernel.javaImage=" + JAVA_IMAGE);
    }

    // ------------------------------------------------------------------ install

    @Test
    @Order(1)
    void chartLintsCleanAndRejectsBadValues() {
        Cli.Result lint = helm("lint", "--strict", CHART);
        assertThat(lint.ok()).as(lint.toString()).isTrue();
        assertThat(lint.out()).contains("1 chart(s) linted, 0 chart(s) failed");

        // values.schema.json: bad values fail at install time, before anything is created.
        Map<String, String> bad = Map.of(
                "maxConcurrentBenchmarks=0", "maxConcurrentBenchmarks",
                "logLevel=LOUD", "logLevel",
                "watchNamespaces={Not_A_Namespace}", "watchNamespaces",
                "kernel.pythonImage=", "pythonImage",
                "replicas=2", "additional properties 'replicas' not allowed");
        bad.forEach((set, expected) -> {
            Cli.Result r = helm("install", "bad-values", CHART, "-n", SYSTEM_NS, "--create-namespace", "--set", set);
            assertThat(r.ok()).as("helm install --set " + set + " must fail").isFalse();
            assertThat(r.err()).as(r.toString()).contains(expected);
        });
        assertThat(helm("list", "-A", "-q").out()).doesNotContain("bad-values");
    }

    @Test
    @Order(2)
    void helmInstallMakesTheOperatorReady() {
        List<String> args = new ArrayList<>(List.of("install", RELEASE, CHART, "-n", SYSTEM_NS, "--create-namespace",
                "--set", "httpPort=" + HTTP_PORT,
                "--set", "logLevel=DEBUG",
                "--set", "metrics.service.enabled=true",
                // The unpullable-image test names an image of its own (SecurityE2eIT tests the policy); the
                // Prometheus test scrapes through the API server's proxy, from the hub (the registry's host).
                "--set", "policy.allowImageOverride=true",
                "--set", "metrics.networkPolicy.extraFrom[0].ipBlock.cidr=" + REGISTRY.split(":")[0] + "/32",
                "--wait", "--timeout", "3m"));
        args.addAll(imageValues());
        // The runtime catalog: the images e2e/images built and pushed, one per runtime.
        runtimeImages().forEach((name, image) -> args.addAll(List.of("--set", "runtimes." + name.replace(".", "\\.")
                + "=" + image)));
        Cli.Result install = helm(args.toArray(String[]::new));
        System.out.println(install);
        assertThat(install.ok()).as(install.toString()).isTrue();
        assertThat(install.out()).contains("STATUS: deployed").contains("kubectl").contains("apply");

        Cli.Result ready = kubectl("-n", SYSTEM_NS, "wait", "--for=condition=Ready", "pod", "-l", OPERATOR_PODS,
                "--timeout=120s");
        assertThat(ready.ok()).as(ready.toString()).isTrue();
        assertThat(ready.out()).contains("condition met");
        JsonNode pod = items("-n", SYSTEM_NS, "get", "pods", "-l", OPERATOR_PODS).get(0);
        assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo(RELEASE);
        assertThat(kubectl("get", "crd", "concurrencybenchmarks.concbench.dev").ok()).isTrue();

        // A real kubelet runs it: the image of `make images`, pulled from the registry, on a node.
        JsonNode container = pod.path("status").path("containerStatuses").path(0);
        assertThat(container.path("image").asText()).isEqualTo(REGISTRY + "/concbench/concbench-operator:" + IMAGE_TAG);
        assertThat(container.path("imageID").asText()).contains("@sha256:");
        assertThat(container.path("containerID").asText()).startsWith("containerd://");
        assertThat(pod.path("spec").path("nodeName").asText()).startsWith("e2e-node-");
        System.out.println(kubectl("get", "pods", "-A", "-o", "wide").out());
        // Non-root, no capabilities, read-only root filesystem: as the kubelet and runc applied them.
        Cli.Result probe = kubectl("-n", SYSTEM_NS, "exec", pod.path("metadata").path("name").asText(), "--",
                "sh", "-c", "id -u; grep CapEff /proc/self/status; touch /probe || echo read-only");
        System.out.println("[e2e] in the operator container: " + probe.all().strip().replace('\n', ' '));
        assertThat(probe.out()).startsWith("185\n").contains("CapEff:\t0000000000000000").contains("read-only");
        assertThat(probe.err()).contains("Read-only file system");
    }

    @Test
    @Order(3)
    void kubectlExplainShowsTheFieldDocs() {
        Cli.Result explain = kubectl("explain", "cb.spec.workload");
        assertThat(explain.ok()).as(explain.toString()).isTrue();
        assertThat(explain.out()).contains("KIND:", "ConcurrencyBenchmark", "FIELDS:", "size", "tasks", "type")
                .contains("nested multiply loop").contains("blocking sleep");
        System.out.println(explain.out());
    }

    // ------------------------------------------------------------------ the first benchmark

    @Test
    @Order(10)
    void seedExampleRunsToSucceededWithResults() throws IOException {
        String ns = namespace("e2e-seed");
        Path example = REPO.resolve("examples/seed-python-io.yaml");
        assertThat(example).exists();
        String manifest = Files.readString(example);
        Cli.Result apply = kubectl("apply", "-n", ns, "-f", example.toString());
        assertThat(apply.ok()).as(apply.toString()).isTrue();
        assertThat(apply.out()).contains("concurrencybenchmark.concbench.dev/seed-python-io created");

        awaitStatus(ns, "cb/seed-python-io", "phase", "Succeeded", 180);

        Map<String, String> row = getRow(ns, "seed-python-io", false);
        assertThat(row.keySet()).containsExactly("NAME", "PHASE", "PROGRESS", "FASTEST", "SPEEDUP", "VS-BASELINE", "AGE");
        assertThat(row.get("PHASE")).isEqualTo("Succeeded");
        assertThat(row.get("PROGRESS")).isEqualTo("1/1");
        assertThat(row.get("FASTEST")).isIn("threads", "thread-pool@workers=80");
        assertThat(row.get("SPEEDUP")).matches("\\d+(\\.\\d+)?");
        assertThat(row.get("AGE")).matches("\\d+[sm]");
        Map<String, String> wide = getRow(ns, "seed-python-io", true);
        assertThat(wide.keySet()).containsExactly("NAME", "PHASE", "PROGRESS", "FASTEST", "SPEEDUP", "VS-BASELINE", "AGE",
                "RUNTIME", "WORKLOAD", "REASON", "BASELINE");
        assertThat(wide.get("RUNTIME")).isEqualTo("python");
        assertThat(wide.get("WORKLOAD")).isEqualTo("io");
        assertThat(wide.get("REASON")).isEqualTo("Completed");
        assertThat(wide.get("BASELINE")).matches("sequential@pods=1 \\d+\\.\\d{3}s");

        // The user's spec is what the operator measured: never rewritten (generation 1, the
        // applied strategies, repetitions and pool size).
        JsonNode cb = json("-n", ns, "get", "cb", "seed-python-io");
        JsonNode spec = cb.path("spec");
        assertThat(cb.path("metadata").path("generation").asLong())
                .as("metadata.generation: nothing but the user may change the spec").isEqualTo(1);
        assertThat(spec.path("strategies").toString()).isEqualTo("[\"sequential\",\"threads\",\"thread-pool\"]");
        assertThat(manifest).contains("repetitions: 3");
        assertThat(spec.path("repetitions").asInt()).isEqualTo(3);
        assertThat(spec.path("workers").asInt()).isEqualTo(80);
        assertThat(spec.path("warmup").asInt()).isEqualTo(0);
        JsonNode status = cb.path("status");
        assertThat(status.path("observedGeneration").asLong()).isEqualTo(1);
        assertThat(jobNames(ns, "seed-python-io")).containsExactly(Cli.jobName(ns, "seed-python-io", 1, 0));

        // The physics: 80 blocking sleeps of 50 ms overlap in threads (sequential: 4 s).
        Map<String, JsonNode> rows = new TreeMap<>();
        status.path("results").forEach(r -> rows.put(r.path("strategy").asText(), r));
        assertThat(rows).containsKeys("sequential", "threads", "thread-pool");
        rows.get("sequential").path("samples").forEach(s -> assertThat(s.asDouble()).isGreaterThan(3.9));
        assertThat(rows.get("sequential").path("samples")).hasSize(3);
        assertThat(rows.get("threads").path("speedup").asDouble()).isGreaterThan(5.0);
        assertThat(status.path("environment").path("nodes").toString()).contains("e2e-node-");

        Cli.Result describe = kubectl("-n", ns, "describe", "cb", "seed-python-io");
        System.out.println(describe.out());
        assertThat(describe.out()).contains("Conditions:", "Complete", "Events:", "RunStarted", "BenchmarkSucceeded");
    }

    /**
     * A real Prometheus (Debian's) scrapes the operator through its metrics Service (by the API
     * server's service proxy, from this machine's loopback) and a PromQL query returns the speedup
     * that the finished seed benchmark has in its status.
     */
    @Test
    @Order(13)
    void prometheusScrapesAFinishedBenchmarksSpeedup() throws Exception {
        JsonNode cb = json("-n", "e2e-seed", "get", "cb", "seed-python-io");
        double expected = 0;
        for (JsonNode r : cb.path("status").path("results")) {
            if ("threads".equals(r.path("strategy").asText())) {
                expected = r.path("speedup").asDouble();
            }
        }
        assertThat(expected).as("the seed benchmark's threads speedup").isPositive();

        Path dir = STATE.resolve("prometheus");
        Files.createDirectories(dir);
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String apiserver = "127.0.0.1:" + Objects.requireNonNull(System.getenv("CONCBENCH_APISERVER_PORT"));
        Path pki = STATE.resolve("pki");
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 2s, scrape_timeout: 2s}
                scrape_configs:
                  - job_name: concbench-operator
                    scheme: https
                    metrics_path: /api/v1/namespaces/%s/services/http:%s-metrics:http/proxy/q/metrics
                    tls_config: {ca_file: %s, cert_file: %s, key_file: %s}
                    static_configs: [{targets: ['%s']}]
                """.formatted(SYSTEM_NS, RELEASE, pki.resolve("ca.crt"), pki.resolve("admin.crt"),
                pki.resolve("admin.key"), apiserver));
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String query = "concbench_result_speedup{namespace=\"e2e-seed\",benchmark=\"seed-python-io\","
                    + "strategy=\"threads\",runtime=\"python\",pods=\"1\"}";
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                    + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8));
            double[] seen = {Double.NaN};
            awaitTrue("Prometheus has scraped the operator's result metrics", Duration.ofSeconds(90), () -> {
                try {
                    JsonNode answer = Cli.JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                    JsonNode result = answer.path("data").path("result");
                    if (result.size() != 1) {
                        return false;
                    }
                    seen[0] = Double.parseDouble(result.get(0).path("value").path(1).asText());
                    return true;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            System.out.println("[e2e] PromQL " + query + " = " + seen[0] + " (status: " + expected + ")");
            assertThat(seen[0]).isEqualTo(expected);
        } finally {
            prometheus.destroy();
            prometheus.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            prometheus.destroyForcibly();
        }
    }

    @Test
    @Order(11)
    void javaKernelRunsTwoPodsOnDistinctNodesFromACommonStart() {
        String ns = namespace("e2e-java");
        apply(ns, manifest("jvm-spread", """
                spec:
                  runtime: java
                  workload: {type: cpu, size: 300, tasks: 8}
                  strategies: [sequential, threads]
                  pods: 2
                  placement: {spreadAcrossNodes: true}
                  repetitions: 2
                  warmup: 0
                """));
        awaitStatus(ns, "cb/jvm-spread", "phase", "Succeeded", 180);
        JsonNode status = json("-n", ns, "get", "cb", "jvm-spread").path("status");
        assertThat(status.path("environment").path("runtime").asText()).isEqualTo("java");
        List<String> nodes = new ArrayList<>();
        status.path("environment").path("nodes").forEach(n -> nodes.add(n.asText()));
        assertThat(nodes).as("required pod anti-affinity: one pod per node").containsExactlyInAnyOrder("e2e-node-a",
                "e2e-node-b");
        // Placed by the real scheduler, one pod per node (the two-pod run; run 0 is the baseline).
        List<JsonNode> pods = items("-n", ns, "get", "pods", "-l", "batch.kubernetes.io/job-name="
                + Cli.jobName(ns, "jvm-spread", 1, 1));
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
    @Order(13)
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
    @Order(14)
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
            JsonNode pod = items("-n", ns, "get", "pods", "-l", "concbench.dev/benchmark=" + name).get(0);
            JsonNode sc = pod.path("spec").path("containers").path(0).path("securityContext");
            assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(sc.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
            assertThat(pod.path("spec").path("securityContext").path("runAsUser").asLong()).isEqualTo(65532);
            assertThat(pod.path("spec").path("containers").path(0).path("image").asText())
                    .isEqualTo("python".equals(runtime) ? PYTHON_IMAGE : JAVA_IMAGE);
        }
    }

    @Test
    @Order(15)
    void kubectlLogsOfAKernelPodShowTheKernelsOutput() throws IOException {
        String ns = "e2e-restricted";
        JsonNode pod = items("-n", ns, "get", "pods", "-l", "concbench.dev/benchmark=procs-python").get(0);
        String name = pod.path("metadata").path("name").asText();
        Cli.Result logs = kubectl("-n", ns, "logs", name);
        System.out.println("[e2e] kubectl logs " + name + ": " + logs.all().strip());
        assertThat(logs.ok()).as(logs.toString()).isTrue();
        // The kernel prints its result document: the same one the termination message carries.
        JsonNode printed = Cli.JSON.readTree(logs.out().strip().lines().reduce((a, b) -> b).orElse(""));
        JsonNode message = Cli.JSON.readTree(pod.path("status").path("containerStatuses").path(0).path("state")
                .path("terminated").path("message").asText());
        assertThat(printed).isEqualTo(message);
        assertThat(printed.toString()).contains(name).contains("e2e-node-");
    }

    @Test
    @Order(12)
    void runThatCannotBeScheduledSaysWhyAndEndsUnschedulableAtItsSchedulingTimeout() {
        String ns = namespace("e2e-unschedulable");
        apply(ns, manifest("too-spread", """
                spec:
                  runtime: python
                  workload: {type: io, size: 20, tasks: 6}
                  strategies: [sequential]
                  pods: 3
                  placement: {spreadAcrossNodes: true}
                  repetitions: 1
                  warmup: 0
                  timeoutSeconds: 600
                  schedulingTimeoutSeconds: 10
                """));
        // Three pods, two nodes, one pod per node: the third stays Pending, as with a real scheduler.
        awaitTrue("Progressing says why the run waits", Duration.ofSeconds(90), () -> "Unschedulable".equals(
                condition(json("-n", ns, "get", "cb", "too-spread"), "Progressing").path("reason").asText()));
        JsonNode waiting = condition(json("-n", ns, "get", "cb", "too-spread"), "Progressing");
        System.out.println("[e2e] Progressing while it waits: " + waiting.path("message").asText());
        assertThat(waiting.path("message").asText()).contains("waiting: pod ", "cannot be scheduled",
                "didn't match pod anti-affinity rules");
        // The scheduling timeout ends it, not the 10-minute deadline.
        awaitStatus(ns, "cb/too-spread", "phase", "Failed", 90);
        JsonNode failed = condition(json("-n", ns, "get", "cb", "too-spread"), "Failed");
        System.out.println("[e2e] Failed condition: " + failed);
        assertThat(failed.path("reason").asText()).isEqualTo("Unschedulable");
        assertThat(failed.path("message").asText()).contains("didn't match pod anti-affinity rules", "waited 10 s");
    }

    // ------------------------------------------------------------------ validation

    @Test
    @Order(20)
    void badManifestsAreRefusedByTheApiServerNamingTheField() {
        String ns = namespace("e2e-invalid");
        String valid = "spec: {runtime: python, workload: {type: io, size: 20, tasks: 4}}";
        assertThat(kubectlIn(manifest("probe", valid), "apply", "--dry-run=server", "-n", ns, "-f", "-").ok())
                .as("the base manifest is valid").isTrue();
        Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
        cases.put("spec: {runtime: ruby, workload: {type: io, size: 20, tasks: 4}}",
                List.of("spec.runtime", "Unsupported value: \"ruby\""));
        cases.put("spec: {workload: {type: gpu, size: 20, tasks: 4}}",
                List.of("spec.workload.type", "Unsupported value: \"gpu\""));
        cases.put("spec: {repetitions: 0, workload: {type: io, size: 20, tasks: 4}}",
                List.of("spec.repetitions", "greater than or equal to 1"));
        cases.put("spec: {pods: 101, workload: {type: io, size: 20, tasks: 400}}",
                List.of("spec.pods", "less than or equal to 100"));
        cases.put("spec: {pods: 3, workload: {type: io, size: 20, tasks: 2}}",
                List.of("spec.pods", "pods must not exceed workload.tasks"));
        cases.put("spec: {strategies: [threads, threads], workload: {type: io, size: 20, tasks: 4}}",
                List.of("spec.strategies", "strategies must not repeat"));
        cases.put("spec: {sweep: {pods: [1, 2, 3, 4, 5], workers: [1, 2, 3, 4]}, workload: {type: io, size: 20, tasks: 40}}",
                List.of("spec.sweep", "at most 16 points"));
        cases.put("spec: {workload: {type: cpu, size: 200000, tasks: 4}}",
                List.of("spec.workload.size", "100000"));
        assertEachRefusedAtApply(ns, "bad-", cases);
        String longName = "a".repeat(64);
        Cli.Result r = kubectlIn(manifest(longName, valid), "apply", "-n", ns, "-f", "-");
        System.out.println("[e2e] refused as expected: " + r.err().strip());
        assertThat(r.ok()).isFalse();
        assertThat(r.err()).contains("metadata.name must be at most 63 characters");
        assertThat(kubectl("-n", ns, "get", "cb").all()).contains("No resources found");
    }

    @Test
    @Order(21)
    void badResourcesAndTolerationsAreRefusedAtApplyNamingTheField() {
        String ns = namespace("e2e-invalid");
        Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
        cases.put("resources: {requests: {cpu: \"abc\"}}",
                List.of("spec.resources.requests", "value of cpu must be a quantity"));
        cases.put("resources: {requests: {cpu: \"2\"}, limits: {cpu: \"1\"}}",
                List.of("spec.resources.requests", "must be less than or equal to the same limit"));
        cases.put("resources: {requests: {memory: 2Gi}, limits: {memory: 1024Mi}}",
                List.of("spec.resources.requests", "must be less than or equal to the same limit"));
        cases.put("placement: {tolerations: [{key: dedicated, operator: Sometimes}]}",
                List.of("spec.placement.tolerations[0].operator", "Unsupported value: \"Sometimes\""));
        cases.put("placement: {tolerations: [{key: dedicated, effect: Never}]}",
                List.of("spec.placement.tolerations[0].effect", "Unsupported value: \"Never\""));
        cases.put("resources: {claims: [{name: gpu}]}", List.of("unknown field \"spec.resources.claims\""));
        Map<String, List<String>> manifests = new java.util.LinkedHashMap<>();
        cases.forEach((fields, expected) ->
                manifests.put("spec: {workload: {type: io, size: 20, tasks: 4}, " + fields + "}", expected));
        assertEachRefusedAtApply(ns, "bad-res-", manifests);
        // The same quantities written the other way round are accepted: they are compared as quantities.
        Cli.Result ok = kubectlIn(manifest("good-res", "spec: {workload: {type: io, size: 20, tasks: 4}, "
                + "resources: {requests: {cpu: 1000m, memory: 1Gi}, limits: {cpu: 1, memory: 1024Mi}}}"),
                "apply", "--dry-run=server", "-n", ns, "-f", "-");
        assertThat(ok.ok()).as(ok.toString()).isTrue();
    }

    /**
     * Specs the schema lets through but the API server refuses when the operator creates their Job:
     * each ends Failed at once with the server's reason, never holds the queue, logs no ERROR.
     */
    @Test
    @Order(22)
    void aJobTheApiServerRefusesFailsTheBenchmarkAndFreesItsSlot() {
        String ns = namespace("e2e-refused");
        Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
        cases.put("resources: {requests: {foo: 1}}",
                List.of("must be a standard resource type or fully qualified", "spec.resources.requests[foo]"));
        cases.put("placement: {tolerations: [{key: dedicated, operator: Exists, value: bench}]}",
                List.of("value must be empty when `operator` is 'Exists'", "spec.placement.tolerations[0]"));
        cases.put("placement: {nodeSelector: {\"not a label!\": x}}",
                List.of("spec.template.spec.nodeSelector", "spec.placement.nodeSelector"));
        List<String> names = new ArrayList<>();
        int i = 0;
        for (String spec : cases.keySet()) {
            String name = "refused-" + i++;
            names.add(name);
            apply(ns, manifest(name, "spec: {workload: {type: io, size: 20, tasks: 2}, repetitions: 1, warmup: 0, "
                    + spec + "}"));
        }
        // Right behind them, with the operator's limit of one benchmark at once: it runs only if every
        // refused benchmark gave its slot back.
        apply(ns, manifest("after-refused", "spec: {workload: {type: io, size: 20, tasks: 2}, repetitions: 1, warmup: 0}"));

        i = 0;
        for (var c : cases.entrySet()) {
            String name = names.get(i++);
            awaitStatus(ns, "cb/" + name, "phase", "Failed", 60);
            JsonNode cb = json("-n", ns, "get", "cb", name);
            JsonNode failed = condition(cb, "Failed");
            System.out.println("[e2e] " + name + ": " + failed.path("reason").asText() + ": "
                    + failed.path("message").asText());
            assertThat(failed.path("status").asText()).isEqualTo("True");
            assertThat(failed.path("reason").asText()).isEqualTo("InvalidSpec");
            assertThat(failed.path("message").asText()).contains("the API server refused").contains(c.getValue());
            assertThat(jobNames(ns, name)).as("no Job was made").isEmpty();
            Map<String, String> wide = getRow(ns, name, true);
            assertThat(wide.get("PHASE")).isEqualTo("Failed");
            assertThat(wide.get("PROGRESS")).isEqualTo("0/1");
            assertThat(wide.get("FASTEST")).isEmpty();
            assertThat(wide.get("REASON")).isEqualTo("InvalidSpec");
            String events = kubectl("-n", ns, "get", "events", "--field-selector",
                    "involvedObject.kind=ConcurrencyBenchmark,involvedObject.name=" + name + ",type=Warning",
                    "-o", "jsonpath={.items[*].reason}").out();
            assertThat(events).contains("BenchmarkFailed");
        }
        awaitStatus(ns, "cb/after-refused", "phase", "Succeeded", 120);
        String log = operatorLog();
        assertThat(log.lines().filter(l -> l.contains(" ERROR ")).toList())
                .as("the operator logs no ERROR for a refused Job").isEmpty();
        assertThat(log).contains("refused-0", "the API server refused");
    }

    /** kubectl get while a benchmark runs: its phase and progress; the result columns still empty. */
    @Test
    @Order(23)
    void kubectlGetShowsARunningBenchmarksProgress() {
        String ns = namespace("e2e-get");
        apply(ns, manifest("slow", """
                spec:
                  workload: {type: io, size: 4000, tasks: 2}
                  strategies: [sequential]
                  pods: 2
                  repetitions: 2
                  warmup: 0
                """));
        awaitKernelPodRunning(ns, "slow", "the first run's pod is running", 90);
        Map<String, String> wide = getRow(ns, "slow", true);
        System.out.println("[e2e] while running: " + wide);
        assertThat(wide.get("PHASE")).isEqualTo("Running");
        assertThat(wide.get("PROGRESS")).isEqualTo("0/2");   // the added single-pod baseline run, then pods: 2
        assertThat(wide.get("FASTEST")).isEmpty();
        assertThat(wide.get("SPEEDUP")).isEmpty();
        assertThat(wide.get("RUNTIME")).isEqualTo("python");
        assertThat(wide.get("WORKLOAD")).isEqualTo("io");
        assertThat(wide.get("REASON")).isEqualTo("RunInProgress");
        assertThat(wide.get("BASELINE")).isEmpty();
        awaitStatus(ns, "cb/slow", "phase", "Succeeded", 180);
        wide = getRow(ns, "slow", true);
        System.out.println("[e2e] after: " + wide);
        assertThat(wide.get("PROGRESS")).isEqualTo("2/2");
        // The fastest row of a pods: 2 benchmark names its pods: it is not the single-pod baseline.
        assertThat(wide.get("FASTEST")).isEqualTo("sequential@pods=2");
        assertThat(wide.get("BASELINE")).matches("sequential@pods=1 \\d+\\.\\d{3}s");
    }

    /**
     * The strategies that depend on the runtime: asyncio measured on CPython; interpreter-pool (3.14+)
     * and virtual-threads (Java 21+) skipped by the images' older runtimes with the kernel's reason in
     * the status, the rest measured; pairs that never work refused at apply.
     */
    @Test
    @Order(24)
    void runtimeDependentStrategiesAreMeasuredOrSkippedWithTheReason() {
        String ns = namespace("e2e-strategies");
        Cli.Result refused = kubectlIn(manifest("java-asyncio", "spec: {runtime: java, strategies: [sequential, asyncio], "
                + "workload: {type: io, size: 20, tasks: 4}}"), "apply", "-n", ns, "-f", "-");
        assertThat(refused.ok()).isFalse();
        assertThat(refused.err()).contains("spec.strategies", "a java runtime cannot run them");

        apply(ns, manifest("py-new", """
                spec:
                  runtime: python
                  workload: {type: io, size: 50, tasks: 20}
                  strategies: [sequential, threads, processes, asyncio, interpreter-pool]
                  startMethod: spawn
                  repetitions: 2
                  warmup: 0
                """));
        apply(ns, manifest("jvm-new", """
                spec:
                  runtime: java
                  workload: {type: io, size: 50, tasks: 20}
                  strategies: [sequential, virtual-threads]
                  repetitions: 2
                  warmup: 0
                """));
        awaitStatus(ns, "cb/py-new", "phase", "Succeeded", 180);
        awaitStatus(ns, "cb/jvm-new", "phase", "Succeeded", 180);

        JsonNode py = json("-n", ns, "get", "cb", "py-new").path("status");
        List<String> rows = new ArrayList<>();
        py.path("results").forEach(r -> rows.add(r.path("strategy").asText()));
        assertThat(rows).containsExactly("sequential", "threads", "processes", "asyncio");
        String version = py.path("environment").path("runtimeVersion").asText();
        assertThat(py.path("environment").path("skipped").path("interpreter-pool").asText())
                .isEqualTo("needs CPython 3.14 or newer; this is " + version);
        assertThat(py.path("environment").path("kernel").path("gil").asBoolean()).isTrue();
        // The kernel records the start method its processes used (none when no process strategy ran).
        assertThat(py.path("runs").path(0).path("kernel").path("startMethod").asText()).isEqualTo("spawn");
        assertThat(py.path("conclusion").asText()).startsWith("io-bound on python " + version + " (GIL enabled)");

        // A runtime of the catalog without an image in this installation is refused, naming what it has.
        apply(ns, manifest("no-image", "spec: {runtime: cpython-3.14t, workload: {type: io, size: 20, tasks: 2}}"));
        awaitStatus(ns, "cb/no-image", "phase", "Failed", 60);
        JsonNode noImage = condition(json("-n", ns, "get", "cb", "no-image"), "Failed");
        assertThat(noImage.path("reason").asText()).isEqualTo("InvalidSpec");
        assertThat(noImage.path("message").asText())
                .contains("runtime cpython-3.14t has no image in the operator's runtime catalog", "python, java");
        // An unknown name is refused at apply with the list of known ones.
        Cli.Result unknown = kubectlIn(manifest("ruby", "spec: {runtime: ruby-3.3, workload: {type: io, size: 20, tasks: 2}}"),
                "apply", "-n", ns, "-f", "-");
        assertThat(unknown.ok()).isFalse();
        assertThat(unknown.err()).contains("spec.runtime", "Unsupported value: \"ruby-3.3\"", "\"cpython-3.13t\"");

        JsonNode jvm = json("-n", ns, "get", "cb", "jvm-new").path("status");
        assertThat(jvm.path("environment").path("skipped").path("virtual-threads").asText())
                .startsWith("needs Java 21 or newer; this is 17");
        assertThat(jvm.path("results")).hasSize(1);
    }

    /**
     * The catalog's runtimes through the operator: free-threaded CPython 3.13 (no GIL: the status says
     * so and the conclusion names it) and Java 21 (virtual threads measured), each from its own image.
     */
    @Test
    @Order(25)
    void catalogRuntimesRunThroughTheOperator() {
        assertThat(runtimeImages()).as("the e2e tier's runtime catalog").containsKeys("cpython-3.13t", "java-21");
        String ns = namespace("e2e-runtimes");
        apply(ns, manifest("ft", """
                spec:
                  runtime: cpython-3.13t
                  workload: {type: cpu, size: 200, tasks: 8}
                  strategies: [sequential, threads]
                  repetitions: 2
                  warmup: 0
                """));
        apply(ns, manifest("vt", """
                spec:
                  runtime: java-21
                  workload: {type: io, size: 50, tasks: 20}
                  strategies: [sequential, virtual-threads]
                  repetitions: 2
                  warmup: 0
                """));
        awaitStatus(ns, "cb/ft", "phase", "Succeeded", 240);
        awaitStatus(ns, "cb/vt", "phase", "Succeeded", 240);

        JsonNode ft = json("-n", ns, "get", "cb", "ft").path("status");
        assertThat(ft.path("environment").path("runtimeVersion").asText()).startsWith("3.13.");
        assertThat(ft.path("environment").path("kernel").path("freeThreaded").asBoolean()).isTrue();
        assertThat(ft.path("environment").path("kernel").path("gil").asBoolean()).isFalse();
        assertThat(ft.path("conclusion").asText()).contains("(free-threaded, GIL disabled)", "threads ");
        JsonNode pod = items("-n", ns, "get", "pods", "-l", "concbench.dev/benchmark=ft").get(0);
        assertThat(pod.path("spec").path("containers").path(0).path("image").asText())
                .isEqualTo(runtimeImages().get("cpython-3.13t"));

        JsonNode vt = json("-n", ns, "get", "cb", "vt").path("status");
        assertThat(vt.path("environment").path("runtimeVersion").asText()).startsWith("21");
        List<String> rows = new ArrayList<>();
        vt.path("results").forEach(r -> rows.add(r.path("strategy").asText()));
        assertThat(rows).containsExactly("sequential", "virtual-threads");
        assertThat(vt.path("environment").path("skipped").isMissingNode()).isTrue();
        System.out.println("[e2e] " + ft.path("conclusion").asText() + " | " + vt.path("conclusion").asText());
    }

    // ------------------------------------------------------------------ failures and faults

    @Test
    @Order(30)
    void unpullableImageEndsFailedWithThePullError() {
        String ns = namespace("e2e-pull");
        apply(ns, manifest("unpullable", """
                spec:
                  runtime: python
                  image: concbench-e2e/no-such-image:0
                  workload: {type: io, size: 20, tasks: 2}
                  strategies: [sequential]
                  repetitions: 1
                  warmup: 0
                """));
        awaitStatus(ns, "cb/unpullable", "phase", "Failed", 120);
        JsonNode failed = condition(json("-n", ns, "get", "cb", "unpullable"), "Failed");
        assertThat(failed.path("status").asText()).isEqualTo("True");
        assertThat(failed.path("message").asText()).containsAnyOf("ErrImagePull", "ImagePullBackOff")
                .contains("concbench-e2e/no-such-image:0");
        System.out.println("[e2e] Failed condition: " + failed);
        // containerd asked the local registry (every registry name resolves to it), which said
        // "not found": no pull left the machine (that would fail resolving or connecting instead).
        List<String> pullErrors = items("-n", ns, "get", "events", "--field-selector", "reason=Failed").stream()
                .map(e -> e.path("message").asText()).filter(m -> m.contains("no-such-image")).toList();
        System.out.println("[e2e] pull errors: " + pullErrors);
        assertThat(pullErrors).isNotEmpty().anyMatch(m -> m.contains("docker.io/concbench-e2e/no-such-image:0")
                && m.contains("not found"));
        // The operator stops the Job instead of letting it pull until the deadline.
        awaitTrue("the unpullable run's pods are gone", Duration.ofSeconds(60),
                () -> items("-n", ns, "get", "pods", "-l", "concbench.dev/benchmark=unpullable").isEmpty());
    }

    @Test
    @Order(31)
    void aMemoryLimitTooSmallForTheJvmEndsFailedAsOomKilledNamingThePod() {
        String ns = namespace("e2e-oom");
        apply(ns, manifest("starved", """
                spec:
                  runtime: java
                  workload: {type: cpu, size: 100, tasks: 4}
                  strategies: [sequential, processes]
                  resources: {limits: {memory: 24Mi}}
                  repetitions: 1
                  warmup: 0
                """));
        awaitStatus(ns, "cb/starved", "phase", "Failed", 180);
        JsonNode failed = condition(json("-n", ns, "get", "cb", "starved"), "Failed");
        System.out.println("[e2e] Failed condition: " + failed);
        assertThat(failed.path("reason").asText()).isEqualTo("OOMKilled");
        // The message names the pod (the operator has stopped the Job; the pod may be gone by now).
        assertThat(failed.path("message").asText()).matches("pod starved-[0-9a-f]{6}-g1-r0-0-[a-z0-9]{5} failed: exit code 137 "
                + "\\(OOMKilled\\).*");
        List<JsonNode> pods = items("-n", ns, "get", "pods", "-l", "concbench.dev/benchmark=starved");
        for (JsonNode pod : pods) {
            assertThat(failed.path("message").asText()).contains(pod.path("metadata").path("name").asText());
            assertThat(pod.path("status").path("containerStatuses").path(0).path("state").path("terminated")
                    .path("reason").asText()).as("what the kubelet reported").isEqualTo("OOMKilled");
        }
    }

    @Test
    @Order(40)
    void operatorRestartMidRunResumesWithoutRerunningFinishedRuns() {
        String ns = namespace("e2e-restart");
        apply(ns, manifest("resume", """
                spec:
                  runtime: python
                  workload: {type: io, size: 50, tasks: 20}
                  strategies: [sequential, thread-pool]
                  sweep: {pods: [1, 2], workers: [1, 4]}
                  repetitions: 2
                  warmup: 0
                """));
        awaitTrue("run 2 of 4 is running", Duration.ofSeconds(120),
                () -> "Running".equals(json("-n", ns, "get", "cb", "resume").path("status").path("runs").path(1)
                        .path("state").asText()));
        Map<String, String> before = jobUids(ns, "resume");
        System.out.println("[e2e] Jobs before the restart: " + before.keySet());
        assertThat(before).containsKeys(Cli.jobName(ns, "resume", 1, 0), Cli.jobName(ns, "resume", 1, 1))
                .doesNotContainKey(Cli.jobName(ns, "resume", 1, 2));

        String oldPod = operatorPod().path("metadata").path("name").asText();
        Instant killedAt = Instant.now();
        Cli.Result delete = kubectl("-n", SYSTEM_NS, "delete", "pod", oldPod, "--wait=false");
        assertThat(delete.ok()).as(delete.toString()).isTrue();
        awaitTrue("the old operator pod is gone", Duration.ofSeconds(90),
                () -> kubectl("-n", SYSTEM_NS, "get", "pod", oldPod).err().contains("NotFound"));
        operatorStopSeconds = Duration.between(killedAt, Instant.now()).toMillis() / 1000.0;
        System.out.printf("[e2e] the old operator pod stopped %.1f s after its deletion (grace period 30 s)%n",
                operatorStopSeconds);
        awaitTrue("a new operator pod is Ready", Duration.ofSeconds(120), () -> {
            JsonNode p = operatorPod();
            return p != null && !oldPod.equals(p.path("metadata").path("name").asText()) && ready(p);
        });
        System.out.printf("[e2e] operator replaced (%s -> %s) in %.1f s%n", oldPod,
                operatorPod().path("metadata").path("name").asText(),
                Duration.between(killedAt, Instant.now()).toMillis() / 1000.0);

        awaitStatus(ns, "cb/resume", "phase", "Succeeded", 180);
        Map<String, String> after = jobUids(ns, "resume");
        assertThat(after.keySet()).containsExactlyInAnyOrder(Cli.jobName(ns, "resume", 1, 0),
                Cli.jobName(ns, "resume", 1, 1), Cli.jobName(ns, "resume", 1, 2), Cli.jobName(ns, "resume", 1, 3));
        before.forEach((job, uid) -> assertThat(after.get(job)).as("job %s was not re-created", job).isEqualTo(uid));
        // One RunStarted event per run: nothing was started twice.
        List<String> started = items("-n", ns, "get", "events", "--field-selector",
                "involvedObject.name=resume,reason=RunStarted").stream()
                .map(e -> e.path("message").asText()).sorted().toList();
        System.out.println("[e2e] RunStarted events: " + started);
        assertThat(started).hasSize(4);
        JsonNode status = json("-n", ns, "get", "cb", "resume").path("status");
        status.path("runs").forEach(run -> assertThat(run.path("state").asText()).isEqualTo("Succeeded"));
        assertThat(status.path("results").size()).isGreaterThanOrEqualTo(4);
    }

    /** Seconds the operator took to stop after its pod's deletion (SIGTERM), measured by the restart test. */
    private double operatorStopSeconds = -1;

    @Test
    @Order(41)
    void operatorStopsPromptlyOnSigterm() {
        assertThat(operatorStopSeconds).as("measured by the restart test").isGreaterThanOrEqualTo(0);
        // A kubelet sends SIGKILL after terminationGracePeriodSeconds (30 s): an operator that
        // hangs in its shutdown costs every rollout, restart and uninstall that long.
        assertThat(operatorStopSeconds)
                .as("seconds from `kubectl delete pod` (SIGTERM) to the operator's exit; see the operator log: "
                        + "a hang right after 'Stopped leading ... Exiting.' is System.exit() called in a shutdown hook")
                .isLessThan(15.0);
    }

    @Test
    @Order(50)
    void specChangeMidRunStartsTheNewGeneration() {
        String ns = namespace("e2e-respec");
        apply(ns, manifest("respec", """
                spec:
                  runtime: python
                  workload: {type: io, size: 50, tasks: 40}
                  strategies: [sequential]
                  repetitions: 3
                  warmup: 0
                """));
        awaitKernelPodRunning(ns, "respec", "generation 1 is running", 90);
        Cli.Result patch = kubectl("-n", ns, "patch", "cb", "respec", "--type=merge", "-p",
                "{\"spec\":{\"workload\":{\"tasks\":10}}}");
        assertThat(patch.ok()).as(patch.toString()).isTrue();
        awaitStatus(ns, "cb/respec", "observedGeneration", "2", 60);
        awaitStatus(ns, "cb/respec", "phase", "Succeeded", 120);
        awaitTrue("only generation 2's Job is left", Duration.ofSeconds(60),
                () -> jobNames(ns, "respec").equals(List.of(Cli.jobName(ns, "respec", 2, 0))));
        JsonNode cb = json("-n", ns, "get", "cb", "respec");
        assertThat(cb.path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(cb.path("status").path("runs").path(0).path("jobName").asText())
                .isEqualTo(Cli.jobName(ns, "respec", 2, 0));
        // 10 sleeps of 50 ms, not 40.
        cb.path("status").path("results").path(0).path("samples")
                .forEach(s -> assertThat(s.asDouble()).isBetween(0.45, 1.9));
        // The user is told that the running generation was stopped.
        String events = kubectl("-n", ns, "get", "events", "--field-selector",
                "involvedObject.kind=ConcurrencyBenchmark,involvedObject.name=respec,reason=SpecChanged",
                "-o", "jsonpath={.items[*].message}").out();
        assertThat(events).contains("generation 1 stopped", Cli.jobName(ns, "respec", 1, 0), "generation 2 starts");
    }

    @Test
    @Order(60)
    void deleteMidRunLeavesNothingBehind() {
        String ns = namespace("e2e-delete");
        apply(ns, manifest("doomed", """
                spec:
                  runtime: python
                  workload: {type: io, size: 50, tasks: 100}
                  strategies: [sequential]
                  repetitions: 5
                  warmup: 0
                """));
        awaitKernelPodRunning(ns, "doomed", "its kernel pod is running", 90);
        assertThat(kubectl("-n", ns, "get", "configmap", Cli.kernelConfigMapName(ns, "doomed")).ok()).isTrue();
        Cli.Result delete = kubectl("-n", ns, "delete", "cb", "doomed", "--timeout=60s");
        assertThat(delete.ok()).as(delete.toString()).isTrue();
        // The garbage collector of the real kube-controller-manager follows the owner references.
        awaitTrue("Jobs, pods and the kernel ConfigMap are garbage-collected", Duration.ofSeconds(90), () ->
                items("-n", ns, "get", "jobs,pods,configmaps", "-l", "concbench.dev/benchmark=doomed").isEmpty());
        assertThat(kubectl("-n", ns, "get", "cb", "doomed").err()).contains("NotFound");
    }

    @Test
    @Order(70)
    void secondBenchmarkQueuesWhileTheFirstRuns() {
        String ns = namespace("e2e-queue");
        String spec = """
                spec:
                  runtime: python
                  workload: {type: io, size: 50, tasks: 40}
                  strategies: [sequential]
                  repetitions: 2
                  warmup: 0
                """;
        apply(ns, manifest("first", spec));
        apply(ns, manifest("second", spec));
        awaitTrue("first Running while second Queued", Duration.ofSeconds(90),
                () -> "Running".equals(phase(ns, "first")) && "Queued".equals(phase(ns, "second")));
        for (String name : List.of("first", "second")) {
            awaitStatus(ns, "cb/" + name, "phase", "Succeeded", 180);
        }
        Instant firstDone = Instant.parse(json("-n", ns, "get", "cb", "first").path("status").path("completionTime").asText());
        JsonNode secondJob = json("-n", ns, "get", "job", Cli.jobName(ns, "second", 1, 0));
        Instant secondStarted = Instant.parse(secondJob.path("metadata").path("creationTimestamp").asText());
        assertThat(secondStarted).as("the second benchmark's first Job starts after the first benchmark ends")
                .isAfterOrEqualTo(firstDone.minusSeconds(1));
        assertThat(kubectl("-n", ns, "describe", "cb", "second").out()).contains("Queued");
    }

    // ------------------------------------------------------------------ RBAC

    @Test
    @Order(80)
    void operatorWorksWithLeastPrivilegeAndWasNeverForbidden() throws IOException {
        for (String allowed : List.of("create jobs", "delete jobs", "patch pods", "create configmaps", "create events",
                "watch events", "update concurrencybenchmarks.concbench.dev --subresource=status")) {
            assertThat(canI(allowed, "e2e-seed")).as(allowed).isEqualTo("yes");
        }
        for (String denied : List.of("delete pods", "create pods", "get secrets", "delete configmaps",
                "create deployments", "delete concurrencybenchmarks.concbench.dev", "update nodes",
                // no finalizer: the benchmark itself (spec, metadata) is the user's alone
                "patch concurrencybenchmarks.concbench.dev", "update concurrencybenchmarks.concbench.dev")) {
            assertThat(canI(denied, "e2e-seed")).as(denied).isEqualTo("no");
        }
        assertThat(canI("update leases", SYSTEM_NS)).isEqualTo("no"); // only its own Lease, by name
        assertThat(canI("update leases/concbench-operator-lease", SYSTEM_NS)).isEqualTo("yes");

        // The audit log of the API server: every request the operator made, as its ServiceAccount.
        List<JsonNode> requests = auditEventsOf(OPERATOR_SA);
        Map<String, Long> used = requests.stream().collect(Collectors.groupingBy(OperatorE2eIT::describe,
                TreeMap::new, Collectors.counting()));
        System.out.println("[e2e] API calls of the operator (verb resource[/subresource] -> HTTP code: count):");
        used.forEach((k, v) -> System.out.printf("[e2e]   %-60s %d%n", k, v));
        assertThat(requests).as("the operator authenticated as its ServiceAccount").isNotEmpty();
        assertThat(refusedForGood(requests)).as("requests of the operator refused by RBAC: add exactly these verbs to "
                + "the chart").isEmpty();
    }

    /**
     * The operator's requests that RBAC refused and never allowed afterwards. A refusal followed by the same
     * request allowed is the API server's authorizer catching up with a (Cluster)RoleBinding helm has just
     * created (seen on a loaded machine: the new operator's first lease read, refused once, then allowed); a
     * missing verb is refused every time.
     */
    private static List<String> refusedForGood(List<JsonNode> requests) {
        Map<String, String> refused = new LinkedHashMap<>();
        for (JsonNode e : requests) { // the audit log's order: the order the server answered
            JsonNode ref = e.path("objectRef");
            String request = e.path("verb").asText() + " " + ref.path("resource").asText() + "."
                    + ref.path("apiGroup").asText() + "/" + ref.path("subresource").asText() + " "
                    + ref.path("namespace").asText() + "/" + ref.path("name").asText();
            if (e.path("responseStatus").path("code").asInt() == 403) {
                refused.putIfAbsent(request, describe(e) + " " + ref.path("namespace").asText() + " "
                        + e.path("responseStatus").path("message").asText());
            } else {
                refused.remove(request);
            }
        }
        return List.copyOf(refused.values());
    }

    // ------------------------------------------------------------------ a node lost

    @Test
    @Order(85)
    void aNodeLostMidRunEndsTheRunInAClearConditionAndTheNextBenchmarkRuns() {
        String ns = namespace("e2e-node-lost");
        apply(ns, manifest("stranded", """
                spec:
                  runtime: python
                  workload: {type: io, size: 100, tasks: 1000}
                  strategies: [sequential]
                  repetitions: 1
                  warmup: 0
                  timeoutSeconds: 300
                """));
        awaitKernelPodRunning(ns, "stranded", "its kernel pod is running", 120);
        JsonNode pod = items("-n", ns, "get", "pods", "-l", "concbench.dev/benchmark=stranded").get(0);
        String node = pod.path("spec").path("nodeName").asText();
        String other = node.equals("e2e-node-a") ? "e2e-node-b" : "e2e-node-a";
        String letter = node.substring(node.length() - 1);
        Cli.Result stop = nodes("kubelet-stop", letter);
        assertThat(stop.ok()).as(stop.toString()).isTrue();
        try {
            // The kernel goes on in its container, but nobody reports it: once the node controller marks the
            // pod not ready (its grace period, 50 s), the run ends NodeLost, long before its deadline.
            Instant stopped = Instant.now();
            awaitTrue("the benchmark leaves Running", Duration.ofSeconds(150),
                    () -> "Failed".equals(phase(ns, "stranded")));
            JsonNode cb = json("-n", ns, "get", "cb", "stranded");
            JsonNode failed = condition(cb, "Failed");
            System.out.printf("[e2e] Failed %.0f s after %s's kubelet stopped: %s%n",
                    Duration.between(stopped, Instant.now()).toMillis() / 1000.0, node, failed);
            assertThat(failed.path("status").asText()).isEqualTo("True");
            assertThat(failed.path("reason").asText()).isEqualTo("NodeLost");
            assertThat(failed.path("message").asText()).contains("node " + node, Cli.jobName(ns, "stranded", 1, 0));
            assertThat(cb.path("status").path("runs").path(0).path("state").asText()).isEqualTo("Failed");

            // The slot is free and the cluster still works: the next benchmark runs, on the other node.
            apply(ns, manifest("survivor", """
                    spec:
                      runtime: python
                      workload: {type: io, size: 20, tasks: 4}
                      strategies: [sequential, threads]
                      placement: {nodeSelector: {kubernetes.io/hostname: %s}}
                      repetitions: 1
                      warmup: 0
                    """.formatted(other)));
            awaitStatus(ns, "cb/survivor", "phase", "Succeeded", 180);
            assertThat(json("-n", ns, "get", "cb", "survivor").path("status").path("environment").path("nodes")
                    .toString()).isEqualTo("[\"" + other + "\"]");
        } finally {
            Cli.Result start = nodes("kubelet-start", letter);
            assertThat(start.ok()).as(start.toString()).isTrue();
        }
        Cli.Result ready = kubectl("wait", "--for=condition=Ready", "node/" + node, "--timeout=120s");
        assertThat(ready.ok()).as(ready.toString()).isTrue();
        awaitTrue("the lost run's pod is gone once its kubelet is back", Duration.ofSeconds(120),
                () -> items("-n", ns, "get", "pods", "-l", "concbench.dev/benchmark=stranded").isEmpty());
    }

    // ------------------------------------------------------------------ namespaced mode, uninstall

    @Test
    @Order(90)
    void watchingOneNamespaceNeedsOnlyRolesThere() {
        String watched = namespace("e2e-watched");
        String other = namespace("e2e-unwatched");
        Cli.Result upgrade = helm("upgrade", RELEASE, CHART, "-n", SYSTEM_NS, "--reuse-values",
                "--set", "watchNamespaces={" + watched + "}", "--wait", "--timeout", "3m");
        assertThat(upgrade.ok()).as(upgrade.toString()).isTrue();
        assertThat(kubectl("get", "clusterrolebinding", "-l", "app.kubernetes.io/instance=" + RELEASE, "-o", "name")
                .out()).as("nothing cluster-wide is bound to the operator").isBlank();
        assertThat(kubectl("-n", watched, "get", "rolebinding", RELEASE).ok()).isTrue();
        awaitTrue("the operator restarted with the new namespace list", Duration.ofSeconds(120), () -> {
            JsonNode p = operatorPod();
            return p != null && ready(p) && p.path("spec").path("containers").path(0).path("env").toString()
                    .contains(watched);
        });
        String spec = """
                spec:
                  runtime: python
                  workload: {type: io, size: 20, tasks: 4}
                  strategies: [sequential, threads]
                  repetitions: 2
                  warmup: 0
                """;
        apply(watched, manifest("here", spec));
        apply(other, manifest("elsewhere", spec));
        awaitStatus(watched, "cb/here", "phase", "Succeeded", 180);
        assertThat(json("-n", other, "get", "cb", "elsewhere").path("status").isMissingNode())
                .as("a namespace that is not watched is left alone").isTrue();
        assertThat(refusedForGood(auditEventsOf(OPERATOR_SA))).as("RBAC refusals in namespaced mode").isEmpty();
    }

    @Test
    @Order(100)
    void helmUninstallLeavesOnlyTheCrdAndTheUsersResources() {
        Cli.Result uninstall = helm("uninstall", RELEASE, "-n", SYSTEM_NS, "--wait", "--timeout", "2m");
        assertThat(uninstall.ok()).as(uninstall.toString()).isTrue();
        awaitTrue("the operator pod is gone", Duration.ofSeconds(90),
                () -> items("-n", SYSTEM_NS, "get", "pods").isEmpty());
        List<String> left = kubectl("-n", SYSTEM_NS, "get",
                "deployments,replicasets,pods,services,serviceaccounts,configmaps,secrets,roles,rolebindings,leases",
                "-o", "name").out().lines().sorted().toList();
        System.out.println("[e2e] left in " + SYSTEM_NS + ": " + left);
        // The namespace's own defaults, and the leader-election Lease (runtime state the operator
        // created, like Events; it goes with the namespace).
        assertThat(left).containsExactlyInAnyOrder("configmap/kube-root-ca.crt", "serviceaccount/default",
                "lease.coordination.k8s.io/concbench-operator-lease");
        assertThat(kubectl("get", "clusterroles,clusterrolebindings", "-l", "app.kubernetes.io/instance=" + RELEASE,
                "-o", "name").out()).isBlank();
        assertThat(kubectl("get", "rolebindings,roles", "-A", "-l", "app.kubernetes.io/instance=" + RELEASE,
                "-o", "name").out()).isBlank();
        assertThat(kubectl("get", "crd", "concurrencybenchmarks.concbench.dev").ok()).as("Helm keeps CRDs").isTrue();
        assertThat(kubectl("get", "cb", "-A").out()).contains("seed-python-io");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Applies {@code <prefix>-python} and {@code <prefix>-java} with the given spec lines (one
     * repetition, no warmup), waits until both have Succeeded and returns their status by runtime.
     */
    private static Map<String, JsonNode> succeededInBothRuntimes(String ns, String prefix, String specLines) {
        List<String> runtimes = List.of("python", "java");
        for (String runtime : runtimes) {
            apply(ns, manifest(prefix + "-" + runtime, "spec:\n  runtime: " + runtime + "\n"
                    + specLines.indent(2) + "  repetitions: 1\n  warmup: 0\n"));
        }
        Map<String, JsonNode> statuses = new java.util.LinkedHashMap<>();
        for (String runtime : runtimes) {
            awaitStatus(ns, "cb/" + prefix + "-" + runtime, "phase", "Succeeded", 240);
            statuses.put(runtime, json("-n", ns, "get", "cb", prefix + "-" + runtime).path("status"));
        }
        return statuses;
    }

    /** e2e/nodes COMMAND ARGS (e.g. kubelet-stop a), on the suite's nodes. */
    private static Cli.Result nodes(String... args) {
        List<String> command = new ArrayList<>(List.of(REPO.resolve("e2e/nodes").toString()));
        command.addAll(List.of(args));
        return Cli.run(null, command);
    }

    static String manifest(String name, String spec) {
        return "apiVersion: concbench.dev/v1alpha1\nkind: ConcurrencyBenchmark\nmetadata:\n  name: " + name + "\n"
                + spec;
    }

    /** runtime -> image of the catalog file e2e/stack.sh writes ($CONCBENCH_E2E_RUNTIMES), in its order. */
    static Map<String, String> runtimeImages() {
        Map<String, String> images = new java.util.LinkedHashMap<>();
        String file = System.getenv("CONCBENCH_E2E_RUNTIMES");
        if (file == null) {
            return images;
        }
        try {
            String name = null;
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.matches("  [a-z0-9.-]+:\\s*")) {
                    name = line.strip().replace(":", "");
                } else if (name != null && line.strip().startsWith("image:")) {
                    images.put(name, line.strip().substring("image:".length()).strip());
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read the runtime catalog " + file, e);
        }
        return images;
    }

    /** Each spec is refused by kubectl apply, the error containing every expected fragment. */
    private static void assertEachRefusedAtApply(String ns, String namePrefix, Map<String, List<String>> specs) {
        int i = 0;
        for (var c : specs.entrySet()) {
            Cli.Result r = kubectlIn(manifest(namePrefix + i++, c.getKey()), "apply", "-n", ns, "-f", "-");
            System.out.println("[e2e] refused as expected: " + r.err().strip());
            assertThat(r.ok()).as("must be refused: " + c.getKey()).isFalse();
            assertThat(r.err()).as(c.getKey()).contains(c.getValue());
        }
    }

    /**
     * One row of {@code kubectl get cb} (or {@code -o wide}), column by column: each value is the text
     * under its header (kubectl aligns every column to its header's first character; a missing value
     * is left empty).
     */
    static Map<String, String> getRow(String ns, String name, boolean wide) {
        List<String> args = new ArrayList<>(List.of("-n", ns, "get", "cb", name));
        if (wide) {
            args.addAll(List.of("-o", "wide"));
        }
        Cli.Result get = kubectl(args.toArray(String[]::new));
        assertThat(get.ok()).as(get.toString()).isTrue();
        System.out.println(get.out());
        List<String> lines = get.out().lines().toList();
        String header = lines.get(0);
        String line = lines.get(1);
        List<Integer> starts = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\S+").matcher(header);
        while (m.find()) {
            starts.add(m.start());
        }
        Map<String, String> row = new java.util.LinkedHashMap<>();
        for (int c = 0; c < starts.size(); c++) {
            int from = starts.get(c);
            int headerEnd = c + 1 < starts.size() ? starts.get(c + 1) : header.length();
            int valueEnd = c + 1 < starts.size() ? Math.min(starts.get(c + 1), line.length()) : line.length();
            // kubectl leaves a missing value empty
            row.put(header.substring(from, headerEnd).strip(), from >= line.length() ? "" : line.substring(from, valueEnd).strip());
        }
        return row;
    }

    /** The operator's log, as the node's kubelet keeps it. */
    private static String operatorLog() {
        JsonNode pod = operatorPod();
        assertThat(pod).as("the operator pod").isNotNull();
        String name = pod.path("metadata").path("name").asText();
        Cli.Result logs = kubectl("-n", SYSTEM_NS, "logs", name);
        assertThat(logs.ok()).as("kubectl logs " + name + ": " + logs).isTrue();
        return logs.out();
    }

    static void apply(String ns, String manifest) {
        Cli.Result r = kubectlIn(manifest, "apply", "-n", ns, "-f", "-");
        assertThat(r.ok()).as(r.toString()).isTrue();
    }

    /** Namespaces the current test uses (see {@link #releaseSlots}). */
    private static final List<String> TOUCHED = new ArrayList<>();

    /**
     * After every test no benchmark may hold one of the operator's slots: a test that failed
     * half-way would otherwise make the next ones wait in Queued. Finished benchmarks stay.
     */
    @AfterEach
    void releaseSlots() {
        releaseTouchedSlots();
    }

    /** What {@link #releaseSlots} does, for the other classes that make their namespaces with {@link #namespace}. */
    static void releaseTouchedSlots() {
        for (String ns : TOUCHED) {
            for (JsonNode cb : items("-n", ns, "get", "cb")) {
                String phase = cb.path("status").path("phase").asText();
                if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                    String name = cb.path("metadata").path("name").asText();
                    System.out.printf("[e2e] deleting %s/%s (phase %s) so that it does not hold a slot%n", ns, name,
                            phase);
                    kubectl("-n", ns, "delete", "cb", name, "--wait=false");
                }
            }
        }
        TOUCHED.clear();
    }

    static String namespace(String name) {
        TOUCHED.add(name);
        Cli.Result r = kubectl("create", "namespace", name);
        assertThat(r.ok() || r.err().contains("AlreadyExists")).as(r.toString()).isTrue();
        return name;
    }

    static String phase(String ns, String name) {
        return json("-n", ns, "get", "cb", name).path("status").path("phase").asText();
    }

    static JsonNode condition(JsonNode cb, String type) {
        for (JsonNode c : cb.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        throw new AssertionError("no condition " + type + " in " + cb.path("status"));
    }

    private static List<String> jobNames(String ns, String benchmark) {
        return items("-n", ns, "get", "jobs", "-l", "concbench.dev/benchmark=" + benchmark).stream()
                .map(j -> j.path("metadata").path("name").asText()).sorted().toList();
    }

    static Map<String, String> jobUids(String ns, String benchmark) {
        Map<String, String> uids = new TreeMap<>();
        items("-n", ns, "get", "jobs", "-l", "concbench.dev/benchmark=" + benchmark)
                .forEach(j -> uids.put(j.path("metadata").path("name").asText(), j.path("metadata").path("uid").asText()));
        return uids;
    }

    /** The operator's pod that is not being deleted, or null. */
    static JsonNode operatorPod() {
        return items("-n", SYSTEM_NS, "get", "pods", "-l", OPERATOR_PODS).stream()
                .filter(p -> p.path("metadata").path("deletionTimestamp").isMissingNode())
                .findFirst().orElse(null);
    }

    static boolean ready(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    private static String canI(String verbResource, String ns) {
        List<String> args = new ArrayList<>(List.of("auth", "can-i"));
        args.addAll(List.of(verbResource.split(" ")));
        args.addAll(List.of("-n", ns, "--as=" + OPERATOR_SA));
        return kubectl(args.toArray(String[]::new)).out().strip();
    }

    private static List<JsonNode> auditEventsOf(String user) {
        Path audit = STATE.resolve("audit.log");
        List<JsonNode> events = new ArrayList<>();
        try (Stream<String> lines = Files.lines(audit)) {
            lines.filter(l -> l.contains(user)).forEach(l -> {
                try {
                    JsonNode e = Cli.JSON.readTree(l);
                    if (user.equals(e.path("user").path("username").asText())
                            && "ResponseComplete".equals(e.path("stage").asText())) {
                        events.add(e);
                    }
                } catch (IOException ex) {
                    // a line being written: skip
                }
            });
        } catch (IOException e) {
            throw new AssertionError("cannot read the API server's audit log " + audit, e);
        }
        return events;
    }

    private static String describe(JsonNode e) {
        JsonNode ref = e.path("objectRef");
        String resource = ref.path("resource").asText(e.path("requestURI").asText());
        if (!ref.path("apiGroup").asText().isEmpty()) {
            resource += "." + ref.path("apiGroup").asText();
        }
        if (!ref.path("subresource").asText().isEmpty()) {
            resource += "/" + ref.path("subresource").asText();
        }
        return e.path("verb").asText() + " " + resource + " -> " + e.path("responseStatus").path("code").asInt();
    }

    static void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(500)).pollDelay(Duration.ZERO)
                .ignoreExceptions().until(condition::get);
    }

    /** {@code kubectl wait} until {@code .status.<field>} of {@code cb/<name>} equals {@code value}; describe it if not. */
    static void awaitStatus(String ns, String cb, String field, String value, int timeoutSeconds) {
        Cli.Result wait = kubectl("-n", ns, "wait", "--for=jsonpath={.status." + field + "}=" + value,
                cb, "--timeout=" + timeoutSeconds + "s");
        assertThat(wait.ok()).as(wait + "\n" + kubectl("-n", ns, "describe", cb)).isTrue();
    }

    /** Until one of the benchmark's kernel pods is Running (the run is mid-flight). */
    private static void awaitKernelPodRunning(String ns, String benchmark, String what, int timeoutSeconds) {
        awaitTrue(what, Duration.ofSeconds(timeoutSeconds), () -> items("-n", ns, "get", "pods", "-l",
                "concbench.dev/benchmark=" + benchmark).stream().anyMatch(p -> "Running".equals(
                p.path("status").path("phase").asText())));
    }
}
