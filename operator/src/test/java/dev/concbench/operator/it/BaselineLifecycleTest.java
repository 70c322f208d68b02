package dev.concbench.operator.it;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.concbench.operator.it.BenchmarkLifecycleTest.NS;
import static dev.concbench.operator.it.BenchmarkLifecycleTest.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * spec.baseline through the operator on the CRUD mock server: the comparison appears when both have
 * succeeded, also when the baseline comes later, and a deleted baseline leaves its condition. The
 * helpers are {@link BenchmarkLifecycleTest}'s.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BaselineLifecycleTest extends LifecycleOnMockServer {



    private static ConcurrencyBenchmarkSpec io(String baseline) {
        ConcurrencyBenchmarkSpec spec = BenchmarkLifecycleTest.spec(WorkloadType.IO, 20, 4, List.of(StrategyName.THREADS));
        spec.setBaseline(baseline);
        return spec;
    }

    private Condition awaitBaselineCompared(String name, String reason) {
        await().atMost(TIMEOUT).until(() -> BenchmarkLifecycleTest.condition(on.status(name),
                Conditions.BASELINE_COMPARED).map(c -> reason.equals(c.getReason())).orElse(false));
        return BenchmarkLifecycleTest.condition(on.status(name), Conditions.BASELINE_COMPARED).orElseThrow();
    }

    @Test
    void theComparisonFollowsTheBaselineThatComesLaterAndGoes() {
        // Named before it exists: the benchmark succeeds all the same, with the condition.
        on.create("new", io("old"));
        on.awaitPhase("new", Phase.Succeeded);
        Condition missing = awaitBaselineCompared("new", "BaselineNotFound");
        assertThat(missing.getStatus()).isEqualTo("False");
        assertThat(on.status("new").getComparison().getHeadline()).isEqualTo("BaselineNotFound");

        // The baseline appears and succeeds: its end wakes the benchmark that names it.
        on.create("old", io(null));
        on.awaitPhase("old", Phase.Succeeded);
        Condition compared = awaitBaselineCompared("new", "Compared");
        assertThat(compared.getStatus()).isEqualTo("True");
        ConcurrencyBenchmarkStatus status = on.status("new");
        assertThat(status.getPhase()).isEqualTo(Phase.Succeeded);
        assertThat(status.getComparison().getBaseline()).isEqualTo("old");
        assertThat(status.getComparison().getBaselineGeneration()).isEqualTo(1L);
        assertThat(status.getResults()).hasSize(2).allSatisfy(r -> {
            assertThat(r.getComparison().getVerdict()).isIn("faster", "slower", "not significant", "n/a");
            assertThat(r.getComparison().getRatio()).isPositive();
            assertThat(r.getComparison().getBaselineMedian()).isPositive();
        });
        assertThat(status.getComparison().getHeadline()).startsWith(status.getFastest() + " ");

        // Deleted: the condition says so, the rows keep the last comparison.
        client.resources(ConcurrencyBenchmark.class).inNamespace(NS).withName("old").delete();
        Condition gone = awaitBaselineCompared("new", "BaselineNotFound");
        assertThat(gone.getMessage()).contains("the rows keep the comparison with its generation 1");
        assertThat(on.status("new").getResults()).allSatisfy(r -> assertThat(r.getComparison()).isNotNull());
        assertThat(on.status("new").getPhase()).isEqualTo(Phase.Succeeded);
    }
}
