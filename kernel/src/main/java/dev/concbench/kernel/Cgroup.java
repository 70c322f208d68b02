package dev.concbench.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This process's CPU cgroup: its version ({@code v1}, {@code v2}, or null when no cgroup CPU
 * controller is readable, e.g. off Linux) and the directory of its CPU controller.
 *
 * <p>A v2 mount holds {@code cgroup.controllers} (or {@code cpu.max}) at its root; a v1 (or
 * hybrid) root holds one directory per controller. The process's own cgroup is the mount plus
 * the path {@code /proc/self/cgroup} names, where that exists (outside a container); in a
 * container the mount is the view of its own cgroup, and {@code /proc/self/cgroup} may name a
 * host path the view lacks: then the mount itself.
 */
public record Cgroup(String version, Path directory) {

    public static final Cgroup NONE = new Cgroup(null, null);

    static final List<String> V1_CPU_MOUNTS = List.of("cpu", "cpu,cpuacct", "cpuacct,cpu");

    public static Cgroup locate(Path root, Path procCgroup) {
        Map<String, String> paths = parseProcCgroup(CpuSources.readText(procCgroup));
        if (Files.exists(root.resolve("cgroup.controllers")) || Files.exists(root.resolve("cpu.max"))) {
            return new Cgroup("v2", ownDirectory(root, paths.get("")));
        }
        List<Path> mounts = new ArrayList<>(V1_CPU_MOUNTS.stream().map(root::resolve).toList());
        mounts.add(root);
        for (Path mount : mounts) {
            if (Files.exists(mount.resolve("cpu.cfs_quota_us")) || Files.exists(mount.resolve("cpu.stat"))) {
                return new Cgroup("v1", ownDirectory(mount, paths.get("cpu")));
            }
        }
        return NONE;
    }

    /**
     * {controller: path} of {@code /proc/<pid>/cgroup} lines such as {@code 4:cpu,cpuacct:/kubepods/x};
     * the cgroup v2 line ({@code 0::/user.slice}) is under "".
     */
    static Map<String, String> parseProcCgroup(String text) {
        Map<String, String> paths = new HashMap<>();
        if (text == null) {
            return paths;
        }
        for (String line : text.split("\n")) {
            String[] parts = line.strip().split(":", 3);
            if (parts.length != 3) {
                continue;
            }
            for (String controller : parts[1].isEmpty() ? new String[] {""} : parts[1].split(",")) {
                paths.put(controller, parts[2]);
            }
        }
        return paths;
    }

    private static Path ownDirectory(Path mount, String path) {
        String relative = path == null ? "" : path.replaceAll("^/+|/+$", "");
        if (!relative.isEmpty()) {
            Path directory = mount.resolve(relative);
            if (Files.isDirectory(directory)) {
                return directory;
            }
        }
        return mount;
    }

    /** {quota_us, period_us} of v2 {@code cpu.max} or v1 {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}; null when none is set. */
    long[] quota() {
        if ("v2".equals(version)) {
            String cpuMax = CpuSources.firstLine(directory.resolve("cpu.max"));
            if (cpuMax == null || cpuMax.isEmpty()) {
                return null;
            }
            String[] fields = cpuMax.split("\\s+");
            return fields[0].equals("max") ? null : positive(fields[0], fields.length > 1 ? fields[1] : "100000");
        }
        if ("v1".equals(version)) {
            String quota = CpuSources.firstLine(directory.resolve("cpu.cfs_quota_us"));
            String period = CpuSources.firstLine(directory.resolve("cpu.cfs_period_us"));
            return quota == null ? null : positive(quota, period == null || period.isEmpty() ? "100000" : period);
        }
        return null;
    }

    /** CFS throttled time so far, in seconds (cpu.stat); null when not readable. */
    Double throttledSeconds() {
        return version == null ? null : CpuSources.parseThrottledSeconds(CpuSources.readText(directory.resolve("cpu.stat")), version);
    }

    /**
     * Time some task of the cgroup was runnable but waiting so far, in seconds: v2 {@code cpu.pressure}
     * only (a v1 cgroup has none; the machine-wide {@code /proc/pressure/cpu} is not the cgroup's).
     */
    Double stalledSeconds() {
        return "v2".equals(version) ? CpuSources.parseStalledSeconds(CpuSources.readText(directory.resolve("cpu.pressure"))) : null;
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
}
