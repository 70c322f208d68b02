package dev.concbench.domain;

import java.util.List;

/**
 * What {@link Lifecycle#decide} asks its executor to do, in order. The operator executes these against
 * the API server; the local runner executes the same ones on this machine.
 */
public sealed interface Action {

    /**
     * The step runs the benchmark: hold an admission slot (keep the one it has, or take the free one it
     * was seen to have) before anything after this. An executor that finds the slot taken meanwhile acts
     * on nothing more and looks again.
     */
    record HoldSlot() implements Action {
    }

    /** Start run {@code run}: its Job (or, locally, its kernel processes) on {@code image} (null: none). */
    record CreateJob(PlannedRun run, String jobName, String image) implements Action {
    }

    /** Delete this Job and, in the background, its pods. */
    record DeleteJob(String jobName) implements Action {
    }

    /** Every pod of run {@code run} (its Job {@code jobName}) is running: give them one common start time. */
    record ReleaseStart(int run, String jobName) implements Action {
    }

    /**
     * Something a person reading {@code kubectl describe} wants to know (and a counter counts): its type,
     * reason and message are what the Event says, on the cluster and on the local runner's output.
     */
    sealed interface Event extends Action {
        /** Normal or Warning. */
        String type();

        String reason();

        String message();
    }

    record RunStarted(String jobName, int index, int runs) implements Event {
        @Override
        public String type() {
            return "Normal";
        }

        @Override
        public String reason() {
            return "RunStarted";
        }

        @Override
        public String message() {
            return "run " + (index + 1) + "/" + runs + " started: job " + jobName;
        }
    }

    /** Something ended: Normal when it succeeded, a Warning when not; the reason says what, and which. */
    sealed interface Ended extends Event {
        boolean succeeded();

        /** What ended, as the reason starts: Run, Benchmark. */
        String what();

        @Override
        default String type() {
            return succeeded() ? "Normal" : "Warning";
        }

        @Override
        default String reason() {
            return what() + (succeeded() ? "Succeeded" : "Failed");
        }
    }

    record RunFinished(String jobName, int index, int runs, boolean succeeded) implements Ended {
        @Override
        public String what() {
            return "Run";
        }

        @Override
        public String message() {
            return "run " + (index + 1) + "/" + runs + (succeeded ? " succeeded" : " failed") + ": job " + jobName;
        }
    }

    /**
     * The generation ended.
     *
     * @param specInvalid the validator refused the spec: {@link SpecInvalid} has told it already
     *                    (a spec the API server refused has had no event of its own)
     */
    record BenchmarkFinished(boolean succeeded, String message, boolean specInvalid) implements Ended {
        @Override
        public String what() {
            return "Benchmark";
        }
    }

    record SpecInvalid(String message) implements Event {
        @Override
        public String type() {
            return "Warning";
        }

        @Override
        public String reason() {
            return "InvalidSpec";
        }
    }

    /** A spec change stopped the previous generation's running Jobs. */
    record SpecChanged(Long previousGeneration, long generation, List<String> stoppedJobs) implements Event {
        @Override
        public String type() {
            return "Normal";
        }

        @Override
        public String reason() {
            return "SpecChanged";
        }

        @Override
        public String message() {
            return "spec changed: generation " + (previousGeneration == null ? "?" : previousGeneration)
                    + " stopped (job " + String.join(", ", stoppedJobs) + " deleted); generation " + generation
                    + " starts";
        }
    }

    /** No slot is free for the benchmark: it waits in the queue (its phase is Queued). */
    record WaitingForSlot(String message) implements Event {
        @Override
        public String type() {
            return "Normal";
        }

        @Override
        public String reason() {
            return "Queued";
        }
    }

    /** The benchmark succeeded, but a row its conclusion rests on was contended: inconclusive, and why. */
    record Contended(String message) implements Event {
        @Override
        public String type() {
            return "Warning";
        }

        @Override
        public String reason() {
            return "Contended";
        }
    }
}
