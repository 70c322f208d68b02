package dev.concbench.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pod's (one shard's) result document, as kernel/CONTRACT.md defines it: format 1, or format 2,
 * which adds the runtime's CPU facts ({@code cgroup}, {@code exclusiveCpus}, {@code onlineCpus}) and per
 * strategy what the CPU gave it ({@code cpu}). A format-1 document has none of them: its rows get no CPU
 * figures and are never flagged contended.
 *
 * @param setup   custom code: seconds its import (set-up) took in the kernel process; else null
 * @param differs custom code: per strategy whose values differed from sequential's, the lowest such task
 * @param lost    race: per strategy, the updates lost over the measured repetitions; else null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShardResult(
        int format,
        String runtime,
        String runtimeVersion,
        int cpus,
        String cpuSource,
        Double cpuQuota,
        String node,
        String pod,
        String shard,
        int tasks,
        String workload,
        long size,
        int workers,
        int repetitions,
        int warmup,
        String checksum,
        double start,
        double end,
        LinkedHashMap<String, List<Double>> times,
        LinkedHashMap<String, String> skipped,
        String implementation,
        String implementationVersion,
        Boolean freeThreaded,
        Boolean gil,
        Boolean jit,
        String startMethod,
        String cgroup,
        Boolean exclusiveCpus,
        Integer onlineCpus,
        LinkedHashMap<String, CpuTimes> cpu,
        Double setup,
        LinkedHashMap<String, Integer> differs,
        LinkedHashMap<String, Long> lost) {

    /** The newest format this reader knows; it reads every format from 1 on. */
    public static final int FORMAT = 2;
    /** The first format with the CPU figures. */
    public static final int FORMAT_WITH_CPU = 2;

    /**
     * What the CPU gave one strategy, each in seconds summed over its measured repetitions (its own timed
     * intervals), null where the platform cannot measure it (never 0 for unknown).
     *
     * @param used      CPU time (user + system) of the kernel, its threads and its joined children
     * @param waited    run-queue delay of its threads and children: runnable, waiting for a CPU
     * @param throttled the kernel's cgroup's CFS throttled time (summed over the CPUs' run queues)
     * @param stalled   cgroup v2 cpu.pressure "some": some task of the cgroup was runnable and waiting
     * @param steal     machine-wide VM steal time, summed over all CPUs
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CpuTimes(Double used, Double waited, Double throttled, Double stalled, Double steal) {

        boolean valid() {
            return java.util.stream.Stream.of(used, waited, throttled, stalled, steal)
                    .allMatch(v -> v == null || v >= 0 && !v.isNaN() && !v.isInfinite());
        }
    }

    /** A format-1 document (the kernel's fields before format 2): no CPU figures. */
    public ShardResult(int format, String runtime, String runtimeVersion, int cpus, String cpuSource, Double cpuQuota,
                        String node, String pod, String shard, int tasks, String workload, long size, int workers,
                        int repetitions, int warmup, String checksum, double start, double end,
                        LinkedHashMap<String, List<Double>> times, LinkedHashMap<String, String> skipped,
                        String implementation, String implementationVersion, Boolean freeThreaded, Boolean gil,
                        Boolean jit, String startMethod) {
        this(format, runtime, runtimeVersion, cpus, cpuSource, cpuQuota, node, pod, shard, tasks, workload, size,
                workers, repetitions, warmup, checksum, start, end, times, skipped, implementation,
                implementationVersion, freeThreaded, gil, jit, startMethod, null, null, null, null, null, null, null);
    }

    /** A format-2 document without the keys of custom code and race (setup, differs, lost). */
    public ShardResult(int format, String runtime, String runtimeVersion, int cpus, String cpuSource, Double cpuQuota,
                        String node, String pod, String shard, int tasks, String workload, long size, int workers,
                        int repetitions, int warmup, String checksum, double start, double end,
                        LinkedHashMap<String, List<Double>> times, LinkedHashMap<String, String> skipped,
                        String implementation, String implementationVersion, Boolean freeThreaded, Boolean gil,
                        Boolean jit, String startMethod, String cgroup, Boolean exclusiveCpus, Integer onlineCpus,
                        LinkedHashMap<String, CpuTimes> cpu) {
        this(format, runtime, runtimeVersion, cpus, cpuSource, cpuQuota, node, pod, shard, tasks, workload, size,
                workers, repetitions, warmup, checksum, start, end, times, skipped, implementation,
                implementationVersion, freeThreaded, gil, jit, startMethod, cgroup, exclusiveCpus, onlineCpus, cpu,
                null, null, null);
    }

    private static final java.util.regex.Pattern SHARD = java.util.regex.Pattern.compile("[0-9]{1,6}/[0-9]{1,6}");

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, false);

    /** Parses and checks a result document; the message of the exception says what is wrong. */
    public static ShardResult parse(String json) throws ResultFormatException {
        if (json == null || json.isBlank()) {
            throw new ResultFormatException("empty result");
        }
        ShardResult r;
        try {
            r = MAPPER.readValue(json.trim(), ShardResult.class);
        } catch (JsonProcessingException e) {
            // Name the offending field when Jackson knows it (a missing or mistyped number, say).
            String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                    ? m.getPath().get(0).getFieldName() : null;
            throw new ResultFormatException("not a kernel result"
                    + (field == null ? "" : " (field " + field + " is missing or invalid)") + ": " + firstLine(json));
        }
        if (r.format < 1 || r.format > FORMAT) {
            throw new ResultFormatException("unsupported result format " + r.format + " (expected 1 to " + FORMAT + ")");
        }
        if (r.shard == null || !SHARD.matcher(r.shard).matches()) {
            throw new ResultFormatException("shard must be I/N, got " + (r.shard == null ? "none" : "\"" + r.shard + "\""));
        }
        if (r.times == null || r.times.isEmpty()) {
            throw new ResultFormatException("result has no times");
        }
        if (r.checksum == null) {
            throw new ResultFormatException("result has no checksum");
        }
        try {
            new BigInteger(r.checksum);
        } catch (NumberFormatException e) {
            throw new ResultFormatException("checksum is not a number: " + r.checksum);
        }
        for (Map.Entry<String, List<Double>> e : r.times.entrySet()) {
            if (e.getValue() == null || e.getValue().size() != r.repetitions
                    || e.getValue().stream().anyMatch(t -> t == null || t < 0 || t.isNaN())) {
                throw new ResultFormatException("times of " + e.getKey() + " do not hold " + r.repetitions
                        + " non-negative values");
            }
        }
        if (r.format >= FORMAT_WITH_CPU) {
            checkCpu(r);
        }
        return r;
    }

    /**
     * The text of a kernel's error document ({@code {"format":2,"workloadError":TEXT}}, written when the
     * user's code failed: exit code 4), empty when the message is something else.
     */
    public static java.util.Optional<String> workloadError(String message) {
        if (message == null || !message.contains("\"workloadError\"")) {
            return java.util.Optional.empty();
        }
        try {
            com.fasterxml.jackson.databind.JsonNode text = MAPPER.readTree(message.trim()).get("workloadError");
            return text != null && text.isTextual() ? java.util.Optional.of(text.asText()) : java.util.Optional.empty();
        } catch (JsonProcessingException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Format 2: five figures per strategy measured, none negative. A strategy (or the whole key) without
     * figures has unknown ones; figures of a strategy that was not measured are a broken document.
     */
    private static void checkCpu(ShardResult r) throws ResultFormatException {
        if (r.cpu == null) {
            return;
        }
        List<String> unmeasured = r.cpu.keySet().stream().filter(s -> !r.times.containsKey(s)).toList();
        if (!unmeasured.isEmpty()) {
            throw new ResultFormatException("cpu figures of " + unmeasured + ", which has no times (measured: "
                    + r.times.keySet() + ")");
        }
        for (Map.Entry<String, CpuTimes> e : r.cpu.entrySet()) {
            if (e.getValue() == null || !e.getValue().valid()) {
                throw new ResultFormatException("cpu figures of " + e.getKey() + " are not non-negative seconds or null");
            }
        }
        if (r.onlineCpus != null && r.onlineCpus < 1) {
            throw new ResultFormatException("onlineCpus is " + r.onlineCpus);
        }
    }

    /**
     * What the CPU gave {@code strategy} in this shard; null for a format-1 document or a strategy without
     * figures.
     */
    public CpuTimes cpuOf(String strategy) {
        return format < FORMAT_WITH_CPU || cpu == null ? null : cpu.get(strategy);
    }

    /** The shard index from "i/n". */
    public int shardIndex() {
        return Integer.parseInt(shard.substring(0, shard.indexOf('/')));
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
