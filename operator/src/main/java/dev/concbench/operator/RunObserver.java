package dev.concbench.operator;

import dev.concbench.domain.Labels;
import dev.concbench.domain.RunObservation;
import dev.concbench.domain.ShardResult;
import dev.concbench.domain.ResultFormatException;
import dev.concbench.domain.WorkloadCode;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a run's state from its Job, its pods and the Job controller's events. Pure: the reconciler
 * passes what its informers hold and the time. A run fails on the first sign that it cannot
 * succeed, with a message that names the pod (or the node, or the Job) and quotes the cluster; while
 * it waits for something that may still come (a node for its pods, a registry that answered with an
 * error that may pass), the observation says what it waits for and until when.
 */
public final class RunObserver {

    /** Waiting reasons that will not go away by themselves. */
    static final Set<String> FATAL_WAITING = Set.of("InvalidImageName", "ErrImageNeverPull",
            "CreateContainerConfigError", "CreateContainerError");
    /** Waiting reasons of a pull that failed; permanent or not, the message says ({@link #PERMANENT_PULL_ERROR}). */
    static final Set<String> PULL_ERROR = Set.of("ErrImagePull", "ImagePullBackOff");
    /**
     * What a registry says when the image will never come: no such image or tag, no access, a malformed
     * name. Anything else (429, a timeout, a refused connection, a 5xx) may pass.
     */
    static final Pattern PERMANENT_PULL_ERROR = Pattern.compile("not found|manifest unknown|name unknown"
            + "|unauthorized|\\b401\\b|\\b403\\b|forbidden|denied|authorization failed|insufficient_scope"
            + "|invalid reference format|repository name must|no match for platform");
    /** How long a pod's pull may keep failing with an error that may pass, from its scheduling. */
    static final Duration PULL_PATIENCE = Duration.ofMinutes(3);
    /** The Job controller's event when it could not create a pod. */
    static final String FAILED_CREATE = "FailedCreate";
    /** A refusal of the pod by admission (quota, Pod Security, LimitRange, a webhook or policy), not a hiccup. */
    static final Pattern REFUSED = Pattern.compile("forbidden|denied|is invalid|exceeded quota|violates");

    private RunObserver() {
    }

    /**
     * @param events            the Job controller's {@value #FAILED_CREATE} events of this Job
     * @param schedulingTimeout how long a pod may wait for a node (spec.schedulingTimeoutSeconds)
     */
    public static RunObservation observe(Job job, List<Pod> pods, int expectedPods, List<Event> events, Instant now,
                                         Duration schedulingTimeout) {
        int succeeded = 0;
        int failed = 0;
        Map<Integer, Pod> succeededByIndex = new TreeMap<>();
        for (Pod pod : pods) {
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Succeeded".equals(phase)) {
                succeeded++;
                succeededByIndex.putIfAbsent(completionIndex(pod), pod);
            } else if ("Failed".equals(phase)) {
                failed++;
            }
        }
        List<Pod> byName = pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
        // At the deadline the Job controller kills the pods: the deadline is the cause, and
        // pods that never got a node are the usual reason (say which, and why).
        // (The Job controller sets FailureTarget before it terminates the pods, Failed after.)
        Optional<JobCondition> deadline = condition(job, "FailureTarget")
                .or(() -> condition(job, "Failed"))
                .filter(c -> "DeadlineExceeded".equals(c.getReason()));
        if (deadline.isPresent()) {
            List<Pod> unscheduled = byName.stream().filter(p -> unschedulable(p).isPresent()).toList();
            return RunObservation.failed(succeeded, failed, "DeadlineExceeded", "job " + job.getMetadata().getName()
                    + " exceeded its deadline" + optional(deadline.get().getMessage())
                    + (unscheduled.isEmpty() ? "" : "; never scheduled: " + String.join(", ", unscheduled.stream()
                    .map(p -> p.getMetadata().getName()).toList()) + optional(unschedulable(unscheduled.get(0))
                    .map(PodCondition::getMessage).orElse(null))));
        }
        // The user's code failed in a pod: that decides the run, whichever pods the Job stopped after it.
        Optional<RunObservation> workloadError = workloadError(byName, succeeded, failed);
        if (workloadError.isPresent()) {
            return workloadError.get();
        }
        // A pod that failed or cannot start decides the run; one whose pull may still work waits.
        RunObservation.Waiting pulling = null;
        for (Pod pod : byName) {
            Optional<ContainerStatus> kernel = kernelStatus(pod);
            Optional<ContainerStateWaiting> waiting = kernel.map(s -> s.getState() == null ? null : s.getState().getWaiting());
            String waitingReason = waiting.map(ContainerStateWaiting::getReason).orElse("");
            if (FATAL_WAITING.contains(waitingReason)) {
                return RunObservation.failed(succeeded, failed, waitingReason(waitingReason),
                        "pod " + pod.getMetadata().getName() + ": " + waitingReason
                                + optional(waiting.get().getMessage()));
            }
            if (PULL_ERROR.contains(waitingReason)) {
                String said = "pod " + pod.getMetadata().getName() + ": " + waitingReason
                        + optional(waiting.get().getMessage());
                Instant until = scheduledAt(pod).plus(PULL_PATIENCE);
                if (permanentPullError(waiting.get().getMessage())) {
                    return RunObservation.failed(succeeded, failed, "ImagePullFailed", said);
                }
                if (!now.isBefore(until)) {
                    return RunObservation.failed(succeeded, failed, "ImagePullFailed", said + "; still failing "
                            + PULL_PATIENCE.toMinutes() + " min after the pod was scheduled");
                }
                pulling = pulling != null ? pulling : new RunObservation.Waiting("ImagePullBackOff",
                        said + "; the kubelet retries until " + until, until);
            }
            if (pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase())) {
                // The memory limit killed the kernel: say so in the reason, not only in the message.
                boolean oomKilled = kernel.map(ContainerStatus::getState).map(s -> s.getTerminated())
                        .map(t -> "OOMKilled".equals(t.getReason())).orElse(false);
                return RunObservation.failed(succeeded, failed, oomKilled ? "OOMKilled" : "PodFailed",
                        "pod " + pod.getMetadata().getName() + " failed: " + failureDetail(pod, kernel));
            }
            Optional<PodCondition> lost = nodeLost(pod);
            if (lost.isPresent()) {
                return RunObservation.failed(succeeded, failed, "NodeLost", "node " + node(pod)
                        + " stopped reporting while pod " + pod.getMetadata().getName() + " ran on it (the node "
                        + "controller marked the pod not ready at " + lost.get().getLastTransitionTime()
                        + "): the run cannot finish there");
            }
        }
        Optional<JobCondition> jobFailed = condition(job, "Failed");
        if (jobFailed.isPresent()) {
            String reason = Optional.ofNullable(jobFailed.get().getReason()).orElse("JobFailed");
            return RunObservation.failed(succeeded, failed, reason,
                    "job " + job.getMetadata().getName() + " failed: " + reason
                            + optional(jobFailed.get().getMessage()));
        }
        Optional<Event> notCreated = latest(job, events);
        if (notCreated.isPresent() && pods.size() < expectedPods
                && REFUSED.matcher(notCreated.get().getMessage().toLowerCase(Locale.ROOT)).find()) {
            return RunObservation.failed(succeeded, failed, "PodsRefused", "the cluster refused the pods of job "
                    + job.getMetadata().getName() + " (" + pods.size() + " of " + expectedPods + " created): "
                    + notCreated.get().getMessage());
        }
        if (succeededByIndex.size() >= expectedPods) {
            List<ShardResult> results = new ArrayList<>();
            for (Pod pod : succeededByIndex.values()) {
                String message = kernelStatus(pod).map(ContainerStatus::getState)
                        .map(s -> s.getTerminated()).map(ContainerStateTerminated::getMessage).orElse(null);
                try {
                    results.add(ShardResult.parse(message));
                } catch (ResultFormatException e) {
                    return RunObservation.failed(succeeded, failed, "ResultUnreadable",
                            "pod " + pod.getMetadata().getName() + ": " + e.getMessage());
                }
            }
            return RunObservation.succeeded(succeeded, results, qosClass(succeededByIndex.values()));
        }
        for (Pod pod : byName) {
            Optional<PodCondition> unschedulable = unschedulable(pod);
            if (unschedulable.isPresent()) {
                Instant since = time(unschedulable.get().getLastTransitionTime()).orElse(created(pod));
                Instant until = since.plus(schedulingTimeout);
                String said = "pod " + pod.getMetadata().getName() + " cannot be scheduled"
                        + optional(unschedulable.get().getMessage());
                if (!now.isBefore(until)) {
                    return RunObservation.failed(succeeded, failed, "Unschedulable", said + "; waited "
                            + schedulingTimeout.toSeconds() + " s (spec.schedulingTimeoutSeconds)");
                }
                return RunObservation.waiting(succeeded, failed,
                        new RunObservation.Waiting("Unschedulable", said + "; gives up at " + until, until));
            }
        }
        if (pulling != null) {
            return RunObservation.waiting(succeeded, failed, pulling);
        }
        if (notCreated.isPresent() && pods.size() < expectedPods) {
            return RunObservation.waiting(succeeded, failed, new RunObservation.Waiting("PodsNotCreated",
                    "the Job controller could not create every pod yet: " + notCreated.get().getMessage(), null));
        }
        boolean allRunning = expectedPods > 1 && pods.size() >= expectedPods
                && pods.stream().allMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
        boolean released = pods.stream().allMatch(p -> p.getMetadata().getAnnotations() != null
                && p.getMetadata().getAnnotations().containsKey(Labels.ANNOTATION_START_AT));
        return RunObservation.running(succeeded, failed, allRunning && !released);
    }

    /**
     * The first pod (by name) whose kernel exited with the workload error's code: its error document's text
     * (file, line, exception), or the kernel's log where no document was written.
     */
    static Optional<RunObservation> workloadError(List<Pod> byName, int succeeded, int failed) {
        for (Pod pod : byName) {
            Optional<ContainerStateTerminated> terminated = kernelStatus(pod).map(ContainerStatus::getState)
                    .map(s -> s.getTerminated())
                    .filter(t -> Integer.valueOf(JobFactory.WORKLOAD_ERROR_EXIT_CODE).equals(t.getExitCode()));
            if (terminated.isPresent()) {
                String message = Optional.ofNullable(terminated.get().getMessage()).orElse("").strip();
                String text = ShardResult.workloadError(message).orElse(message);
                // its container ended before the kubelet's next status said Failed: a failed pod all the same
                boolean counted = pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase());
                return Optional.of(RunObservation.failed(succeeded, counted ? failed : failed + 1, WorkloadCode.REASON,
                        "pod " + pod.getMetadata().getName() + ": " + text));
            }
        }
        return Optional.empty();
    }

    /** The pods' QoS class as the API server set it (one template: the same for all); null when not set. */
    private static String qosClass(java.util.Collection<Pod> pods) {
        return pods.stream().map(p -> p.getStatus() == null ? null : p.getStatus().getQosClass())
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** A registry's answer that says the image will never come (not found, no access, a bad name). */
    static boolean permanentPullError(String message) {
        return message != null && PERMANENT_PULL_ERROR.matcher(message.toLowerCase(Locale.ROOT)).find();
    }

    /** The scheduler's PodScheduled=False condition of a pod it could not place. */
    private static Optional<PodCondition> unschedulable(Pod pod) {
        return podCondition(pod, "PodScheduled").filter(c -> "False".equals(c.getStatus()));
    }

    /**
     * The node controller's mark on a running pod whose node stopped reporting: Ready turned False while
     * its containers stay ready (the kubelet, which would say otherwise, is the one gone).
     */
    private static Optional<PodCondition> nodeLost(Pod pod) {
        if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) {
            return Optional.empty();
        }
        boolean containersReady = podCondition(pod, "ContainersReady").map(c -> "True".equals(c.getStatus()))
                .orElse(false);
        return podCondition(pod, "Ready").filter(c -> "False".equals(c.getStatus()) && containersReady);
    }

    private static String node(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "(unknown)" : pod.getSpec().getNodeName();
    }

    private static Optional<PodCondition> podCondition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** When the pod got its node (its pull began), else when it was made. */
    private static Instant scheduledAt(Pod pod) {
        return podCondition(pod, "PodScheduled").filter(c -> "True".equals(c.getStatus()))
                .flatMap(c -> time(c.getLastTransitionTime())).orElse(created(pod));
    }

    private static Instant created(Pod pod) {
        return time(pod.getMetadata().getCreationTimestamp()).orElse(Instant.EPOCH);
    }

    private static Optional<Instant> time(String rfc3339) {
        try {
            return Optional.ofNullable(rfc3339).map(Instant::parse);
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /** The Job controller's latest {@value #FAILED_CREATE} event about this Job. */
    private static Optional<Event> latest(Job job, List<Event> events) {
        return events.stream()
                .filter(e -> FAILED_CREATE.equals(e.getReason()) && e.getMessage() != null
                        && e.getInvolvedObject() != null
                        && Objects.equals(job.getMetadata().getName(), e.getInvolvedObject().getName()))
                .max(Comparator.comparing(RunObserver::lastSeen));
    }

    private static Instant lastSeen(Event e) {
        return time(e.getLastTimestamp()).or(() -> time(e.getFirstTimestamp())).orElse(Instant.EPOCH);
    }

    static int completionIndex(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String index = annotations == null ? null : annotations.get("batch.kubernetes.io/job-completion-index");
        if (index == null && pod.getMetadata().getLabels() != null) {
            index = pod.getMetadata().getLabels().get("batch.kubernetes.io/job-completion-index");
        }
        try {
            return index == null ? -1 : Integer.parseInt(index);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String waitingReason(String reason) {
        return switch (reason) {
            case "InvalidImageName", "ErrImageNeverPull" -> "ImagePullFailed";
            default -> "ContainerNotCreated";
        };
    }

    private static String failureDetail(Pod pod, Optional<ContainerStatus> kernel) {
        Optional<ContainerStateTerminated> terminated = kernel.map(ContainerStatus::getState).map(s -> s.getTerminated());
        if (terminated.isPresent()) {
            ContainerStateTerminated t = terminated.get();
            String message = t.getMessage() == null ? "" : lastLine(t.getMessage());
            return "exit code " + t.getExitCode() + optional(t.getReason())
                    + (message.isEmpty() ? "" : ": " + message);
        }
        return Optional.ofNullable(pod.getStatus().getReason()).orElse("unknown reason")
                + optional(pod.getStatus().getMessage());
    }

    private static Optional<ContainerStatus> kernelStatus(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> JobFactory.CONTAINER.equals(s.getName())).findFirst();
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    private static String optional(String s) {
        return s == null || s.isBlank() ? "" : " (" + s.strip() + ")";
    }

    private static String lastLine(String s) {
        List<String> lines = s.strip().lines().toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        return last.length() > 300 ? last.substring(0, 300) + "..." : last;
    }
}
