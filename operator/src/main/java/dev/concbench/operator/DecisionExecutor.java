package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.domain.Action;
import dev.concbench.domain.Decision;
import dev.concbench.domain.Observation;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The reconciler's hands: executes a {@link Decision} against the API server, in order (the admission
 * slot held first, Jobs created and deleted, a common start released, events recorded), then writes the
 * status when it changed. Decides nothing: a request refused for good comes back as a fault for the next
 * decision.
 */
final class DecisionExecutor {

    private final OperatorConfig config;
    private final AdmissionController admission;
    private final BenchmarkEvents events;
    private final ResultMetrics resultMetrics;
    private final CommonStart commonStart;
    private final KernelDefaults kernelDefaults;
    /** The pods' informer: the common start's patches go through its cache. */
    private final InformerEventSource<Pod, ConcurrencyBenchmark> podEvents;
    /** The kernel pods' NetworkPolicies ({@link KernelNetworkPolicy}); null when the operator makes none. */
    private final InformerEventSource<NetworkPolicy, ConcurrencyBenchmark> networkPolicyEvents;
    private final BaselineWatch baselines;
    private final Clock clock;

    DecisionExecutor(OperatorConfig config, AdmissionController admission, BenchmarkEvents events,
                     ResultMetrics resultMetrics, CommonStart commonStart, KernelDefaults kernelDefaults,
                     InformerEventSource<Pod, ConcurrencyBenchmark> podEvents,
                     InformerEventSource<NetworkPolicy, ConcurrencyBenchmark> networkPolicyEvents,
                     BaselineWatch baselines, Clock clock) {
        this.config = config;
        this.admission = admission;
        this.events = events;
        this.resultMetrics = resultMetrics;
        this.commonStart = commonStart;
        this.kernelDefaults = kernelDefaults;
        this.podEvents = podEvents;
        this.networkPolicyEvents = networkPolicyEvents;
        this.baselines = baselines;
        this.clock = clock;
    }

    /** What came of executing a decision: done, the slot taken meanwhile, or a request refused. */
    record Executed(boolean slotTaken, Observation.Fault refused) {
        static final Executed DONE = new Executed(false, null);
    }

    /**
     * Executes the decided actions in order, then writes the status when it changed; once a terminal
     * status is written, frees the slot. Stops at the first request refused for good.
     *
     * @param fault what the decision was made on, kept when the failure's own status is refused
     */
    Executed execute(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx, Decision decision,
                     Observation.Fault fault) {
        for (Action action : decision.actions()) {
            if (action instanceof Action.HoldSlot) {
                if (!admission.hold(cb.getMetadata().getUid(), cb.getMetadata().getGeneration())) {
                    return new Executed(true, null);
                }
                continue;
            }
            Optional<ApiRefusal> refused = perform(cb, ctx, action);
            if (refused.isPresent()) {
                return new Executed(false, refused.get().asFault());
            }
        }
        if (decision.statusChanged()) {
            try {
                writeStatus(ctx, cb, decision.status());
            } catch (KubernetesClientException e) {
                ApiRefusal refused = refusal(e);
                // The status itself was refused (too large, say): the next keeps what says why, not the measurements.
                return new Executed(false, (fault != null ? fault : refused.asFault()).withStatusRefused());
            }
        }
        if (decision.ended()) {
            // Only once the terminal phase is written: the next benchmark's first Job must come after this
            // one's end, also as seen by the API server.
            admission.release(cb);
            if (decision.status().getPhase() == Phase.Succeeded) {
                ConcurrencyBenchmark done = Serialization.clone(cb);
                done.setStatus(decision.status());
                resultMetrics.publish(done);
            }
        }
        return Executed.DONE;
    }

    /** One action against the API server; the refusal when the server (or a name's holder) refuses it for good. */
    private Optional<ApiRefusal> perform(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx, Action action) {
        KubernetesClient client = ctx.getClient();
        try {
            if (action instanceof Action.CreateJob create) {
                return ensureNetworkPolicy(cb, ctx) // before the run's pods exist
                        .or(() -> createJob(cb, client, create));
            } else if (action instanceof Action.DeleteJob delete) {
                client.batch().v1().jobs().inNamespace(cb.getMetadata().getNamespace()).withName(delete.jobName())
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            } else if (action instanceof Action.ReleaseStart release) {
                commonStart.release(client, podEvents::eventFilteringUpdateAndCacheResource,
                        BenchmarkObserver.podsOf(ctx, release.jobName()), clock.instant(), config.startDelaySeconds());
            } else if (action instanceof Action.Event event) {
                events.record(cb, event);
            }
            return Optional.empty();
        } catch (KubernetesClientException e) {
            return Optional.of(refusal(e));
        }
    }

    /** The refusal {@code e} is, or {@code e} itself thrown on: an error that may pass is retried by the SDK. */
    private static ApiRefusal refusal(KubernetesClientException e) {
        return ApiRefusal.of(e).orElseThrow(() -> e);
    }

    private Optional<ApiRefusal> createJob(ConcurrencyBenchmark cb, KubernetesClient client, Action.CreateJob create) {
        Job job = JobFactory.job(cb, create.run(), create.jobName(), create.image(), kernelDefaults);
        // Already there and ours: an earlier step created it and its status write was lost.
        return createOwned(client, cb, job, j -> client.resource(j).create(), ours -> { });
    }

    /**
     * The kernel pods' NetworkPolicy as the spec says it (spec.network): made when missing, updated when
     * it says something else, read from and written through the informer's cache (the next run finds it
     * there at once).
     */
    private Optional<ApiRefusal> ensureNetworkPolicy(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        if (networkPolicyEvents == null) {
            return Optional.empty();
        }
        KubernetesClient client = ctx.getClient();
        NetworkPolicy desired = KernelNetworkPolicy.desired(cb);
        Consumer<NetworkPolicy> updateIfChanged = actual -> {
            if (!KernelNetworkPolicy.matches(actual, desired)) {
                desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
                networkPolicyEvents.eventFilteringUpdateAndCacheResource(desired, np -> client.resource(np).update());
            }
        };
        Optional<NetworkPolicy> cached = networkPolicyEvents.get(ResourceID.fromResource(desired))
                .filter(np -> Owners.ownedBy(np, cb));
        if (cached.isPresent()) {
            updateIfChanged.accept(cached.get());
            return Optional.empty();
        }
        // Made by an earlier pass when it is there and ours: its event has not come yet.
        return createOwned(client, cb, desired,
                np -> networkPolicyEvents.eventFilteringUpdateAndCacheResource(np, p -> client.resource(p).create()),
                updateIfChanged);
    }

    /**
     * Creates {@code desired}, one of the objects the operator makes for {@code cb}. When its name is
     * taken already, the object holding it is handed to {@code ifOurs} when the benchmark owns it;
     * anyone else's is never adopted (it would be watched as the benchmark's, forever): NameTaken.
     */
    private static <T extends HasMetadata> Optional<ApiRefusal> createOwned(KubernetesClient client,
            ConcurrencyBenchmark cb, T desired, UnaryOperator<T> create, Consumer<T> ifOurs) {
        try {
            create.apply(desired);
            return Optional.empty();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        T existing = client.resource(desired).get();
        if (existing == null) {
            return Optional.empty(); // deleted between the two requests: nobody's to adopt or refuse
        }
        if (!Owners.ownedBy(existing, cb)) {
            return Optional.of(Owners.nameTaken(HasMetadata.getKind(desired.getClass()), existing, cb));
        }
        ifOurs.accept(existing);
        return Optional.empty();
    }

    /**
     * Writes the status with optimistic locking on the resourceVersion we acted on, through the SDK's
     * resource operations: the next reconcile (often triggered by our own Job or pod changes before the
     * watch brings this write back) starts from the written resource, not a stale copy.
     */
    private void writeStatus(Context<ConcurrencyBenchmark> ctx, ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus after) {
        ConcurrencyBenchmark updated = Serialization.clone(cb);
        updated.setStatus(after);
        ConcurrencyBenchmark written = ctx.resourceOperations().updatePrimaryStatus(updated);
        // The SDK does not deliver our own writes as events: the admission index hears of them here.
        admission.observe(written);
        // The SDK filters the events of our own writes: tell the benchmarks that name this one.
        baselines.onResourceUpdated(written, cb);
    }
}
