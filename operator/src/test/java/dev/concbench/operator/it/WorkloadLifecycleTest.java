package dev.concbench.operator.it;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.TestSpecs;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.concbench.operator.it.BenchmarkLifecycleTest.NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Custom workloads through the operator on the mock server, the fake kubelet running the real Python
 * kernel on the code the pods would mount: the code's ConfigMap checked before any Job exists, a
 * function that is not thread-safe marked in its rows, a failing one ending Failed WorkloadError.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class WorkloadLifecycleTest extends LifecycleOnMockServer {

    @AfterEach
    void deleteTheCode() {
        client.configMaps().inNamespace(NS).withLabel("test", "workload-code").delete();
    }

    @Test
    void aConfigMapThatDoesNotExistFailsTheBenchmarkNamingItBeforeAnyJobExists() {
        on.create("no-code", custom("records:work", "records-code", null, List.of(StrategyName.THREADS)));

        Condition failed = on.failure("no-code");
        assertThat(failed.getReason()).isEqualTo("WorkloadError");
        assertThat(failed.getMessage()).isEqualTo("workload.custom.configMap: ConfigMap records-code does not exist in "
                + "namespace " + NS + ": create it before the benchmark runs (e.g. kubectl create configmap "
                + "records-code --from-file=records.py)");
        assertThat(on.cluster.jobsSeen()).isEmpty();
    }

    @Test
    void aConfigMapWithoutTheModuleFailsNamingWhatItHolds() {
        code("other-code", Map.of("helpers.py", "X = 1\n"));
        on.create("no-module", custom("records:work", "other-code", null, List.of(StrategyName.THREADS)));

        Condition failed = on.failure("no-module");
        assertThat(failed.getReason()).isEqualTo("WorkloadError");
        assertThat(failed.getMessage()).contains("ConfigMap other-code has no records.py", "its keys: helpers.py");
        assertThat(on.cluster.jobsSeen()).isEmpty();
    }

    @Test
    void codeThatIsNotThreadSafeSucceedsWithItsThreadsRowsMarked() {
        code("unsafe-code", Map.of("unsafe.py", """
                import time

                LAST = {"index": None}


                def work(index):
                    LAST["index"] = index
                    time.sleep(0.05)  # the other calls' threads overwrite it meanwhile
                    return LAST["index"]
                """));
        on.create("unsafe", custom("unsafe:work", "unsafe-code", null, List.of(StrategyName.THREADS, StrategyName.PROCESSES)));

        ConcurrencyBenchmarkStatus status = on.awaitPhase("unsafe", Phase.Succeeded);
        ResultRow threads = row(status, "threads");
        assertThat(threads.getResultsDiffer()).isTrue();
        assertThat(threads.getFirstDifferingCall()).isBetween(0, 3);
        assertThat(row(status, "processes").getResultsDiffer()).isNull(); // one call per process: nothing shared
        assertThat(row(status, "sequential").getResultsDiffer()).isNull();
        assertThat(status.getRuns().get(0).getSetupSeconds()).isPositive();
        assertThat(status.getConclusion()).contains("threads gave different results than sequential: the code is not "
                + "thread-safe");
    }

    @Test
    void aFunctionThatRaisesEndsFailedWithWorkloadErrorNamingFileLineAndException() {
        on.create("raises", custom("broken:work", null, "def work(index):\n    return 10 // (index - 2)\n",
                List.of(StrategyName.THREADS)));

        Condition failed = on.failure("raises");
        assertThat(failed.getReason()).isEqualTo("WorkloadError");
        assertThat(failed.getMessage()).startsWith("pod " + on.jobName("raises", 1, 0) + "-0: task 2: ZeroDivisionError: "
                + "integer division or modulo by zero (").contains("broken.py, line 2, in work)", "return 10 // (index - 2)");
        assertThat(failed.getMessage()).doesNotContain("concbench_kernel");
    }

    // --- helpers ---

    static ConcurrencyBenchmarkSpec custom(String entrypoint, String configMap, String source, List<StrategyName> strategies) {
        ConcurrencyBenchmarkSpec spec = BenchmarkLifecycleTest.spec(WorkloadType.CPU, 1, 4, strategies);
        spec.setWorkload(TestSpecs.customWorkload(TestSpecs.code(entrypoint, configMap, source), 4));
        spec.setRepetitions(1);
        return spec;
    }

    /** The user's ConfigMap, as kubectl would make it. */
    void code(String name, Map<String, String> files) {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .withNamespace(NS).addToLabels("test", "workload-code").endMetadata().withData(files).build()).create();
    }

    static ResultRow row(ConcurrencyBenchmarkStatus status, String strategy) {
        return status.getResults().stream().filter(r -> r.getStrategy().equals(strategy)).findFirst().orElseThrow();
    }
}
