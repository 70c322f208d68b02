package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.domain.Observation.BaselineSeen;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;

import java.util.List;
import java.util.Objects;

/**
 * spec.baseline: the benchmarks that name another one as their baseline are woken when it appears,
 * finishes, starts a new generation or is deleted, and read it from the primary cache. No second
 * informer (the primary cache holds every benchmark already): an index on spec.baseline maps a
 * baseline's event to the benchmarks that name it, as JOSDK's event sources that implement
 * {@link ResourceEventAware} hear of every event of the benchmarks, status changes included.
 */
final class BaselineWatch extends SimpleInboundEventSource<ConcurrencyBenchmark>
        implements ResourceEventAware<ConcurrencyBenchmark> {

    static final String INDEX = "spec.baseline";
    private final IndexerResourceCache<ConcurrencyBenchmark> benchmarks;

    private BaselineWatch(IndexerResourceCache<ConcurrencyBenchmark> benchmarks) {
        super("baseline-watch");
        this.benchmarks = benchmarks;
    }

    /** Adds the index on spec.baseline to the primary cache (before it starts) and watches through it. */
    static BaselineWatch on(IndexerResourceCache<ConcurrencyBenchmark> benchmarks) {
        benchmarks.addIndexer(INDEX, cb -> cb.getSpec() == null || cb.getSpec().getBaseline() == null ? List.of()
                : List.of(key(cb.getMetadata().getNamespace(), cb.getSpec().getBaseline())));
        return new BaselineWatch(benchmarks);
    }

    /** What the primary cache holds of {@code cb}'s baseline, in its namespace. */
    BaselineSeen seen(ConcurrencyBenchmark cb) {
        String name = cb.getSpec() == null ? null : cb.getSpec().getBaseline();
        return BaselineSeen.found(name == null ? null
                : benchmarks.get(new ResourceID(name, cb.getMetadata().getNamespace())).orElse(null));
    }

    @Override
    public void onResourceCreated(ConcurrencyBenchmark created) {
        wakeDependentsOf(created);
    }

    @Override
    public void onResourceUpdated(ConcurrencyBenchmark updated, ConcurrencyBenchmark old) {
        // Only what the comparison reads: a run's progress does not concern the benchmarks that wait for the end.
        if (old == null || !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
                || !Objects.equals(phaseOf(updated), phaseOf(old))
                || !Objects.equals(observedOf(updated), observedOf(old))) {
            wakeDependentsOf(updated);
        }
    }

    @Override
    public void onResourceDeleted(ConcurrencyBenchmark deleted) {
        wakeDependentsOf(deleted);
    }

    private void wakeDependentsOf(ConcurrencyBenchmark baseline) {
        benchmarks.byIndex(INDEX, key(baseline.getMetadata().getNamespace(), baseline.getMetadata().getName()))
                .forEach(dependent -> propagateEvent(ResourceID.fromResource(dependent)));
    }

    private static Object phaseOf(ConcurrencyBenchmark cb) {
        ConcurrencyBenchmarkStatus s = cb.getStatus();
        return s == null ? null : s.getPhase();
    }

    private static Long observedOf(ConcurrencyBenchmark cb) {
        ConcurrencyBenchmarkStatus s = cb.getStatus();
        return s == null ? null : s.getObservedGeneration();
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
