package dev.concbench.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.concbench.e2e.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the API server makes of the CRD besides validation: the defaults it writes into a new
 * benchmark (the same the API types assume), the columns of {@code kubectl get} (the server's Table),
 * and the field docs of {@code kubectl explain}.
 */
class CrdServedTest {

    @RegisterExtension
    static final ApiServer API = new ApiServer();

    // @formatter:off
    /** The top-level defaults the server writes into each spec below (ApiServer.BASE sets only the workload). */
    static final String EVERY_SPECS_DEFAULTS = """
            runtime: python
            strategies: [sequential, threads, thread-pool, processes, process-pool]
            pods: 1
            workers: 0
            repetitions: 5
            warmup: 1
            network: none
            timeoutSeconds: 900
            schedulingTimeoutSeconds: 300
            ttlSecondsAfterFinished: 3600
            """;

    /** Benchmarks that set little (merged into ApiServer.BASE), and the spec the server stores for each. */
    static final List<Defaulted> DEFAULTED = List.of(
        new Defaulted("spec: {placement: {}}", EVERY_SPECS_DEFAULTS + """
            workload: {type: io, size: 20, tasks: 4}
            placement: {spreadAcrossNodes: false}
            """),
        new Defaulted("spec: {workload: {type: custom, size: null, custom: {entrypoint: 'work:run', source: 'def run(i): return i'}}}", EVERY_SPECS_DEFAULTS + """
            workload: {type: custom, tasks: 4, custom: {entrypoint: 'work:run', source: 'def run(i): return i', callTimeoutSeconds: 60, deterministic: true}}
            """)
    );
    // @formatter:on

    record Defaulted(String benchmark, String stored) {
    }

    /**
     * The server writes each default of the CRD; the operator, reading a benchmark stored before a
     * default existed, assumes the same value (the API types' initial values).
     */
    @Test
    void theServerWritesTheDefaultsTheApiTypesAssume() throws Exception {
        String ns = API.namespace("defaults");
        Set<String> shown = new TreeSet<>();
        for (Defaulted d : DEFAULTED) {
            GenericKubernetesResource sent = ApiServer.benchmark("defaults-" + DEFAULTED.indexOf(d), d.benchmark());
            GenericKubernetesResource created = API.benchmarks().inNamespace(ns).resource(sent).create();
            JsonNode stored = ApiServer.JSON.valueToTree(created.getAdditionalProperties().get("spec"));
            assertThat(stored).as(d.benchmark()).isEqualTo(ApiServer.YAML.readTree(d.stored()));

            ConcurrencyBenchmarkSpec read = ApiServer.JSON.convertValue(sent.getAdditionalProperties().get("spec"),
                    ConcurrencyBenchmarkSpec.class);
            assertThat(ApiServer.JSON.<JsonNode>valueToTree(read)).as("the API types' defaults for " + d.benchmark())
                    .isEqualTo(stored);
            paths(stored, "spec", shown);
        }
        JsonNode spec = ApiServer.YAML.readTree(ApiServer.CRD.toFile()).path("spec").path("versions").path(0)
                .path("schema").path("openAPIV3Schema").path("properties").path("spec");
        Set<String> defaults = new TreeSet<>();
        defaultsIn(spec, "spec", defaults);
        defaults.removeAll(shown);
        assertThat(defaults).as("defaults of the CRD that no case of CrdServedTest.DEFAULTED shows: add one").isEmpty();
    }

    /** The columns of kubectl get (-o wide adds those of priority 1), from the server's Table of a finished benchmark. */
    @Test
    void kubectlGetShowsTheStatusInItsColumns() throws Exception {
        String ns = API.namespace("columns");
        GenericKubernetesResource benchmark = API.benchmarks().inNamespace(ns)
                .resource(ApiServer.benchmark("finished", "spec: {runtime: java-21, workload: {type: cpu}, pods: 2}")).create();
        benchmark.getAdditionalProperties().put("status", ApiServer.YAML.readValue("""
                phase: Succeeded
                progress: 3/3
                fastest: process-pool@pods=2,workers=0
                fastestSpeedup: 3.87
                baseline: sequential@pods=1 0.710s
                comparison: {baseline: last-week, headline: process-pool 1.25x faster}
                conditions:
                  - {type: Progressing, status: "False", reason: Completed, message: all runs finished}
                  - {type: Complete, status: "True", reason: Completed, message: all runs finished}
                """, Map.class));
        API.benchmarks().inNamespace(ns).resource(benchmark).updateStatus();

        JsonNode table = table(ns, "finished");
        List<String> columns = new ArrayList<>();
        table.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText() + ":" + c.path("priority").asInt()));
        assertThat(columns).containsExactly("Name:0", "Phase:0", "Progress:0", "Fastest:0", "Speedup:0",
                "Vs-Baseline:0", "Age:0", "Runtime:1", "Workload:1", "Reason:1", "Baseline:1");
        List<String> cells = new ArrayList<>();
        table.path("rows").path(0).path("cells").forEach(c -> cells.add(c.asText()));
        assertThat(cells).hasSize(columns.size());
        assertThat(cells.subList(0, 6)).containsExactly("finished", "Succeeded", "3/3", "process-pool@pods=2,workers=0",
                "3.87", "process-pool 1.25x faster");
        assertThat(cells.subList(7, 11)).containsExactly("java-21", "cpu", "Completed", "sequential@pods=1 0.710s");

        CommandResult wide = API.kubectl(null, "get", "cb", "finished", "-n", ns, "-o", "wide");
        System.out.println(wide.out());
        assertThat(wide.out().lines().toList()).satisfiesExactly(
                header -> assertThat(header.split("\\s+")).containsExactly("NAME", "PHASE", "PROGRESS", "FASTEST",
                        "SPEEDUP", "VS-BASELINE", "AGE", "RUNTIME", "WORKLOAD", "REASON", "BASELINE"),
                row -> assertThat(row).startsWith("finished").contains("Succeeded", "3/3", "process-pool@pods=2,workers=0",
                        "3.87", "process-pool 1.25x faster", "java-21", "cpu", "Completed", "sequential@pods=1 0.710s"));
    }

    /** A new benchmark, before the operator wrote any status: the name, its spec's columns, the rest empty. */
    @Test
    void kubectlGetOfANewBenchmarkShowsItsSpecAndEmptyStatusColumns() {
        String ns = API.namespace("columns-new");
        API.benchmarks().inNamespace(ns).resource(ApiServer.benchmark("new", null)).create();
        List<String> cells = new ArrayList<>();
        table(ns, "new").path("rows").path(0).path("cells").forEach(c -> cells.add(c.isNull() ? null : c.asText()));
        assertThat(cells).containsExactly("new", null, null, null, null, null, cells.get(6), "python", "io", null, null);
    }

    /** kubectl explain shows the description of every field of spec and spec.workload, as written in the API types. */
    @Test
    void kubectlExplainShowsTheFieldDocs() throws Exception {
        JsonNode schema = ApiServer.YAML.readTree(ApiServer.CRD.toFile())
                .path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
        // The server publishes the CRD's OpenAPI a moment after it is established.
        await("kubectl explain knows the CRD").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> API.kubectl(null, "explain", "cb.spec").ok());
        for (String field : List.of("spec", "spec.workload")) {
            CommandResult explain = API.kubectl(null, "explain", "cb." + field);
            assertThat(explain.ok()).as(explain.toString()).isTrue();
            String shown = words(explain.out());
            JsonNode node = schema.at("/properties/" + field.replace(".", "/properties/"));
            assertThat(shown).as(explain.out()).contains(words(node.path("description").asText()));
            node.path("properties").fields().forEachRemaining(p ->
                    assertThat(shown).as(field + "." + p.getKey() + " in\n" + explain.out())
                            .contains(p.getKey(), words(p.getValue().path("description").asText())));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The paths of the CRD's schema that have a default, e.g. spec.placement.spreadAcrossNodes. */
    private static void defaultsIn(JsonNode schema, String path, Set<String> defaults) {
        if (schema.has("default")) {
            defaults.add(path);
        }
        schema.path("properties").fields().forEachRemaining(p -> defaultsIn(p.getValue(), path + "." + p.getKey(), defaults));
    }

    private static void paths(JsonNode node, String path, Set<String> paths) {
        paths.add(path);
        node.fields().forEachRemaining(f -> paths(f.getValue(), path + "." + f.getKey(), paths));
    }

    /** The text with every run of white space made one space: kubectl explain wraps lines. */
    private static String words(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /** The server's Table of one benchmark: what kubectl get prints. */
    private static JsonNode table(String ns, String name) {
        HttpClient http = API.client().getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(API.client().getMasterUrl() + "apis/" + ApiServer.API_VERSION + "/namespaces/" + ns
                        + "/concurrencybenchmarks/" + name)
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
                .build();
        try {
            HttpResponse<String> response = http.sendAsync(request, String.class).get();
            assertThat(response.code()).as(response.body()).isEqualTo(200);
            return ApiServer.JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("GET the Table of " + ns + "/" + name, e);
        }
    }
}
