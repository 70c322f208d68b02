package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.concbench.e2e.Cli.helm;
import static dev.concbench.e2e.Cli.items;
import static dev.concbench.e2e.Cli.json;
import static dev.concbench.e2e.Cli.kubectl;
import static dev.concbench.e2e.Cli.kubectlIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sweep over the catalog's runtimes through the operator on the real nodes: one benchmark,
 * {@code spec.sweep.runtimes} of CPython 3.11 (the GIL), free-threaded CPython 3.13t (no GIL),
 * PyPy 3.11 and Java 21, each run's pods on that runtime's image; one row per runtime and
 * strategy, asyncio skipped on the JVM with the reason, the environment per runtime (GIL on or
 * off as the interpreter is built), the fastest of all in {@code kubectl get cb}. And what the API
 * server refuses at apply: an unknown runtime in the sweep (with the list of known ones), spec.image
 * with a runtime sweep, a Python strategy in a sweep of Java runtimes only. No speedup is asserted.
 *
 * <p>It installs the chart as a release of its own (the catalog of the pushed images, from
 * {@code CONCBENCH_E2E_RUNTIMES}) and uninstalls it at the end, so it runs alone or before or after
 * OperatorE2eIT (which installs and uninstalls its own).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Timings.class)
class RuntimeSweepE2eIT {

    static final String RELEASE = "concbench-sweep";
    static final String SYSTEM_NS = "concbench-sweep-system";
    static final String NS = "e2e-sweep";
    static final List<String> SWEPT = List.of("cpython-3.11", "cpython-3.13t", "pypy-3.11", "java-21");

    @Test
    @Order(1)
    void theChartInstallsWithTheRuntimeCatalog() {
        installWithTheCatalog(RELEASE, SYSTEM_NS, NS, SWEPT);
    }

    /**
     * A release of its own for a test class: the runtime catalog of the pushed images (which must hold
     * {@code needed}), watching {@code watched} only (created first: the chart makes the operator's Role in it).
     */
    static void installWithTheCatalog(String release, String systemNs, String watched, List<String> needed) {
        Map<String, String> images = OperatorE2eIT.runtimeImages();
        assertThat(images).as("the e2e tier's runtime catalog").containsKeys(needed.toArray(String[]::new));
        List<String> args = new ArrayList<>(List.of("install", release, OperatorE2eIT.CHART, "-n", systemNs,
                "--create-namespace",
                "--set", "watchNamespaces={" + watched + "}",
                "--wait", "--timeout", "3m"));
        args.addAll(OperatorE2eIT.imageValues());
        images.forEach((name, image) -> args.addAll(List.of("--set", "runtimes." + name.replace(".", "\\.")
                + "=" + image)));
        Cli.Result ns = kubectl("create", "namespace", watched);
        assertThat(ns.ok() || ns.err().contains("AlreadyExists")).as(ns.toString()).isTrue();
        Cli.Result install = helm(args.toArray(String[]::new));
        assertThat(install.ok()).as(install.toString()).isTrue();
        Cli.Result ready = kubectl("-n", systemNs, "wait", "--for=condition=Ready", "pod", "-l",
                OperatorE2eIT.OPERATOR_PODS, "--timeout=120s");
        assertThat(ready.ok()).as(ready.toString()).isTrue();
    }

    /** Undoes {@link #installWithTheCatalog}: the watched namespace, the release, its namespace. */
    static void uninstall(String release, String systemNs, String watched) {
        kubectl("delete", "namespace", watched, "--wait=true", "--timeout=120s");
        Cli.Result uninstall = helm("uninstall", release, "-n", systemNs, "--wait", "--timeout", "2m");
        System.out.println("[e2e] " + uninstall.out().strip());
        kubectl("delete", "namespace", systemNs, "--wait=true", "--timeout=120s");
    }

    @Test
    @Order(2)
    void whatCannotBeASweepOverRuntimesIsRefusedAtApply() {
        // spec fragment -> what the API server's answer must contain
        Map<String, List<String>> refused = new LinkedHashMap<>();
        refused.put("sweep: {runtimes: [cpython-3.11, ruby-3.3]}",
                List.of("spec.sweep.runtimes[1]", "Unsupported value: \"ruby-3.3\"", "\"cpython-3.13t\"", "\"java-21\""));
        refused.put("image: my/python:3\n  sweep: {runtimes: [cpython-3.11, pypy-3.11]}",
                List.of("spec.image", "one image cannot be several runtimes"));
        refused.put("strategies: [sequential, asyncio]\n  sweep: {runtimes: [java-17, java-21]}",
                List.of("spec.strategies", "a java runtime cannot run them"));
        refused.put("sweep: {runtimes: [cpython-3.11, cpython-3.11]}", List.of("sweep.runtimes must not repeat"));
        int i = 0;
        for (var c : refused.entrySet()) {
            Cli.Result r = kubectlIn(manifest("refused-" + i++, "spec:\n  " + c.getKey()
                    + "\n  workload: {type: cpu, size: 10, tasks: 2}\n"), "apply", "-n", NS, "-f", "-");
            assertThat(r.ok()).as("refused: " + c.getKey()).isFalse();
            assertThat(r.err()).as(c.getKey()).contains(c.getValue());
        }
        assertThat(items("-n", NS, "get", "cb")).as("nothing refused was created").isEmpty();
    }

    @Test
    @Order(3)
    void aSweepOverRuntimesSucceedsWithARowPerRuntimeAndStrategy() {
        Cli.Result apply = kubectlIn(manifest("runtimes", """
                spec:
                  sweep:
                    runtimes: [cpython-3.11, cpython-3.13t, pypy-3.11, java-21]
                  workload: {type: cpu, size: 200, tasks: 8}
                  strategies: [sequential, threads, asyncio]
                  repetitions: 2
                  warmup: 0
                """), "apply", "-n", NS, "-f", "-");
        assertThat(apply.ok()).as(apply.toString()).isTrue();
        Cli.Result wait = kubectl("-n", NS, "wait", "--for=jsonpath={.status.phase}=Succeeded", "cb/runtimes",
                "--timeout=600s");
        assertThat(wait.ok()).as(wait + "\n" + kubectl("-n", NS, "describe", "cb/runtimes")).isTrue();
        JsonNode status = json("-n", NS, "get", "cb", "runtimes").path("status");

        // One run per runtime, each Job's pods on its runtime's image of the catalog.
        Map<String, String> images = OperatorE2eIT.runtimeImages();
        List<String> runs = new ArrayList<>();
        status.path("runs").forEach(r -> runs.add(r.path("runtime").asText()));
        assertThat(runs).containsExactlyElementsOf(SWEPT);
        for (JsonNode run : status.path("runs")) {
            JsonNode job = json("-n", NS, "get", "job", run.path("jobName").asText());
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
        Cli.Result get = kubectl("-n", NS, "get", "cb", "runtimes");
        assertThat(get.out()).contains("FASTEST").contains(fastest);
        String conclusion = status.path("conclusion").asText();
        assertThat(conclusion).contains("on cpython-3.11 3.11.", "(GIL enabled)",
                "on cpython-3.13t 3.13.", "(free-threaded, GIL disabled)", "on pypy-3.11 ", "on java-21 ",
                "fastest of all: " + fastest);
        System.out.println("[e2e] " + get.out() + "[e2e] conclusion: " + conclusion);
    }

    @AfterAll
    void uninstall() {
        uninstall(RELEASE, SYSTEM_NS, NS);
    }

    private static String manifest(String name, String spec) {
        return "apiVersion: concbench.dev/v1alpha1\nkind: ConcurrencyBenchmark\nmetadata:\n  name: " + name + "\n"
                + spec;
    }
}
