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

    /** A file the counts are read from: the machine's own, or the fixture its environment variable names. */
    public enum HostFile {
        CGROUP_ROOT("CONCBENCH_CGROUP_ROOT", "/sys/fs/cgroup"),
        PROC_STATUS("CONCBENCH_PROC_STATUS", "/proc/self/status"),
        PROC_CGROUP("CONCBENCH_PROC_CGROUP", "/proc/self/cgroup"),
        /** Steal time. */
        PROC_STAT("CONCBENCH_PROC_STAT", "/proc/stat"),
        CPU_ONLINE("CONCBENCH_CPU_ONLINE", "/sys/devices/system/cpu/online");

        private final String env;
        private final String path;

        HostFile(String env, String path) {
            this.env = env;
            this.path = path;
        }

        /** The environment variable that points this file at a fixture. */
        public String env() {
            return env;
        }

        public Path in(Map<String, String> environment) {
            return Path.of(environment.getOrDefault(env, path));
        }
    }

    private final Cgroup cgroup;
    private final Path procStatus;
    private final Path cpuOnline;

    public CpuCounter(Cgroup cgroup, Path procStatus, Path cpuOnline) {
        this.cgroup = cgroup;
        this.procStatus = procStatus;
        this.cpuOnline = cpuOnline;
    }

    public static CpuCounter fromEnvironment(Map<String, String> env) {
        return new CpuCounter(Cgroup.locate(HostFile.CGROUP_ROOT.in(env), HostFile.PROC_CGROUP.in(env)),
                HostFile.PROC_STATUS.in(env), HostFile.CPU_ONLINE.in(env));
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
