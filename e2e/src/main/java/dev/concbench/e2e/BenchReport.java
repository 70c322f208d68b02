package dev.concbench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * How OperatorBench reports: the targets of docs/benchmarks.md and a verdict against each, percentiles of
 * latencies, the most intervals open at once, and the one-line summary printed last.
 */
final class BenchReport {

    // Targets (issues 5 and 11; docs/benchmarks.md)
    static final double TARGET_CREATE_TO_JOB_MS = 50;
    static final double TARGET_DONE_TO_SUCCEEDED_MS = 250;
    static final double TARGET_RSS_MB = 120;
    static final double TARGET_START_TO_READY_MS = 1500;
    /** Issue 20: no benchmark waits for a free slot longer than this after the one before it ended. */
    static final double TARGET_HAND_OFF_MAX_MS = 1000;

    private final List<String> summary = new ArrayList<>();

    /** Adds a part to the summary line. */
    void summarize(String format, Object... args) {
        summary.add(String.format(Locale.ROOT, format, args));
    }

    /** The summary line, with {@code more} at its end when given. */
    String summaryLine(String... more) {
        List<String> parts = new ArrayList<>(summary);
        parts.addAll(List.of(more));
        return "summary: " + String.join("; ", parts);
    }

    static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    static String memTotal() {
        try (var lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal")).findFirst()
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB memory",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .orElse("memory unknown");
        } catch (IOException e) {
            return "memory unknown";
        }
    }

    /** The most intervals {start, end} open at one point; an interval ends where the next may start. */
    static int maxOverlap(List<long[]> intervals) {
        TreeMap<Long, Integer> delta = new TreeMap<>();
        for (long[] i : intervals) {
            delta.merge(i[0], 1, Integer::sum);
            delta.merge(i[1], -1, Integer::sum);
        }
        int open = 0;
        int max = 0;
        for (int d : delta.values()) {
            open += d;
            max = Math.max(max, open);
        }
        return max;
    }

    /** p50, p95 and max (nearest rank) of a list of milliseconds. */
    record Stats(int n, double p50, double p95, double max) {
        static Stats of(List<Double> ms) {
            List<Double> sorted = ms.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Stats(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.95), sorted.get(sorted.size() - 1));
        }

        private static double rank(List<Double> sorted, double q) {
            int i = (int) Math.ceil(q * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  (n=%d)", p50, p95, max, n);
        }
    }
}
