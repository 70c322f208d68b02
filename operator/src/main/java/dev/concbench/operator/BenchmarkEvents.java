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

    /** Records a lifecycle event: the Kubernetes Event, its counter, and a log line when a benchmark ends. */
    public void record(ConcurrencyBenchmark cb, Action.Event event) {
        if (event instanceof Action.RunStarted e) {
            runStarted(cb, e.jobName(), e.index(), e.runs());
        } else if (event instanceof Action.RunFinished e) {
            runFinished(cb, e.jobName(), e.index(), e.runs(), e.succeeded());
        } else if (event instanceof Action.BenchmarkFinished e) {
            LOG.infof("benchmark %s/%s %s: %s", cb.getMetadata().getNamespace(), cb.getMetadata().getName(),
                    e.succeeded() ? "Succeeded" : "Failed", e.message());
            if (!e.specInvalid()) {
                benchmarkFinished(cb, e.succeeded(), e.message());
            }
        } else if (event instanceof Action.SpecInvalid e) {
            invalid(cb, e.message());
        } else if (event instanceof Action.SpecChanged e) {
            generationStopped(cb, e.previousGeneration(), e.generation(), e.stoppedJobs());
        } else if (event instanceof Action.Queued e) {
            queued(cb, e.message());
        } else if (event instanceof Action.Contended e) {
            emit(cb, "Warning", "Contended", e.message());
        }
    }

    public void runStarted(ConcurrencyBenchmark cb, String job, int index, int runs) {
        registry.counter("concbench.runs.started").increment();
        emit(cb, "Normal", "RunStarted", "run " + (index + 1) + "/" + runs + " started: job " + job);
    }

    public void runFinished(ConcurrencyBenchmark cb, String job, int index, int runs, boolean succeeded) {
        registry.counter("concbench.runs.finished", "result", succeeded ? "succeeded" : "failed").increment();
        emit(cb, succeeded ? "Normal" : "Warning", succeeded ? "RunSucceeded" : "RunFailed",
                "run " + (index + 1) + "/" + runs + (succeeded ? " succeeded" : " failed") + ": job " + job);
    }

    public void benchmarkFinished(ConcurrencyBenchmark cb, boolean succeeded, String message) {
        registry.counter("concbench.benchmarks.finished", "phase", succeeded ? "Succeeded" : "Failed").increment();
        emit(cb, succeeded ? "Normal" : "Warning", succeeded ? "BenchmarkSucceeded" : "BenchmarkFailed", message);
    }

    public void invalid(ConcurrencyBenchmark cb, String message) {
        registry.counter("concbench.benchmarks.finished", "phase", "Invalid").increment();
        emit(cb, "Warning", "InvalidSpec", message);
    }

    /** A spec change stopped the previous generation's running Jobs. */
    public void generationStopped(ConcurrencyBenchmark cb, Long previous, long generation, java.util.List<String> jobs) {
        emit(cb, "Normal", "SpecChanged", "spec changed: generation " + (previous == null ? "?" : previous)
                + " stopped (job " + String.join(", ", jobs) + " deleted); generation " + generation + " starts");
    }

    public void queued(ConcurrencyBenchmark cb, String message) {
        emit(cb, "Normal", "Queued", message);
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
