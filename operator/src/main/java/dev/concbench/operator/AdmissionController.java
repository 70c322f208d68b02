package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.domain.StatusTransitions;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Admits at most {@code maxConcurrentBenchmarks} benchmarks at once, the others wait in
 * creation order. Runs that share nodes spoil each other's timings, so this is a limit
 * on measurements, not on the operator's throughput.
 *
 * <p>Keyed by UID, not by name: a benchmark deleted and applied again under its name is a new
 * benchmark that queues like any other. An index kept from the benchmarks' events (and from the
 * operator's own status writes, which the SDK does not deliver as events) holds who holds a slot
 * and who waits, in creation order, so a decision costs O(log n) whatever the number of finished
 * benchmarks in the cluster, not a scan and a sort of the whole cache.
 *
 * <p>A benchmark holds a slot from its claim here (or, after a restart, while its cached status says
 * Running) until its terminal status is written or it is deleted. A released generation never holds
 * or waits again, however stale the cached copy: only a new generation (a spec change) waits again.
 * An older copy than one already seen (resourceVersion) never overwrites it. Whenever the slots or
 * the head of the queue change, the waiting benchmarks that may now run are woken through an inbound
 * event source: no polling.
 */
@ApplicationScoped
public class AdmissionController {

    /** Creation order, then namespace, name and UID: the queue's order, total and stable. */
    private static final Comparator<Entry> QUEUE_ORDER = Comparator
            .comparing((Entry e) -> e.created, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(e -> e.id.getNamespace().orElse(""))
            .thenComparing(e -> e.id.getName())
            .thenComparing(e -> e.uid);

    private final int limit;
    /** How long decisions take (mayRun: the index's lookups): make bench-operator reads it from /q/metrics. */
    private final Timer decisions;
    private final Map<String, Entry> byUid = new HashMap<>();
    private final NavigableSet<Entry> waiting = new TreeSet<>(QUEUE_ORDER);
    private final Set<String> holding = new HashSet<>();
    /** This process's claims: a claim holds even before the cache shows the Running status it leads to. */
    private final Set<String> claimed = new HashSet<>();
    /**
     * UIDs deleted lately: a reconcile that was under way when its benchmark was deleted must not put it
     * back into the queue (a ghost that would wait at its head for ever). Bounded: only a short window matters.
     */
    private final Set<String> deleted = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });
    private SimpleInboundEventSource<ConcurrencyBenchmark> wakeups;
    /** The benchmarks the cache holds: read once, before the first decision, in case an event came before us. */
    private Supplier<Stream<ConcurrencyBenchmark>> cached = Stream::empty;
    private boolean seeded;

    @Inject
    public AdmissionController(OperatorConfig config, MeterRegistry registry) {
        this(config.maxConcurrentBenchmarks(), registry);
    }

    AdmissionController(int limit) {
        this(limit, new SimpleMeterRegistry());
    }

    private AdmissionController(int limit, MeterRegistry registry) {
        this.limit = Math.max(1, limit);
        this.decisions = Timer.builder("concbench.admission.decision")
                .description("Admission decisions of a benchmark's reconcile, and their time").register(registry);
    }

    public int limit() {
        return limit;
    }

    /** What the index knows of one benchmark (one UID). */
    private static final class Entry {
        final String uid;
        final ResourceID id;
        final String created;
        long resourceVersion = -1;
        long generation;
        boolean runningInCache;
        boolean finishedInCache;
        boolean deleting;
        /** The last generation whose end was written here: it never holds or waits again. */
        long releasedGeneration = -1;

        Entry(ConcurrencyBenchmark cb) {
            this.uid = cb.getMetadata().getUid();
            this.id = ResourceID.fromResource(cb);
            this.created = cb.getMetadata().getCreationTimestamp();
        }

        boolean released() {
            return releasedGeneration >= generation;
        }
    }

    /**
     * The wake-ups of waiting benchmarks; it also hears of every event of the benchmarks (the SDK tells
     * the event sources that implement {@link ResourceEventAware}), keeps the index from them, frees
     * the slot of a deleted benchmark and tells {@code onDeleted} (the only place the operator hears of
     * a deletion: it has no finalizer).
     */
    synchronized SimpleInboundEventSource<ConcurrencyBenchmark> eventSource(Supplier<Stream<ConcurrencyBenchmark>> cache,
                                                                           Consumer<ConcurrencyBenchmark> onDeleted) {
        if (wakeups == null) {
            wakeups = new Wakeups(onDeleted);
            cached = cache;
        }
        return wakeups;
    }

    private final class Wakeups extends SimpleInboundEventSource<ConcurrencyBenchmark>
            implements ResourceEventAware<ConcurrencyBenchmark> {
        private final Consumer<ConcurrencyBenchmark> onDeleted;

        Wakeups(Consumer<ConcurrencyBenchmark> onDeleted) {
            super("admission-wakeups");
            this.onDeleted = onDeleted;
        }

        @Override
        public void onResourceCreated(ConcurrencyBenchmark created) {
            observe(created);
        }

        @Override
        public void onResourceUpdated(ConcurrencyBenchmark updated, ConcurrencyBenchmark old) {
            observe(updated);
        }

        @Override
        public void onResourceDeleted(ConcurrencyBenchmark deleted) {
            forget(deleted);
            onDeleted.accept(deleted);
        }
    }

    /** A version of a benchmark seen in the cache or written by the operator itself. */
    public synchronized void observe(ConcurrencyBenchmark cb) {
        if (deleted.contains(cb.getMetadata().getUid())) {
            return;
        }
        Entry e = entry(cb);
        long version = resourceVersion(cb);
        if (version >= 0 && version < e.resourceVersion) {
            return; // an older copy than one already seen
        }
        long generation = generation(cb);
        boolean deleting = cb.getMetadata().getDeletionTimestamp() != null;
        Phase phase = StatusTransitions.phase(cb.getStatus());
        boolean running = phase == Phase.Running;
        boolean finished = phase.terminal() && StatusTransitions.ofCurrentGeneration(cb, cb.getStatus());
        reclassify(e, () -> {
            e.resourceVersion = Math.max(e.resourceVersion, version);
            e.generation = generation;
            e.runningInCache = running;
            e.finishedInCache = finished;
            e.deleting = deleting;
        });
    }

    /** Deleted: its slot, if it held one, is free, and it leaves the queue. */
    public synchronized void forget(ConcurrencyBenchmark cb) {
        List<String> before = head();
        int holdingBefore = holding.size();
        deleted.add(cb.getMetadata().getUid());
        Entry e = byUid.remove(cb.getMetadata().getUid());
        if (e != null) {
            waiting.remove(e);
            holding.remove(e.uid);
            claimed.remove(e.uid);
        }
        wakeIfChanged(before, holdingBefore);
    }

    /**
     * Whether {@code cb} may run now: it holds a slot, or a free one is its turn. Claims nothing. The
     * decision of a reconcile, timed (one per pass).
     */
    public synchronized boolean mayRun(ConcurrencyBenchmark cb) {
        long start = System.nanoTime();
        try {
            if (!seeded) {
                seeded = true;
                cached.get().forEach(this::observe);
            }
            String uid = cb.getMetadata().getUid();
            if (deleted.contains(uid)) {
                return false; // deleted while this reconcile ran
            }
            if (!byUid.containsKey(uid)) {
                observe(cb); // not indexed yet: its own event is on its way
            }
            return admits(byUid.get(uid), generation(cb), false);
        } finally {
            decisions.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Holds a slot for the benchmark of {@code uid} in its {@code generation}, which {@link #mayRun} let run
     * in this pass: keeps the slot it has, or claims the free one in its turn. False when it may not run
     * any more (another benchmark took the slot since, or it was deleted).
     */
    public synchronized boolean hold(String uid, long generation) {
        Entry e = deleted.contains(uid) ? null : byUid.get(uid);
        return e != null && admits(e, generation, true);
    }

    private boolean admits(Entry e, long generation, boolean claim) {
        if (e.releasedGeneration >= generation) {
            // This generation ended here and a view that still says otherwise is stale (or the terminal
            // write was refused and is being retried): no new claim, but not Queued either.
            return true;
        }
        if (holding.contains(e.uid)) {
            if (claim) {
                claimed.add(e.uid);
            }
            return true;
        }
        int free = limit - holding.size();
        if (free <= 0 || e.deleting) {
            return false;
        }
        // Waiting ahead of it, counted only up to the free slots: O(log n + limit).
        int ahead = 0;
        for (Entry before : waiting.headSet(e, false)) {
            if (++ahead >= free) {
                return false;
            }
        }
        if (claim) {
            reclassify(e, () -> claimed.add(e.uid));
        }
        return true;
    }

    /** Frees {@code cb}'s slot once its terminal status is written; the next waiting benchmarks are woken. */
    public synchronized void release(ConcurrencyBenchmark cb) {
        if (deleted.contains(cb.getMetadata().getUid())) {
            return;
        }
        Entry e = entry(cb);
        long generation = generation(cb);
        reclassify(e, () -> {
            e.releasedGeneration = Math.max(e.releasedGeneration, generation);
            e.generation = Math.max(e.generation, generation);
            claimed.remove(e.uid);
        });
    }

    /** Benchmarks holding a slot. */
    synchronized int holding() {
        return holding.size();
    }

    /** Benchmarks waiting, in queue order. */
    synchronized List<ResourceID> waiting() {
        return waiting.stream().map(e -> e.id).toList();
    }

    private Entry entry(ConcurrencyBenchmark cb) {
        return byUid.computeIfAbsent(cb.getMetadata().getUid(), uid -> new Entry(cb));
    }

    /**
     * Applies {@code change} to the entry, then puts it where it belongs: holding a slot, waiting for one,
     * or neither (finished, released); wakes whoever may run now.
     */
    private void reclassify(Entry e, Runnable change) {
        List<String> before = head();
        int holdingBefore = holding.size();
        change.run();
        boolean holds = claimed.contains(e.uid) || (e.runningInCache && !e.deleting && !e.released());
        boolean waits = !holds && !e.released() && !e.finishedInCache && !e.deleting;
        if (holds) {
            holding.add(e.uid);
        } else {
            holding.remove(e.uid);
        }
        if (waits) {
            waiting.add(e);
        } else {
            waiting.remove(e);
        }
        wakeIfChanged(before, holdingBefore);
    }

    /** The waiting benchmarks that would be admitted now (at most the free slots). */
    private List<String> head() {
        int free = limit - holding.size();
        List<String> head = new ArrayList<>(Math.max(0, free));
        for (Entry e : waiting) {
            if (head.size() >= free) {
                break;
            }
            head.add(e.uid);
        }
        return head;
    }

    /**
     * Wakes the benchmarks that may run now when a slot was freed or the head of the queue changed:
     * one that was refused (someone was ahead, no slot was free) is reconciled again at once.
     */
    private void wakeIfChanged(List<String> headBefore, int holdingBefore) {
        List<String> after = head();
        if (wakeups == null || after.isEmpty() || (holding.size() >= holdingBefore && after.equals(headBefore))) {
            return;
        }
        for (String uid : after) {
            Entry e = byUid.get(uid);
            wakeups.propagateEvent(e.id);
        }
    }

    private static long generation(ConcurrencyBenchmark cb) {
        return cb.getMetadata().getGeneration() == null ? 0 : cb.getMetadata().getGeneration();
    }

    private static long resourceVersion(ConcurrencyBenchmark cb) {
        try {
            return Long.parseLong(cb.getMetadata().getResourceVersion());
        } catch (RuntimeException notANumber) {
            return -1; // not comparable: taken as the newest
        }
    }
}
