package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.concbench.e2e.Commands.STATE;
import static dev.concbench.e2e.Commands.helm;
import static dev.concbench.e2e.Commands.items;
import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.E2eEnvironment.CHART;
import static dev.concbench.e2e.E2eEnvironment.IMAGE_TAG;
import static dev.concbench.e2e.E2eEnvironment.OPERATOR_PODS;
import static dev.concbench.e2e.E2eEnvironment.OPERATOR_SA;
import static dev.concbench.e2e.E2eEnvironment.REGISTRY;
import static dev.concbench.e2e.E2eEnvironment.RELEASE;
import static dev.concbench.e2e.E2eEnvironment.SYSTEM_NS;
import static dev.concbench.e2e.E2eEnvironment.apply;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.awaitTrue;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.namespace;
import static dev.concbench.e2e.E2eEnvironment.operatorPod;
import static dev.concbench.e2e.E2eEnvironment.ready;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart and its RBAC on the real cluster: {@code helm lint} and the values schema; the shared release's
 * operator running as a pod of the registry's image under its ServiceAccount, unprivileged; least privilege
 * (kubectl auth can-i, and the API server's audit log of every request the operator made while the classes
 * before this one ran: none refused); namespaced mode (watchNamespaces: Roles only); {@code helm uninstall}.
 * It runs after the classes that use the shared release: its audit check covers their benchmarks, and it
 * uninstalls the release at its end.
 */
@Order(90)
@OnTheSharedOperator
class ChartE2eIT {

    // ------------------------------------------------------------------ install

    @Test
    @Order(1)
    void chartLintsCleanAndRejectsBadValues() {
        CommandResult lint = helm("lint", "--strict", CHART);
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
            CommandResult r = helm("install", "bad-values", CHART, "-n", SYSTEM_NS, "--create-namespace", "--set", set);
            assertThat(r.ok()).as("helm install --set " + set + " must fail").isFalse();
            assertThat(r.err()).as(r.toString()).contains(expected);
        });
        assertThat(helm("list", "-A", "-q").out()).doesNotContain("bad-values");
    }

    /**
     * The shared release (SharedOperator installed it): deployed, its NOTES say how to apply a benchmark; the
     * operator pod Ready on a node under the chart's ServiceAccount, running the image of {@code make images}
     * pulled from the registry by a real kubelet, non-root, without capabilities, on a read-only root.
     */
    @Test
    @Order(2)
    void theOperatorRunsFromTheRegistryUnprivilegedUnderItsServiceAccount() {
        CommandResult status = helm("status", RELEASE, "-n", SYSTEM_NS);
        assertThat(status.ok()).as(status.toString()).isTrue();
        assertThat(status.out()).contains("STATUS: deployed").contains("kubectl").contains("apply");

        CommandResult ready = kubectl("-n", SYSTEM_NS, "wait", "--for=condition=Ready", "pod", "-l", OPERATOR_PODS,
                "--timeout=120s");
        assertThat(ready.ok()).as(ready.toString()).isTrue();
        assertThat(ready.out()).contains("condition met");
        JsonNode pod = operatorPod();
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
        CommandResult probe = kubectl("-n", SYSTEM_NS, "exec", pod.path("metadata").path("name").asText(), "--",
                "sh", "-c", "id -u; grep CapEff /proc/self/status; touch /probe || echo read-only");
        System.out.println("[e2e] in the operator container: " + probe.all().strip().replace('\n', ' '));
        assertThat(probe.out()).startsWith("185\n").contains("CapEff:\t0000000000000000").contains("read-only");
        assertThat(probe.err()).contains("Read-only file system");
    }

    // ------------------------------------------------------------------ RBAC

    /**
     * What the operator's ServiceAccount may do (kubectl auth can-i), and every request it made since the
     * shared release was installed (the API server's audit log; the classes before this one ran their
     * benchmarks on it): none refused by RBAC.
     */
    @Test
    @Order(3)
    void operatorWorksWithLeastPrivilegeAndWasNeverForbidden() throws IOException {
        String ns = namespace("e2e-rbac");
        for (String allowed : List.of("create jobs", "delete jobs", "patch pods", "create configmaps", "create events",
                "watch events", "update concurrencybenchmarks.concbench.dev --subresource=status")) {
            assertThat(canI(allowed, ns)).as(allowed).isEqualTo("yes");
        }
        for (String denied : List.of("delete pods", "create pods", "get secrets", "delete configmaps",
                "create deployments", "delete concurrencybenchmarks.concbench.dev", "update nodes",
                // no finalizer: the benchmark itself (spec, metadata) is the user's alone
                "patch concurrencybenchmarks.concbench.dev", "update concurrencybenchmarks.concbench.dev")) {
            assertThat(canI(denied, ns)).as(denied).isEqualTo("no");
        }
        assertThat(canI("update leases", SYSTEM_NS)).isEqualTo("no"); // only its own Lease, by name
        assertThat(canI("update leases/concbench-operator-lease", SYSTEM_NS)).isEqualTo("yes");

        // The audit log of the API server: every request the operator made, as its ServiceAccount.
        List<JsonNode> requests = auditEventsOf(OPERATOR_SA);
        Map<String, Long> used = requests.stream().collect(Collectors.groupingBy(ChartE2eIT::describe,
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

    // ------------------------------------------------------------------ namespaced mode, uninstall

    @Test
    @Order(4)
    void watchingOneNamespaceNeedsOnlyRolesThere() {
        String watched = namespace("e2e-watched");
        String other = namespace("e2e-unwatched");
        CommandResult upgrade = helm("upgrade", RELEASE, CHART, "-n", SYSTEM_NS, "--reuse-values",
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
                runtime: python
                workload: {type: io, size: 20, tasks: 4}
                strategies: [sequential, threads]
                repetitions: 2
                warmup: 0
                """;
        apply(watched, manifest("here", spec));
        apply(other, manifest("elsewhere", spec));
        awaitPhase(watched, "here", "Succeeded", 180);
        assertThat(json("-n", other, "get", "cb", "elsewhere").path("status").isMissingNode())
                .as("a namespace that is not watched is left alone").isTrue();
        assertThat(refusedForGood(auditEventsOf(OPERATOR_SA))).as("RBAC refusals in namespaced mode").isEmpty();
    }

    @Test
    @Order(5)
    void helmUninstallLeavesOnlyTheCrdAndTheUsersResources() {
        CommandResult uninstall = helm("uninstall", RELEASE, "-n", SYSTEM_NS, "--wait", "--timeout", "2m");
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
        assertThat(kubectl("-n", "e2e-watched", "get", "cb", "here").ok()).as("the users' benchmarks stay").isTrue();
    }

    // ------------------------------------------------------------------ helpers

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
                    JsonNode e = Commands.JSON.readTree(l);
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
}
