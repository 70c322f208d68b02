package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concbench.domain.Labels;
import dev.concbench.domain.Names;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

import static dev.concbench.e2e.Commands.REPO;
import static dev.concbench.e2e.Commands.items;
import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.Commands.kubectlIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every e2e class shares: where e2e/run put things (the registry, the images, the runtime catalog), the
 * shared release of the chart ({@link SharedOperator} installs it), and the kubectl steps the tests are made
 * of (apply a benchmark, wait for its phase, read a condition or a row of {@code kubectl get}).
 */
final class E2eEnvironment {

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
    /** {@code -l BENCHMARK_SELECTOR + name} selects what the operator made for a benchmark (Jobs, pods, ConfigMap). */
    static final String BENCHMARK_SELECTOR = Labels.LABEL_BENCHMARK + "=";

    private E2eEnvironment() {
    }

    /** The chart's image values of every release the suite installs: the images e2e/run pushed. */
    static List<String> imageValues() {
        return List.of("--set", "image.repository=" + REGISTRY + "/concbench/concbench-operator",
                "--set", "image.tag=" + IMAGE_TAG,
                "--set", "kernel.pythonImage=" + PYTHON_IMAGE,
                "--set", "kernel.javaImage=" + JAVA_IMAGE);
    }

    /** runtime -> image of the catalog file e2e/stack.sh writes ($CONCBENCH_E2E_RUNTIMES), in its order. */
    static Map<String, String> runtimeImages() {
        Map<String, String> images = new LinkedHashMap<>();
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

    // ------------------------------------------------------------------ benchmarks

    /** A ConcurrencyBenchmark {@code name} whose spec is {@code spec}, the YAML that goes under {@code spec:}. */
    static String manifest(String name, String spec) {
        return "apiVersion: concbench.dev/v1alpha1\nkind: ConcurrencyBenchmark\nmetadata:\n  name: " + name + "\nspec:\n"
                + spec.indent(2);
    }

    /**
     * The suite's plainest benchmark (the YAML of a spec, to add lines to): {@code tasks} sleeps of {@code millis}
     * ms, sequential, {@code repetitions} times, no warmup, on the default runtime (python).
     */
    static String sleeps(int millis, int tasks, int repetitions) {
        return """
                workload: {type: io, size: %d, tasks: %d}
                strategies: [sequential]
                repetitions: %d
                warmup: 0
                """.formatted(millis, tasks, repetitions);
    }

    static void apply(String ns, String manifest) {
        CommandResult r = kubectlIn(manifest, "apply", "-n", ns, "-f", "-");
        assertThat(r.ok()).as(r.toString()).isTrue();
    }

    /** Namespaces the current test made with {@link #namespace} (see {@link #releaseSlots}). */
    private static final List<String> TOUCHED = new ArrayList<>();
    /** Namespaces the current class made with {@link #namespaceForTheClass}. */
    private static final List<String> TOUCHED_BY_THE_CLASS = new ArrayList<>();

    /** Makes the namespace (or finds it); the benchmarks left unfinished in it are deleted after the test. */
    static String namespace(String name) {
        TOUCHED.add(name);
        return create(name);
    }

    /**
     * A namespace whose benchmarks may outlive a test (a class that applies them all in its first test and
     * awaits each in a test of its own): those left unfinished are deleted after the class.
     */
    static String namespaceForTheClass(String name) {
        TOUCHED_BY_THE_CLASS.add(name);
        return create(name);
    }

    private static String create(String name) {
        CommandResult r = kubectl("create", "namespace", name);
        assertThat(r.ok() || r.err().contains("AlreadyExists")).as(r.toString()).isTrue();
        return name;
    }

    /** After every test (SharedOperator calls it): see {@link #releaseSlots}. */
    static void releaseSlotsOfTheTest() {
        releaseSlots(TOUCHED);
    }

    /** After every class (SharedOperator calls it): see {@link #releaseSlots}. */
    static void releaseSlotsOfTheClass() {
        releaseSlots(TOUCHED_BY_THE_CLASS);
    }

    /**
     * No unfinished benchmark of these namespaces may hold one of the operator's slots: a test that failed
     * half-way would otherwise make the next ones wait in Queued. Finished benchmarks stay.
     */
    private static void releaseSlots(List<String> namespaces) {
        for (String ns : namespaces) {
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
        namespaces.clear();
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
        CommandResult get = kubectl(args.toArray(String[]::new));
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
        Map<String, String> row = new LinkedHashMap<>();
        for (int c = 0; c < starts.size(); c++) {
            int from = starts.get(c);
            int headerEnd = c + 1 < starts.size() ? starts.get(c + 1) : header.length();
            int valueEnd = c + 1 < starts.size() ? Math.min(starts.get(c + 1), line.length()) : line.length();
            // kubectl leaves a missing value empty
            row.put(header.substring(from, headerEnd).strip(), from >= line.length() ? "" : line.substring(from, valueEnd).strip());
        }
        return row;
    }

    // ------------------------------------------------------------------ what the operator made

    /** The name of a run's Job as the operator makes it (the model's Names, with the benchmark's UID). */
    static String jobName(String ns, String benchmark, long generation, int run) {
        return Names.jobName(benchmark, uid(ns, benchmark), generation, run);
    }

    /** The kernel ConfigMap of a Python benchmark, as the operator names it. */
    static String kernelConfigMapName(String ns, String benchmark) {
        return Names.kernelConfigMapName(benchmark, uid(ns, benchmark));
    }

    private static String uid(String ns, String benchmark) {
        return json("-n", ns, "get", "cb", benchmark).path("metadata").path("uid").asText();
    }

    static List<String> jobNames(String ns, String benchmark) {
        return items("-n", ns, "get", "jobs", "-l", BENCHMARK_SELECTOR + benchmark).stream()
                .map(j -> j.path("metadata").path("name").asText()).sorted().toList();
    }

    static Map<String, String> jobUids(String ns, String benchmark) {
        Map<String, String> uids = new TreeMap<>();
        items("-n", ns, "get", "jobs", "-l", BENCHMARK_SELECTOR + benchmark)
                .forEach(j -> uids.put(j.path("metadata").path("name").asText(), j.path("metadata").path("uid").asText()));
        return uids;
    }

    /** The benchmark's kernel pods. */
    static List<JsonNode> kernelPods(String ns, String benchmark) {
        return items("-n", ns, "get", "pods", "-l", BENCHMARK_SELECTOR + benchmark);
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

    /** The operator's log, as the node's kubelet keeps it. */
    static String operatorLog() {
        JsonNode pod = operatorPod();
        assertThat(pod).as("the operator pod").isNotNull();
        String name = pod.path("metadata").path("name").asText();
        CommandResult logs = kubectl("-n", SYSTEM_NS, "logs", name);
        assertThat(logs.ok()).as("kubectl logs " + name + ": " + logs).isTrue();
        return logs.out();
    }

    /** e2e/nodes COMMAND ARGS (e.g. kubelet-stop a), on the suite's nodes. */
    static CommandResult nodes(String... args) {
        List<String> command = new ArrayList<>(List.of(REPO.resolve("e2e/nodes").toString()));
        command.addAll(List.of(args));
        return Commands.run(null, command);
    }

    // ------------------------------------------------------------------ waiting

    static void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(500)).pollDelay(Duration.ZERO)
                .ignoreExceptions().until(condition::get);
    }

    /** {@code kubectl wait} until {@code .status.<field>} of benchmark {@code name} equals {@code value}; describe it if not. */
    static void awaitStatus(String ns, String name, String field, String value, int timeoutSeconds) {
        CommandResult wait = kubectl("-n", ns, "wait", "--for=jsonpath={.status." + field + "}=" + value,
                "cb/" + name, "--timeout=" + timeoutSeconds + "s");
        assertThat(wait.ok()).as(wait + "\n" + kubectl("-n", ns, "describe", "cb", name)).isTrue();
    }

    /** Until benchmark {@code name} is in {@code phase} (see {@link #awaitStatus}); then the benchmark as it is. */
    static JsonNode awaitPhase(String ns, String name, String phase, int timeoutSeconds) {
        awaitStatus(ns, name, "phase", phase, timeoutSeconds);
        return json("-n", ns, "get", "cb", name);
    }

    /** Until benchmark {@code name} is Failed; its Failed condition (printed: it says why). */
    static JsonNode awaitFailed(String ns, String name, int timeoutSeconds) {
        JsonNode failed = condition(awaitPhase(ns, name, "Failed", timeoutSeconds), "Failed");
        System.out.println("[e2e] " + ns + "/" + name + " Failed: " + failed);
        return failed;
    }

    /**
     * Applies the benchmarks (name, spec) at once and in this order, so they queue, then awaits each until it
     * Succeeded; their status by name.
     */
    @SafeVarargs
    static Map<String, JsonNode> succeeded(String ns, int timeoutSeconds, Map.Entry<String, String>... benchmarks) {
        for (var b : benchmarks) {
            apply(ns, manifest(b.getKey(), b.getValue()));
        }
        Map<String, JsonNode> statuses = new LinkedHashMap<>();
        for (var b : benchmarks) {
            statuses.put(b.getKey(), awaitPhase(ns, b.getKey(), "Succeeded", timeoutSeconds).path("status"));
        }
        return statuses;
    }

    /** Until the benchmark has no kernel pod left (its Jobs stopped or deleted). */
    static void awaitNoKernelPods(String ns, String benchmark, int timeoutSeconds) {
        awaitTrue(benchmark + "'s kernel pods are gone", Duration.ofSeconds(timeoutSeconds),
                () -> kernelPods(ns, benchmark).isEmpty());
    }

    /** Applies benchmark {@code name} and waits until it is mid-run (see {@link #awaitKernelPodRunning}); that pod. */
    static JsonNode applyAndCatchMidRun(String ns, String name, String spec) {
        apply(ns, manifest(name, spec));
        return awaitKernelPodRunning(ns, name, 120);
    }

    /** Until one of the benchmark's kernel pods is Running (the run is mid-flight); that pod. */
    static JsonNode awaitKernelPodRunning(String ns, String benchmark, int timeoutSeconds) {
        JsonNode[] running = new JsonNode[1];
        awaitTrue(benchmark + "'s kernel pod is running", Duration.ofSeconds(timeoutSeconds), () -> {
            running[0] = kernelPods(ns, benchmark).stream()
                    .filter(p -> "Running".equals(p.path("status").path("phase").asText())).findFirst().orElse(null);
            return running[0] != null;
        });
        return running[0];
    }
}
