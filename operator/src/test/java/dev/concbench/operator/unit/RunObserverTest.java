package dev.concbench.operator.unit;

import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.operator.JobFactory;
import dev.concbench.domain.Labels;
import dev.concbench.domain.RunObservation;
import dev.concbench.operator.RunObserver;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunObserverTest {

    private static final String INDEX = "batch.kubernetes.io/job-completion-index";

    /** Results of a 2-pod run as the kernel writes them (kernel/CONTRACT.md). */
    private static final String RESULT_0 = "{\"format\":1,\"runtime\":\"python\",\"runtimeVersion\":\"3.11.7\","
            + "\"cpus\":2,\"cpuSource\":\"affinity\",\"cpuQuota\":null,\"node\":\"node-a\",\"pod\":\"demo-g1-r0-0-x1y2z\","
            + "\"shard\":\"0/2\",\"tasks\":3,\"workload\":\"cpu\",\"size\":10,\"workers\":2,\"repetitions\":2,"
            + "\"warmup\":1,\"checksum\":\"9081\",\"start\":1764070000.500000,\"end\":1764070003.250000,"
            + "\"times\":{\"sequential\":[0.812345,0.801234],\"threads\":[0.9,0.91]}}";
    private static final String RESULT_1 = "{\"format\":1,\"runtime\":\"python\",\"runtimeVersion\":\"3.11.7\","
            + "\"cpus\":1,\"cpuSource\":\"cgroup-quota\",\"cpuQuota\":1.0,\"node\":\"node-b\",\"pod\":\"demo-g1-r0-1-q8w7e\","
            + "\"shard\":\"1/2\",\"tasks\":2,\"workload\":\"cpu\",\"size\":10,\"workers\":1,\"repetitions\":2,"
            + "\"warmup\":1,\"checksum\":\"6054\",\"start\":1764070000.500000,\"end\":1764070002.750000,"
            + "\"times\":{\"sequential\":[0.55,0.56],\"threads\":[0.6,0.61]}}";

    /** "Now" of these observations: the pods below were made and scheduled at 10:00:00. */
    private static final Instant NOW = Instant.parse("2025-03-01T10:01:00Z");
    private static final Duration SCHEDULING_TIMEOUT = Duration.ofSeconds(300);

    private static RunObservation observe(Job job, List<Pod> pods, int expectedPods) {
        return observe(job, pods, expectedPods, List.of(), NOW);
    }

    private static RunObservation observe(Job job, List<Pod> pods, int expectedPods, List<Event> events, Instant now) {
        return RunObserver.observe(job, pods, expectedPods, events, now, SCHEDULING_TIMEOUT);
    }

    private static Job job() {
        return new JobBuilder().withNewMetadata().withName("demo-g1-r0").endMetadata().withNewStatus().endStatus().build();
    }

    /** The run's Job with one condition of this type, status and reason (and message). */
    private static Job job(String type, String status, String reason, String message) {
        Job job = job();
        job.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder()
                .withType(type).withStatus(status).withReason(reason).withMessage(message).build()));
        return job;
    }

    private static Pod pod(String name, int index, String phase, ContainerState state) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).addToAnnotations(INDEX, Integer.toString(index))
                .addToLabels(INDEX, Integer.toString(index)).withCreationTimestamp("2025-03-01T10:00:00Z").endMetadata()
                .withNewSpec().withNodeName("node-a").endSpec()
                .withNewStatus().withPhase(phase).endStatus();
        if (state != null) {
            b.editStatus().addNewContainerStatus().withName(JobFactory.CONTAINER).withState(state).endContainerStatus()
                    .endStatus();
        }
        return b.build();
    }

    private static ContainerState running() {
        return new ContainerStateBuilder().withNewRunning().withStartedAt("2025-03-01T10:00:00Z").endRunning().build();
    }

    private static ContainerState terminated(int exitCode, String reason, String message) {
        return new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason)
                .withMessage(message).endTerminated().build();
    }

    /** A run of one pod, in {@code phase}, whose kernel exited 4 (the user's code failed) saying {@code message}. */
    private static RunObservation kernelExited4(String phase, String message) {
        return observe(job(), List.of(pod("demo-g1-r0-0-aaaaa", 0, phase, terminated(4, "Error", message))), 1);
    }

    private static Pod succeeded(String name, int index, String message) {
        return pod(name, index, "Succeeded", terminated(0, "Completed", message));
    }

    /**
     * The user's code failed in pod 1 (exit 4, its error document); the Job's FailJob stopped pod 0, which
     * sorts first: the run fails WorkloadError with the document's text, not pod 0's kill.
     */
    @Test
    void theUsersCodeFailingIsAWorkloadErrorWithFileLineAndException() {
        String text = "task 3: ValueError: bad record 3 (/opt/concbench/workload/records.py, line 6, in parse)\n"
                + "ValueError: bad record 3";
        String document = "{\"format\":2,\"workloadError\":\"task 3: ValueError: bad record 3 "
                + "(/opt/concbench/workload/records.py, line 6, in parse)\\nValueError: bad record 3\"}";
        RunObservation seen = observe(job("Failed", "True", "PodFailurePolicy", "container kernel exited 4"),
                List.of(pod("demo-g1-r0-0-aaaaa", 0, "Failed", terminated(137, "Error", "")),
                        pod("demo-g1-r0-1-bbbbb", 1, "Failed", terminated(4, "Error", document))), 2);

        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("WorkloadError");
        assertThat(seen.message()).isEqualTo("pod demo-g1-r0-1-bbbbb: " + text);
        assertThat(seen.podsFailed()).isEqualTo(2);
    }

    /** Seen on the real nodes: the kernel's exit 4 in the container's state while the pod's phase is not yet Failed. */
    @Test
    void aWorkloadErrorCountsItsPodFailedBeforeThePhaseSaysSo() {
        RunObservation seen = kernelExited4("Running", "{\"format\":2,\"workloadError\":\"task 0: KeyError: 'id'\"}");
        assertThat(seen.reason()).isEqualTo("WorkloadError");
        assertThat(seen.podsFailed()).isEqualTo(1);
    }

    @Test
    void aWorkloadErrorWithoutItsDocumentQuotesTheKernelsLog() {
        // FallbackToLogsOnError: no document written, the kubelet took the log's tail
        RunObservation seen = kernelExited4("Failed",
                "concbench-kernel: workload error: task 2 did not return within 60 s");
        assertThat(seen.reason()).isEqualTo("WorkloadError");
        assertThat(seen.message()).isEqualTo("pod demo-g1-r0-0-aaaaa: concbench-kernel: workload error: task 2 did not "
                + "return within 60 s");
    }

    @Test
    void runningPodsMeanRunning() {
        RunObservation seen = observe(job(), List.of(pod("demo-g1-r0-0-aaaaa", 0, "Running", running())), 1);

        assertThat(seen.state()).isEqualTo(RunState.Running);
        assertThat(seen.startReady()).isFalse();   // a single pod needs no common start
        assertThat(seen.podsSucceeded()).isZero();
        assertThat(seen.podsFailed()).isZero();
        assertThat(seen.results()).isEmpty();
    }

    @Test
    void noPodsYetIsRunning() {
        RunObservation seen = observe(job(), List.of(), 2);
        assertThat(seen.state()).isEqualTo(RunState.Running);
        assertThat(seen.startReady()).isFalse();
    }

    @Test
    void allPodsOfAMultiPodRunRunningAndNotReleasedAreStartReady() {
        List<Pod> pods = List.of(pod("demo-g1-r0-0-aaaaa", 0, "Running", running()),
                pod("demo-g1-r0-1-bbbbb", 1, "Running", running()));

        assertThat(observe(job(), pods, 2).startReady()).isTrue();
    }

    @Test
    void notStartReadyWhileAPodIsPendingOrMissing() {
        List<Pod> pending = List.of(pod("demo-g1-r0-0-aaaaa", 0, "Running", running()),
                pod("demo-g1-r0-1-bbbbb", 1, "Pending", null));
        assertThat(observe(job(), pending, 2).startReady()).isFalse();

        List<Pod> missing = List.of(pod("demo-g1-r0-0-aaaaa", 0, "Running", running()));
        assertThat(observe(job(), missing, 2).startReady()).isFalse();
    }

    @Test
    void notStartReadyOnceReleased() {
        List<Pod> pods = List.of(pod("demo-g1-r0-0-aaaaa", 0, "Running", running()),
                pod("demo-g1-r0-1-bbbbb", 1, "Running", running()));
        pods.forEach(p -> p.getMetadata().getAnnotations().put(Labels.ANNOTATION_START_AT, "1764070000.5"));

        RunObservation seen = observe(job(), pods, 2);
        assertThat(seen.state()).isEqualTo(RunState.Running);
        assertThat(seen.startReady()).isFalse();
    }

    @Test
    void anImagePullErrorFailsTheRunNamingThePod() {
        ContainerState waiting = new ContainerStateBuilder().withNewWaiting().withReason("ErrImagePull")
                .withMessage("rpc error: pull access denied for nope/kernel").endWaiting().build();
        List<Pod> pods = List.of(pod("demo-g1-r0-0-aaaaa", 0, "Running", running()),
                pod("demo-g1-r0-1-bbbbb", 1, "Pending", waiting));

        RunObservation seen = observe(job(), pods, 2);

        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("ImagePullFailed");
        assertThat(seen.message()).contains("demo-g1-r0-1-bbbbb").contains("ErrImagePull")
                .contains("pull access denied");
    }

    @Test
    void aTransientWaitingReasonIsNotAFailure() {
        ContainerState creating = new ContainerStateBuilder().withNewWaiting().withReason("ContainerCreating")
                .endWaiting().build();
        RunObservation seen = observe(job(), List.of(pod("demo-g1-r0-0-aaaaa", 0, "Pending", creating)), 1);
        assertThat(seen.state()).isEqualTo(RunState.Running);
    }

    @Test
    void aFailedPodFailsTheRunWithTheLastLineOfItsMessage() {
        String stderr = "usage: concbench_kernel.py [-h] --workload {cpu,io} ...\n"
                + "concbench-kernel: --size must be between 1 and 100000 for cpu\n";
        List<Pod> pods = List.of(pod("demo-g1-r0-0-aaaaa", 0, "Running", running()),
                pod("demo-g1-r0-1-bbbbb", 1, "Failed", terminated(2, "Error", stderr)));

        RunObservation seen = observe(job(), pods, 2);

        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("PodFailed");
        assertThat(seen.podsFailed()).isEqualTo(1);
        assertThat(seen.message()).contains("demo-g1-r0-1-bbbbb").contains("exit code 2")
                .contains("concbench-kernel: --size must be between 1 and 100000 for cpu")
                .doesNotContain("usage:");
    }

    @Test
    void aKernelKilledByItsMemoryLimitFailsTheRunAsOomKilled() {
        List<Pod> pods = List.of(pod("demo-g1-r0-0-aaaaa", 0, "Failed", terminated(137, "OOMKilled", "")));

        RunObservation seen = observe(job(), pods, 1);

        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("OOMKilled");
        assertThat(seen.message()).contains("demo-g1-r0-0-aaaaa").contains("exit code 137").contains("OOMKilled");
    }

    @Test
    void aFailedPodWithoutContainerStatusStillNamesThePod() {
        Pod evicted = pod("demo-g1-r0-0-aaaaa", 0, "Failed", null);
        evicted.getStatus().setReason("Evicted");
        evicted.getStatus().setMessage("The node was low on resource: memory.");

        RunObservation seen = observe(job(), List.of(evicted), 1);

        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("PodFailed");
        assertThat(seen.message()).contains("demo-g1-r0-0-aaaaa").contains("Evicted").contains("low on resource");
    }

    @Test
    void aJobPastItsDeadlineFailsTheRun() {
        Job job = job("Failed", "True", "DeadlineExceeded", "Job was active longer than specified deadline");
        List<Pod> pods = List.of(pod("demo-g1-r0-0-aaaaa", 0, "Running", running()));

        RunObservation seen = observe(job, pods, 1);

        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("DeadlineExceeded");
        assertThat(seen.message()).contains("demo-g1-r0").contains("deadline");
    }

    @Test
    void atTheDeadlineKilledPodsDoNotHideTheCauseAndUnscheduledPodsAreNamed() {
        Job job = job("FailureTarget", "True", "DeadlineExceeded", null);
        Pod killed = pod("demo-g1-r0-0-aaaaa", 0, "Failed", new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewTerminated().withExitCode(143).withReason("Error").endTerminated().build());
        Pod pending = pod("demo-g1-r0-1-bbbbb", 1, "Pending", null);
        pending.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                .withType("PodScheduled").withStatus("False").withReason("Unschedulable").build()));

        RunObservation seen = observe(job, List.of(killed, pending), 2);

        assertThat(seen.reason()).isEqualTo("DeadlineExceeded");
        assertThat(seen.message()).contains("never scheduled: demo-g1-r0-1-bbbbb").doesNotContain("143");
    }

    @Test
    void aFalseFailedConditionIsIgnored() {
        Job job = job("Failed", "False", "DeadlineExceeded", null);
        RunObservation seen = observe(job, List.of(pod("p-0", 0, "Running", running())), 1);
        assertThat(seen.state()).isEqualTo(RunState.Running);
    }

    @Test
    void allPodsSucceededGiveTheResultsInIndexOrder() {
        // listed out of order: the results follow the completion index
        List<Pod> pods = List.of(succeeded("demo-g1-r0-1-q8w7e", 1, RESULT_1),
                succeeded("demo-g1-r0-0-x1y2z", 0, RESULT_0));

        RunObservation seen = observe(job(), pods, 2);

        assertThat(seen.state()).isEqualTo(RunState.Succeeded);
        assertThat(seen.podsSucceeded()).isEqualTo(2);
        assertThat(seen.podsFailed()).isZero();
        assertThat(seen.results()).hasSize(2);
        assertThat(seen.results().get(0).shard()).isEqualTo("0/2");
        assertThat(seen.results().get(0).node()).isEqualTo("node-a");
        assertThat(seen.results().get(1).shard()).isEqualTo("1/2");
        assertThat(seen.results().get(1).cpuQuota()).isEqualTo(1.0);
        assertThat(seen.results().get(1).times().get("threads")).containsExactly(0.6, 0.61);
        assertThat(seen.qosClass()).as("no status.qosClass on these pods").isNull();

        // The API server sets status.qosClass from the pod's resources: the run records it.
        pods.forEach(p -> p.getStatus().setQosClass("Guaranteed"));
        assertThat(observe(job(), pods, 2).qosClass()).isEqualTo("Guaranteed");
    }

    @Test
    void notAllPodsSucceededYetIsRunning() {
        List<Pod> pods = List.of(succeeded("demo-g1-r0-0-x1y2z", 0, RESULT_0),
                pod("demo-g1-r0-1-q8w7e", 1, "Running", running()));
        RunObservation seen = observe(job(), pods, 2);
        assertThat(seen.state()).isEqualTo(RunState.Running);
        assertThat(seen.podsSucceeded()).isEqualTo(1);
    }

    @Test
    void aGarbageTerminationMessageFailsTheRunNamingThePod() {
        List<Pod> pods = List.of(succeeded("demo-g1-r0-0-x1y2z", 0, RESULT_0),
                succeeded("demo-g1-r0-1-q8w7e", 1, "Segmentation fault (core dumped)"));

        RunObservation seen = observe(job(), pods, 2);

        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("ResultUnreadable");
        assertThat(seen.message()).contains("demo-g1-r0-1-q8w7e").contains("not a kernel result");
        assertThat(seen.results()).isEmpty();
    }

    @Test
    void aMissingTerminationMessageFailsTheRun() {
        List<Pod> pods = List.of(succeeded("demo-g1-r0-0-x1y2z", 0, null));
        RunObservation seen = observe(job(), pods, 1);
        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("ResultUnreadable");
        assertThat(seen.message()).contains("demo-g1-r0-0-x1y2z").contains("empty result");
    }

    // --- what a run waits for, and when it cannot go on (issue 20) ---

    private static ContainerState pullWaiting(String reason, String message) {
        return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build();
    }

    private static Pod withCondition(Pod pod, String type, String status, String reason, String message, String since) {
        List<io.fabric8.kubernetes.api.model.PodCondition> conditions = new java.util.ArrayList<>(
                pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions());
        conditions.add(new PodConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message).withLastTransitionTime(since).build());
        pod.getStatus().setConditions(conditions);
        return pod;
    }

    private static Event failedCreate(String job, String message, String at) {
        return new EventBuilder().withReason("FailedCreate").withMessage(message).withLastTimestamp(at)
                .withNewInvolvedObject().withKind("Job").withName(job).endInvolvedObject().build();
    }

    @Test
    void aRegistryErrorThatMayPassWaitsUntilItsBoundAndThenFails() {
        Pod pulling = withCondition(pod("demo-g1-r0-0-aaaaa", 0, "Pending", pullWaiting("ImagePullBackOff",
                "Back-off pulling image \"reg/kernel:1\": ErrImagePull: failed to pull and unpack image: "
                        + "unexpected status from GET request: 429 Too Many Requests")),
                "PodScheduled", "True", null, null, "2025-03-01T10:00:00Z");

        RunObservation early = observe(job(), List.of(pulling), 1);
        assertThat(early.state()).isEqualTo(RunState.Running);
        assertThat(early.waiting().reason()).isEqualTo("ImagePullBackOff");
        assertThat(early.waiting().message()).contains("demo-g1-r0-0-aaaaa", "429 Too Many Requests");
        assertThat(early.waiting().until()).isEqualTo(Instant.parse("2025-03-01T10:03:00Z"));

        RunObservation late = observe(job(), List.of(pulling), 1, List.of(), Instant.parse("2025-03-01T10:03:00Z"));
        assertThat(late.state()).isEqualTo(RunState.Failed);
        assertThat(late.reason()).isEqualTo("ImagePullFailed");
        assertThat(late.message()).contains("429 Too Many Requests", "still failing 3 min");
    }

    @Test
    void aPermanentPullErrorFailsAtOnce() {
        for (String said : List.of("failed to resolve reference \"reg/nope:1\": reg/nope:1: not found",
                "failed to authorize: failed to fetch anonymous token: 401 Unauthorized",
                "pull access denied, repository does not exist or may require authorization")) {
            Pod pod = pod("demo-g1-r0-0-aaaaa", 0, "Pending", pullWaiting("ErrImagePull", said));
            RunObservation seen = observe(job(), List.of(pod), 1);
            assertThat(seen.state()).as(said).isEqualTo(RunState.Failed);
            assertThat(seen.reason()).isEqualTo("ImagePullFailed");
        }
        RunObservation invalid = observe(job(), List.of(pod("demo-g1-r0-0-aaaaa", 0, "Pending",
                pullWaiting("InvalidImageName", "Failed to apply default image tag \"Reg/X\""))), 1);
        assertThat(invalid.reason()).isEqualTo("ImagePullFailed");
    }

    @Test
    void aPodNoNodeTakesWaitsSayingWhyAndFailsUnschedulableAtTheSchedulingTimeout() {
        String scheduler = "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. "
                + "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
        Pod pending = withCondition(pod("demo-g1-r0-0-aaaaa", 0, "Pending", null), "PodScheduled", "False",
                "Unschedulable", scheduler, "2025-03-01T10:00:00Z");

        RunObservation waits = observe(job(), List.of(pending), 1);
        assertThat(waits.state()).isEqualTo(RunState.Running);
        assertThat(waits.waiting().reason()).isEqualTo("Unschedulable");
        assertThat(waits.waiting().message()).contains("demo-g1-r0-0-aaaaa", scheduler);
        assertThat(waits.waiting().until()).isEqualTo(Instant.parse("2025-03-01T10:05:00Z"));

        RunObservation gaveUp = observe(job(), List.of(pending), 1, List.of(), Instant.parse("2025-03-01T10:05:00Z"));
        assertThat(gaveUp.state()).isEqualTo(RunState.Failed);
        assertThat(gaveUp.reason()).isEqualTo("Unschedulable");
        assertThat(gaveUp.message()).contains(scheduler, "300 s", "spec.schedulingTimeoutSeconds");
    }

    @Test
    void aNodeThatStopsReportingUnderARunningPodFailsTheRunNamingTheNode() {
        Pod running = pod("demo-g1-r0-0-aaaaa", 0, "Running", running());
        withCondition(running, "ContainersReady", "True", null, null, "2025-03-01T10:00:05Z");
        withCondition(running, "Ready", "False", null, null, "2025-03-01T10:00:50Z"); // the node controller's mark

        RunObservation seen = observe(job(), List.of(running), 1);

        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("NodeLost");
        assertThat(seen.message()).contains("node node-a", "demo-g1-r0-0-aaaaa", "2025-03-01T10:00:50Z");
        // A pod whose own containers are not ready (the kubelet says so) is not a lost node.
        Pod notReady = pod("demo-g1-r0-0-aaaaa", 0, "Running", running());
        withCondition(notReady, "ContainersReady", "False", "ContainersNotReady", null, "2025-03-01T10:00:05Z");
        withCondition(notReady, "Ready", "False", "ContainersNotReady", null, "2025-03-01T10:00:05Z");
        assertThat(observe(job(), List.of(notReady), 1).state()).isEqualTo(RunState.Running);
    }

    @Test
    void podsTheClusterRefusesFailTheRunWithTheServersMessage() {
        String quota = "Error creating: pods \"demo-g1-r0-1-xyz\" is forbidden: exceeded quota: kernels, requested: "
                + "pods=1, used: pods=1, limited: pods=1";
        List<Event> events = List.of(failedCreate("demo-g1-r0", "Error creating: Timeout: request did not complete",
                "2025-03-01T10:00:01Z"), failedCreate("demo-g1-r0", quota, "2025-03-01T10:00:02Z"),
                failedCreate("other-g1-r0", "Error creating: pods is forbidden: nope", "2025-03-01T10:00:03Z"));

        RunObservation seen = observe(job(), List.of(pod("demo-g1-r0-0-aaaaa", 0, "Running", running())), 2, events,
                NOW);

        assertThat(seen.state()).isEqualTo(RunState.Failed);
        assertThat(seen.reason()).isEqualTo("PodsRefused");
        assertThat(seen.message()).contains("job demo-g1-r0", "1 of 2 created", quota);
    }

    @Test
    void aPodCreationThatMayStillWorkWaitsSayingWhy() {
        List<Event> events = List.of(failedCreate("demo-g1-r0", "Error creating: Internal error occurred: "
                + "etcdserver: request timed out", "2025-03-01T10:00:01Z"));

        RunObservation seen = observe(job(), List.of(), 1, events, NOW);

        assertThat(seen.state()).isEqualTo(RunState.Running);
        assertThat(seen.waiting().reason()).isEqualTo("PodsNotCreated");
        assertThat(seen.waiting().message()).contains("etcdserver: request timed out");
        assertThat(seen.waiting().until()).isNull();
    }

    @Test
    void atTheDeadlineTheSchedulersWordIsQuoted() {
        Job job = job("FailureTarget", "True", "DeadlineExceeded", null);
        Pod pending = withCondition(pod("demo-g1-r0-0-aaaaa", 0, "Pending", null), "PodScheduled", "False",
                "Unschedulable", "0/2 nodes are available: 2 Insufficient cpu.", "2025-03-01T10:00:00Z");

        assertThat(observe(job, List.of(pending), 1).message())
                .contains("never scheduled: demo-g1-r0-0-aaaaa (0/2 nodes are available: 2 Insufficient cpu.)");
    }
}
