package dev.concbench.kernel;

/**
 * The CPUs this process may use.
 *
 * @param cpus      the CPUs seen: affinity mask size, capped by the quota rounded up
 * @param source    {@code affinity} or {@code cgroup-quota}: which bound won; {@code host} when
 *                  no affinity mask could be read and the JVM's own count was used
 * @param quotaCpus the cgroup quota in CPUs, or null when no quota is set
 */
public record CpuCount(int cpus, String source, Double quotaCpus) {
}
