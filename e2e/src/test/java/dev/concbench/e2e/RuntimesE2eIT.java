package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.E2eEnvironment.apply;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.kernelPods;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.namespace;
import static dev.concbench.e2e.E2eEnvironment.runtimeImages;
import static dev.concbench.e2e.E2eEnvironment.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtimes through the operator on the real nodes: the strategies that depend on the runtime (measured, or
 * skipped with the kernel's reason); the catalog's free-threaded CPython 3.13 and Java 21, each from its own
 * image; a sweep over four runtimes in one benchmark.
 */
@Order(30)
@OnTheSharedOperator
class RuntimesE2eIT {

    static final String SWEEP_NS = "e2e-sweep";
    static final List<String> SWEPT = List.of("cpython-3.11", "cpython-3.13t", "pypy-3.11", "java-21");

    /**
     * The strategies that depend on the runtime: asyncio measured on CPython; interpreter-pool (3.14+)
     * and virtual-threads (Java 21+) skipped by the images' older runtimes with the kernel's reason in
     * the status, the rest measured (pairs that never work are refused at apply:
     * apiserver-tests/).
     */
    @Test
    @Order(1)
    void runtimeDependentStrategiesAreMeasuredOrSkippedWithTheReason() {
        Map<String, JsonNode> statuses = succeeded(namespace("e2e-strategies"), 180, Map.entry("py-new", """
                runtime: python
                workload: {type: io, size: 50, tasks: 20}
                strategies: [sequential, threads, processes, asyncio, interpreter-pool]
                startMethod: spawn
                repetitions: 2
                warmup: 0
                """), Map.entry("jvm-new", """
                runtime: java
                workload: {type: io, size: 50, tasks: 20}
                strategies: [sequential, virtual-threads]
                repetitions: 2
                warmup: 0
                """));

        JsonNode py = statuses.get("py-new");
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

        JsonNode jvm = statuses.get("jvm-new");
        assertThat(jvm.path("environment").path("skipped").path("virtual-threads").asText())
                .startsWith("needs Java 21 or newer; this is 17");
        assertThat(jvm.path("results")).hasSize(1);
    }

    /**
     * The catalog's runtimes through the operator: free-threaded CPython 3.13 (no GIL: the status says
     * so and the conclusion names it) and Java 21 (virtual threads measured), each from its own image.
     */
    @Test
    @Order(2)
    void catalogRuntimesRunThroughTheOperator() {
        assertThat(runtimeImages()).as("the e2e tier's runtime catalog").containsKeys("cpython-3.13t", "java-21");
        String ns = namespace("e2e-catalog");
        Map<String, JsonNode> statuses = succeeded(ns, 240, Map.entry("ft", """
                runtime: cpython-3.13t
                workload: {type: cpu, size: 200, tasks: 8}
                strategies: [sequential, threads]
                repetitions: 2
                warmup: 0
                """), Map.entry("vt", """
                runtime: java-21
                workload: {type: io, size: 50, tasks: 20}
                strategies: [sequential, virtual-threads]
                repetitions: 2
                warmup: 0
                """));

        JsonNode ft = statuses.get("ft");
        assertThat(ft.path("environment").path("runtimeVersion").asText()).startsWith("3.13.");
        assertThat(ft.path("environment").path("kernel").path("freeThreaded").asBoolean()).isTrue();
        assertThat(ft.path("environment").path("kernel").path("gil").asBoolean()).isFalse();
        assertThat(ft.path("conclusion").asText()).contains("(free-threaded, GIL disabled)", "threads ");
        JsonNode pod = kernelPods(ns, "ft").get(0);
        assertThat(pod.path("spec").path("containers").path(0).path("image").asText())
                .isEqualTo(runtimeImages().get("cpython-3.13t"));

        JsonNode vt = statuses.get("vt");
        assertThat(vt.path("environment").path("runtimeVersion").asText()).startsWith("21");
        List<String> rows = new ArrayList<>();
        vt.path("results").forEach(r -> rows.add(r.path("strategy").asText()));
        assertThat(rows).containsExactly("sequential", "virtual-threads");
        assertThat(vt.path("environment").path("skipped").isMissingNode()).isTrue();
        System.out.println("[e2e] " + ft.path("conclusion").asText() + " | " + vt.path("conclusion").asText());
    }

    /**
     * One benchmark, {@code spec.sweep.runtimes} of CPython 3.11 (the GIL), free-threaded CPython 3.13t (no
     * GIL), PyPy 3.11 and Java 21: each run's pods on that runtime's image; one row per runtime and strategy,
     * asyncio skipped on the JVM with the reason, the environment per runtime (GIL on or off as the
     * interpreter is built), the fastest of all in {@code kubectl get cb}. No speedup is asserted.
     */
    @Test
    @Order(3)
    void aSweepOverRuntimesSucceedsWithARowPerRuntimeAndStrategy() {
        namespace(SWEEP_NS);
        apply(SWEEP_NS, manifest("runtimes", """
                sweep:
                  runtimes: [cpython-3.11, cpython-3.13t, pypy-3.11, java-21]
                workload: {type: cpu, size: 200, tasks: 8}
                strategies: [sequential, threads, asyncio]
                repetitions: 2
                warmup: 0
                """));
        JsonNode status = awaitPhase(SWEEP_NS, "runtimes", "Succeeded", 600).path("status");

        // One run per runtime, each Job's pods on its runtime's image of the catalog.
        Map<String, String> images = runtimeImages();
        List<String> runs = new ArrayList<>();
        status.path("runs").forEach(r -> runs.add(r.path("runtime").asText()));
        assertThat(runs).containsExactlyElementsOf(SWEPT);
        for (JsonNode run : status.path("runs")) {
            JsonNode job = json("-n", SWEEP_NS, "get", "job", run.path("jobName").asText());
            assertThat(job.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText())
                    .as(run.path("runtime").asText()).isEqualTo(images.get(run.path("runtime").asText()));
        }

        List<String> rows = new ArrayList<>();
        status.path("results").forEach(r -> rows.add(r.path("runtime").asText() + "/" + r.path("strategy").asText()));
        assertThat(rows).containsExactly(
                "cpython-3.11/sequential", "cpython-3.11/threads", "cpython-3.11/asyncio",
                "cpython-3.13t/sequential", "cpython-3.13t/threads", "cpython-3.13t/asyncio",
                "pypy-3.11/sequential", "pypy-3.11/threads", "pypy-3.11/asyncio",
                "java-21/sequential", "java-21/threads");
        for (JsonNode row : status.path("results")) {
            assertThat(row.path("relativeToFirstRuntime").isNumber()).as(row.toString()).isTrue();
            assertThat(row.path("speedup").isNumber()).as(row.toString()).isTrue();
        }
        assertThat(status.path("results").path(0).path("relativeToFirstRuntime").asDouble())
                .as("the first runtime's sequential against itself").isEqualTo(1.0);

        // The environment per runtime: what each interpreter is, the GIL as it was at run time.
        Map<String, String> gil = new LinkedHashMap<>();
        Map<String, String> versions = new LinkedHashMap<>();
        Map<String, String> implementations = new LinkedHashMap<>();
        for (JsonNode env : status.path("environment").path("runtimes")) {
            JsonNode kernel = env.path("kernel");
            gil.put(env.path("runtime").asText(), "freeThreaded=" + kernel.path("freeThreaded").asText("-")
                    + " gil=" + kernel.path("gil").asText("-"));
            implementations.put(env.path("runtime").asText(), kernel.path("implementation").asText());
            versions.put(env.path("runtime").asText(), env.path("runtimeVersion").asText());
        }
        assertThat(gil).containsExactly(
                Map.entry("cpython-3.11", "freeThreaded=false gil=true"),
                Map.entry("cpython-3.13t", "freeThreaded=true gil=false"),
                Map.entry("pypy-3.11", "freeThreaded=false gil=true"),
                Map.entry("java-21", "freeThreaded=- gil=-"));
        assertThat(implementations.get("cpython-3.11")).isEqualTo("cpython");
        assertThat(implementations.get("cpython-3.13t")).isEqualTo("cpython");
        assertThat(implementations.get("pypy-3.11")).isEqualTo("pypy");
        assertThat(implementations.get("java-21")).contains("OpenJDK");
        assertThat(versions.get("cpython-3.11")).startsWith("3.11.");
        assertThat(versions.get("cpython-3.13t")).startsWith("3.13.");
        assertThat(versions.get("pypy-3.11")).startsWith("3.11.");
        assertThat(versions.get("java-21")).startsWith("21");
        assertThat(status.path("environment").path("skipped").path("java-21/asyncio").asText())
                .isEqualTo("asyncio is a Python strategy; java-21 is a Java runtime");

        // The fastest of all, as kubectl get shows it, and a conclusion per runtime.
        String fastest = status.path("fastest").asText();
        assertThat(fastest).matches("(cpython-3\\.11|cpython-3\\.13t|pypy-3\\.11|java-21)/[a-z-]+");
        CommandResult get = kubectl("-n", SWEEP_NS, "get", "cb", "runtimes");
        assertThat(get.out()).contains("FASTEST").contains(fastest);
        String conclusion = status.path("conclusion").asText();
        assertThat(conclusion).contains("on cpython-3.11 3.11.", "(GIL enabled)",
                "on cpython-3.13t 3.13.", "(free-threaded, GIL disabled)", "on pypy-3.11 ", "on java-21 ",
                "fastest of all: " + fastest);
        System.out.println("[e2e] " + get.out() + "[e2e] conclusion: " + conclusion);
    }
}
