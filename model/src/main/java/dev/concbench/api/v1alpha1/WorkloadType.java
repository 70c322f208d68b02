package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.experimental.Accessors;

/** What one call of the benchmarked function does. The names are the kernel's CLI names. */
@Getter
@Accessors(fluent = true)
@RequiredArgsConstructor
public enum WorkloadType {
    /** The nested multiply loop: for x in 1..n, for y in 1..n: x*y (size = n). CPU-bound. */
    CPU("cpu"),
    /** A blocking sleep of size milliseconds. I/O-bound. */
    IO("io"),
    /** SHA-256 of a size-KiB buffer: C code that releases CPython's GIL, so threads scale under it. */
    HASH("hash"),
    /** The cpu loop (size = n), then a sleep: ioFraction of the call waits, like a request handler. */
    MIXED("mixed"),
    /** The classic's race: size unlocked updates of one shared field per call; lost updates counted. */
    RACE("race"),
    /** The user's own Python function or Java class (workload.custom). */
    CUSTOM("custom");

    @JsonValue
    private final String value;

    /** A built-in: every call's value is known, so the run's checksum proves no call was lost. */
    public boolean builtIn() {
        return this != CUSTOM;
    }
}
