package dev.concbench.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.domain.Action;
import dev.concbench.domain.BenchmarkPolicy;
import dev.concbench.domain.Decision;
import dev.concbench.domain.Lifecycle;
import dev.concbench.domain.Names;
import dev.concbench.domain.Observation;
import dev.concbench.domain.BenchmarkPlanner;
import dev.concbench.domain.PlannedRun;
import dev.concbench.domain.RunObservation;
import dev.concbench.domain.SpecValidator;
import dev.concbench.domain.StatusTransitions;
import dev.concbench.domain.WorkloadCode;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reconciles a ConcurrencyBenchmark: observe its Jobs and pods → decide ({@link Lifecycle}) →
 * act (create and delete Jobs, release a common start, events) → write the status when it changed.
 * The kernel ConfigMap of Python benchmarks is a dependent resource ({@link KernelConfigMap}) that
 * the SDK reconciles before each reconcile.
 *
 * <p>Runs of one benchmark execute one after another; the {@link AdmissionController}
 * limits how many benchmarks run at once. Everything is event-driven: Jobs, pods and the
 * admission wake-ups are event sources, and so is the end or deletion of a benchmark another names
 * as its spec.baseline ({@link BaselineWatch}); Job deadlines come from activeDeadlineSeconds.
 */
@ControllerConfiguration(name = BenchmarkReconciler.NAME,
        informer = @Informer(informerListLimit = BenchmarkReconciler.LIST_LIMIT))
@Workflow(dependents = @Dependent(type = KernelConfigMap.class, reconcilePrecondition = KernelConfigMap.Python.class,
        useEventSourceWithName = KernelConfigMap.EVENT_SOURCE))
public class BenchmarkReconciler implements Reconciler<ConcurrencyBenchmark> {

    /**
     * Informers list in pages of this many objects: a new leader with a thousand benchmarks
     * otherwise holds every Job, pod and ConfigMap (each with the 20 KB kernel script) as one
     * response in memory before the caches reduce them, and the heap grows to that burst and stays
     * (make bench-operator, takeover).
     */
    static final long LIST_LIMIT = 100;

    public static final String NAME = "concurrencybenchmark";
    /** The Failed reason of a benchmark that asks for more than the chart's policy values allow. */
    public static final String NOT_ALLOWED = "NotAllowed";
    private static final Logger LOG = Logger.getLogger(BenchmarkReconciler.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MANAGED = Names.LABEL_MANAGED_BY + "=" + Names.MANAGED_BY;

    private final OperatorConfig config;
    private final AdmissionController admission;
    private final BenchmarkEvents events;
    private final ResultMetrics resultMetrics;
    private final RuntimeCatalog catalog;
    private final CommonStart commonStart;
    private final BenchmarkPolicy policy;
    static final java.time.Duration QUEUED_RECHECK = java.time.Duration.ofSeconds(30);
    private final Clock clock;
    /** The pods' informer (set up with the event sources): the common start's patches go through its cache. */
    private InformerEventSource<Pod, ConcurrencyBenchmark> podEvents;
    /** The kernel pods' NetworkPolicies ({@link KernelNetworkPolicy}); null when the operator makes none. */
    private InformerEventSource<NetworkPolicy, ConcurrencyBenchmark> networkPolicyEvents;
    /** spec.baseline: set up with the event sources. */
    private BaselineWatch baselines;

    @Inject
    public BenchmarkReconciler(OperatorConfig config, AdmissionController admission, BenchmarkEvents events,
                               ResultMetrics resultMetrics, CommonStart commonStart) {
        this.config = config;
        this.admission = admission;
        this.events = events;
        this.resultMetrics = resultMetrics;
        this.commonStart = commonStart;
        this.catalog = RuntimeCatalog.of(config);
        this.policy = config.policy().toPolicy();
        this.clock = Clock.systemUTC();
    }

    @Override
    public List<EventSource<?, ConcurrencyBenchmark>> prepareEventSources(EventSourceContext<ConcurrencyBenchmark> ctx) {
        // The caches keep only what the reconciler reads (reduced item stores): no specs, no
        // managedFields, no kernel script. A full Job, pod and ConfigMap per benchmark made most
        // of the operator's heap with hundreds of benchmarks (make bench-operator).
        var serialization = ctx.getClient().getKubernetesSerialization();
        var jobs = new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, ConcurrencyBenchmark.class)
                .withName("jobs")
                .withLabelSelector(MANAGED)
                .withInformerListLimit(LIST_LIMIT)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ConcurrencyBenchmark.class))
                .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Job.class,
                        serialization, "metadata.labels", "metadata.ownerReferences",
                        "metadata.creationTimestamp", "status"))
                .build(), ctx);
        // Pods are owned by their Job, not the benchmark: map them back by label.
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, ConcurrencyBenchmark.class)
                .withName("pods")
                .withLabelSelector(MANAGED)
                .withInformerListLimit(LIST_LIMIT)
                .withSecondaryToPrimaryMapper(Mappers.fromLabel(Names.LABEL_BENCHMARK, null, ConcurrencyBenchmark.class))
                .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class,
                        serialization, "metadata.labels", "metadata.annotations", "metadata.ownerReferences",
                        "status"))
                .build(), ctx);
        var configMaps = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(ConfigMap.class, ConcurrencyBenchmark.class)
                .withName(KernelConfigMap.EVENT_SOURCE)
                .withLabelSelector(MANAGED)
                .withInformerListLimit(LIST_LIMIT)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ConcurrencyBenchmark.class))
                .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, ConfigMap.class,
                        serialization, "metadata.labels", "metadata.annotations", "metadata.ownerReferences"))
                .build(), ctx);
        podEvents = pods;
        baselines = BaselineWatch.on(ctx.getPrimaryCache());
        List<EventSource<?, ConcurrencyBenchmark>> sources = new ArrayList<>(List.of(jobs, pods, configMaps,
                admission.eventSource(ctx.getPrimaryCache(), deleted -> resultMetrics.remove(ResourceID.fromResource(deleted))),
                baselines));
        if (config.kernelNetworkPolicy()) {
            networkPolicyEvents = new InformerEventSource<>(InformerEventSourceConfiguration
                    .from(NetworkPolicy.class, ConcurrencyBenchmark.class)
                    .withName(KernelNetworkPolicy.EVENT_SOURCE)
                    .withLabelSelector(MANAGED)
                    .withInformerListLimit(LIST_LIMIT)
                    .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ConcurrencyBenchmark.class))
                    .build(), ctx);
            sources.add(networkPolicyEvents);
        }
        return sources;
    }

    /**
     * observe → decide → act → write the status. The status is written with optimistic locking (the
     * resourceVersion acted on) through the SDK, which keeps the written resource for the next
     * reconcile (read-after-write). A 409 means someone else changed the benchmark since: the event
     * of that change reconciles it again, from the newer version, so this pass just ends. Every
     * action is idempotent (Jobs are created once, by name).
     */
    @Override
    public UpdateControl<ConcurrencyBenchmark> reconcile(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        try {
            if (refusedByPolicy(cb, ctx) || codeMissing(cb, ctx)) {
                return UpdateControl.noUpdate();
            }
            Optional<Observation> seen = observe(cb, ctx);
            if (seen.isEmpty()) {
                return UpdateControl.noUpdate(); // a stale view: the newer version's event comes next
            }
            Decision decision = Lifecycle.decide(cb, seen.get(), clock.instant());
            act(cb, ctx, decision.actions());
            writeStatusIfChanged(ctx, cb, decision.status());
            if (decision.ended()) {
                // Only once the terminal phase is written: the next benchmark's first Job must
                // come after this one's end, also as seen by the API server.
                admission.release(cb, ctx.getPrimaryCache().list());
                if (decision.status().getPhase() == Phase.Succeeded) {
                    ConcurrencyBenchmark done = Serialization.clone(cb);
                    done.setStatus(decision.status());
                    resultMetrics.publish(done);
                }
            }
            if (decision.status().getPhase() == Phase.Queued) {
                // A fallback only: a freed slot wakes the waiting benchmarks by an event. The mock tier
                // once saw a benchmark stay Queued behind one that the error path ended (not explained);
                // a look every QUEUED_RECHECK bounds such a stall.
                return UpdateControl.<ConcurrencyBenchmark>noUpdate().rescheduleAfter(QUEUED_RECHECK);
            }
            return UpdateControl.noUpdate();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            LOG.debugf("benchmark %s/%s changed meanwhile (%s); its newer version is reconciled next",
                    cb.getMetadata().getNamespace(), cb.getMetadata().getName(), e.getMessage());
            return UpdateControl.noUpdate();
        }
    }

    /**
     * The safety net for whatever {@link #reconcile} could not handle. A request the API server refused
     * for good ({@link ApiRefusal}: the spec makes a Job it will never accept, a quota, RBAC) ends the
     * benchmark Failed at once, with the server's message, and frees its slot: retrying would only hold
     * the queue. A bug of the operator does the same once JOSDK's retries are used up. Everything else
     * (conflicts, timeouts, server errors) is retried.
     */
    @Override
    public ErrorStatusUpdateControl<ConcurrencyBenchmark> updateErrorStatus(ConcurrencyBenchmark cb,
                                                                           Context<ConcurrencyBenchmark> ctx,
                                                                           Exception e) {
        Optional<ApiRefusal> refusal = RuntimeCatalog.NotConfigured.in(e)
                .map(missing -> new ApiRefusal("InvalidSpec", missing.getMessage())).or(() -> ApiRefusal.of(e));
        boolean lastAttempt = ctx.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(true);
        boolean bug = !(e instanceof KubernetesClientException || e.getCause() instanceof KubernetesClientException);
        if (refusal.isEmpty() && !(bug && lastAttempt)) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        String reason = refusal.map(ApiRefusal::reason).orElse("OperatorError");
        String message = refusal.map(ApiRefusal::message).orElse("the operator could not reconcile the benchmark: " + e);
        LOG.warnf("benchmark %s/%s: %s", cb.getMetadata().getNamespace(), cb.getMetadata().getName(), message);
        endWithError(cb, ctx, reason, message);
        return ErrorStatusUpdateControl.<ConcurrencyBenchmark>noStatusUpdate().withNoRetry();
    }

    /**
     * A valid spec that asks for more than the policy allows (an image, a toleration, resources) ends
     * Failed, NotAllowed, before its generation makes a Job. The API server refuses such a spec at apply
     * already (the chart's ValidatingAdmissionPolicy); this catches benchmarks admitted before a policy
     * value was tightened, or while the policy was not yet in force. A generation that has ended is left
     * as it is.
     */
    private boolean refusedByPolicy(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        ConcurrencyBenchmarkStatus status = cb.getStatus();
        boolean ended = status != null && Objects.equals(status.getObservedGeneration(), cb.getMetadata().getGeneration())
                && StatusTransitions.phase(status).terminal();
        if (ended || !SpecValidator.validate(cb.getSpec()).isEmpty()) {
            return false; // an invalid spec is the lifecycle's to report (InvalidSpec)
        }
        List<String> refusals = policy.refusals(cb.getSpec());
        if (refusals.isEmpty()) {
            return false;
        }
        endWithError(cb, ctx, NOT_ALLOWED, String.join("; ", refusals));
        return true;
    }

    /**
     * A custom workload's ConfigMap that does not exist, is too big or lacks the entrypoint's module ends
     * the benchmark Failed, WorkloadError, naming it, before the next run's Job exists (while no run is
     * running: the first, or the next). A GET of the user's ConfigMap: the operator caches only its own.
     */
    private boolean codeMissing(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        Optional<String> name = WorkloadCode.configMapName(cb.getSpec());
        ConcurrencyBenchmarkStatus status = cb.getStatus();
        boolean current = status != null && Objects.equals(status.getObservedGeneration(), cb.getMetadata().getGeneration());
        if (name.isEmpty() || current && (StatusTransitions.phase(status).terminal()
                || status.getRuns().stream().anyMatch(r -> r.getState() == RunState.Running))
                || !SpecValidator.validate(cb.getSpec()).isEmpty()) {
            return false;
        }
        String namespace = cb.getMetadata().getNamespace();
        ConfigMap code = ctx.getClient().configMaps().inNamespace(namespace).withName(name.get()).get();
        Optional<String> problem = WorkloadCode.problem(cb.getSpec(), "namespace " + namespace,
                code == null ? null : Optional.ofNullable(code.getData()).orElse(Map.of()),
                code == null ? null : code.getBinaryData());
        problem.ifPresent(message -> endWithError(cb, ctx, WorkloadCode.REASON, message));
        return problem.isPresent();
    }

    /** Fails the current generation with {@code reason}: stops its Jobs, writes the status, frees the slot. */
    private void endWithError(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx, String reason, String message) {
        ConcurrencyBenchmark current = cb;
        for (int attempt = 1; attempt <= 3 && current != null; attempt++) {
            Observation seen = new Observation(Observation.Admission.of(false, admission.limit()), jobsSeen(ctx),
                    Map.of());
            Decision decision = Lifecycle.fail(current, seen, reason, message, clock.instant());
            if (!decision.ended()) {
                return; // already ended, e.g. by a concurrent pass
            }
            act(current, ctx, decision.actions());
            try {
                try {
                    writeStatusIfChanged(ctx, current, decision.status());
                } catch (KubernetesClientException e) {
                    if (ApiRefusal.of(e).isEmpty()) {
                        throw e;
                    }
                    // The status itself was refused: keep what says why, drop the measurements.
                    writeStatusIfChanged(ctx, current, StatusTransitions.withoutMeasurements(decision.status()));
                }
                admission.release(current, ctx.getPrimaryCache().list());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    LOG.debugf("could not write the failed status of %s: %s", current.getMetadata().getName(),
                            e.getMessage());
                    return;
                }
                current = ctx.getClient().resources(ConcurrencyBenchmark.class)
                        .inNamespace(cb.getMetadata().getNamespace()).withName(cb.getMetadata().getName()).get();
            }
        }
    }

    /**
     * What the informers hold of the benchmark's Jobs and pods, read into the domain's terms. A run
     * whose Job is missing from the cache is looked up on the API server before it counts as gone.
     */
    private Optional<Observation> observe(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        long generation = cb.getMetadata().getGeneration();
        List<Observation.JobSeen> jobs = new ArrayList<>(jobsSeen(ctx));
        Map<String, RunObservation> runs = new HashMap<>();
        ConcurrencyBenchmarkStatus status = cb.getStatus();
        if (status != null && Objects.equals(status.getObservedGeneration(), generation)) {
            for (RunStatus run : status.getRuns()) {
                if (run.getState() == RunState.Succeeded || run.getState() == RunState.Failed) {
                    continue;
                }
                Job job = secondary(ctx, Job.class, run.getJobName());
                if (job == null && run.getState() == RunState.Running) {
                    // Created by us but not in the informer cache yet: wait for its event.
                    job = fetchJob(ctx.getClient(), cb, run.getJobName());
                    if (job == null) {
                        if (isStale(ctx.getClient(), cb)) {
                            return Optional.empty();
                        }
                        continue;
                    }
                    jobs.add(jobSeen(job));
                }
                if (job != null) {
                    runs.put(run.getJobName(), RunObserver.observe(job, podsOf(ctx, generation, run.getIndex()),
                            run.getPods()));
                }
            }
        }
        Observation.Admission slot = new Observation.Admission() {
            @Override
            public boolean admit() {
                return admission.admit(cb, ctx.getPrimaryCache().list());
            }

            @Override
            public int limit() {
                return admission.limit();
            }
        };
        return Optional.of(new Observation(slot, jobs, runs, baselines == null ? null : baselines.seen(cb)));
    }

    private static List<Observation.JobSeen> jobsSeen(Context<ConcurrencyBenchmark> ctx) {
        return ctx.getSecondaryResourcesAsStream(Job.class).map(BenchmarkReconciler::jobSeen).toList();
    }

    private static Observation.JobSeen jobSeen(Job job) {
        String generation = job.getMetadata().getLabels() == null ? null
                : job.getMetadata().getLabels().get(Names.LABEL_GENERATION);
        String created = job.getMetadata().getCreationTimestamp();
        return new Observation.JobSeen(job.getMetadata().getName(),
                generation == null ? null : Long.valueOf(generation), finished(job),
                created == null ? null : Instant.parse(created));
    }

    /** Executes the decided actions, in order. */
    private void act(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx, List<Action> actions) {
        KubernetesClient client = ctx.getClient();
        String namespace = cb.getMetadata().getNamespace();
        for (Action action : actions) {
            if (action instanceof Action.CreateJob create) {
                ensureNetworkPolicy(cb, ctx); // before the run's pods exist
                createJob(cb, client, create.run());
            } else if (action instanceof Action.DeleteJob delete) {
                client.batch().v1().jobs().inNamespace(namespace).withName(delete.jobName())
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            } else if (action instanceof Action.ReleaseStart release) {
                commonStart.release(client, podEvents::eventFilteringUpdateAndCacheResource,
                        podsOf(ctx, cb.getMetadata().getGeneration(), release.run()),
                        clock.instant(), config.startDelaySeconds());
            } else if (action instanceof Action.Event event) {
                events.record(cb, event);
            }
        }
    }

    private void createJob(ConcurrencyBenchmark cb, KubernetesClient client, PlannedRun planned) {
        // Every runtime of a sweep must have its image: refused before its first run, not half-way.
        BenchmarkPlanner.sweepRuntimes(cb.getSpec()).forEach(runtime -> catalog.image(cb.getSpec(), runtime));
        String image = catalog.image(cb.getSpec(), planned.runtimeOf(cb.getSpec()));
        try {
            client.batch().v1().jobs().inNamespace(cb.getMetadata().getNamespace())
                    .resource(JobFactory.job(cb, planned, image)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Already there: created by an earlier step whose status write was lost.
        }
    }

    /**
     * The kernel pods' NetworkPolicy as the spec says it (spec.network): made when missing, updated when
     * it says something else, through the informer's cache (the next run finds it there at once).
     */
    private void ensureNetworkPolicy(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        if (networkPolicyEvents == null) {
            return;
        }
        KubernetesClient client = ctx.getClient();
        NetworkPolicy desired = KernelNetworkPolicy.desired(cb);
        NetworkPolicy actual = secondary(ctx, NetworkPolicy.class, desired.getMetadata().getName());
        if (actual == null) {
            try {
                networkPolicyEvents.eventFilteringUpdateAndCacheResource(desired, np -> client.resource(np).create());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                actual = client.resource(desired).get(); // made by an earlier pass; its event has not come yet
            }
        }
        if (actual == null || KernelNetworkPolicy.matches(actual, desired)) {
            return;
        }
        desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
        networkPolicyEvents.eventFilteringUpdateAndCacheResource(desired, np -> client.resource(np).update());
    }

    /** The secondary resource of that type and name from the informer caches, or null. */
    private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> R secondary(
            Context<ConcurrencyBenchmark> ctx, Class<R> type, String name) {
        return ctx.getSecondaryResourcesAsStream(type)
                .filter(r -> name.equals(r.getMetadata().getName()))
                .findFirst().orElse(null);
    }

    /**
     * Before acting on a surprising observation (a run's Job gone), make sure the status we act on
     * is the server's: a newer resourceVersion means our view is stale.
     */
    private static boolean isStale(KubernetesClient client, ConcurrencyBenchmark cb) {
        ConcurrencyBenchmark fresh = client.resources(ConcurrencyBenchmark.class)
                .inNamespace(cb.getMetadata().getNamespace()).withName(cb.getMetadata().getName()).get();
        return fresh != null && !Objects.equals(fresh.getMetadata().getResourceVersion(),
                cb.getMetadata().getResourceVersion());
    }

    private static Job fetchJob(KubernetesClient client, ConcurrencyBenchmark cb, String name) {
        return client.batch().v1().jobs().inNamespace(cb.getMetadata().getNamespace()).withName(name).get();
    }

    private static List<Pod> podsOf(Context<ConcurrencyBenchmark> ctx, long generation, int run) {
        String gen = Long.toString(generation);
        String idx = Integer.toString(run);
        return ctx.getSecondaryResourcesAsStream(Pod.class)
                .filter(p -> p.getMetadata().getLabels() != null
                        && gen.equals(p.getMetadata().getLabels().get(Names.LABEL_GENERATION))
                        && idx.equals(p.getMetadata().getLabels().get(Names.LABEL_RUN)))
                .toList();
    }

    /** The Job controller has marked the Job Complete or Failed. */
    private static boolean finished(Job job) {
        return job.getStatus() != null && job.getStatus().getConditions() != null
                && job.getStatus().getConditions().stream().anyMatch(c -> "True".equals(c.getStatus())
                && ("Failed".equals(c.getType()) || "Complete".equals(c.getType())));
    }

    /**
     * Writes the status when it changed, with optimistic locking on the resourceVersion we acted on,
     * through the SDK's resource operations: the next reconcile (often triggered by our own Job or pod
     * changes before the watch brings this write back) starts from the written resource, not a stale copy.
     */
    private void writeStatusIfChanged(Context<ConcurrencyBenchmark> ctx, ConcurrencyBenchmark cb,
                                      ConcurrencyBenchmarkStatus after) {
        if (MAPPER.valueToTree(Lifecycle.copy(cb.getStatus())).equals(MAPPER.valueToTree(after))) {
            return;
        }
        ConcurrencyBenchmark updated = Serialization.clone(cb);
        updated.setStatus(after);
        ConcurrencyBenchmark written = ctx.resourceOperations().updatePrimaryStatus(updated);
        if (baselines != null) {
            // The SDK filters the events of our own writes: tell the benchmarks that name this one.
            baselines.onResourceUpdated(written, cb);
        }
    }
}
