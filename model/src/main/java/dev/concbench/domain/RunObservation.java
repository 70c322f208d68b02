package dev.concbench.domain;

import java.util.List;

/**
 * What a run's Job and pods say right now.
 *
 * @param results     one result per completion index, when every pod succeeded
 * @param startReady  true when every pod of a multi-pod run is running but not yet released
 */
public record RunObservation(State state, int podsSucceeded, int podsFailed, String reason, String message,
                             List<KernelResult> results, boolean startReady) {

    public enum State { RUNNING, SUCCEEDED, FAILED }

    public static RunObservation running(int succeeded, int failed, boolean startReady) {
        return new RunObservation(State.RUNNING, succeeded, failed, null, null, List.of(), startReady);
    }

    public static RunObservation failed(int succeeded, int failed, String reason, String message) {
        return new RunObservation(State.FAILED, succeeded, failed, reason, message, List.of(), false);
    }

    public static RunObservation succeeded(int succeeded, List<KernelResult> results) {
        return new RunObservation(State.SUCCEEDED, succeeded, 0, null, null, List.copyOf(results), false);
    }
}
