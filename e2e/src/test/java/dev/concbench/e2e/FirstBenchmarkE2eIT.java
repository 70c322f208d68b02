package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import static dev.concbench.e2e.Commands.REPO;
import static dev.concbench.e2e.Commands.STATE;
import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.E2eEnvironment.RELEASE;
import static dev.concbench.e2e.E2eEnvironment.SYSTEM_NS;
import static dev.concbench.e2e.E2eEnvironment.apply;
import static dev.concbench.e2e.E2eEnvironment.applyAndCatchMidRun;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.awaitTrue;
import static dev.concbench.e2e.E2eEnvironment.getRow;
import static dev.concbench.e2e.E2eEnvironment.jobName;
import static dev.concbench.e2e.E2eEnvironment.jobNames;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.namespace;
import static dev.concbench.e2e.E2eEnvironment.sleeps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first benchmark a user applies, on the real nodes: the seed example to Succeeded (its rows,
 * {@code kubectl get} and {@code describe}, the spec left as applied, the physics of 80 overlapping sleeps), its
 * speedup scraped by a real Prometheus from the operator's metrics, and a running benchmark's progress in
 * {@code kubectl get}.
 */
@Order(10)
@OnTheSharedOperator
class FirstBenchmarkE2eIT {

    @Test
    @Order(1)
    void seedExampleRunsToSucceededWithResults() throws IOException {
        String ns = namespace("e2e-seed");
        Path example = REPO.resolve("examples/seed-python-io.yaml");
        assertThat(example).exists();
        String manifest = Files.readString(example);
        CommandResult apply = kubectl("apply", "-n", ns, "-f", example.toString());
        assertThat(apply.ok()).as(apply.toString()).isTrue();
        assertThat(apply.out()).contains("concurrencybenchmark.concbench.dev/seed-python-io created");

        awaitPhase(ns, "seed-python-io", "Succeeded", 180);

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
        assertThat(jobNames(ns, "seed-python-io")).containsExactly(jobName(ns, "seed-python-io", 1, 0));

        // The physics: 80 blocking sleeps of 50 ms overlap in threads (sequential: 4 s).
        Map<String, JsonNode> rows = new TreeMap<>();
        status.path("results").forEach(r -> rows.put(r.path("strategy").asText(), r));
        assertThat(rows).containsKeys("sequential", "threads", "thread-pool");
        rows.get("sequential").path("samples").forEach(s -> assertThat(s.asDouble()).isGreaterThan(3.9));
        assertThat(rows.get("sequential").path("samples")).hasSize(3);
        assertThat(rows.get("threads").path("speedup").asDouble()).isGreaterThan(5.0);
        assertThat(status.path("environment").path("nodes").toString()).contains("e2e-node-");

        CommandResult describe = kubectl("-n", ns, "describe", "cb", "seed-python-io");
        System.out.println(describe.out());
        assertThat(describe.out()).contains("Conditions:", "Complete", "Events:", "RunStarted", "BenchmarkSucceeded");
    }

    /**
     * A real Prometheus (Debian's) scrapes the operator through its metrics Service (by the API
     * server's service proxy, from this machine's loopback) and a PromQL query returns the speedup
     * that the finished seed benchmark has in its status.
     */
    @Test
    @Order(2)
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
                    JsonNode answer = Commands.JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
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

    /** kubectl get while a benchmark runs: its phase and progress; the result columns still empty. */
    @Test
    @Order(3)
    void kubectlGetShowsARunningBenchmarksProgress() {
        String ns = namespace("e2e-get");
        applyAndCatchMidRun(ns, "slow", "pods: 2\n" + sleeps(4000, 2, 2));
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
        awaitPhase(ns, "slow", "Succeeded", 180);
        wide = getRow(ns, "slow", true);
        System.out.println("[e2e] after: " + wide);
        assertThat(wide.get("PROGRESS")).isEqualTo("2/2");
        // The fastest row of a pods: 2 benchmark names its pods: it is not the single-pod baseline.
        assertThat(wide.get("FASTEST")).isEqualTo("sequential@pods=2");
        assertThat(wide.get("BASELINE")).matches("sequential@pods=1 \\d+\\.\\d{3}s");
    }
}
