package dev.concbench.api.v1alpha1;

/** Where a benchmark is in its life. */
public enum Phase {
    /** Accepted, not yet planned or admitted. */
    Pending,
    /** Waiting for a slot: the operator runs a limited number of benchmarks at once. */
    Queued,
    /** Its runs are executing, one after another. */
    Running,
    /** Every run finished and the results are in the status. */
    Succeeded,
    /** Invalid spec, a failed pod, a deadline, or an unreadable result: see the conditions. */
    Failed;

    public boolean terminal() {
        return this == Succeeded || this == Failed;
    }
}
