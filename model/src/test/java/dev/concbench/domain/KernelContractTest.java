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
import java.util.Map;

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
        Map<String, Number> theKernels = Map.of(
                "/size/cpu/max", WorkloadSpec.MAX_CPU_SIZE,
                "/size/io/max", WorkloadSpec.MAX_IO_MILLIS,
                "/size/mixed/max", WorkloadSpec.MAX_CPU_SIZE,
                "/size/hash/max", WorkloadSpec.MAX_HASH_KIB,
                "/size/race/max", WorkloadSpec.MAX_RACE_UPDATES,
                "/ioFraction/max", WorkloadSpec.MAX_IO_FRACTION,
                "/ioFraction/default", WorkloadSpec.DEFAULT_IO_FRACTION,
                "/tasks/max", WorkloadSpec.MAX_TASKS,
                "/repetitions/max", ConcurrencyBenchmarkSpec.MAX_REPETITIONS,
                "/warmup/max", ConcurrencyBenchmarkSpec.MAX_WARMUP);
        theKernels.forEach((pointer, api) ->
                assertThat(api.doubleValue()).as(pointer).isEqualTo(limits.at(pointer).asDouble()));
        Map<String, Number> insideTheKernels = Map.of(
                "/callTimeout/max", CustomWorkloadSpec.MAX_CALL_TIMEOUT_SECONDS,
                "/workers/max", ConcurrencyBenchmarkSpec.MAX_WORKERS,
                "/shardCount/max", ConcurrencyBenchmarkSpec.MAX_PODS); // every pod is one shard
        insideTheKernels.forEach((pointer, api) ->
                assertThat(api.doubleValue()).as(pointer).isLessThanOrEqualTo(limits.at(pointer).asDouble()));
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
