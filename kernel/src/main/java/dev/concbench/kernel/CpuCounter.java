package dev.concbench.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Counts the CPUs this process may really use: the affinity mask from
 * {@code Cpus_allowed_list} in {@code /proc/self/status}, capped by the cgroup CPU
 * quota rounded up (v2 {@code cpu.max}, v1 {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}).
 * The host's count (as the JVM sees it) only where no affinity mask can be read.
 * Both paths are parameters so tests can use fixture files.
 */
public final class CpuCounter {

    public static final String CGROUP_ROOT_ENV = "CONCBENCH_CGROUP_ROOT";
    public static final String PROC_STATUS_ENV = "CONCBENCH_PROC_STATUS";

    private final Path cgroupRoot;
    private final Path procStatus;

    public CpuCounter(Path cgroupRoot, Path procStatus) {
        this.cgroupRoot = cgroupRoot;
        this.procStatus = procStatus;
    }

    public static CpuCounter fromEnvironment(Map<String, String> env) {
        return new CpuCounter(
                Path.of(env.getOrDefault(CGROUP_ROOT_ENV, "/sys/fs/cgroup")),
                Path.of(env.getOrDefault(PROC_STATUS_ENV, "/proc/self/status")));
    }

    public CpuCount count() {
        Integer affinity = affinityCpus();
        int cpus = affinity != null ? affinity : Runtime.getRuntime().availableProcessors();
        String source = affinity != null ? "affinity" : "host";
        long[] quota = quota();
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

    /** {quota_us, period_us}, or null when no quota is set. */
    long[] quota() {
        String cpuMax = firstLine(cgroupRoot.resolve("cpu.max"));
        if (cpuMax != null && !cpuMax.isEmpty()) {
            String[] fields = cpuMax.trim().split("\\s+");
            if (fields[0].equals("max")) {
                return null;
            }
            return positive(fields[0], fields.length > 1 ? fields[1] : "100000");
        }
        for (Path dir : List.of(cgroupRoot, cgroupRoot.resolve("cpu"), cgroupRoot.resolve("cpu,cpuacct"))) {
            String quota = firstLine(dir.resolve("cpu.cfs_quota_us"));
            if (quota == null) {
                continue;
            }
            String period = firstLine(dir.resolve("cpu.cfs_period_us"));
            return positive(quota, period == null ? "100000" : period);
        }
        return null;
    }

    private static long[] positive(String quota, String period) {
        try {
            long q = Long.parseLong(quota.trim());
            long p = Long.parseLong(period.trim());
            return q > 0 && p > 0 ? new long[] {q, p} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? "" : lines.get(0).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
