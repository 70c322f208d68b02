package dev.concbench.kernel;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the result document says; {@link ResultJson} writes it.
 *
 * @param jvm     what the JVM is (implementation, JIT, GC, flags)
 * @param skipped the strategies skipped with {@code --skip-unsupported}, each with why
 * @param facts   the cgroup version, exclusive CPUs, the machine's online CPUs
 * @param cpu     per strategy of {@code nanos}, what the CPU gave it over its measured intervals
 * @param setup   custom code: seconds its loading took in this JVM (class initialization and
 *                constructor), before any timing; else null
 * @param differs per strategy whose values differed from the reference's, the lowest such task
 * @param lost    race: per strategy, the updates lost over the measured repetitions; else null
 */
public record KernelResult(
        String runtimeVersion,
        CpuCount cpus,
        String node,
        String pod,
        Shard shard,
        int tasks,
        Workload workload,
        int workers,
        int repetitions,
        int warmup,
        long checksum,
        Instant start,
        Instant end,
        Map<String, List<Long>> nanos,
        JvmInfo jvm,
        Map<String, String> skipped,
        CpuFacts facts,
        Map<String, CpuFigures> cpu,
        Double setup,
        Map<String, Integer> differs,
        Map<String, Long> lost) {

    /** The runtime's version is cut as the JVM's other strings ({@link JvmInfo#MAX_TEXT}). */
    public KernelResult {
        runtimeVersion = JvmInfo.clip(runtimeVersion);
    }

    /** A result of this JVM with nothing skipped, its CPU facts and figures unknown. */
    public KernelResult(String runtimeVersion, CpuCount cpus, String node, String pod, Shard shard, int tasks,
                        Workload workload, int workers, int repetitions, int warmup, long checksum,
                        Instant start, Instant end, Map<String, List<Long>> nanos) {
        this(runtimeVersion, cpus, node, pod, shard, tasks, workload, workers, repetitions, warmup, checksum,
                start, end, nanos, JvmInfo.current(), Map.of(), CpuFacts.UNKNOWN, Map.of(), null, Map.of(), null);
    }
}
