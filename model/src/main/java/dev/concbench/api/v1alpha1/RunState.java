package dev.concbench.api.v1alpha1;

/** The state of one run (one Job). */
public enum RunState {
    /** Planned, its Job not created yet. */
    Planned,
    /** Its Job exists and its pods have not all finished. */
    Running,
    /** Every pod finished and its result was read into the status. */
    Succeeded,
    /** A pod failed, the deadline passed, or a result could not be read. */
    Failed
}
