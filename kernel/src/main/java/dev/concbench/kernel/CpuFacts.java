package dev.concbench.kernel;

/**
 * The runtime facts of result format 2, each null when unknown.
 *
 * @param cgroup        {@code v1} or {@code v2}: the version of this process's CPU cgroup
 * @param exclusiveCpus the affinity mask is narrower than the machine's online CPUs
 * @param onlineCpus    the machine's online CPUs
 */
public record CpuFacts(String cgroup, Boolean exclusiveCpus, Integer onlineCpus) {

    public static final CpuFacts UNKNOWN = new CpuFacts(null, null, null);
}
