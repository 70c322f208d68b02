package dev.concbench.domain;

import dev.concbench.api.v1alpha1.RunState;

import java.util.List;

/**
 * What a run's Job and pods say right now: {@code state} is Running, Succeeded or Failed (a run
 * whose Job does not exist has no observation).
 *
 * @param results     one result per completion index, when every pod succeeded
 * @param startReady  true when every pod of a multi-pod run is running but not yet released
 * @param qosClass    the pods' QoS class (their status.qosClass) once they succeeded; null locally
 */
public record RunObservation(RunState state, int podsSucceeded, int podsFailed, String reason, String message,
                             List<KernelResult> results, boolean startReady, String qosClass) {

    public static RunObservation running(int succeeded, int failed, boolean startReady) {
        return new RunObservation(RunState.Running, succeeded, failed, null, null, List.of(), startReady, null);
    }

    public static RunObservation failed(int succeeded, int failed, String reason, String message) {
        return new RunObservation(RunState.Failed, succeeded, failed, reason, message, List.of(), false, null);
    }

    public static RunObservation succeeded(int succeeded, List<KernelResult> results) {
        return succeeded(succeeded, results, null);
    }

    public static RunObservation succeeded(int succeeded, List<KernelResult> results, String qosClass) {
        return new RunObservation(RunState.Succeeded, succeeded, 0, null, null, List.copyOf(results), false, qosClass);
    }
}
