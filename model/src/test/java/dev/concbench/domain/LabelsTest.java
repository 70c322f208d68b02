package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsTest {

    private static final String LONG_NAME = "a".repeat(63);

    @Test
    void runLabelsTieThePodsToBenchmarkGenerationAndRunAndFitALabelValue() {
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("ns", LONG_NAME, new ConcurrencyBenchmarkSpec());
        assertThat(Labels.ofRun(cb, 4, 2))
                .containsEntry(Labels.LABEL_BENCHMARK, LONG_NAME)
                .containsEntry(Labels.LABEL_GENERATION, "4")
                .containsEntry(Labels.LABEL_RUN, "2")
                .containsEntry(Labels.LABEL_MANAGED_BY, Labels.MANAGED_BY);
        assertThat(Labels.ofRun(cb, 4, 2).values()).allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63));
    }
}
