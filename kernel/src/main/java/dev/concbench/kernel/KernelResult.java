package dev.concbench.kernel;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the result document says; {@link ResultJson} writes it.
 *
 * @param jvm     what the JVM is (implementation, JIT, GC, flags)
 * @param skipped the strategies skipped with {@code --skip-unsupported}, each with why
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
        Map<String, String> skipped) {

    /** A result of this JVM with nothing skipped. */
    public KernelResult(String runtimeVersion, CpuCount cpus, String node, String pod, Shard shard, int tasks,
                        Workload workload, int workers, int repetitions, int warmup, long checksum,
                        Instant start, Instant end, Map<String, List<Long>> nanos) {
        this(runtimeVersion, cpus, node, pod, shard, tasks, workload, workers, repetitions, warmup, checksum,
                start, end, nanos, JvmInfo.current(), Map.of());
    }
}
