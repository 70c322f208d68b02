package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Deterministic names and labels of what the operator creates. Names stay within 63
 * characters (a Job's name becomes a pod label) whatever the benchmark's name.
 */
public final class Names {

    public static final int MAX = 63;
    /** Pod names of an Indexed Job append "-<index>-<5 random>"; leave room for them. */
    public static final int MAX_JOB_NAME = 52;

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

    private Names() {
    }

    /** Hex digits of the benchmark's UID in the names of what it owns. */
    static final int UID_FRAGMENT = 6;

    /**
     * The Job of run {@code run} of generation {@code generation}, e.g. {@code demo-3f2a9c-g1-r0}. The
     * fragment of the benchmark's UID keeps apart the Jobs of benchmarks that had the same name (one
     * deleted and applied again: the old one's Jobs may still be there) ({@code uid} null: none, the local
     * runner's).
     */
    public static String jobName(String benchmark, String uid, long generation, int run) {
        return fit(benchmark, uidFragment(uid) + "-g" + generation + "-r" + run, MAX_JOB_NAME);
    }

    /** The ConfigMap holding the Python kernel, e.g. {@code demo-3f2a9c-kernel}. */
    public static String kernelConfigMapName(String benchmark, String uid) {
        return fit(benchmark, uidFragment(uid) + "-kernel", MAX);
    }

    /** The UID's last hex digits: random in Kubernetes' UIDs, and where other UIDs (a test server's) differ. */
    private static String uidFragment(String uid) {
        String hex = uid == null ? "" : uid.replace("-", "").toLowerCase(java.util.Locale.ROOT);
        return hex.isEmpty() ? "" : "-" + hex.substring(Math.max(0, hex.length() - UID_FRAGMENT));
    }

    /** The NetworkPolicy of the benchmark's kernel pods (another kind than the ConfigMap: the same name). */
    public static String kernelNetworkPolicyName(String benchmark, String uid) {
        return kernelConfigMapName(benchmark, uid);
    }

    /**
     * The labels of what the operator makes for a benchmark (its Jobs' and pods' too): they select every
     * kernel pod of it, whatever the generation and run.
     */
    public static Map<String, String> benchmarkLabels(String benchmark) {
        return Map.of(LABEL_MANAGED_BY, MANAGED_BY, LABEL_BENCHMARK, benchmark);
    }

    public static Map<String, String> runLabels(ConcurrencyBenchmark cb, long generation, int run) {
        return Map.of(
                LABEL_MANAGED_BY, MANAGED_BY,
                "app.kubernetes.io/name", "concbench-kernel",
                LABEL_BENCHMARK, cb.getMetadata().getName(),
                LABEL_GENERATION, Long.toString(generation),
                LABEL_RUN, Integer.toString(run));
    }

    /** {@code base + suffix}, or a prefix of base plus a hash of it when that is too long. */
    public static String fit(String base, String suffix, int max) {
        if (base.length() + suffix.length() <= max) {
            return base + suffix;
        }
        String hash = sha256(base).substring(0, 8);
        int keep = max - suffix.length() - hash.length() - 1;
        String prefix = base.substring(0, keep).replaceAll("[-.]+$", "");
        return prefix + "-" + hash + suffix;
    }

    /** Hex SHA-256 of {@code s}'s UTF-8 bytes: the hash in shortened names and the kernel script's annotation. */
    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
