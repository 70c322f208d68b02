package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.domain.StatusTransitions;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Admits at most {@code maxConcurrentBenchmarks} benchmarks at once, the others wait in
 * creation order. Runs that share nodes spoil each other's timings, so this is a limit
 * on measurements, not on the operator's throughput.
 *
 * <p>A benchmark holds a slot when its cached conditions say Admitted and not ended; the
 * in-memory set covers the moment between a claim and the cache showing its status write
 * (after a restart, a benchmark Running before it stays admitted). A slot frees
 * when a benchmark's terminal status is written or when it is deleted; then the oldest
 * waiting benchmarks are woken through an inbound event source: no polling.
 */
@ApplicationScoped
public class AdmissionController {

    private final int limit;
    private final Set<ResourceID> admitted = new HashSet<>();
    /**
     * Released benchmarks and the generation they finished, until the cache shows it: right
     * after the release, the cache may still say Running, which must not hold the slot.
     */
    private final Map<ResourceID, Long> released = new HashMap<>();
    private SimpleInboundEventSource<ConcurrencyBenchmark> wakeups;

    @Inject
    public AdmissionController(OperatorConfig config) {
        this(config.maxConcurrentBenchmarks());
    }

    AdmissionController(int limit) {
        this.limit = Math.max(1, limit);
    }

    public int limit() {
        return limit;
    }

    /**
     * The wake-ups of waiting benchmarks; it also frees the slot of a deleted benchmark and tells
     * {@code onDeleted} (the only place the operator hears of a deletion: it has no finalizer).
     */
    synchronized SimpleInboundEventSource<ConcurrencyBenchmark> eventSource(
            IndexerResourceCache<ConcurrencyBenchmark> benchmarks, Consumer<ConcurrencyBenchmark> onDeleted) {
        if (wakeups == null) {
            wakeups = new Wakeups(benchmarks, onDeleted);
        }
        return wakeups;
    }

    /**
     * JOSDK tells the event sources that implement {@link ResourceEventAware} about every event of
     * the benchmarks themselves: a deletion frees the slot here, so no finalizer is needed (one
     * API round trip less per benchmark, and nothing blocks deleting a benchmark when the operator
     * is gone).
     */
    private final class Wakeups extends SimpleInboundEventSource<ConcurrencyBenchmark>
            implements ResourceEventAware<ConcurrencyBenchmark> {
        private final IndexerResourceCache<ConcurrencyBenchmark> benchmarks;
        private final Consumer<ConcurrencyBenchmark> onDeleted;

        Wakeups(IndexerResourceCache<ConcurrencyBenchmark> benchmarks, Consumer<ConcurrencyBenchmark> onDeleted) {
            super("admission-wakeups");
            this.benchmarks = benchmarks;
            this.onDeleted = onDeleted;
        }

        @Override
        public void onResourceDeleted(ConcurrencyBenchmark deleted) {
            release(deleted, benchmarks.list());
            onDeleted.accept(deleted);
        }
    }

    /** Admits {@code cb} if a slot is free and no older benchmark waits; returns whether it is admitted. */
    public synchronized boolean admit(ConcurrencyBenchmark cb, Stream<ConcurrencyBenchmark> all) {
        ResourceID id = ResourceID.fromResource(cb);
        Long releasedGeneration = released.get(id);
        boolean stale = releasedGeneration != null && releasedGeneration.equals(cb.getMetadata().getGeneration());
        if (stale) {
            // Finished and released: a view that still says Running is stale (or our own status write
            // was refused with 409 and is being retried): never a new claim on a slot, but not Queued
            // either; the reconcile ends the generation again.
            return true;
        }
        if (admitted.contains(id) || isRunning(cb)) {
            admitted.add(id);
            return true;
        }
        List<ConcurrencyBenchmark> snapshot = all.toList();
        Set<ResourceID> active = active(snapshot);
        List<ResourceID> waiting = waiting(snapshot, active);
        int position = waiting.indexOf(id);
        if (position < 0) {
            // Not in the cache yet (just created): it goes to the end of the queue.
            position = waiting.size();
        }
        if (active.size() + position < limit) {
            admitted.add(id);
            return true;
        }
        return false;
    }

    /** Frees {@code cb}'s slot (finished, failed or deleted) and wakes the next waiting benchmarks. */
    public synchronized void release(ConcurrencyBenchmark cb, Stream<ConcurrencyBenchmark> all) {
        ResourceID id = ResourceID.fromResource(cb);
        admitted.remove(id);
        List<ConcurrencyBenchmark> snapshot = all.filter(b -> !ResourceID.fromResource(b).equals(id)).toList();
        Set<ResourceID> active = active(snapshot);
        // After active(): it forgets the released entries of what its snapshot lacks, and this one lacks cb.
        released.put(id, cb.getMetadata().getGeneration());
        int free = limit - active.size();
        if (free <= 0 || wakeups == null) {
            return;
        }
        waiting(snapshot, active).stream().limit(free).forEach(wakeups::propagateEvent);
    }

    /** Admitted here, or Running according to the cache (admitted before a restart). */
    private Set<ResourceID> active(List<ConcurrencyBenchmark> all) {
        Set<ResourceID> active = new HashSet<>(admitted);
        for (ConcurrencyBenchmark b : all) {
            ResourceID id = ResourceID.fromResource(b);
            Long releasedGeneration = released.get(id);
            boolean releasedThisGeneration = releasedGeneration != null
                    && releasedGeneration.equals(b.getMetadata().getGeneration());
            if (releasedGeneration != null && (!isRunning(b) || !releasedThisGeneration)) {
                released.remove(id); // the cache caught up, or a new generation started
            }
            if (isRunning(b) && !releasedThisGeneration) {
                active.add(id);
            }
        }
        Set<ResourceID> present = new HashSet<>(all.stream().map(ResourceID::fromResource).toList());
        active.retainAll(present);
        admitted.retainAll(present);
        released.keySet().retainAll(present);
        return active;
    }

    private List<ResourceID> waiting(List<ConcurrencyBenchmark> all, Set<ResourceID> active) {
        return all.stream()
                .filter(b -> b.getMetadata().getDeletionTimestamp() == null)
                .filter(b -> !finished(b))
                // Released but the cache still says Running: finished, not waiting ahead of the others.
                .filter(b -> !released.containsKey(ResourceID.fromResource(b)))
                .filter(b -> !active.contains(ResourceID.fromResource(b)))
                .sorted(Comparator.comparing((ConcurrencyBenchmark b) -> b.getMetadata().getCreationTimestamp(),
                                Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(b -> b.getMetadata().getNamespace())
                        .thenComparing(b -> b.getMetadata().getName()))
                .map(ResourceID::fromResource)
                .toList();
    }

    /** Admitted and not ended, as its cached conditions say (a spec change keeps the slot). */
    private static boolean isRunning(ConcurrencyBenchmark b) {
        return phase(b) == Phase.Running && b.getMetadata().getDeletionTimestamp() == null;
    }

    /** Terminal for its current generation: a spec change makes it wait again. */
    private static boolean finished(ConcurrencyBenchmark b) {
        return phase(b).terminal() && b.getMetadata().getGeneration() != null
                && b.getMetadata().getGeneration().equals(b.getStatus().getObservedGeneration());
    }

    private static Phase phase(ConcurrencyBenchmark b) {
        return StatusTransitions.phase(b.getStatus());
    }
}
