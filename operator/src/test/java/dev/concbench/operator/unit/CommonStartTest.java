package dev.concbench.operator.unit;

import dev.concbench.domain.Labels;
import dev.concbench.operator.CommonStart;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The common start of a multi-pod run, against the CRUD mock API server (requests counted). */
@EnableKubernetesMockClient(crud = true)
class CommonStartTest {

    KubernetesMockServer server;
    KubernetesClient client;
    private final CommonStart commonStart = new CommonStart();

    @AfterEach
    void stop() {
        client.pods().inNamespace("ns").delete();
    }

    /** The pods the writer was given, and the patched pods it returned. */
    private final List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());

    private Pod write(Pod pod, java.util.function.UnaryOperator<Pod> patch) {
        Pod patched = patch.apply(pod);
        written.add(patched.getMetadata().getName() + "=" + patched.getMetadata().getAnnotations().get(Labels.ANNOTATION_START_AT));
        return patched;
    }

    private List<Pod> createPods(int count) {
        return IntStream.range(0, count).mapToObj(i -> client.pods().inNamespace("ns").resource(new PodBuilder()
                .withNewMetadata().withName("run-" + i).withNamespace("ns").endMetadata().build()).create()).toList();
    }

    private String startAtOnServer(String name) {
        return client.pods().inNamespace("ns").withName(name).get().getMetadata().getAnnotations()
                .get(Labels.ANNOTATION_START_AT);
    }

    /** The requests the server received since the last call. */
    private List<String> drainRequests() throws InterruptedException {
        List<String> requests = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            requests.add(r.getMethod() + " " + r.getPath());
        }
        return requests;
    }

    @Test
    void everyPodGetsOneStartTimeWithOnePatchEachAndNoRead() throws Exception {
        List<Pod> pods = createPods(40);
        drainRequests();

        String startAt = commonStart.release(client, this::write, pods, Instant.ofEpochMilli(1_764_070_000_250L), 2);

        assertThat(startAt).isEqualTo("1764070002.250");
        List<String> requests = drainRequests();
        assertThat(requests).hasSize(40).allMatch(r -> r.startsWith("PATCH /api/v1/namespaces/ns/pods/run-"));
        assertThat(IntStream.range(0, 40).mapToObj(i -> startAtOnServer("run-" + i))).containsOnly(startAt);
        // Every patch went through the writer (the informer's cache in the operator), with its answer.
        assertThat(written).hasSize(40).allMatch(w -> w.endsWith("=" + startAt));
    }

    @Test
    void aReleaseThatStoppedHalfWayIsCompletedWithTheSameStartTime() throws Exception {
        List<Pod> pods = new ArrayList<>(createPods(3));
        // As the cache shows it after the first attempt patched run-1 only.
        pods.set(1, new PodBuilder(pods.get(1)).editMetadata().addToAnnotations(Labels.ANNOTATION_START_AT, "1764069999.000")
                .endMetadata().build());
        drainRequests();

        String startAt = commonStart.release(client, this::write, pods, Instant.ofEpochMilli(1_764_070_000_000L), 2);

        assertThat(startAt).isEqualTo("1764069999.000");
        assertThat(drainRequests()).containsExactlyInAnyOrder("PATCH /api/v1/namespaces/ns/pods/run-0",
                "PATCH /api/v1/namespaces/ns/pods/run-2");
        assertThat(startAtOnServer("run-0")).isEqualTo(startAt);
        assertThat(startAtOnServer("run-2")).isEqualTo(startAt);
    }

    @Test
    void aPodTheServerNoLongerHasFailsTheRelease() {
        List<Pod> pods = new ArrayList<>(createPods(2));
        pods.add(new PodBuilder().withNewMetadata().withName("gone").withNamespace("ns").endMetadata().build());

        assertThatThrownBy(() -> commonStart.release(client, this::write, pods, Instant.now(), 2))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
    }
}
