package dev.concbench.operator.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For the operator's test classes beside {@link BenchmarkLifecycleTest}: its fixture (the fake Job
 * controller and kubelet) started and stopped around each test, and its helpers as {@link #on}.
 */
abstract class LifecycleOnMockServer {

    @Inject
    KubernetesClient client;

    final BenchmarkLifecycleTest on = new BenchmarkLifecycleTest();

    @BeforeEach
    void startCluster() {
        on.client = client;
        on.startCluster();
    }

    @AfterEach
    void stopCluster() {
        on.stopCluster();
    }
}
