package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.concbench.e2e.Commands.REPO;
import static dev.concbench.e2e.Commands.STATE;
import static dev.concbench.e2e.Commands.helm;
import static dev.concbench.e2e.Commands.items;
import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.Commands.kubectlIn;
import static dev.concbench.e2e.E2eEnvironment.BENCHMARK_SELECTOR;
import static dev.concbench.e2e.E2eEnvironment.CHART;
import static dev.concbench.e2e.E2eEnvironment.PYTHON_IMAGE;
import static dev.concbench.e2e.E2eEnvironment.REGISTRY;
import static dev.concbench.e2e.E2eEnvironment.apply;
import static dev.concbench.e2e.E2eEnvironment.awaitKernelPodRunning;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.imageValues;
import static dev.concbench.e2e.E2eEnvironment.kernelPods;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.sleeps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Least privilege on the real nodes, with the chart's default values (docs/security.md): the
 * operator's ServiceAccount cannot change what it did not make (kubectl --as it, refused by the
 * chart's ValidatingAdmissionPolicies); a benchmark asking for another image, every taint or more
 * resources than policy.maxResources is refused at apply, naming the value, and runs once the value
 * allows it; kernel pods run under the restricted Pod Security profile without a token, reach nothing
 * and are reached by nothing (kube-network-policies on the nodes enforces the NetworkPolicies), and
 * the operator's metrics port answers only a pod of a namespace labelled for monitoring. Also:
 * kubeconform on the chart and the examples, against the API server's own schemas.
 *
 * <p>It installs the chart as a release of its own, watching all namespaces (the --as checks need the
 * operator's RBAC in another namespace), and uninstalls it at the end: it runs alone or before or after
 * the other classes, never while another release of the chart is installed.
 */
@Order(100)
@E2eTests
class SecurityE2eIT {

    /** Contains the chart's name: the release's objects and ServiceAccount are named after it alone. */
    static final String RELEASE = "concbench-operator-sec";
    static final String SYSTEM_NS = "concbench-sec-system";
    static final String OPERATOR_SA = "system:serviceaccount:" + SYSTEM_NS + ":" + RELEASE;
    /** Benchmarks, under the restricted Pod Security profile. */
    static final String NS = "e2e-security";
    /** Someone else's objects, and a pod of a namespace not labelled for monitoring. */
    static final String OTHER = "e2e-security-other";
    /** Labelled as the chart's metrics.networkPolicy selects by default. */
    static final String MONITORING = "e2e-security-monitoring";
    static final String MONITORING_LABEL = "concbench.dev/monitoring=true";
    static final String HTTP_PORT = "8080";

    /** Prints, per target host:port, whether a TCP connection opens, is refused, or times out (dropped). */
    static final String PROBE = """
            import socket, sys
            for target in sys.argv[1:]:
                host, port = target.rsplit(':', 1)
                try:
                    socket.create_connection((host, int(port)), timeout=2).close()
                    print(target, 'open')
                except socket.timeout:
                    print(target, 'timeout')
                except ConnectionRefusedError:
                    print(target, 'refused')
                except OSError as e:
                    print(target, type(e).__name__)
            """;
    /** GET of the operator's metrics: the HTTP status and whether a concbench series is in the answer. */
    static final String SCRAPE = """
            import sys, urllib.request
            body = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
            print('status 200', 'concbench_' in body)
            """;

    // ------------------------------------------------------------------ install

    /** The shared release of the other classes would reconcile this class's benchmarks too. */
    @BeforeAll
    void withoutTheSharedOperator() {
        SharedOperator.uninstallIfInstalled();
    }

    @Test
    @Order(1)
    void theChartInstallsWithItsDefaultPolicy() {
        assertThat(helm("list", "-A", "-q").out().lines().filter(r -> !r.isBlank()).toList())
                .as("no other release of the chart may watch the namespaces meanwhile").isEmpty();
        List<String> args = new ArrayList<>(List.of("install", RELEASE, CHART, "-n", SYSTEM_NS, "--create-namespace",
                "--set", "httpPort=" + HTTP_PORT, "--set", "metrics.service.enabled=true",
                // two at once: the probes below watch two benchmarks run
                "--set", "maxConcurrentBenchmarks=2",
                "--wait", "--timeout", "3m"));
        args.addAll(imageValues());
        CommandResult install = helm(args.toArray(String[]::new));
        assertThat(install.ok()).as(install.toString()).isTrue();

        // The API server type-checked every policy's expressions against the types they read: no warning.
        await("the ValidatingAdmissionPolicies are type-checked").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1)).until(() -> policies().stream()
                        .allMatch(p -> p.path("status").has("typeChecking")));
        List<JsonNode> policies = policies();
        assertThat(policies).extracting(p -> p.path("metadata").path("name").asText().replace(RELEASE + "-" + SYSTEM_NS + "-", ""))
                .containsExactlyInAnyOrder("operator-pods", "operator-objects", "operator-networkpolicies",
                        "benchmark-policy");
        for (JsonNode p : policies) {
            assertThat(p.path("status").path("typeChecking").path("expressionWarnings"))
                    .as(p.path("metadata").path("name").asText()).isEmpty();
        }

        // What the probes need: someone else's objects, a pod in a namespace labelled for monitoring
        // and one in a namespace that is not, both running the Python kernel image's python3.
        for (String ns : List.of(NS, OTHER, MONITORING)) {
            CommandResult r = kubectl("create", "namespace", ns);
            assertThat(r.ok()).as(r.toString()).isTrue();
        }
        assertThat(kubectl("label", "namespace", MONITORING, MONITORING_LABEL).ok()).isTrue();
        assertThat(kubectl("label", "namespace", NS, "pod-security.kubernetes.io/enforce=restricted").ok()).isTrue();
        for (String ns : List.of(OTHER, MONITORING)) {
            apply(ns, probePod());
        }
        apply(OTHER, """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app-settings}
                data: {mode: production}
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: nightly-report}
                spec:
                  suspend: true
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: report, image: %s}]
                """.formatted(PYTHON_IMAGE));
    }

    // ------------------------------------------------------------------ the chart's manifests

    /**
     * kubeconform, strict, on the chart rendered with its defaults, in namespaced mode with every
     * option on, and with every option off, and on the examples: against the schemas of this API
     * server's /openapi/v2 and of the CRD (the Prometheus Operator's ServiceMonitor is not served here).
     */
    @Test
    @Order(2)
    void theChartsManifestsAndTheExamplesConformToTheApiServersSchemas() throws IOException {
        String kubeconform = System.getenv("KUBECONFORM");
        assertThat(kubeconform).as("KUBECONFORM (e2e/install-tools --nodes builds it)").isNotBlank();
        CommandResult openapi = kubectl("get", "--raw", "/openapi/v2");
        assertThat(openapi.ok()).as(openapi.toString()).isTrue();
        Path crd;
        try (Stream<Path> files = Files.list(REPO.resolve("crds"))) {
            crd = files.filter(f -> f.toString().endsWith(".yml")).findFirst().orElseThrow();
        }
        String location = OpenApiSchemas.write(Commands.JSON.readTree(openapi.out()), crd, STATE.resolve("kubeconform"));

        List<List<String>> valueSets = List.of(List.of(),
                List.of("--set", "watchNamespaces={a,b}", "--set", "metrics.service.enabled=true",
                        "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.grafanaDashboard.enabled=true",
                        "--set", "metrics.networkPolicy.extraFrom[0].ipBlock.cidr=10.0.0.10/32",
                        "--set", "policy.allowImageOverride=true", "--set", "policy.allowedImagePrefixes={registry.example/}",
                        "--set", "policy.allowedTolerationKeys={dedicated}", "--set", "policy.maxResources.limits.nvidia\\.com/gpu=1"),
                List.of("--set", "rbac.restrictWrites=false", "--set", "kernel.networkPolicy.enabled=false",
                        "--set", "metrics.networkPolicy.enabled=false", "--set", "rbac.aggregateToDefaultRoles=false",
                        "--set", "policy.allowTolerations=none"));
        StringBuilder manifests = new StringBuilder();
        for (List<String> values : valueSets) {
            List<String> args = new ArrayList<>(List.of("template", "sec", CHART, "-n", "sec-system", "--include-crds"));
            args.addAll(values);
            CommandResult template = helm(args.toArray(String[]::new));
            assertThat(template.ok()).as(template.toString()).isTrue();
            manifests.append(template.out()).append("\n---\n");
        }
        try (Stream<Path> examples = Files.list(REPO.resolve("examples"))) {
            for (Path example : examples.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                manifests.append(Files.readString(example)).append("\n---\n");
            }
        }
        CommandResult check = Commands.run(manifests.toString(), List.of(kubeconform, "-strict", "-summary",
                "-schema-location", location, "-skip", "ServiceMonitor", "-"));
        System.out.println("[e2e] kubeconform: " + check.all().strip());
        assertThat(check.ok()).as(check.toString()).isTrue();
        assertThat(check.out()).contains("Invalid: 0, Errors: 0").contains("Skipped: 1");
    }

    // ------------------------------------------------------------------ the operator's identity

    /**
     * As the operator's ServiceAccount, in a namespace with no benchmark: RBAC would allow a pod patch,
     * a ConfigMap update and a Job delete there; the policies refuse each, naming why.
     */
    @Test
    @Order(3)
    void theOperatorsIdentityCannotChangeWhatItDidNotMake() {
        for (String verb : List.of("patch pods", "update configmaps", "delete jobs")) {
            assertThat(kubectl("auth", "can-i", verb.split(" ")[0], verb.split(" ")[1], "-n", OTHER,
                    "--as=" + OPERATOR_SA).out().strip()).as("RBAC alone allows " + verb).isEqualTo("yes");
        }
        CommandResult patch = kubectl("-n", OTHER, "patch", "pod", "probe", "--as=" + OPERATOR_SA, "--type", "merge",
                "-p", "{\"metadata\":{\"annotations\":{\"concbench.dev/start-at\":\"1\"}}}");
        assertRefusedByPolicy(patch, "operator-pods", "the concbench operator may change only the pods it made "
                + "(label app.kubernetes.io/managed-by=concbench-operator); pod " + OTHER + "/probe is not one");

        JsonNode settings = json("-n", OTHER, "get", "configmap", "app-settings");
        ((com.fasterxml.jackson.databind.node.ObjectNode) settings.path("data")).put("mode", "debug");
        CommandResult update = kubectlIn(settings.toString(), "replace", "--as=" + OPERATOR_SA, "-f", "-");
        assertRefusedByPolicy(update, "operator-objects", "the concbench operator may change only configmaps it made "
                + "(label app.kubernetes.io/managed-by=concbench-operator and an owner reference to a "
                + "ConcurrencyBenchmark); " + OTHER + "/app-settings is not one");

        CommandResult delete = kubectl("-n", OTHER, "delete", "job", "nightly-report", "--as=" + OPERATOR_SA);
        assertRefusedByPolicy(delete, "operator-objects", "the concbench operator may delete only jobs it made");

        // Nothing changed.
        assertThat(json("-n", OTHER, "get", "pod", "probe").path("metadata").path("annotations").has("concbench.dev/start-at"))
                .isFalse();
        assertThat(json("-n", OTHER, "get", "configmap", "app-settings").path("data").path("mode").asText())
                .isEqualTo("production");
        assertThat(kubectl("-n", OTHER, "get", "job", "nightly-report").ok()).isTrue();
    }

    // ------------------------------------------------------------------ what a benchmark may ask for

    @Test
    @Order(4)
    void withTheDefaultPolicyAnImageEveryTaintOrTooMuchMemoryIsRefusedAtApplyNamingTheValue() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("image: '" + PYTHON_IMAGE + "'", "(chart value policy.allowImageOverride allows other images)");
        refused.put("placement: {tolerations: [{operator: Exists}]}",
                "a toleration without a key tolerates every taint, control-plane nodes included, and is not allowed "
                        + "(chart value policy.allowTolerations: any allows it)");
        refused.put("resources: {requests: {memory: 9Gi}}",
                "spec.resources.requests.memory 9Gi exceeds the maximum of 8Gi per pod "
                        + "(chart value policy.maxResources.requests.memory)");
        int i = 0;
        for (var c : refused.entrySet()) {
            CommandResult r = kubectlIn(manifest("too-much-" + i++, "workload: {type: io, size: 20, tasks: 2}\n"
                    + c.getKey() + "\n"), "apply", "-n", NS, "-f", "-");
            System.out.println("[e2e] refused as expected: " + r.err().strip());
            assertThat(r.ok()).as(c.getKey()).isFalse();
            assertThat(r.err()).contains("benchmark-policy").contains(c.getValue());
        }
        assertThat(kubectl("-n", NS, "get", "cb").all()).contains("No resources found");
    }

    // ------------------------------------------------------------------ kernel pods

    /**
     * Two benchmarks under the restricted Pod Security profile: {@code sealed} (two pods, so the operator
     * patches their common start through the policies; no network) and {@code open} (spec.network:
     * allow). While they run: no token, the NetworkPolicies as made, and what each pod can reach.
     */
    @Test
    @Order(5)
    void kernelPodsRunRestrictedWithoutATokenAndReachOnlyWhatTheirNetworkAllows() {
        // Long enough for the probes (about 20 s): sealed runs its one-pod baseline first (40 s, the probes
        // watch it), then its two pods from a common start (20 s); open 60 s.
        apply(NS, manifest("sealed", "pods: 2\n" + sleeps(1000, 40, 1)));
        apply(NS, manifest("open", "network: allow\n" + sleeps(1000, 60, 1)));
        JsonNode sealed = awaitKernelPodRunning(NS, "sealed", 120);
        JsonNode open = awaitKernelPodRunning(NS, "open", 120);

        // Pod Security restricted is enforced in the namespace (a root pod is refused) and met by the kernels.
        CommandResult root = kubectl("-n", NS, "run", "root-probe", "--image=" + PYTHON_IMAGE, "--dry-run=server",
                "--restart=Never");
        assertThat(root.ok()).as(root.toString()).isFalse();
        assertThat(root.err()).contains("violates PodSecurity \"restricted:latest\"");
        for (JsonNode pod : List.of(sealed, open)) {
            JsonNode spec = pod.path("spec");
            assertThat(spec.path("automountServiceAccountToken").asBoolean(true)).isFalse();
            assertThat(spec.path("volumes").toString()).doesNotContain("serviceAccountToken");
            assertThat(spec.path("containers").path(0).path("volumeMounts").toString()).doesNotContain("serviceaccount");
        }
        CommandResult token = kubectl("-n", NS, "exec", name(sealed), "-c", "kernel", "--", "ls",
                "/var/run/secrets/kubernetes.io/serviceaccount");
        assertThat(token.ok()).isFalse();
        assertThat(token.err()).contains("No such file or directory");

        for (var e : Map.of("sealed", "[\"Ingress\",\"Egress\"]", "open", "[\"Ingress\"]").entrySet()) {
            JsonNode policy = items("-n", NS, "get", "networkpolicy", "-l", BENCHMARK_SELECTOR + e.getKey()).get(0);
            assertThat(policy.path("spec").path("policyTypes").toString()).isEqualTo(e.getValue());
            assertThat(policy.path("spec").has("ingress") || policy.path("spec").has("egress")).isFalse();
            assertThat(policy.path("metadata").path("ownerReferences").path(0).path("name").asText()).isEqualTo(e.getKey());
        }

        String api = "10.96.0.1:443";
        JsonNode operator = items("-n", SYSTEM_NS, "get", "pods", "-l", "app.kubernetes.io/instance=" + RELEASE).get(0);
        String metricsPod = operator.path("status").path("podIP").asText() + ":" + HTTP_PORT;
        String metricsService = json("-n", SYSTEM_NS, "get", "service", RELEASE + "-metrics").path("spec")
                .path("clusterIP").asText() + ":" + HTTP_PORT;
        String sealedPod = sealed.path("status").path("podIP").asText() + ":" + HTTP_PORT;

        // spec.network: allow opens egress (the API answers), and the operator's own policy still
        // keeps its metrics from a namespace that is not labelled for monitoring.
        assertThat(probe(NS, name(open), "kernel", api, metricsService, metricsPod))
                .containsExactly(api + " open", metricsService + " timeout", metricsPod + " timeout");
        // No egress at all: not the API, not the metrics.
        assertThat(probe(NS, name(sealed), "kernel", api, metricsService, metricsPod))
                .containsExactly(api + " timeout", metricsService + " timeout", metricsPod + " timeout");
        assertThat(probe(OTHER, "probe", "probe", metricsService, metricsPod))
                .containsExactly(metricsService + " timeout", metricsPod + " timeout");
        // A pod of a monitoring namespace reads the metrics, by the Service and by the pod; the kernel
        // pod accepts no connection even from there (dropped: a timeout, not "refused").
        assertThat(probe(MONITORING, "probe", "probe", metricsService, metricsPod, sealedPod))
                .containsExactly(metricsService + " open", metricsPod + " open", sealedPod + " timeout");
        CommandResult scrape = kubectl("-n", MONITORING, "exec", "probe", "--", "python3", "-c", SCRAPE,
                "http://" + metricsService + "/q/metrics");
        assertThat(scrape.out().strip()).as(scrape.toString()).isEqualTo("status 200 True");

        // "open" has shown what it had to; "sealed" runs to the end: its common start was patched under
        // the operator's policies.
        assertThat(kubectl("-n", NS, "delete", "cb", "open", "--wait=false").ok()).isTrue();
        JsonNode twoPods = awaitPhase(NS, "sealed", "Succeeded", 180).path("status").path("runs").path(1);
        assertThat(twoPods.path("pods").asInt()).isEqualTo(2);
        assertThat(twoPods.path("podsSucceeded").asInt()).isEqualTo(2);
    }

    /** With the values that allow them, what was refused runs: one benchmark asks for all three. */
    @Test
    @Order(6)
    void withThePolicyValuesSetTheSameAsksRun() {
        String prefix = REGISTRY + "/concbench/";
        CommandResult upgrade = helm("upgrade", RELEASE, CHART, "-n", SYSTEM_NS, "--reuse-values",
                "--set", "policy.allowImageOverride=true", "--set", "policy.allowedImagePrefixes={" + prefix + "}",
                "--set", "policy.allowTolerations=any", "--set", "policy.maxResources.requests.memory=16Gi",
                "--wait", "--timeout", "3m");
        assertThat(upgrade.ok()).as(upgrade.toString()).isTrue();
        String spec = sleeps(20, 2, 1) + "image: '%s'\nplacement: {tolerations: [{operator: Exists}]}\n"
                + "resources: {requests: {memory: 9Gi}}\n";
        // A policy change reaches the API server's admission within seconds.
        await("the upgraded policy admits the benchmark").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> kubectlIn(manifest("allowed", spec.formatted(PYTHON_IMAGE)), "apply", "-n", NS, "-f", "-").ok());
        CommandResult elsewhere = kubectlIn(manifest("elsewhere", spec.formatted("elsewhere.example/python:3.11")),
                "apply", "-n", NS, "-f", "-");
        assertThat(elsewhere.ok()).isFalse();
        assertThat(elsewhere.err()).contains("spec.image elsewhere.example/python:3.11 is not allowed: it must start with "
                + "one of " + prefix + " (chart value policy.allowedImagePrefixes)");

        awaitPhase(NS, "allowed", "Succeeded", 180);
        JsonNode pod = kernelPods(NS, "allowed").get(0).path("spec");
        assertThat(pod.path("containers").path(0).path("image").asText()).isEqualTo(PYTHON_IMAGE);
        assertThat(pod.path("tolerations").toString()).contains("{\"operator\":\"Exists\"}");
        assertThat(pod.path("containers").path(0).path("resources").path("requests").path("memory").asText())
                .isEqualTo("9Gi");
    }

    @Test
    @Order(100)
    void uninstallRemovesThePolicies() {
        CommandResult uninstall = helm("uninstall", RELEASE, "-n", SYSTEM_NS, "--wait", "--timeout", "2m");
        assertThat(uninstall.ok()).as(uninstall.toString()).isTrue();
        assertThat(policies()).isEmpty();
        for (String ns : List.of(NS, OTHER, MONITORING, SYSTEM_NS)) {
            kubectl("delete", "namespace", ns, "--wait=false");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<JsonNode> policies() {
        return items("get", "validatingadmissionpolicies", "-l", "app.kubernetes.io/instance=" + RELEASE);
    }

    private static void assertRefusedByPolicy(CommandResult r, String policy, String message) {
        System.out.println("[e2e] refused as expected: " + r.err().strip());
        assertThat(r.ok()).as(r.toString()).isFalse();
        assertThat(r.err()).contains("ValidatingAdmissionPolicy '" + RELEASE + "-" + SYSTEM_NS + "-" + policy + "'")
                .contains(message);
    }

    /** A pod that idles with python3 (the Python kernel image), under the restricted profile. */
    private static String probePod() {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: probe}
                spec:
                  automountServiceAccountToken: false
                  terminationGracePeriodSeconds: 1
                  securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
                  containers:
                    - name: probe
                      image: %s
                      command: [python3, -c, "import time; time.sleep(3600)"]
                      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
                                        capabilities: {drop: [ALL]}}
                """.formatted(PYTHON_IMAGE);
    }

    /** What {@link #PROBE} prints from inside that pod's container, one line per target. */
    private static List<String> probe(String ns, String pod, String container, String... targets) {
        awaitPodRunning(ns, pod);
        List<String> args = new ArrayList<>(List.of("-n", ns, "exec", pod, "-c", container, "--", "python3", "-c", PROBE));
        args.addAll(List.of(targets));
        CommandResult r = kubectl(args.toArray(String[]::new));
        System.out.println("[e2e] from " + ns + "/" + pod + ": " + r.out().strip().replace('\n', ';'));
        assertThat(r.ok()).as(r.toString()).isTrue();
        return r.out().strip().lines().toList();
    }

    private static void awaitPodRunning(String ns, String pod) {
        CommandResult wait = kubectl("-n", ns, "wait", "--for=condition=Ready", "pod/" + pod, "--timeout=120s");
        assertThat(wait.ok()).as(wait.toString()).isTrue();
    }

    private static String name(JsonNode pod) {
        return pod.path("metadata").path("name").asText();
    }
}
