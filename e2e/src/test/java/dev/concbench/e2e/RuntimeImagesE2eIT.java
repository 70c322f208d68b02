package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.Commands.kubectlIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runtime catalog's kernel images (e2e/images: CPython 3.11, 3.13, 3.13t free-threaded, 3.14,
 * PyPy 3.11, Java 17, 21, 25), each run as a plain Job on the real nodes, without the operator:
 * the catalog's image and interpreter command, every strategy requested with
 * {@code --skip-unsupported}, the result document read from the pod's termination message. Asserts
 * what each interpreter is (implementation, version, free-threaded build, GIL at run time), which
 * strategies it measures and which it skips and why, and the checksum. No speedup is asserted.
 *
 * <p>The catalog is the file e2e/stack.sh writes after pushing the images
 * ({@code CONCBENCH_E2E_RUNTIMES}, {@code $CONCBENCH_E2E_DIR/runtimes.yaml}). All Jobs are
 * started at once (in a namespace of their own, deleted at the end), then each runtime's result
 * is checked in a test of its own.
 */
@Order(5)
@E2eTests
class RuntimeImagesE2eIT {

    static final String NS = "e2e-runtimes";
    static final String ALL_STRATEGIES =
            "sequential,threads,thread-pool,processes,process-pool,asyncio,interpreter-pool,virtual-threads";
    static final int SIZE = 50;
    static final int TASKS = 4;
    static final List<String> CLASSIC = List.of("sequential", "threads", "thread-pool", "processes", "process-pool");
    static final Set<String> RUNTIMES = Set.of("cpython-3.11", "cpython-3.13", "cpython-3.13t", "cpython-3.14",
            "pypy-3.11", "java-17", "java-21", "java-25");

    /** What each runtime must report. */
    record Expected(String runtime, String implementation, String versionPrefix, Boolean freeThreaded,
                    Boolean gil, List<String> measured, Map<String, String> skipped) {
    }

    static final Map<String, Expected> EXPECTED = Map.of(
            "cpython-3.11", python("cpython-3.11", "cpython", "3.11.", false, true, false),
            "cpython-3.13", python("cpython-3.13", "cpython", "3.13.", false, true, false),
            "cpython-3.13t", python("cpython-3.13t", "cpython", "3.13.", true, false, false),
            "cpython-3.14", python("cpython-3.14", "cpython", "3.14.", false, true, true),
            "pypy-3.11", python("pypy-3.11", "pypy", "3.11.", false, true, false),
            "java-17", java("java-17", "17", false),
            "java-21", java("java-21", "21", true),
            "java-25", java("java-25", "25", true));

    static Expected python(String rt, String impl, String version, boolean ft, boolean gil, boolean interpreters) {
        List<String> measured = new ArrayList<>(CLASSIC);
        measured.add("asyncio");
        Map<String, String> skipped = new LinkedHashMap<>();
        if (interpreters) {
            measured.add("interpreter-pool");
        } else {
            skipped.put("interpreter-pool", impl.equals("pypy") ? "needs CPython" : "needs CPython 3.14 or newer; this is " + version);
        }
        skipped.put("virtual-threads", "needs Java 21 or newer");
        return new Expected(rt, impl, version, ft, gil, measured, skipped);
    }

    static Expected java(String rt, String feature, boolean virtualThreads) {
        List<String> measured = new ArrayList<>(CLASSIC);
        Map<String, String> skipped = new LinkedHashMap<>();
        skipped.put("asyncio", "needs CPython or PyPy");
        skipped.put("interpreter-pool", "needs CPython 3.14 or newer");
        if (virtualThreads) {
            measured.add("virtual-threads");
        } else {
            skipped.put("virtual-threads", "needs Java 21 or newer; this is " + feature);
        }
        return new Expected(rt, "OpenJDK", feature, null, null, measured, skipped);
    }

    /** The catalog: runtime -> {image, kind, command}. */
    private final Map<String, JsonNode> catalog = new TreeMap<>();

    @BeforeAll
    void startEveryRuntimeAtOnce() throws IOException {
        Path file = Path.of(Objects.requireNonNull(System.getenv("CONCBENCH_E2E_RUNTIMES"),
                "CONCBENCH_E2E_RUNTIMES: the runtime catalog e2e/stack.sh writes; run the suite with e2e/run"));
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        doc.path("runtimes").fields().forEachRemaining(e -> catalog.put(e.getKey(), e.getValue()));
        System.out.println("[e2e] runtime catalog " + file + ":\n" + Files.readString(file));

        CommandResult ns = kubectl("create", "namespace", NS);
        assertThat(ns.ok() || ns.err().contains("AlreadyExists")).as(ns.toString()).isTrue();
        StringBuilder manifests = new StringBuilder();
        catalog.forEach((rt, entry) -> manifests.append(job(rt, entry)).append("---\n"));
        CommandResult apply = kubectlIn(manifests.toString(), "apply", "-n", NS, "-f", "-");
        assertThat(apply.ok()).as(apply.toString()).isTrue();
    }

    @AfterAll
    void deleteTheNamespace() {
        System.out.println(kubectl("-n", NS, "get", "pods", "-o", "wide").out());
        kubectl("delete", "namespace", NS, "--wait=false");
    }

    @Test
    @Order(1)
    void theCatalogNamesEveryRuntimeWithAnImageInTheRegistry() {
        assertThat(catalog.keySet()).containsExactlyInAnyOrderElementsOf(RUNTIMES);
        String registry = Objects.requireNonNull(System.getenv("CONCBENCH_E2E_REGISTRY"));
        catalog.forEach((rt, entry) -> {
            assertThat(entry.path("image").asText()).as(rt).startsWith(registry + "/concbench/").endsWith("-" + rt);
            String kind = rt.startsWith("java-") ? "java" : "python";
            assertThat(entry.path("kind").asText()).as(rt).isEqualTo(kind);
            assertThat(entry.path("command").asText()).as(rt)
                    .isEqualTo(kind.equals("java") ? "java" : rt.startsWith("pypy") ? "pypy3" : "python3");
        });
    }

    @ParameterizedTest(name = "{0}")
    @Order(2)
    @ValueSource(strings = {"cpython-3.11", "cpython-3.13", "cpython-3.13t", "cpython-3.14", "pypy-3.11",
            "java-17", "java-21", "java-25"})
    void theKernelReportsItsInterpreterAndMeasuresWhatItSupports(String rt) throws IOException {
        Expected want = EXPECTED.get(rt);
        JsonNode r = new ObjectMapper().readTree(result(rt));
        System.out.printf("[e2e] %s: %s %s (%s), freeThreaded %s, gil %s, jit %s, startMethod %s, times %s, skipped %s%n",
                rt, r.path("implementation").asText(), r.path("implementationVersion").asText(),
                r.path("runtimeVersion").asText(), r.path("freeThreaded"), r.path("gil"), r.path("jit"),
                r.path("startMethod"), r.path("times"), r.path("skipped"));

        boolean isJava = rt.startsWith("java-");
        assertThat(r.path("format").asInt()).isEqualTo(2);
        // Format 2, on every runtime's image: what the CPU gave each measured strategy, read in a real pod.
        assertThat(r.path("cgroup").asText()).isIn("v1", "v2");
        r.path("times").fieldNames().forEachRemaining(strategy -> {
            JsonNode cpu = r.path("cpu").path(strategy);
            assertThat(cpu.path("used").isNumber()).as(strategy + " cpu.used: " + cpu).isTrue();
            assertThat(cpu.path("waited").isNumber()).as(strategy + " cpu.waited (schedstat in a pod): " + cpu).isTrue();
            assertThat(cpu.path("used").asDouble()).as(strategy + " cpu.used").isNotNegative();
        });
        assertThat(r.path("runtime").asText()).isEqualTo(isJava ? "java" : "python");
        assertThat(r.path("tasks").asInt()).isEqualTo(TASKS);
        // No CPU limit: the affinity mask, read on every runtime (PyPy has no os.sched_getaffinity).
        assertThat(r.path("cpuSource").asText()).isEqualTo("affinity");
        assertThat(r.path("cpus").asInt()).isPositive();
        if (isJava) {
            assertThat(r.path("implementation").asText()).contains(want.implementation());
            assertThat(r.path("runtimeVersion").asText()).matches(want.versionPrefix() + "([.+].*)?");
            assertThat(r.path("freeThreaded").isNull()).as("freeThreaded on the JVM").isTrue();
            assertThat(r.path("gil").isNull()).as("gil on the JVM").isTrue();
            assertThat(r.path("startMethod").isNull()).isTrue();
            assertThat(r.path("jit").asBoolean()).isTrue();
        } else {
            assertThat(r.path("implementation").asText()).isEqualTo(want.implementation());
            assertThat(r.path("runtimeVersion").asText()).startsWith(want.versionPrefix());
            if (want.implementation().equals("pypy")) {
                // PyPy's own version; the language's is runtimeVersion. Debian trixie: PyPy 7.3.x.
                assertThat(r.path("implementationVersion").asText()).startsWith("7.3.");
                assertThat(r.path("jit").asBoolean()).as("PyPy built with its JIT").isTrue();
            } else {
                assertThat(r.path("implementationVersion").asText()).isEqualTo(r.path("runtimeVersion").asText());
            }
            assertThat(r.path("freeThreaded").isBoolean()).isTrue();
            assertThat(r.path("freeThreaded").asBoolean()).as("freeThreaded").isEqualTo(want.freeThreaded());
            assertThat(r.path("gil").isBoolean()).isTrue();
            assertThat(r.path("gil").asBoolean()).as("gil (sys._is_gil_enabled())").isEqualTo(want.gil());
            assertThat(r.path("startMethod").asText()).isIn("fork", "forkserver", "spawn");
            if (rt.equals("cpython-3.14")) {
                assertThat(r.path("startMethod").asText()).as("3.14's default on Linux").isEqualTo("forkserver");
            }
        }

        // Measured: exactly these, one repetition each; skipped: exactly these, with the reason.
        List<String> times = new ArrayList<>();
        r.path("times").fieldNames().forEachRemaining(times::add);
        assertThat(times).containsExactlyElementsOf(want.measured());
        r.path("times").forEach(t -> assertThat(t).hasSize(1));
        Map<String, String> skipped = new LinkedHashMap<>();
        r.path("skipped").fields().forEachRemaining(e -> skipped.put(e.getKey(), e.getValue().asText()));
        assertThat(skipped.keySet()).containsExactlyInAnyOrderElementsOf(want.skipped().keySet());
        want.skipped().forEach((s, reason) -> assertThat(skipped.get(s)).as("skipped " + s).contains(reason));

        // Every strategy measured returned the same checksum (the kernel exits 3 otherwise, and
        // the Job would have failed), and that checksum is the contract's: sum over t of
        // ((n(n+1)/2)^2 + t) mod 2^64.
        BigInteger s = BigInteger.valueOf((long) SIZE * (SIZE + 1) / 2).pow(2);
        BigInteger sum = BigInteger.ZERO;
        for (int t = 0; t < TASKS; t++) {
            sum = sum.add(s.add(BigInteger.valueOf(t)));
        }
        assertThat(r.path("checksum").asText()).isEqualTo(sum.mod(BigInteger.TWO.pow(64)).toString());
    }

    // ------------------------------------------------------------------ helpers

    /** A Job that runs the catalog's command in the catalog's image, restricted pod security. */
    private static String job(String rt, JsonNode entry) {
        String name = "kernel-" + rt.replace('.', '-');
        String args = "[\"--workload\", \"cpu\", \"--size\", \"" + SIZE + "\", \"--tasks\", \"" + TASKS
                + "\", \"--strategies\", \"" + ALL_STRATEGIES + "\", \"--repetitions\", \"1\", \"--warmup\", \"0\","
                + " \"--skip-unsupported\", \"--output\", \"/dev/termination-log\"]";
        String command = entry.path("kind").asText().equals("java")
                ? "[\"" + entry.path("command").asText() + "\", \"-XX:-UsePerfData\", \"-jar\", \"/app/concbench-kernel.jar\"]"
                : "[\"" + entry.path("command").asText() + "\", \"/opt/concbench/kernel/concbench_kernel.py\"]";
        return """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: %s
                  labels: {app.kubernetes.io/part-of: concbench-e2e, concbench.dev/runtime: %s}
                spec:
                  backoffLimit: 0
                  activeDeadlineSeconds: 600
                  template:
                    metadata:
                      labels: {concbench.dev/runtime: %s}
                    spec:
                      restartPolicy: Never
                      securityContext:
                        runAsNonRoot: true
                        runAsUser: 65532
                        runAsGroup: 65532
                        seccompProfile: {type: RuntimeDefault}
                      containers:
                        - name: kernel
                          image: %s
                          command: %s
                          args: %s
                          terminationMessagePolicy: FallbackToLogsOnError
                          securityContext:
                            allowPrivilegeEscalation: false
                            readOnlyRootFilesystem: true
                            capabilities: {drop: [ALL]}
                          resources:
                            requests: {cpu: 100m, memory: 64Mi}
                            limits: {memory: 1Gi}
                          volumeMounts:
                            - {name: tmp, mountPath: /tmp}
                      volumes:
                        - name: tmp
                          emptyDir: {}
                """.formatted(name, rt, rt, entry.path("image").asText(), command, args);
    }

    /** The result document of a runtime's Job (waits for it: pulls and JVM starts take seconds). */
    private String result(String rt) {
        assertThat(catalog).as("the catalog names " + rt).containsKey(rt);
        String name = "kernel-" + rt.replace('.', '-');
        await().atMost(Duration.ofMinutes(8)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).until(() -> {
            JsonNode job = json("-n", NS, "get", "job", name);
            for (JsonNode c : job.path("status").path("conditions")) {
                if (c.path("status").asText().equals("True")
                        && (c.path("type").asText().equals("Complete") || c.path("type").asText().equals("Failed"))) {
                    return true;
                }
            }
            return false;
        });
        JsonNode pods = json("-n", NS, "get", "pods", "-l", "job-name=" + name);
        assertThat(pods.path("items")).as("the pod of " + name).hasSize(1);
        JsonNode pod = pods.path("items").get(0);
        JsonNode terminated = pod.path("status").path("containerStatuses").path(0).path("state").path("terminated");
        String message = terminated.path("message").asText();
        System.out.printf("[e2e] %s ran on %s, image %s, exit %s%n", rt, pod.path("spec").path("nodeName").asText(),
                pod.path("status").path("containerStatuses").path(0).path("imageID").asText(),
                terminated.path("exitCode").asText());
        assertThat(terminated.path("exitCode").asInt()).as(rt + ": the kernel's exit code; its output:\n" + message
                + "\n" + kubectl("-n", NS, "logs", "job/" + name).all()).isZero();
        assertThat(pod.path("status").path("containerStatuses").path(0).path("image").asText())
                .isEqualTo(catalog.get(rt).path("image").asText());
        return message.strip();
    }

    static {
        // The Expected table and the runtimes tested must agree (a new runtime needs both).
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(RUNTIMES);
    }
}
