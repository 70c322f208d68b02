package dev.concbench.kernel;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads and parses the files the CPU figures come from (samples of each in
 * {@code kernel/contract/sources/}). A file that cannot be read or parsed is unknown: null, never 0.
 */
final class CpuSources {

    /** The unit of {@code /proc/stat} and of {@code /proc/<pid>/stat}'s times: ticks of 1/100 s on every Linux the kernel runs on. */
    static final int USER_HZ = 100;

    private CpuSources() {
    }

    static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The first line, stripped; "" for an empty file; null when not readable. */
    static String firstLine(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line = reader.readLine();
            return line == null ? "" : line.strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {run time ns, run-queue delay ns} of a schedstat line ({@code 1234 567 8}). No regular
     * expression: a child JVM reads its own as it ends, and loading the regex classes would
     * lengthen every child.
     */
    static long[] parseSchedstat(String text) {
        String line = text.strip();
        int first = line.indexOf(' ');
        int second = line.indexOf(' ', first + 1);
        return new long[] {Long.parseLong(line.substring(0, first)),
            Long.parseLong(line.substring(first + 1, second < 0 ? line.length() : second))};
    }

    /**
     * parseSchedstat of the file; null when not readable (not Linux, no schedstat). Plain
     * FileInputStream: every thread and child JVM that ends reads its own, and NIO costs more.
     */
    static long[] readSchedstat(Path file) {
        return readSchedstat(file.toString());
    }

    static long[] readSchedstat(String file) {
        byte[] buffer = new byte[128];
        try (FileInputStream in = new FileInputStream(file)) {
            int length = in.read(buffer);
            return length <= 0 ? null : parseSchedstat(new String(buffer, 0, length, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * What a child JVM reports as it ends: the run delay ns of all its threads so far, or "-" when
     * unknown. Here, not in CpuMeter, so that a child loads no more classes than it needs.
     */
    static String ownRunDelay() {
        Map<Long, long[]> stats = taskSchedstats(Path.of("/proc/self/task"));
        if (stats == null) {
            return "-";
        }
        long total = 0;
        for (long[] stat : stats.values()) {
            total += stat[1];
        }
        return Long.toString(total);
    }

    /**
     * {thread id: {run ns, delay ns}} of every live thread; null when not readable. java.io.File,
     * not NIO's directory stream: a child JVM calls this as it ends, before any NIO class is loaded.
     */
    static Map<Long, long[]> taskSchedstats(Path taskDir) {
        String[] tids = taskDir.toFile().list();
        if (tids == null) {
            return null;
        }
        Map<Long, long[]> stats = new HashMap<>();
        for (String tid : tids) {
            long[] stat = CpuSources.readSchedstat(taskDir.resolve(tid).resolve("schedstat"));
            if (stat != null) { // else the thread ended between listing and reading
                stats.put(Long.parseLong(tid), stat);
            }
        }
        return stats;
    }

    /** CFS throttled seconds of a cgroup's cpu.stat: v2 {@code throttled_usec}, v1 {@code throttled_time} (ns); null when absent. */
    static Double parseThrottledSeconds(String text, String version) {
        boolean v2 = "v2".equals(version);
        Long value = keyValue(text, v2 ? "throttled_usec" : "throttled_time");
        return value == null ? null : value / (v2 ? 1e6 : 1e9);
    }

    /** The {@code some} line's {@code total=} (µs), in seconds, of a PSI file; null when absent. */
    static Double parseStalledSeconds(String text) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields[0].equals("some")) {
                for (String field : fields) {
                    if (field.startsWith("total=")) {
                        try {
                            return Long.parseLong(field.substring("total=".length())) / 1e6;
                        } catch (NumberFormatException e) {
                            return null;
                        }
                    }
                }
            }
        }
        return null;
    }

    /**
     * The steal seconds of all CPUs from {@code /proc/stat}'s first line
     * ({@code cpu user nice system idle iowait irq softirq steal ...}, in USER_HZ ticks); null when absent.
     */
    static Double parseStealSeconds(String text) {
        if (text == null) {
            return null;
        }
        String[] fields = text.split("\n", 2)[0].strip().split("\\s+");
        if (fields.length < 9 || !fields[0].equals("cpu")) {
            return null;
        }
        try {
            return Long.parseLong(fields[8]) / (double) USER_HZ;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The machine's online CPUs ({@code /sys/devices/system/cpu/online}, e.g. {@code 0-3}); null when unknown. */
    static Integer onlineCpus(Path cpuOnline) {
        String line = firstLine(cpuOnline);
        try {
            int count = line == null || line.isEmpty() ? 0 : CpuCounter.countCpuList(line);
            return count > 0 ? count : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * {user+system, children's user+system} ticks of {@code /proc/<pid>/stat} (fields 14-17, counted
     * after the command name, which may hold spaces); null when not readable.
     */
    static long[] parseProcessTicks(String text) {
        if (text == null || text.lastIndexOf(')') < 0) {
            return null;
        }
        String[] fields = text.substring(text.lastIndexOf(')') + 1).strip().split("\\s+");
        try {  // fields[0] is field 3 (state)
            return new long[] {Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                Long.parseLong(fields[13]) + Long.parseLong(fields[14])};
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Long keyValue(String text, String key) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 2 && fields[0].equals(key)) {
                try {
                    return Long.parseLong(fields[1]);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
