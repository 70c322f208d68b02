package dev.concbench.domain;

import dev.concbench.api.v1alpha1.RunState;

import java.time.Instant;
import java.util.List;

/**
 * What a run's Job and pods say right now: {@code state} is Running, Succeeded or Failed (a run
 * whose Job does not exist has no observation).
 *
 * @param results     one result per completion index, when every pod succeeded
 * @param startReady  true when every pod of a multi-pod run is running but not yet released
 * @param waiting     why a Running run does not make progress (pods that cannot be scheduled, a registry
 *                    error that may pass, pods not created yet), or null
 * @param qosClass    the pods' QoS class (their status.qosClass) once they succeeded; null locally
 */
public record RunObservation(RunState state, int podsSucceeded, int podsFailed, String reason, String message,
                             List<ShardResult> results, boolean startReady, Waiting waiting, String qosClass) {

    /**
     * Why a run waits, for the Progressing condition.
     *
     * @param reason  one CamelCase word (the condition's reason while it waits)
     * @param message the cause in the cluster's words
     * @param until   when the wait ends the run if nothing changes (null: the run's own deadline)
     */
    public record Waiting(String reason, String message, Instant until) {
    }

    public static RunObservation running(int succeeded, int failed, boolean startReady) {
        return new RunObservation(RunState.Running, succeeded, failed, null, null, List.of(), startReady, null, null);
    }

    public static RunObservation waiting(int succeeded, int failed, Waiting why) {
        return new RunObservation(RunState.Running, succeeded, failed, null, null, List.of(), false, why, null);
    }

    public static RunObservation failed(int succeeded, int failed, String reason, String message) {
        return new RunObservation(RunState.Failed, succeeded, failed, reason, message, List.of(), false, null, null);
    }

    public static RunObservation succeeded(int succeeded, List<ShardResult> results) {
        return succeeded(succeeded, results, null);
    }

    public static RunObservation succeeded(int succeeded, List<ShardResult> results, String qosClass) {
        return new RunObservation(RunState.Succeeded, succeeded, 0, null, null, List.copyOf(results), false, null,
                qosClass);
    }
}
