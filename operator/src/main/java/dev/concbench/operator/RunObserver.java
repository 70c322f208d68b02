package dev.concbench.operator;

import dev.concbench.domain.Names;
import dev.concbench.domain.RunObservation;
import dev.concbench.domain.KernelResult;
import dev.concbench.domain.ResultFormatException;
import dev.concbench.domain.WorkloadCode;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a run's state from its Job and pods. Pure: the reconciler passes what its
 * informers hold. A run fails on the first sign that it cannot succeed, with a message
 * that names the pod.
 */
public final class RunObserver {

    /** Waiting reasons that will not go away by themselves. */
    static final Set<String> FATAL_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError", "ErrImageNeverPull");

    private RunObserver() {
    }

    public static RunObservation observe(Job job, List<Pod> pods, int expectedPods) {
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
        // At the deadline the Job controller kills the pods: the deadline is the cause, and
        // pods that never got a node are the usual reason (say which).
        // (The Job controller sets FailureTarget before it terminates the pods, Failed after.)
        Optional<JobCondition> deadline = condition(job, "FailureTarget")
                .or(() -> condition(job, "Failed"))
                .filter(c -> "DeadlineExceeded".equals(c.getReason()));
        if (deadline.isPresent()) {
            List<String> unscheduled = pods.stream().filter(RunObserver::unschedulable)
                    .map(p -> p.getMetadata().getName()).sorted().toList();
            return RunObservation.failed(succeeded, failed, "DeadlineExceeded", "job " + job.getMetadata().getName()
                    + " exceeded its deadline" + optional(deadline.get().getMessage())
                    + (unscheduled.isEmpty() ? "" : "; never scheduled: " + String.join(", ", unscheduled)));
        }
        // The user's code failed in a pod: that decides the run, whichever pods the Job stopped after it.
        Optional<RunObservation> workloadError = workloadError(pods, succeeded, failed);
        if (workloadError.isPresent()) {
            return workloadError.get();
        }
        // A pod that failed or cannot start decides the run.
        for (Pod pod : pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList()) {
            Optional<ContainerStatus> kernel = kernelStatus(pod);
            Optional<ContainerStateWaiting> waiting = kernel.map(s -> s.getState() == null ? null : s.getState().getWaiting());
            if (waiting.isPresent() && FATAL_WAITING.contains(waiting.get().getReason())) {
                return RunObservation.failed(succeeded, failed, waitingReason(waiting.get().getReason()),
                        "pod " + pod.getMetadata().getName() + ": " + waiting.get().getReason()
                                + optional(waiting.get().getMessage()));
            }
            if (pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase())) {
                // The memory limit killed the kernel: say so in the reason, not only in the message.
                boolean oomKilled = kernel.map(ContainerStatus::getState).map(s -> s.getTerminated())
                        .map(t -> "OOMKilled".equals(t.getReason())).orElse(false);
                return RunObservation.failed(succeeded, failed, oomKilled ? "OOMKilled" : "PodFailed",
                        "pod " + pod.getMetadata().getName() + " failed: " + failureDetail(pod, kernel));
            }
        }
        Optional<JobCondition> jobFailed = condition(job, "Failed");
        if (jobFailed.isPresent()) {
            String reason = Optional.ofNullable(jobFailed.get().getReason()).orElse("JobFailed");
            return RunObservation.failed(succeeded, failed, reason,
                    "job " + job.getMetadata().getName() + " failed: " + reason
                            + optional(jobFailed.get().getMessage()));
        }
        if (succeededByIndex.size() >= expectedPods) {
            List<KernelResult> results = new ArrayList<>();
            for (Pod pod : succeededByIndex.values()) {
                String message = kernelStatus(pod).map(ContainerStatus::getState)
                        .map(s -> s.getTerminated()).map(ContainerStateTerminated::getMessage).orElse(null);
                try {
                    results.add(KernelResult.parse(message));
                } catch (ResultFormatException e) {
                    return RunObservation.failed(succeeded, failed, "ResultUnreadable",
                            "pod " + pod.getMetadata().getName() + ": " + e.getMessage());
                }
            }
            return RunObservation.succeeded(succeeded, results);
        }
        boolean allRunning = expectedPods > 1 && pods.size() >= expectedPods
                && pods.stream().allMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
        boolean released = pods.stream().allMatch(p -> p.getMetadata().getAnnotations() != null
                && p.getMetadata().getAnnotations().containsKey(Names.ANNOTATION_START_AT));
        return RunObservation.running(succeeded, failed, allRunning && !released);
    }

    /**
     * The first pod (by name) whose kernel exited with the workload error's code: its error document's text
     * (file, line, exception), or the kernel's log where no document was written.
     */
    static Optional<RunObservation> workloadError(List<Pod> pods, int succeeded, int failed) {
        for (Pod pod : pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList()) {
            Optional<ContainerStateTerminated> terminated = kernelStatus(pod).map(ContainerStatus::getState)
                    .map(s -> s.getTerminated())
                    .filter(t -> Integer.valueOf(JobFactory.WORKLOAD_ERROR_EXIT_CODE).equals(t.getExitCode()));
            if (terminated.isPresent()) {
                String message = Optional.ofNullable(terminated.get().getMessage()).orElse("").strip();
                String text = KernelResult.workloadError(message).orElse(message);
                return Optional.of(RunObservation.failed(succeeded, failed, WorkloadCode.REASON,
                        "pod " + pod.getMetadata().getName() + ": " + text));
            }
        }
        return Optional.empty();
    }

    private static boolean unschedulable(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream().anyMatch(c -> "PodScheduled".equals(c.getType())
                && "False".equals(c.getStatus()));
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
            case "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull" -> "ImagePullFailed";
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
