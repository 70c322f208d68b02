package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.domain.Action;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Kubernetes Events on the benchmark (what {@code kubectl describe} shows) and the
 * matching Prometheus counters. Events are best effort: a failure is logged, never fatal.
 */
@ApplicationScoped
public class BenchmarkEvents {

    private static final Logger LOG = Logger.getLogger(BenchmarkEvents.class);
    static final String COMPONENT = "concbench-operator";

    private final KubernetesClient client;
    private final MeterRegistry registry;

    @Inject
    public BenchmarkEvents(KubernetesClient client, MeterRegistry registry) {
        this.client = client;
        this.registry = registry;
    }

    /**
     * Records a lifecycle event: the Kubernetes Event (its type, reason and message are the event's own),
     * its counter, and a log line when a benchmark ends. A benchmark whose spec is invalid has had its
     * InvalidSpec event: its end is only logged.
     */
    public void record(ConcurrencyBenchmark cb, Action.Event event) {
        if (event instanceof Action.RunStarted) {
            registry.counter("concbench.runs.started").increment();
        } else if (event instanceof Action.RunFinished e) {
            registry.counter("concbench.runs.finished", "result", e.succeeded() ? "succeeded" : "failed").increment();
        } else if (event instanceof Action.BenchmarkFinished e) {
            LOG.infof("benchmark %s/%s %s: %s", cb.getMetadata().getNamespace(), cb.getMetadata().getName(),
                    e.succeeded() ? "Succeeded" : "Failed", e.message());
            if (e.specInvalid()) {
                return;
            }
            registry.counter("concbench.benchmarks.finished", "phase", e.succeeded() ? "Succeeded" : "Failed")
                    .increment();
        } else if (event instanceof Action.SpecInvalid) {
            registry.counter("concbench.benchmarks.finished", "phase", "Invalid").increment();
        }
        emit(cb, event.type(), event.reason(), event.message());
    }

    private void emit(ConcurrencyBenchmark cb, String type, String reason, String message) {
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(cb.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                        .withGenerateName(cb.getMetadata().getName() + ".")
                        .withNamespace(cb.getMetadata().getNamespace())
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(cb.getApiVersion()).withKind(cb.getKind())
                            .withName(cb.getMetadata().getName()).withNamespace(cb.getMetadata().getNamespace())
                            .withUid(cb.getMetadata().getUid()).withResourceVersion(cb.getMetadata().getResourceVersion())
                            .build())
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("could not record event %s on %s: %s", reason, cb.getMetadata().getName(), e.getMessage());
        }
    }
}
