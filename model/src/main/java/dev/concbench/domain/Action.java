package dev.concbench.domain;

import java.util.List;

/**
 * What {@link Lifecycle#decide} asks its executor to do. The operator executes these against the
 * API server; the local runner executes the same ones on this machine.
 */
public sealed interface Action {

    /** Start run {@code run}: its Job (or, locally, its kernel processes). */
    record CreateJob(PlannedRun run, String jobName) implements Action {
    }

    /** Delete this Job and, in the background, its pods. */
    record DeleteJob(String jobName) implements Action {
    }

    /** Every pod of run {@code run} (its Job {@code jobName}) is running: give them one common start time. */
    record ReleaseStart(int run, String jobName) implements Action {
    }

    /** Something a person reading {@code kubectl describe} wants to know (and a counter counts). */
    sealed interface Event extends Action {
    }

    record RunStarted(String jobName, int index, int runs) implements Event {
    }

    record RunFinished(String jobName, int index, int runs, boolean succeeded) implements Event {
    }

    /**
     * The generation ended.
     *
     * @param specInvalid the validator refused the spec: {@link SpecInvalid} has told it already
     *                    (a spec the API server refused has had no event of its own)
     */
    record BenchmarkFinished(boolean succeeded, String message, boolean specInvalid) implements Event {
    }

    record SpecInvalid(String message) implements Event {
    }

    /** A spec change stopped the previous generation's running Jobs. */
    record SpecChanged(Long previousGeneration, long generation, List<String> stoppedJobs) implements Event {
    }

    record Queued(String message) implements Event {
    }

    /** The benchmark succeeded, but a row its conclusion rests on was contended: inconclusive, and why. */
    record Contended(String message) implements Event {
    }
}
