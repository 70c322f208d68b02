package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;

import java.util.Map;

/**
 * The labels and annotations the operator puts on what it makes: they tie Jobs, pods and the kernel's
 * objects to their benchmark, generation and run, and mark them as the operator's (what its admission
 * policies let it change).
 */
public final class Labels {

    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "concbench-operator";
    public static final String LABEL_BENCHMARK = "concbench.dev/benchmark";
    public static final String LABEL_GENERATION = "concbench.dev/generation";
    public static final String LABEL_RUN = "concbench.dev/run";
    /** Annotation on a run's pods that releases the common start (projected by the downward API). */
    public static final String ANNOTATION_START_AT = "concbench.dev/start-at";
    /** On the kernel ConfigMap: SHA-256 of the script it holds (the operator's cache keeps no data). */
    public static final String ANNOTATION_KERNEL_SHA256 = "concbench.dev/kernel-sha256";
    /** On the kernel ConfigMap of a benchmark with an inline source: SHA-256 of the source it holds. */
    public static final String ANNOTATION_SOURCE_SHA256 = "concbench.dev/source-sha256";

    private Labels() {
    }

    /**
     * The labels of what the operator makes for a benchmark (its Jobs' and pods' too): they select every
     * kernel pod of it, whatever the generation and run.
     */
    public static Map<String, String> ofBenchmark(String benchmark) {
        return Map.of(LABEL_MANAGED_BY, MANAGED_BY, LABEL_BENCHMARK, benchmark);
    }

    /** The labels of run {@code run}'s Job and pods. */
    public static Map<String, String> ofRun(ConcurrencyBenchmark cb, long generation, int run) {
        return Map.of(
                LABEL_MANAGED_BY, MANAGED_BY,
                "app.kubernetes.io/name", "concbench-kernel",
                LABEL_BENCHMARK, cb.getMetadata().getName(),
                LABEL_GENERATION, Long.toString(generation),
                LABEL_RUN, Integer.toString(run));
    }
}
