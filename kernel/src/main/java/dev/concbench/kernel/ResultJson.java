package dev.concbench.kernel;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the result as one compact JSON object, keys in the order of CONTRACT.md.
 * Hand-written (the kernel has no dependencies); strings are escaped to ASCII.
 */
public final class ResultJson {

    public static final int FORMAT_VERSION = 2;
    /** The termination message's bound (contract/limits.json resultMaxBytes). */
    public static final int MAX_BYTES = 4096;

    private ResultJson() {
    }

    public static String write(KernelResult r) {
        StringBuilder json = new StringBuilder(1024).append('{');
        field(json, "format").append(FORMAT_VERSION).append(',');
        text(json, "runtime", "java");
        text(json, "runtimeVersion", r.runtimeVersion());
        field(json, "cpus").append(r.cpus().cpus()).append(',');
        text(json, "cpuSource", r.cpus().source());
        field(json, "cpuQuota").append(r.cpus().quotaCpus() == null ? "null" : shortDecimal(r.cpus().quotaCpus()))
                .append(',');
        text(json, "node", r.node());
        text(json, "pod", r.pod());
        text(json, "shard", r.shard().toString());
        field(json, "tasks").append(r.tasks()).append(',');
        text(json, "workload", r.workload().kind().cliName());
        field(json, "size").append(r.workload().size()).append(',');
        field(json, "workers").append(r.workers()).append(',');
        field(json, "repetitions").append(r.repetitions()).append(',');
        field(json, "warmup").append(r.warmup()).append(',');
        text(json, "checksum", Long.toUnsignedString(r.checksum()));
        field(json, "start").append(epochSeconds(r.start())).append(',');
        field(json, "end").append(epochSeconds(r.end())).append(',');
        JvmInfo jvm = r.jvm();
        text(json, "implementation", jvm.implementation());
        text(json, "implementationVersion", jvm.implementationVersion());
        text(json, "vendor", jvm.vendor());
        field(json, "freeThreaded").append("null,");  // Python only
        field(json, "gil").append("null,");
        field(json, "jit").append(jvm.jit()).append(',');
        text(json, "jitCompiler", jvm.jitCompiler());
        strings(field(json, "gc"), jvm.gc()).append(',');
        strings(field(json, "jvmFlags"), jvm.jvmFlags()).append(',');
        field(json, "startMethod").append("null,");  // child JVMs are always new processes
        CpuFacts facts = r.facts();
        text(json, "cgroup", facts.cgroup());
        field(json, "exclusiveCpus").append(facts.exclusiveCpus()).append(',');
        field(json, "onlineCpus").append(facts.onlineCpus()).append(',');
        field(json, "skipped").append('{');
        boolean firstSkipped = true;
        for (Map.Entry<String, String> entry : r.skipped().entrySet()) {
            json.append(firstSkipped ? "" : ",");
            firstSkipped = false;
            string(field(json, entry.getKey()), entry.getValue());
        }
        json.append("},");
        field(json, "times").append('{');
        boolean firstStrategy = true;
        for (Map.Entry<String, List<Long>> entry : r.nanos().entrySet()) {
            if (!firstStrategy) {
                json.append(',');
            }
            firstStrategy = false;
            field(json, entry.getKey()).append('[');
            for (int i = 0; i < entry.getValue().size(); i++) {
                json.append(i == 0 ? "" : ",").append(seconds(entry.getValue().get(i)));
            }
            json.append(']');
        }
        json.append("},");
        field(json, "cpu").append('{');
        boolean firstFigures = true;
        for (String strategy : r.nanos().keySet()) {
            CpuFigures f = r.cpu().getOrDefault(strategy, CpuFigures.UNKNOWN);
            json.append(firstFigures ? "" : ",");
            firstFigures = false;
            field(json, strategy).append('{');
            field(json, "used").append(millis(f.used())).append(',');
            field(json, "waited").append(millis(f.waited())).append(',');
            field(json, "throttled").append(millis(f.throttled())).append(',');
            field(json, "stalled").append(millis(f.stalled())).append(',');
            field(json, "steal").append(millis(f.steal())).append('}');
        }
        json.append('}');
        if (r.setup() != null) {
            json.append(',');
            field(json, "setup").append(seconds(Math.round(r.setup() * 1e9)));
        }
        if (!r.differs().isEmpty()) {
            json.append(',');
            numbers(field(json, "differs"), r.differs());
        }
        if (r.lost() != null) {
            json.append(',');
            numbers(field(json, "lost"), r.lost());
        }
        return json.append('}').toString();
    }

    /**
     * The result of a run the user's code failed: {@code {"format":2,"workloadError":TEXT}}, cut to fit
     * the termination message ({@link #MAX_BYTES}).
     */
    public static String error(String text) {
        String cut = text;
        while (true) {
            StringBuilder json = new StringBuilder().append('{');
            field(json, "format").append(FORMAT_VERSION).append(',');
            string(field(json, "workloadError"), cut).append('}');
            if (json.length() <= MAX_BYTES) {
                return json.toString();
            }
            cut = cut.substring(0, cut.length() / 2) + "...";
        }
    }

    private static void numbers(StringBuilder json, Map<String, ? extends Number> values) {
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, ? extends Number> entry : values.entrySet()) {
            json.append(first ? "" : ",");
            first = false;
            field(json, entry.getKey()).append(entry.getValue());
        }
        json.append('}');
    }

    /** Seconds with at most 3 decimals, trailing zeros dropped but one kept (1.234, 0.5, 2.0); null stays null. */
    static String millis(Double seconds) {
        if (seconds == null) {
            return "null";
        }
        String text = String.format(Locale.ROOT, "%.3f", Math.max(0, Math.round(seconds * 1000) / 1000.0))
                .replaceAll("0+$", "");
        return text.endsWith(".") ? text + "0" : text;
    }

    /** Nanoseconds as seconds with exactly 6 decimals (rounded to the microsecond). */
    public static String seconds(long nanos) {
        long micros = Math.floorDiv(nanos + 500, 1000);
        return Math.floorDiv(micros, 1_000_000) + "." + String.format(Locale.ROOT, "%06d", Math.floorMod(micros, 1_000_000));
    }

    /** An instant as epoch seconds with exactly 6 decimals (truncated to the microsecond). */
    public static String epochSeconds(Instant instant) {
        return instant.getEpochSecond() + "." + String.format(Locale.ROOT, "%06d", instant.getNano() / 1000);
    }

    /** At most 6 decimals, trailing zeros dropped but one kept: 1.5, 2.0, 0.333333. */
    static String shortDecimal(double value) {
        String text = String.format(Locale.ROOT, "%.6f", value).replaceAll("0+$", "");
        return text.endsWith(".") ? text + "0" : text;
    }

    /** A field whose value is a string or null, and the comma after it. */
    private static void text(StringBuilder json, String name, String value) {
        string(field(json, name), value).append(',');
    }

    private static StringBuilder strings(StringBuilder json, List<String> values) {
        json.append('[');
        for (int i = 0; i < values.size(); i++) {
            string(json.append(i == 0 ? "" : ","), values.get(i));
        }
        return json.append(']');
    }

    private static StringBuilder field(StringBuilder json, String name) {
        return string(json, name).append(':');
    }

    private static StringBuilder string(StringBuilder json, String value) {
        if (value == null) {
            return json.append("null");
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
