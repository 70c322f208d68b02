package dev.concbench.kernel;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Everything the result document says; {@link ResultJson} writes it. */
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
        Map<String, List<Long>> nanos) {
}
