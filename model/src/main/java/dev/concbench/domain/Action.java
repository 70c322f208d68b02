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
        /** Which event this is; it fixes the reason and the type. */
        Kind kind();

        String message();

        default String reason() {
            return kind().name();
        }

        /** Normal or Warning. */
        default String type() {
            return kind().type.name();
        }

        /**
         * Each kind of event: its name is the Event's reason (one CamelCase word; e2e tests and docs read
         * it), with its type.
         */
        enum Kind {
            RunStarted(Type.Normal),
            RunSucceeded(Type.Normal),
            RunFailed(Type.Warning),
            BenchmarkSucceeded(Type.Normal),
            BenchmarkFailed(Type.Warning),
            InvalidSpec(Type.Warning),
            SpecChanged(Type.Normal),
            Queued(Type.Normal),
            Contended(Type.Warning);

            private final Type type;

            Kind(Type type) {
                this.type = type;
            }
        }

        /** An Event's type. */
        enum Type { Normal, Warning }
    }

    record RunStarted(String jobName, int index, int runs) implements Event {
        @Override
        public Kind kind() {
            return Kind.RunStarted;
        }

        @Override
        public String message() {
            return "run " + (index + 1) + "/" + runs + " started: job " + jobName;
        }
    }

    record RunFinished(String jobName, int index, int runs, boolean succeeded) implements Event {
        @Override
        public Kind kind() {
            return succeeded ? Kind.RunSucceeded : Kind.RunFailed;
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
    record BenchmarkFinished(boolean succeeded, String message, boolean specInvalid) implements Event {
        @Override
        public Kind kind() {
            return succeeded ? Kind.BenchmarkSucceeded : Kind.BenchmarkFailed;
        }
    }

    record SpecInvalid(String message) implements Event {
        @Override
        public Kind kind() {
            return Kind.InvalidSpec;
        }
    }

    /** A spec change stopped the previous generation's running Jobs. */
    record SpecChanged(Long previousGeneration, long generation, List<String> stoppedJobs) implements Event {
        @Override
        public Kind kind() {
            return Kind.SpecChanged;
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
        public Kind kind() {
            return Kind.Queued;
        }
    }

    /** The benchmark succeeded, but a row its conclusion rests on was contended: inconclusive, and why. */
    record Contended(String message) implements Event {
        @Override
        public Kind kind() {
            return Kind.Contended;
        }
    }
}
