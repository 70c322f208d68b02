package dev.concbench.domain;

/**
 * Deterministic names of what the operator creates (their labels: {@link Labels}). Names stay within 63
 * characters (a Job's name becomes a pod label) whatever the benchmark's name.
 */
public final class Names {

    public static final int MAX = 63;
    /** Pod names of an Indexed Job append "-<index>-<5 random>"; leave room for them. */
    public static final int MAX_JOB_NAME = 52;

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

    /** {@code base + suffix}, or a prefix of base plus a hash of it when that is too long. */
    public static String fit(String base, String suffix, int max) {
        if (base.length() + suffix.length() <= max) {
            return base + suffix;
        }
        String hash = Sha256.hex(base).substring(0, 8);
        int keep = max - suffix.length() - hash.length() - 1;
        String prefix = base.substring(0, keep).replaceAll("[-.]+$", "");
        return prefix + "-" + hash + suffix;
    }
}
