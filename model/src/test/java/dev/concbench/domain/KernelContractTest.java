package dev.concbench.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.api.v1alpha1.StartMethod;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's limits, defaults and names held to the kernels' contract (kernel/contract/*.json), the
 * one file both kernels' tests hold their own constants to: whatever the API server admits, both
 * kernels accept. The API may be stricter (workers, the pods and sweeps the kernels know nothing of).
 */
class KernelContractTest {

    private static JsonNode contract(String file) throws IOException {
        return new ObjectMapper().readTree(Path.of("..", "kernel", "contract", file).toFile());
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.isTextual() ? v.asText() : v.path("name").asText()));
        return values;
    }

    @Test
    void theApisRangesAreTheKernelsOrInsideThem() throws IOException {
        JsonNode limits = contract("limits.json");
        assertThat(WorkloadSpec.MAX_CPU_SIZE).isEqualTo(limits.at("/size/cpu/max").asInt());
        assertThat(WorkloadSpec.MAX_IO_MILLIS).isEqualTo(limits.at("/size/io/max").asInt());
        assertThat(WorkloadSpec.MAX_CPU_SIZE).isEqualTo(limits.at("/size/mixed/max").asInt());
        assertThat(WorkloadSpec.MAX_HASH_KIB).isEqualTo(limits.at("/size/hash/max").asInt());
        assertThat(WorkloadSpec.MAX_RACE_UPDATES).isEqualTo(limits.at("/size/race/max").asInt());
        assertThat(WorkloadSpec.MAX_IO_FRACTION).isEqualTo(limits.at("/ioFraction/max").asDouble());
        assertThat(WorkloadSpec.DEFAULT_IO_FRACTION).isEqualTo(limits.at("/ioFraction/default").asDouble());
        assertThat(CustomWorkloadSpec.MAX_CALL_TIMEOUT_SECONDS).isLessThanOrEqualTo(limits.at("/callTimeout/max").asInt());
        assertThat(WorkloadSpec.MAX_TASKS).isEqualTo(limits.at("/tasks/max").asInt());
        assertThat(ConcurrencyBenchmarkSpec.MAX_REPETITIONS).isEqualTo(limits.at("/repetitions/max").asInt());
        assertThat(ConcurrencyBenchmarkSpec.MAX_WARMUP).isEqualTo(limits.at("/warmup/max").asInt());
        assertThat(ConcurrencyBenchmarkSpec.MAX_WORKERS).isLessThanOrEqualTo(limits.at("/workers/max").asInt());
        // every pod is one shard: the API's pods stay within the kernel's shard count
        assertThat(ConcurrencyBenchmarkSpec.MAX_PODS).isLessThanOrEqualTo(limits.at("/shardCount/max").asInt());
    }

    @Test
    void theApisDefaultsAreTheKernels() throws IOException {
        JsonNode limits = contract("limits.json");
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        assertThat(spec.getRepetitions()).isEqualTo(limits.at("/repetitions/default").asInt());
        assertThat(spec.getWarmup()).isEqualTo(limits.at("/warmup/default").asInt());
        assertThat(spec.getWorkers()).isEqualTo(limits.at("/workers/default").asInt());
        List<String> defaults = new ArrayList<>();
        contract("strategies.json").get("strategies").forEach(s -> {
            if (s.path("default").asBoolean()) {
                defaults.add(s.get("name").asText());
            }
        });
        assertThat(spec.getStrategies()).extracting(StrategyName::value).containsExactlyElementsOf(defaults);
    }

    @Test
    void theApisNamesAreTheKernels() throws IOException {
        assertThat(Arrays.stream(StrategyName.values()).map(StrategyName::value))
                .containsExactlyElementsOf(texts(contract("strategies.json").get("strategies")));
        assertThat(Arrays.stream(WorkloadType.values()).map(WorkloadType::value))
                .containsExactlyElementsOf(texts(contract("limits.json").get("workloads")));
        assertThat(Arrays.stream(WorkloadType.values()).filter(WorkloadType::builtIn).map(WorkloadType::value))
                .containsExactlyElementsOf(texts(contract("limits.json").get("builtInWorkloads")));
        assertThat(Arrays.stream(StartMethod.values()).map(StartMethod::value))
                .containsExactlyElementsOf(texts(contract("limits.json").get("startMethods")));
    }
}
