package dev.concbench.api.v1alpha1;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API's enums travel as their YAML names (the value field), both ways, as the operator's client maps them. */
class EnumJsonTest {

    private final KubernetesSerialization json = new KubernetesSerialization();

    private <E extends Enum<E>> void roundTrips(Class<E> type, Function<E, String> value) {
        for (E constant : type.getEnumConstants()) {
            String written = json.asJson(constant);
            assertThat(written).as(constant.name()).isEqualTo("\"" + value.apply(constant) + "\"");
            assertThat(json.unmarshal(written, type)).isEqualTo(constant);
        }
        assertThatThrownBy(() -> json.unmarshal("\"" + type.getEnumConstants()[0].name() + "\"", type))
                .as("the Java name is not a YAML name").isInstanceOf(RuntimeException.class);
    }

    @Test
    void everyConstantIsWrittenAndReadByItsName() {
        roundTrips(Runtime.class, Runtime::value);
        roundTrips(StrategyName.class, StrategyName::value);
        roundTrips(WorkloadType.class, WorkloadType::value);
        roundTrips(StartMethod.class, StartMethod::value);
        roundTrips(Network.class, Network::value);
    }

    @Test
    void aSpecReadsTheNames() {
        ConcurrencyBenchmarkSpec spec = json.unmarshal("""
                {"runtime": "cpython-3.13t", "workload": {"type": "io", "size": 1, "tasks": 2},
                 "strategies": ["sequential", "thread-pool"], "startMethod": "forkserver", "network": "allow"}
                """, ConcurrencyBenchmarkSpec.class);
        assertThat(spec.getRuntime()).isEqualTo(Runtime.CPYTHON_3_13T);
        assertThat(spec.getWorkload().getType()).isEqualTo(WorkloadType.IO);
        assertThat(spec.getStrategies()).isEqualTo(List.of(StrategyName.SEQUENTIAL, StrategyName.THREAD_POOL));
        assertThat(spec.getStartMethod()).isEqualTo(StartMethod.FORKSERVER);
        assertThat(spec.getNetwork()).isEqualTo(Network.ALLOW);
    }
}
