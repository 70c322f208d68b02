package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultJsonTest {

    static final List<String> KEYS = List.of("format", "runtime", "runtimeVersion", "cpus", "cpuSource",
            "cpuQuota", "node", "pod", "shard", "tasks", "workload", "size", "workers", "repetitions",
            "warmup", "checksum", "start", "end", "times");

    @Test
    void theLargestAllowedDocumentFitsTheTerminationMessage() throws Exception {
        Map<String, List<Long>> nanos = new LinkedHashMap<>();
        for (String name : Strategy.NAMES) {
            nanos.put(name, Collections.nCopies(KernelOptions.MAX_REPETITIONS, 99_999_999_999_000L));
        }
        Instant late = Instant.ofEpochSecond(9_999_999_999L, 999_999_000);
        KernelResult result = new KernelResult(
                Runtime.version().toString(),
                new CpuCount(KernelOptions.MAX_WORKERS, "cgroup-quota", 1023.999999),
                "n".repeat(253), "p".repeat(63), new Shard(99_999, 100_000), 100_000,
                new Workload(Workload.Kind.IO, 600_000), KernelOptions.MAX_WORKERS,
                KernelOptions.MAX_REPETITIONS, KernelOptions.MAX_WARMUP, -1L, late, late, nanos);

        String json = ResultJson.write(result);

        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        JsonNode doc = new ObjectMapper().readTree(json);
        List<String> keys = new ArrayList<>();
        doc.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isEqualTo(KEYS);
        assertThat(doc.get("checksum").asText()).isEqualTo("18446744073709551615");
        assertThat(doc.get("times").get("process-pool")).hasSize(20);
        assertThat(json).contains("99999.999999,").contains("\"start\":9999999999.999999,");
    }

    @Test
    void typesAndFormats() throws Exception {
        KernelResult result = new KernelResult("17.0.1", new CpuCount(2, "affinity", null), null, "pod-\"x\"",
                new Shard(0, 1), 3, new Workload(Workload.Kind.CPU, 10), 2, 1, 0, 7,
                Instant.ofEpochSecond(1_764_070_000L, 123_456_789), Instant.ofEpochSecond(1_764_070_001L, 5_000),
                Map.of("sequential", List.of(1_500_000L)));
        String json = ResultJson.write(result);
        assertThat(json).doesNotContain(" ")
                .contains("\"format\":1,\"runtime\":\"java\",\"runtimeVersion\":\"17.0.1\",\"cpus\":2,")
                .contains("\"cpuQuota\":null,\"node\":null,\"pod\":\"pod-\\\"x\\\"\"")
                .contains("\"checksum\":\"7\",\"start\":1764070000.123456,\"end\":1764070001.000005,")
                .endsWith("\"times\":{\"sequential\":[0.001500]}}");
        JsonNode doc = new ObjectMapper().readTree(json);
        assertThat(doc.get("pod").asText()).isEqualTo("pod-\"x\"");
        assertThat(doc.get("cpus").isInt()).isTrue();
        assertThat(doc.get("start").isDouble()).isTrue();
    }

    @Test
    void numbers() {
        assertThat(ResultJson.seconds(0)).isEqualTo("0.000000");
        assertThat(ResultJson.seconds(1_234_567_499L)).isEqualTo("1.234567");
        assertThat(ResultJson.seconds(1_234_567_500L)).isEqualTo("1.234568");
        assertThat(ResultJson.shortDecimal(1.5)).isEqualTo("1.5");
        assertThat(ResultJson.shortDecimal(2.0)).isEqualTo("2.0");
        assertThat(ResultJson.shortDecimal(1.0 / 3)).isEqualTo("0.333333");
    }

    @Test
    void nonAsciiIsEscaped() {
        KernelResult result = new KernelResult("17", new CpuCount(1, "affinity", 0.5), "nœud\n", null,
                new Shard(0, 1), 1, new Workload(Workload.Kind.IO, 0), 1, 1, 0, 0,
                Instant.EPOCH, Instant.EPOCH, Map.of());
        assertThat(ResultJson.write(result)).contains("\"node\":\"n\\u0153ud\\n\"").contains("\"cpuQuota\":0.5,");
    }
}
