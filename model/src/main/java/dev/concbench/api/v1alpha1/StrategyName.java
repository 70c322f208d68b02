package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.experimental.Accessors;

import java.util.Arrays;
import java.util.List;

/**
 * A strategy as a spec names it: how a pod runs its share of the calls. The names are the kernel's CLI
 * names (the kernels' own strategies are the code that runs them).
 */
@Getter
@Accessors(fluent = true)
@RequiredArgsConstructor
public enum StrategyName {
    /** A plain loop: the baseline every speedup is measured against. */
    SEQUENTIAL("sequential", false),
    /** One new thread per call. */
    THREADS("threads", false),
    /** A fixed pool of `workers` threads. */
    THREAD_POOL("thread-pool", true),
    /** One new child process per call. */
    PROCESSES("processes", false),
    /** A pool of `workers` long-lived child processes. */
    PROCESS_POOL("process-pool", true),
    /** One task per call on one event loop (python only): io overlaps, cpu runs on the loop's one thread. */
    ASYNCIO("asyncio", false),
    /** A pool of `workers` subinterpreters, a GIL each (CPython 3.14+; the kernel skips it on older ones). */
    INTERPRETER_POOL("interpreter-pool", true),
    /** One virtual thread per call (Java 21+; the kernel skips it on older JVMs). */
    VIRTUAL_THREADS("virtual-threads", false);

    /** The classic five: the default when a benchmark lists none. */
    public static final List<StrategyName> CLASSIC = List.of(SEQUENTIAL, THREADS, THREAD_POOL, PROCESSES, PROCESS_POOL);

    /** The name used in YAML, in the kernel's CLI and in its result document. */
    @JsonValue
    private final String value;
    /** Whether the strategy's concurrency is bounded by `workers` (else by the calls). */
    private final boolean pooled;

    /** Whether a runtime of this kind can run it at all (versions aside: the kernel skips those). */
    public boolean runsOn(Runtime runtime) {
        return switch (this) {
            case ASYNCIO, INTERPRETER_POOL -> runtime.isPython();
            case VIRTUAL_THREADS -> !runtime.isPython();
            default -> true;
        };
    }

    public static StrategyName fromValue(String value) {
        return Arrays.stream(values())
                .filter(s -> s.value.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown strategy: " + value));
    }
}
