package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.experimental.Accessors;

/** What one call of the benchmarked function does. */
@Getter
@Accessors(fluent = true)
@RequiredArgsConstructor
public enum WorkloadType {
    /** The nested multiply loop: for x in 1..n, for y in 1..n: x*y (size = n). CPU-bound. */
    @JsonProperty("cpu")
    CPU("cpu"),
    /** A blocking sleep of size milliseconds. I/O-bound. */
    @JsonProperty("io")
    IO("io");

    private final String value;

}
