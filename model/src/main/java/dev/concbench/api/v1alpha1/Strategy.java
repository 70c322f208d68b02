package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;

/** How a pod runs its share of the calls. The names are the kernel's CLI names. */
public enum Strategy {
    /** A plain loop: the baseline every speedup is measured against. */
    @JsonProperty("sequential")
    SEQUENTIAL("sequential", false),
    /** One new thread per call. */
    @JsonProperty("threads")
    THREADS("threads", false),
    /** A fixed pool of `workers` threads. */
    @JsonProperty("thread-pool")
    THREAD_POOL("thread-pool", true),
    /** One new child process per call. */
    @JsonProperty("processes")
    PROCESSES("processes", false),
    /** A pool of `workers` long-lived child processes. */
    @JsonProperty("process-pool")
    PROCESS_POOL("process-pool", true);

    private final String value;
    private final boolean pooled;

    Strategy(String value, boolean pooled) {
        this.value = value;
        this.pooled = pooled;
    }

    /** The name used in YAML, in the kernel's CLI and in its result document. */
    public String value() {
        return value;
    }

    /** Whether the strategy's concurrency is bounded by `workers` (else by the calls). */
    public boolean pooled() {
        return pooled;
    }

    public static Strategy fromValue(String value) {
        return Arrays.stream(values())
                .filter(s -> s.value.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown strategy: " + value));
    }
}
