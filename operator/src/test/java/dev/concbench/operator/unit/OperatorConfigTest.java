package dev.concbench.operator.unit;

import dev.concbench.domain.BenchmarkPolicy;
import dev.concbench.operator.OperatorConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The policy's maximum resources as the chart passes them: {@code name=quantity,...}, or {@code none}
 * when the chart caps nothing (policy.maxResources or one of its kinds set to null). An empty value is
 * none to SmallRye: the operator would fail at start.
 */
class OperatorConfigTest {

    private static BenchmarkPolicy policy(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("concbench.kernel-image", "kernel:1"));
        all.putAll(values);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                // as in the pod: the chart's environment variables over application.properties
                .withSources(new PropertiesConfigSource(all, "environment", 300))
                .withSources(new PropertiesConfigSource(Map.of("concbench.policy.max-requests", "cpu=4,memory=8Gi",
                        "concbench.policy.max-limits", "cpu=4,memory=8Gi"), "application.properties", 250))
                .withMapping(OperatorConfig.class)
                .build();
        return config.getConfigMapping(OperatorConfig.class).policy().toPolicy();
    }

    @Test
    void theChartsMaximaAreTheOperatorsAndNoneCapsNothing() {
        BenchmarkPolicy capped = policy(Map.of("concbench.policy.max-requests", "cpu=2,memory=1Gi",
                "concbench.policy.max-limits", "cpu=3"));
        assertThat(capped.maxRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(capped.maxLimits()).containsOnlyKeys("cpu");
        assertThat(capped.maxLimits().get("cpu").toString()).isEqualTo("3");

        BenchmarkPolicy none = policy(Map.of("concbench.policy.max-requests", "none",
                "concbench.policy.max-limits", "none"));
        assertThat(none.maxRequests()).isEmpty();
        assertThat(none.maxLimits()).isEmpty();
    }

    @Test
    void anEmptyValueIsNoValue() {
        // Why the chart writes "none" and not an empty string: the operator would not start.
        assertThatThrownBy(() -> policy(Map.of("concbench.policy.max-requests", "")))
                .hasStackTraceContaining("concbench.policy.max-requests is defined as the empty String");
    }
}
