package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.concbench.e2e.Commands.REPO;
import static dev.concbench.e2e.Commands.items;
import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.Commands.kubectlIn;
import static dev.concbench.e2e.E2eEnvironment.PYTHON_IMAGE;
import static dev.concbench.e2e.E2eEnvironment.SYSTEM_NS;
import static dev.concbench.e2e.E2eEnvironment.apply;
import static dev.concbench.e2e.E2eEnvironment.applyAndCatchMidRun;
import static dev.concbench.e2e.E2eEnvironment.awaitFailed;
import static dev.concbench.e2e.E2eEnvironment.awaitNoKernelPods;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.awaitTrue;
import static dev.concbench.e2e.E2eEnvironment.condition;
import static dev.concbench.e2e.E2eEnvironment.jobName;
import static dev.concbench.e2e.E2eEnvironment.jobUids;
import static dev.concbench.e2e.E2eEnvironment.kernelPods;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.namespace;
import static dev.concbench.e2e.E2eEnvironment.nodes;
import static dev.concbench.e2e.E2eEnvironment.operatorPod;
import static dev.concbench.e2e.E2eEnvironment.phase;
import static dev.concbench.e2e.E2eEnvironment.ready;
import static dev.concbench.e2e.E2eEnvironment.sleeps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults on the real nodes, at the chart's limit of one benchmark at once: pods the cluster refuses (a ResourceQuota, a LimitRange, an admission policy) ending PodsRefused in
 * seconds while a benchmark deleted and applied again waits its turn, never two running at once (by
 * every benchmark's phase history from a watch, not by sampling); the API server restarted and the
 * operator killed in the middle of one benchmark's runs: adopted, not repeated, its results kept.
 * A node lost mid-run (its kubelet stopped); an image no registry has; a memory limit too small for the JVM.
 * A run no node can take is in {@link KernelPodsE2eIT}.
 */
@Order(50)
@OnTheSharedOperator
class FaultsE2eIT {

    static final ResourceDefinitionContext BENCHMARKS = ResourceDefinitionContext.fromResourceType(ConcurrencyBenchmark.class);
    static final String POLICY = "e2e-faults-no-kernel-pods";

    /** Also when the first test failed before its own clean-up. */
    @AfterAll
    static void deleteThePolicy() {
        kubectl("delete", "validatingadmissionpolicybinding", POLICY, "--ignore-not-found");
        kubectl("delete", "validatingadmissionpolicy", POLICY, "--ignore-not-found");
    }

    // ------------------------------------------------------------------ refused pods, the queue's history

    /**
     * One benchmark runs; behind it wait three whose pods the cluster refuses (a ResourceQuota of no pods,
     * a LimitRange below the chart's default memory limit for kernel pods, a ValidatingAdmissionPolicy that
     * denies pods: a webhook's refusal alike) and one that is deleted and applied again under its name. Each
     * refused one ends PodsRefused, quoting the server, within seconds of its admission; the re-applied one
     * runs last; by the phases every benchmark went through (a watch, every version), never two at once.
     */
    @Test
    @Order(1)
    void refusedPodsEndTheirRunsInSecondsAndTheQueueNeverRunsTwoAtOnce() {
        String quota = namespace("e2e-faults-quota");
        String limits = namespace("e2e-faults-limits");
        String policy = namespace("e2e-faults-policy");
        String queue = namespace("e2e-faults-queue");
        apply(quota, "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: no-pods}\nspec: {hard: {pods: \"0\"}}\n");
        apply(limits, "apiVersion: v1\nkind: LimitRange\nmetadata: {name: small}\nspec:\n  limits:\n"
                + "  - type: Container\n    max: {memory: 64Mi}\n");
        CommandResult vap = kubectlIn("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: %1$s}
                spec:
                  failurePolicy: Fail
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
                  validations:
                  - {expression: "false", message: "no kernel pods in this namespace (the e2e suite's policy)"}
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: %1$s}
                spec:
                  policyName: %1$s
                  validationActions: [Deny]
                  matchResources:
                    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %2$s}}
                """.formatted(POLICY, policy), "apply", "-f", "-");
        assertThat(vap.ok()).as(vap.toString()).isTrue();
        awaitTrue("the admission policy is in force", Duration.ofSeconds(60), () -> kubectl("-n", policy, "run",
                "probe", "--image=" + PYTHON_IMAGE, "--restart=Never", "--dry-run=server").err().contains("no kernel pods"));

        PhaseHistory history = new PhaseHistory(List.of(quota, limits, policy, queue));
        try {
            apply(queue, manifest("long", sleeps(4000, 3, 1)));
            awaitPhase(queue, "long", "Running", 90);
            String small = sleeps(20, 2, 1);
            apply(quota, manifest("refused", small));
            apply(limits, manifest("refused", small));
            apply(policy, manifest("refused", small));
            apply(queue, manifest("again", small));
            String firstUid = awaitPhase(queue, "again", "Queued", 60).path("metadata").path("uid").asText();
            assertThat(kubectl("-n", queue, "delete", "cb", "again", "--wait=true").ok()).isTrue();
            apply(queue, manifest("again", small));
            awaitPhase(queue, "again", "Queued", 60);

            awaitPhase(queue, "again", "Succeeded", 300);
            Map<String, String> said = new LinkedHashMap<>();
            said.put(quota, "exceeded quota: no-pods");
            said.put(limits, "maximum memory usage per Container is 64Mi, but limit is 4Gi");
            said.put(policy, "no kernel pods in this namespace");
            for (var e : said.entrySet()) {
                JsonNode failed = awaitFailed(e.getKey(), "refused", 60);
                Duration took = history.runningToEnd(e.getKey() + "/refused");
                System.out.printf("[e2e] %s/refused: Failed after %.1f s Running%n", e.getKey(), took.toMillis() / 1000.0);
                assertThat(failed.path("reason").asText()).isEqualTo("PodsRefused");
                assertThat(failed.path("message").asText()).contains("0 of 1 created", e.getValue());
                assertThat(took).as("PodsRefused within seconds of its admission").isLessThan(Duration.ofSeconds(30));
            }
            String secondUid = json("-n", queue, "get", "cb", "again").path("metadata").path("uid").asText();
            assertThat(secondUid).isNotEqualTo(firstUid);
            history.print();
            assertThat(history.overlaps()).as("two benchmarks Running at once, by the phase history").isEmpty();
            assertThat(history.ran(queue + "/again", firstUid)).as("the deleted one never ran").isFalse();
            assertThat(history.startedAfterEnd(queue + "/again", secondUid, queue + "/long"))
                    .as("applied again while long ran: it ran after long ended").isTrue();
        } finally {
            history.close();
            deleteThePolicy();
        }
    }

    // ------------------------------------------------------------------ the control plane and the operator go

    /**
     * A benchmark of two runs: during the first the API server restarts (every watch breaks), during the
     * second the operator's pod is killed (SIGKILL, no grace). The next operator adopts what it finds: each
     * run's Job is created once (same UIDs), one RunStarted event per run, the results of both in the status.
     */
    @Test
    @Order(2)
    void aBenchmarkSurvivesTheApiServerRestartingAndItsOperatorKilledMidRun() {
        String ns = namespace("e2e-faults-restarts");
        apply(ns, manifest("survivor", "sweep: {pods: [1, 2]}\n" + sleeps(500, 24, 1)));
        awaitTrue("run 1 of 2 is running", Duration.ofSeconds(120), () -> "Running".equals(json("-n", ns, "get", "cb",
                "survivor").path("status").path("runs").path(0).path("state").asText()));
        Instant t0 = Instant.now();
        CommandResult restart = Commands.run(null, List.of(REPO.resolve("e2e/cluster").toString(), "restart-apiserver"));
        assertThat(restart.ok()).as(restart.toString()).isTrue();
        System.out.printf("[e2e] API server restarted in %.1f s: %s%n", Duration.between(t0, Instant.now()).toMillis()
                / 1000.0, restart.out().strip());

        awaitTrue("run 2 of 2 is running", Duration.ofSeconds(180), () -> "Running".equals(json("-n", ns, "get", "cb",
                "survivor").path("status").path("runs").path(1).path("state").asText()));
        Map<String, String> before = jobUids(ns, "survivor");
        String oldPod = operatorPod().path("metadata").path("name").asText();
        CommandResult kill = kubectl("-n", SYSTEM_NS, "delete", "pod", oldPod, "--grace-period=0", "--force");
        assertThat(kill.ok()).as(kill.toString()).isTrue();
        awaitTrue("a new operator pod is Ready", Duration.ofSeconds(180), () -> {
            JsonNode p = operatorPod();
            return p != null && !oldPod.equals(p.path("metadata").path("name").asText()) && ready(p);
        });

        awaitPhase(ns, "survivor", "Succeeded", 240);
        Map<String, String> after = jobUids(ns, "survivor");
        System.out.println("[e2e] Jobs before the kill " + before + ", after " + after);
        assertThat(after.keySet()).containsExactlyInAnyOrder(jobName(ns, "survivor", 1, 0),
                jobName(ns, "survivor", 1, 1));
        before.forEach((job, uid) -> assertThat(after.get(job)).as("job %s was not re-created", job).isEqualTo(uid));
        List<String> started = items("-n", ns, "get", "events", "--field-selector",
                "involvedObject.name=survivor,reason=RunStarted").stream().map(e -> e.path("message").asText()).toList();
        assertThat(started).as("one RunStarted per run: nothing was started twice").hasSize(2);
        JsonNode status = json("-n", ns, "get", "cb", "survivor").path("status");
        status.path("runs").forEach(run -> assertThat(run.path("state").asText()).isEqualTo("Succeeded"));
        assertThat(status.path("results").size()).as("a row per run (sequential at 1 and 2 pods)").isEqualTo(2);
    }

    // ------------------------------------------------------------------ a node lost, pods that cannot run

    @Test
    @Order(3)
    void aNodeLostMidRunEndsTheRunInAClearConditionAndTheNextBenchmarkRuns() {
        String ns = namespace("e2e-node-lost");
        JsonNode pod = applyAndCatchMidRun(ns, "stranded", sleeps(100, 1000, 1) + "timeoutSeconds: 300\n");
        String node = pod.path("spec").path("nodeName").asText();
        String other = node.equals("e2e-node-a") ? "e2e-node-b" : "e2e-node-a";
        String letter = node.substring(node.length() - 1);
        CommandResult stop = nodes("kubelet-stop", letter);
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
            assertThat(failed.path("message").asText()).contains("node " + node, jobName(ns, "stranded", 1, 0));
            assertThat(cb.path("status").path("runs").path(0).path("state").asText()).isEqualTo("Failed");

            // The slot is free and the cluster still works: the next benchmark runs, on the other node.
            apply(ns, manifest("survivor", """
                    runtime: python
                    workload: {type: io, size: 20, tasks: 4}
                    strategies: [sequential, threads]
                    placement: {nodeSelector: {kubernetes.io/hostname: %s}}
                    repetitions: 1
                    warmup: 0
                    """.formatted(other)));
            assertThat(awaitPhase(ns, "survivor", "Succeeded", 180).path("status").path("environment").path("nodes")
                    .toString()).isEqualTo("[\"" + other + "\"]");
        } finally {
            CommandResult start = nodes("kubelet-start", letter);
            assertThat(start.ok()).as(start.toString()).isTrue();
        }
        CommandResult ready = kubectl("wait", "--for=condition=Ready", "node/" + node, "--timeout=120s");
        assertThat(ready.ok()).as(ready.toString()).isTrue();
        // the lost run's pod goes once its kubelet is back
        awaitNoKernelPods(ns, "stranded", 120);
    }

    @Test
    @Order(4)
    void unpullableImageEndsFailedWithThePullError() {
        String ns = namespace("e2e-pull");
        apply(ns, manifest("unpullable", "image: concbench-e2e/no-such-image:0\n" + sleeps(20, 2, 1)));
        JsonNode failed = awaitFailed(ns, "unpullable", 120);
        assertThat(failed.path("status").asText()).isEqualTo("True");
        assertThat(failed.path("message").asText()).containsAnyOf("ErrImagePull", "ImagePullBackOff")
                .contains("concbench-e2e/no-such-image:0");
        // containerd asked the local registry (every registry name resolves to it), which said
        // "not found": no pull left the machine (that would fail resolving or connecting instead).
        List<String> pullErrors = items("-n", ns, "get", "events", "--field-selector", "reason=Failed").stream()
                .map(e -> e.path("message").asText()).filter(m -> m.contains("no-such-image")).toList();
        System.out.println("[e2e] pull errors: " + pullErrors);
        assertThat(pullErrors).isNotEmpty().anyMatch(m -> m.contains("docker.io/concbench-e2e/no-such-image:0")
                && m.contains("not found"));
        // The operator stops the Job instead of letting it pull until the deadline.
        awaitNoKernelPods(ns, "unpullable", 60);
    }

    @Test
    @Order(5)
    void aMemoryLimitTooSmallForTheJvmEndsFailedAsOomKilledNamingThePod() {
        String ns = namespace("e2e-oom");
        apply(ns, manifest("starved", """
                runtime: java
                workload: {type: cpu, size: 100, tasks: 4}
                strategies: [sequential, processes]
                resources: {limits: {memory: 24Mi}}
                repetitions: 1
                warmup: 0
                """));
        JsonNode failed = awaitFailed(ns, "starved", 180);
        assertThat(failed.path("reason").asText()).isEqualTo("OOMKilled");
        // The message names the pod (the operator has stopped the Job; the pod may be gone by now).
        assertThat(failed.path("message").asText()).matches("pod starved-[0-9a-f]{6}-g1-r0-0-[a-z0-9]{5} failed: exit code 137 "
                + "\\(OOMKilled\\).*");
        List<JsonNode> pods = kernelPods(ns, "starved");
        for (JsonNode pod : pods) {
            assertThat(failed.path("message").asText()).contains(pod.path("metadata").path("name").asText());
            assertThat(pod.path("status").path("containerStatuses").path(0).path("state").path("terminated")
                    .path("reason").asText()).as("what the kubelet reported").isEqualTo("OOMKilled");
        }
    }

    /**
     * Every version of every benchmark of some namespaces, from a watch started before they exist: their
     * phase transitions in etcd order (resourceVersion), so that "never two Running at once" is checked on
     * the whole history rather than on samples.
     */
    static final class PhaseHistory implements AutoCloseable {
        record Seen(long revision, Instant at, String key, String uid, String phase) {
        }

        private final KubernetesClient client = new KubernetesClientBuilder().build();
        private final List<Watch> watches = new ArrayList<>();
        private final List<Seen> seen = new CopyOnWriteArrayList<>();

        PhaseHistory(List<String> namespaces) {
            for (String ns : namespaces) {
                watches.add(client.genericKubernetesResources(BENCHMARKS).inNamespace(ns).watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource cb) {
                        Object status = cb.getAdditionalProperties().get("status");
                        String phase = action == Action.DELETED ? "Deleted"
                                : status instanceof Map<?, ?> m ? Objects.toString(m.get("phase"), "") : "";
                        seen.add(new Seen(Long.parseLong(cb.getMetadata().getResourceVersion()), Instant.now(),
                                ns + "/" + cb.getMetadata().getName(), cb.getMetadata().getUid(), phase));
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                }));
            }
        }

        /** [first Running, first end] by etcd revision, per benchmark (UID) that ran. */
        private Map<String, long[]> runningIntervals() {
            Map<String, long[]> intervals = new LinkedHashMap<>();
            seen.stream().sorted((a, b) -> Long.compare(a.revision, b.revision)).forEach(s -> {
                long[] i = intervals.get(s.uid);
                if (i == null && "Running".equals(s.phase)) {
                    intervals.put(s.uid, new long[] {s.revision, Long.MAX_VALUE});
                } else if (i != null && i[1] == Long.MAX_VALUE && List.of("Succeeded", "Failed", "Deleted")
                        .contains(s.phase)) {
                    i[1] = s.revision;
                }
            });
            return intervals;
        }

        /** Pairs of benchmarks whose Running intervals overlap. */
        List<String> overlaps() {
            List<Map.Entry<String, long[]>> all = new ArrayList<>(runningIntervals().entrySet());
            List<String> overlapping = new ArrayList<>();
            for (int a = 0; a < all.size(); a++) {
                for (int b = a + 1; b < all.size(); b++) {
                    long[] x = all.get(a).getValue();
                    long[] y = all.get(b).getValue();
                    if (x[0] < y[1] && y[0] < x[1]) {
                        overlapping.add(key(all.get(a).getKey()) + " and " + key(all.get(b).getKey()));
                    }
                }
            }
            return overlapping;
        }

        boolean ran(String key, String uid) {
            return seen.stream().anyMatch(s -> s.key.equals(key) && s.uid.equals(uid) && "Running".equals(s.phase));
        }

        /** {@code key}'s benchmark {@code uid} first ran after every version of {@code other} had ended. */
        boolean startedAfterEnd(String key, String uid, String other) {
            long start = seen.stream().filter(s -> s.uid.equals(uid) && "Running".equals(s.phase))
                    .mapToLong(Seen::revision).min().orElse(-1);
            long otherEnd = seen.stream().filter(s -> s.key.equals(other) && List.of("Succeeded", "Failed")
                    .contains(s.phase)).mapToLong(Seen::revision).min().orElse(Long.MAX_VALUE);
            return start > otherEnd;
        }

        /** From its first Running version to its first Failed or Succeeded one, by arrival at this watch. */
        Duration runningToEnd(String key) {
            Instant running = seen.stream().filter(s -> s.key.equals(key) && "Running".equals(s.phase))
                    .map(Seen::at).min(Instant::compareTo).orElseThrow(() -> new AssertionError(key + " never ran"));
            Instant end = seen.stream().filter(s -> s.key.equals(key) && List.of("Succeeded", "Failed").contains(s.phase))
                    .map(Seen::at).min(Instant::compareTo).orElseThrow();
            return Duration.between(running, end);
        }

        private String key(String uid) {
            return seen.stream().filter(s -> s.uid.equals(uid)).map(Seen::key).findFirst().orElse(uid);
        }

        void print() {
            System.out.println("[e2e] phase history (etcd revision, benchmark, phase):");
            String last = "";
            for (Seen s : seen.stream().sorted((a, b) -> Long.compare(a.revision, b.revision)).toList()) {
                String line = s.key + " " + s.uid.substring(Math.max(0, s.uid.length() - 6)) + " " + s.phase;
                if (!line.equals(last)) {
                    System.out.printf("[e2e]   %d %s%n", s.revision, line);
                }
                last = line;
            }
        }

        @Override
        public void close() {
            watches.forEach(Watch::close);
            client.close();
        }
    }
}
