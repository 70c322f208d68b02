package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.cli.StatusFile.BadStatusFileException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@EnableKubernetesMockClient
class LiveStatusTest {

    KubernetesMockServer server;
    KubernetesClient client;

    private static final String PATH = "/apis/concbench.dev/v1alpha1/namespaces/bench/concurrencybenchmarks/";

    @Test
    void readsTheStatusOfALiveResource() throws Exception {
        ResultRow row = new ResultRow();
        row.setStrategy("process-pool");
        row.setPods(1);
        row.setWorkers(2);
        row.setMedian(1.25);
        row.setSpeedup(1.9);
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        status.setPhase(Phase.Succeeded);
        status.setResults(List.of(row));
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark();
        cb.getMetadata().setNamespace("bench");
        cb.getMetadata().setName("demo");
        cb.setStatus(status);
        server.expect().get().withPath(PATH + "demo").andReturn(200, cb).once();

        StatusFile.Loaded loaded = LiveStatus.read(client, "bench/demo");

        assertThat(loaded.name()).isEqualTo("demo");
        assertThat(loaded.status().getResults()).singleElement()
                .satisfies(r -> assertThat(r.getSpeedup()).isEqualTo(1.9));
    }

    @Test
    void missingResourceOrBadReferenceIsAnError() {
        server.expect().get().withPath(PATH + "gone").andReturn(404, null).once();

        assertThatThrownBy(() -> LiveStatus.read(client, "bench/gone"))
                .isInstanceOf(BadStatusFileException.class).hasMessage("bench/gone: no such ConcurrencyBenchmark");
        assertThatThrownBy(() -> LiveStatus.read(client, "demo"))
                .isInstanceOf(BadStatusFileException.class).hasMessageContaining("expected NAMESPACE/NAME");
    }
}
