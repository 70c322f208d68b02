package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.concbench.e2e.Commands.items;
import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.E2eEnvironment.BENCHMARK_SELECTOR;
import static dev.concbench.e2e.E2eEnvironment.SYSTEM_NS;
import static dev.concbench.e2e.E2eEnvironment.apply;
import static dev.concbench.e2e.E2eEnvironment.applyAndCatchMidRun;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.awaitStatus;
import static dev.concbench.e2e.E2eEnvironment.awaitTrue;
import static dev.concbench.e2e.E2eEnvironment.jobName;
import static dev.concbench.e2e.E2eEnvironment.jobNames;
import static dev.concbench.e2e.E2eEnvironment.jobUids;
import static dev.concbench.e2e.E2eEnvironment.kernelConfigMapName;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.namespace;
import static dev.concbench.e2e.E2eEnvironment.operatorPod;
import static dev.concbench.e2e.E2eEnvironment.phase;
import static dev.concbench.e2e.E2eEnvironment.ready;
import static dev.concbench.e2e.E2eEnvironment.sleeps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A benchmark's life around the operator on the real nodes: the operator's pod deleted mid-run (the next one
 * resumes without re-running a finished run) and how fast it stops on SIGTERM; a spec changed mid-run (the
 * new generation); a benchmark deleted mid-run (garbage collection); a second benchmark queued behind the
 * first.
 */
@Order(40)
@OnTheSharedOperator
class LifecycleE2eIT {

    @Test
    @Order(1)
    void operatorRestartMidRunResumesWithoutRerunningFinishedRuns() {
        String ns = namespace("e2e-restart");
        apply(ns, manifest("resume", """
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
        assertThat(before).containsKeys(jobName(ns, "resume", 1, 0), jobName(ns, "resume", 1, 1))
                .doesNotContainKey(jobName(ns, "resume", 1, 2));

        String oldPod = operatorPod().path("metadata").path("name").asText();
        Instant killedAt = Instant.now();
        CommandResult delete = kubectl("-n", SYSTEM_NS, "delete", "pod", oldPod, "--wait=false");
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

        awaitPhase(ns, "resume", "Succeeded", 180);
        Map<String, String> after = jobUids(ns, "resume");
        assertThat(after.keySet()).containsExactlyInAnyOrder(jobName(ns, "resume", 1, 0),
                jobName(ns, "resume", 1, 1), jobName(ns, "resume", 1, 2), jobName(ns, "resume", 1, 3));
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
    @Order(2)
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
    @Order(3)
    void specChangeMidRunStartsTheNewGeneration() {
        String ns = namespace("e2e-respec");
        applyAndCatchMidRun(ns, "respec", sleeps(50, 40, 3));
        CommandResult patch = kubectl("-n", ns, "patch", "cb", "respec", "--type=merge", "-p",
                "{\"spec\":{\"workload\":{\"tasks\":10}}}");
        assertThat(patch.ok()).as(patch.toString()).isTrue();
        awaitStatus(ns, "respec", "observedGeneration", "2", 60);
        awaitPhase(ns, "respec", "Succeeded", 120);
        awaitTrue("only generation 2's Job is left", Duration.ofSeconds(60),
                () -> jobNames(ns, "respec").equals(List.of(jobName(ns, "respec", 2, 0))));
        JsonNode cb = json("-n", ns, "get", "cb", "respec");
        assertThat(cb.path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(cb.path("status").path("runs").path(0).path("jobName").asText())
                .isEqualTo(jobName(ns, "respec", 2, 0));
        // 10 sleeps of 50 ms, not 40.
        cb.path("status").path("results").path(0).path("samples")
                .forEach(s -> assertThat(s.asDouble()).isBetween(0.45, 1.9));
        // The user is told that the running generation was stopped.
        String events = kubectl("-n", ns, "get", "events", "--field-selector",
                "involvedObject.kind=ConcurrencyBenchmark,involvedObject.name=respec,reason=SpecChanged",
                "-o", "jsonpath={.items[*].message}").out();
        assertThat(events).contains("generation 1 stopped", jobName(ns, "respec", 1, 0), "generation 2 starts");
    }

    @Test
    @Order(4)
    void deleteMidRunLeavesNothingBehind() {
        String ns = namespace("e2e-delete");
        applyAndCatchMidRun(ns, "doomed", sleeps(50, 100, 5));
        assertThat(kubectl("-n", ns, "get", "configmap", kernelConfigMapName(ns, "doomed")).ok()).isTrue();
        CommandResult delete = kubectl("-n", ns, "delete", "cb", "doomed", "--timeout=60s");
        assertThat(delete.ok()).as(delete.toString()).isTrue();
        // The garbage collector of the real kube-controller-manager follows the owner references.
        awaitTrue("Jobs, pods and the kernel ConfigMap are garbage-collected", Duration.ofSeconds(90), () ->
                items("-n", ns, "get", "jobs,pods,configmaps", "-l", BENCHMARK_SELECTOR + "doomed").isEmpty());
        assertThat(kubectl("-n", ns, "get", "cb", "doomed").err()).contains("NotFound");
    }

    @Test
    @Order(5)
    void secondBenchmarkQueuesWhileTheFirstRuns() {
        String ns = namespace("e2e-queue");
        String spec = sleeps(50, 40, 2);
        apply(ns, manifest("first", spec));
        apply(ns, manifest("second", spec));
        awaitTrue("first Running while second Queued", Duration.ofSeconds(90),
                () -> "Running".equals(phase(ns, "first")) && "Queued".equals(phase(ns, "second")));
        for (String name : List.of("first", "second")) {
            awaitPhase(ns, name, "Succeeded", 180);
        }
        Instant firstDone = Instant.parse(json("-n", ns, "get", "cb", "first").path("status").path("completionTime").asText());
        JsonNode secondJob = json("-n", ns, "get", "job", jobName(ns, "second", 1, 0));
        Instant secondStarted = Instant.parse(secondJob.path("metadata").path("creationTimestamp").asText());
        assertThat(secondStarted).as("the second benchmark's first Job starts after the first benchmark ends")
                .isAfterOrEqualTo(firstDone.minusSeconds(1));
        assertThat(kubectl("-n", ns, "describe", "cb", "second").out()).contains("Queued");
    }
}
