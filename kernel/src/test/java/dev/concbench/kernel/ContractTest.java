package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel's constants against kernel/contract/, which the Python kernel's tests read too. */
class ContractTest {

    @Test
    void limits() throws UsageException {
        JsonNode limits = Contract.read("limits.json");
        List<String> builtIn = new ArrayList<>();
        for (Workload.Kind kind : Workload.Kind.values()) {
            if (!kind.builtIn()) {
                assertThat(limits.get("size").has(kind.cliName())).as(kind.cliName() + " has no size").isFalse();
                continue;
            }
            builtIn.add(kind.cliName());
            JsonNode size = limits.get("size").get(kind.cliName());
            assertThat(List.of(kind.minSize(), kind.maxSize())).as(kind.cliName())
                    .containsExactly(size.get("min").asInt(), size.get("max").asInt());
        }
        List<String> kinds = new ArrayList<>();
        for (Workload.Kind kind : Workload.Kind.values()) {
            kinds.add(kind.cliName());
        }
        assertThat(kinds).isEqualTo(Contract.strings(limits.get("workloads")));
        assertThat(builtIn).isEqualTo(Contract.strings(limits.get("builtInWorkloads")));
        assertThat(List.of(limits.get("ioFraction").get("min").asDouble(), limits.get("ioFraction").get("max").asDouble(),
                limits.get("ioFraction").get("default").asDouble()))
                .containsExactly(0.0, Workload.MAX_IO_FRACTION, Workload.DEFAULT_IO_FRACTION);
        assertThat(List.of(limits.get("callTimeout").get("min").asInt(), limits.get("callTimeout").get("max").asInt(),
                limits.get("callTimeout").get("default").asInt())).containsExactly(0, Workload.MAX_CALL_TIMEOUT, 0);
        assertThat(KernelOptions.parse(new String[] {"--workload", "mixed", "--size", "1", "--tasks", "1"}).workload()
                .ioFraction()).isEqualTo(limits.get("ioFraction").get("default").asDouble());
        assertThat(KernelOptions.parse(new String[] {"--workload", "custom", "--entrypoint", "a.B", "--tasks", "1"})
                .workload().callTimeout()).isEqualTo(limits.get("callTimeout").get("default").asInt());
        assertThat(limits.get("resultMaxBytes").asInt()).isEqualTo(ResultJson.MAX_BYTES);
        assertThat(limits.get("tasks").get("max").asInt()).isEqualTo(KernelOptions.MAX_TASKS);
        assertThat(limits.get("workers").get("max").asInt()).isEqualTo(KernelOptions.MAX_WORKERS);
        assertThat(limits.get("repetitions").get("max").asInt()).isEqualTo(KernelOptions.MAX_REPETITIONS);
        assertThat(limits.get("warmup").get("max").asInt()).isEqualTo(KernelOptions.MAX_WARMUP);
        assertThat(limits.get("shardCount").get("max").asInt()).isEqualTo(Shard.MAX_COUNT);
        assertThat(Contract.strings(limits.get("startMethods"))).isEqualTo(KernelOptions.START_METHODS);
        // the lower bounds and the defaults, as the parser applies them
        assertThat(List.of(limits.get("tasks").get("min").asInt(), limits.get("workers").get("min").asInt(),
                limits.get("repetitions").get("min").asInt(), limits.get("warmup").get("min").asInt(),
                limits.get("shardCount").get("min").asInt())).containsExactly(1, 0, 1, 0, 1);
        KernelOptions options = KernelOptions.parse(new String[] {"--workload", "cpu", "--size", "1", "--tasks", "1"});
        assertThat(List.of(options.workers(), options.repetitions(), options.warmup())).containsExactly(
                limits.get("workers").get("default").asInt(), limits.get("repetitions").get("default").asInt(),
                limits.get("warmup").get("default").asInt());
    }

    @Test
    void strategyNamesAndDefaults() {
        List<String> names = new ArrayList<>();
        List<String> defaults = new ArrayList<>();
        for (JsonNode strategy : Contract.read("strategies.json").get("strategies")) {
            names.add(strategy.get("name").asText());
            if (strategy.get("default").asBoolean()) {
                defaults.add(strategy.get("name").asText());
            }
        }
        assertThat(Strategy.NAMES).isEqualTo(names);
        assertThat(Strategy.DEFAULTS).isEqualTo(defaults);
    }

    @Test
    void whichJavaRunsWhichStrategyFromWhichVersion() {
        for (JsonNode strategy : Contract.read("strategies.json").get("strategies")) {
            String name = strategy.get("name").asText();
            JsonNode oldest = strategy.get("runtimes").get("jvm");
            for (int feature : new int[] {17, 20, 21, 25}) {
                String version = feature + ".0.1";
                String reason = Strategy.unsupportedReason(name, feature, version);
                boolean expected = oldest != null && feature >= oldest.asInt();
                assertThat(reason == null).as(name + " on " + feature + ": " + reason).isEqualTo(expected);
                if (reason != null) {
                    String label = name.equals("virtual-threads") ? version : "Java " + version;
                    assertThat(reason).isEqualTo(strategy.get("reason").asText().replace("<this>", label));
                }
            }
        }
    }
}
