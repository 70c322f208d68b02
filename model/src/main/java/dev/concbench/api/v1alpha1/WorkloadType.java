package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What one call of the benchmarked function does. */
public enum WorkloadType {
    /** The nested multiply loop: for x in 1..n, for y in 1..n: x*y (size = n). CPU-bound. */
    @JsonProperty("cpu")
    CPU("cpu"),
    /** A blocking sleep of size milliseconds. I/O-bound. */
    @JsonProperty("io")
    IO("io");

    private final String value;

    WorkloadType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
