package dev.concbench.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Counts the CPUs this process may really use: the affinity mask from
 * {@code Cpus_allowed_list} in {@code /proc/self/status}, capped by the quota of its CPU
 * cgroup rounded up (v2 {@code cpu.max}, v1 {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}).
 * The host's count (as the JVM sees it) only where no affinity mask can be read. Every path
 * can be pointed at a fixture by an environment variable.
 */
public final class CpuCounter {

    public static final String CGROUP_ROOT_ENV = "CONCBENCH_CGROUP_ROOT";
    public static final String PROC_STATUS_ENV = "CONCBENCH_PROC_STATUS";
    public static final String PROC_CGROUP_ENV = "CONCBENCH_PROC_CGROUP";
    public static final String PROC_STAT_ENV = "CONCBENCH_PROC_STAT";
    public static final String CPU_ONLINE_ENV = "CONCBENCH_CPU_ONLINE";

    private final Cgroup cgroup;
    private final Path procStatus;
    private final Path cpuOnline;

    public CpuCounter(Cgroup cgroup, Path procStatus, Path cpuOnline) {
        this.cgroup = cgroup;
        this.procStatus = procStatus;
        this.cpuOnline = cpuOnline;
    }

    public static CpuCounter fromEnvironment(Map<String, String> env) {
        return new CpuCounter(cgroupFromEnvironment(env),
                Path.of(env.getOrDefault(PROC_STATUS_ENV, "/proc/self/status")),
                Path.of(env.getOrDefault(CPU_ONLINE_ENV, "/sys/devices/system/cpu/online")));
    }

    public static Cgroup cgroupFromEnvironment(Map<String, String> env) {
        return Cgroup.locate(Path.of(env.getOrDefault(CGROUP_ROOT_ENV, "/sys/fs/cgroup")),
                Path.of(env.getOrDefault(PROC_CGROUP_ENV, "/proc/self/cgroup")));
    }

    /** The machine's {@code /proc/stat} (steal), or the fixture the environment names. */
    public static Path procStatFromEnvironment(Map<String, String> env) {
        return Path.of(env.getOrDefault(PROC_STAT_ENV, "/proc/stat"));
    }

    public Cgroup cgroup() {
        return cgroup;
    }

    public CpuCount count() {
        Integer affinity = affinityCpus();
        int cpus = affinity != null ? affinity : Runtime.getRuntime().availableProcessors();
        String source = affinity != null ? "affinity" : "host";
        long[] quota = cgroup.quota();
        if (quota == null) {
            return new CpuCount(cpus, source, null);
        }
        long quotaUs = quota[0];
        long periodUs = quota[1];
        long rounded = Math.max(1, (quotaUs + periodUs - 1) / periodUs);
        double quotaCpus = (double) quotaUs / periodUs;
        if (rounded < cpus) {
            return new CpuCount((int) rounded, "cgroup-quota", quotaCpus);
        }
        return new CpuCount(cpus, source, quotaCpus);
    }

    /** The cgroup version, whether the affinity mask is narrower than the online CPUs, the online CPUs. */
    public CpuFacts facts() {
        Integer online = CpuSources.onlineCpus(cpuOnline);
        Integer affinity = affinityCpus();
        return new CpuFacts(cgroup.version(), online == null || affinity == null ? null : affinity < online, online);
    }

    /** CPUs in the affinity mask; null when the status file is unreadable (then the JVM's own count is used). */
    Integer affinityCpus() {
        try {
            for (String line : Files.readAllLines(procStatus)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return Math.max(1, countCpuList(line.substring(line.indexOf(':') + 1)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no such field: fall through
        }
        return null;
    }

    /** Counts the CPUs in a list such as {@code 0-1,4}. */
    static int countCpuList(String list) {
        int total = 0;
        for (String part : list.trim().split(",")) {
            part = part.trim();
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            if (dash >= 0) {
                total += Integer.parseInt(part.substring(dash + 1).trim())
                        - Integer.parseInt(part.substring(0, dash).trim()) + 1;
            } else {
                Integer.parseInt(part);
                total += 1;
            }
        }
        return total;
    }
}
