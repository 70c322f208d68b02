package dev.concbench.operator.it;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.domain.Action;
import dev.concbench.operator.BenchmarkEvents;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static dev.concbench.operator.it.BenchmarkLifecycleTest.NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No condition carries Java exception text: a benchmark the operator itself fails on (here a planted
 * bug: recording its RunStarted event throws), and one with no spec at all (a manifest the schema now
 * refuses, but one stored before it may still be there), end Failed with messages written for a person.
 * With no retries (this profile), the operator gives up on the first failure.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(OperatorErrorLifecycleTest.PlantedBug.class)
class OperatorErrorLifecycleTest extends LifecycleOnMockServer {

    public static class PlantedBug implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FailingEvents.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.controllers.\"concurrencybenchmark\".retry.max-attempts", "0");
        }
    }

    /** TEST FIXTURE: the events of benchmarks named buggy* throw on RunStarted, as a bug of the operator would. */
    @Alternative
    @Singleton
    public static class FailingEvents extends BenchmarkEvents {
        @Inject
        public FailingEvents(KubernetesClient client, MeterRegistry registry) {
            super(client, registry);
        }

        @Override
        public void record(ConcurrencyBenchmark cb, Action.Event event) {
            if (cb.getMetadata().getName().startsWith("buggy") && event instanceof Action.RunStarted) {
                throw new IllegalStateException("planted bug: java.lang.IllegalStateException text must not show");
            }
            super.record(cb, event);
        }
    }



    @Test
    void aBugOfTheOperatorEndsTheBenchmarkWithAMessageForAPersonAndFreesTheSlot() {
        on.create("buggy", BenchmarkLifecycleTest.quick());

        Condition reason = on.failure("buggy");
        assertThat(reason.getReason()).isEqualTo("OperatorError");
        assertThat(reason.getMessage()).contains("the operator failed on this benchmark", "its log", NS + "/buggy")
                .doesNotContain("Exception", "java.", "planted bug", "\tat ");
        on.create("after-bug", BenchmarkLifecycleTest.quick());
        on.awaitPhase("after-bug", Phase.Succeeded);
    }

    @Test
    void aBenchmarkWithoutASpecFailsInvalidSpecSayingWhatIsMissing() {
        client.resources(ConcurrencyBenchmark.class).inNamespace(NS)
                .resource(new ConcurrencyBenchmark(NS, "no-spec", (ConcurrencyBenchmarkSpec) null)).create();

        Condition reason = on.failure("no-spec");
        assertThat(reason.getReason()).isEqualTo("InvalidSpec");
        assertThat(reason.getMessage()).contains("spec is required").doesNotContain("Exception", "java.");
    }
}
