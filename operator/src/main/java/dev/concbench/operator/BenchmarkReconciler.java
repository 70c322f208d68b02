package dev.concbench.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
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
import dev.concbench.domain.Conditions;
import dev.concbench.domain.PlannedRun;
import dev.concbench.domain.RunObservation;
import dev.concbench.domain.SpecValidator;
import dev.concbench.domain.StatusTransitions;
import dev.concbench.domain.WorkloadCode;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
        informer = @Informer(informerListLimit = BenchmarkReconciler.LIST_LIMIT),
        maxReconciliationInterval = @MaxReconciliationInterval(
                interval = BenchmarkReconciler.MAX_RECONCILIATION_MINUTES, timeUnit = TimeUnit.MINUTES))
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
    private final KernelDefaults kernelDefaults;
    private final BenchmarkPolicy policy;
    static final Duration QUEUED_RECHECK = Duration.ofSeconds(30);
    /** After a 409 or a stale view: at once, from the newer version (a short pause lets the cache catch up). */
    static final Duration AGAIN = Duration.ofMillis(100);
    /** After the SDK's retries, or a failure status not written yet: again this often, until it lands. */
    static final Duration ERROR_RETRY = Duration.ofSeconds(5);
    /**
     * The last net: every benchmark is reconciled at least this often, whatever events were lost
     * (an API server restarted, a failure that exhausted the retries).
     */
    static final long MAX_RECONCILIATION_MINUTES = 3;
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
        this.kernelDefaults = KernelDefaults.parse(config.kernelDefaultResources().orElse(""));
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
                        "metadata.creationTimestamp", "spec.nodeName", "status"))
                .build(), ctx);
        // The Job controller's word when it cannot create a run's pods (a quota, Pod Security, a LimitRange,
        // a webhook): nothing else says it, the Job's status does not. Mapped to the benchmark through the
        // Job's owner in the Jobs' cache.
        var failedCreates = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Event.class, ConcurrencyBenchmark.class)
                .withName("job-failed-create-events")
                .withFieldSelector(new FieldSelector(new FieldSelector.Field("involvedObject.kind", "Job"),
                        new FieldSelector.Field("reason", RunObserver.FAILED_CREATE)))
                .withInformerListLimit(LIST_LIMIT)
                .withSecondaryToPrimaryMapper(event -> event.getInvolvedObject() == null ? Set.of()
                        : jobs.get(new ResourceID(event.getInvolvedObject().getName(), event.getMetadata().getNamespace()))
                        .map(job -> Mappers.fromOwnerReferences(ConcurrencyBenchmark.class).toPrimaryResourceIDs(job))
                        .orElse(Set.of()))
                .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Event.class,
                        serialization, "involvedObject", "reason", "message", "firstTimestamp", "lastTimestamp"))
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
        List<EventSource<?, ConcurrencyBenchmark>> sources = new ArrayList<>(List.of(jobs, pods, configMaps, failedCreates,
                admission.eventSource(() -> ctx.getPrimaryCache().list(),
                        deleted -> resultMetrics.remove(ResourceID.fromResource(deleted))),
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
     * reconcile (read-after-write). A 409 means someone else changed the benchmark since: the pass
     * ends and the benchmark is reconciled again at once from the newer version (no event may come: the
     * SDK drops the events of changes that leave the generation as it is). Every action is idempotent
     * (Jobs are created once, by name).
     */
    @Override
    public UpdateControl<ConcurrencyBenchmark> reconcile(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        try {
            Optional<UpdateControl<ConcurrencyBenchmark>> ended = refusedByPolicy(cb, ctx).or(() -> codeMissing(cb, ctx));
            if (ended.isPresent()) {
                return ended.get();
            }
            Optional<Observation> seen = observe(cb, ctx);
            if (seen.isEmpty()) {
                return UpdateControl.<ConcurrencyBenchmark>noUpdate().rescheduleAfter(AGAIN); // a stale view
            }
            Decision decision = Lifecycle.decide(cb, seen.get(), clock.instant());
            act(cb, ctx, decision.actions());
            writeStatusIfChanged(ctx, cb, decision.status());
            if (decision.ended()) {
                // Only once the terminal phase is written: the next benchmark's first Job must
                // come after this one's end, also as seen by the API server.
                admission.release(cb);
                if (decision.status().getPhase() == Phase.Succeeded) {
                    ConcurrencyBenchmark done = Serialization.clone(cb);
                    done.setStatus(decision.status());
                    resultMetrics.publish(done);
                }
            }
            Optional<Instant> recheck = seen.get().runs().values().stream().map(RunObservation::waiting)
                    .filter(Objects::nonNull).map(RunObservation.Waiting::until).filter(Objects::nonNull)
                    .min(Comparator.naturalOrder());
            if (recheck.isPresent() && !decision.status().getPhase().terminal()) {
                // A wait that ends the run when its time is up (a pod no node takes): nothing else would say so.
                Duration left = Duration.between(clock.instant(), recheck.get());
                return UpdateControl.<ConcurrencyBenchmark>noUpdate().rescheduleAfter(
                        left.isNegative() ? AGAIN : left.plus(AGAIN));
            }
            if (decision.status().getPhase() == Phase.Queued) {
                // A fallback only: a freed slot, or a new head of the queue, wakes the waiting benchmarks
                // by an event; a look every QUEUED_RECHECK bounds a stall nobody has explained yet.
                return UpdateControl.<ConcurrencyBenchmark>noUpdate().rescheduleAfter(QUEUED_RECHECK);
            }
            return UpdateControl.noUpdate();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            LOG.debugf("benchmark %s/%s changed meanwhile (%s); reconciled again from its newer version",
                    cb.getMetadata().getNamespace(), cb.getMetadata().getName(), e.getMessage());
            return UpdateControl.<ConcurrencyBenchmark>noUpdate().rescheduleAfter(AGAIN);
        }
    }

    /**
     * The safety net for whatever {@link #reconcile} could not handle. A request the API server refused
     * for good ({@link ApiRefusal}: the spec makes a Job it will never accept, a quota, RBAC) ends the
     * benchmark Failed at once, with the server's message, and frees its slot: retrying would only hold
     * the queue. A bug of the operator does the same once JOSDK's retries are used up, with a message for
     * the user (the exception goes to the log, never into the status). Everything else (conflicts,
     * timeouts, server errors) is retried, and after the SDK's last retry looked at again every
     * {@link #ERROR_RETRY}. A failure status that could not be written is written again every
     * {@link #ERROR_RETRY} until it lands: until then the benchmark keeps its slot.
     */
    @Override
    public ErrorStatusUpdateControl<ConcurrencyBenchmark> updateErrorStatus(ConcurrencyBenchmark cb,
                                                                           Context<ConcurrencyBenchmark> ctx,
                                                                           Exception e) {
        Optional<ApiRefusal> refusal = ApiRefusal.of(e);
        boolean lastAttempt = ctx.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(true);
        boolean bug = ApiRefusal.causes(e).stream().noneMatch(KubernetesClientException.class::isInstance);
        if (refusal.isEmpty() && !lastAttempt) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        String who = cb.getMetadata().getNamespace() + "/" + cb.getMetadata().getName();
        if (refusal.isEmpty() && !bug) {
            LOG.warnf("benchmark %s: the API server still fails after the retries (%s); trying again in %d s", who,
                    e.getMessage(), ERROR_RETRY.toSeconds());
            return ErrorStatusUpdateControl.<ConcurrencyBenchmark>noStatusUpdate().withNoRetry()
                    .rescheduleAfter(ERROR_RETRY);
        }
        String reason = refusal.map(ApiRefusal::reason).orElse("OperatorError");
        String message = refusal.map(ApiRefusal::message).orElseGet(() -> "the operator failed on this benchmark "
                + "(an error of the operator, not of the spec); its log has the details under " + who + " at "
                + Conditions.timestamp(clock.instant()));
        if (refusal.isPresent()) {
            LOG.warnf("benchmark %s: %s", who, message);
        } else {
            LOG.errorf(e, "benchmark %s: the operator failed on it after its retries; it ends Failed (OperatorError)",
                    who);
        }
        ErrorStatusUpdateControl<ConcurrencyBenchmark> done = ErrorStatusUpdateControl.<ConcurrencyBenchmark>noStatusUpdate()
                .withNoRetry();
        return endWithError(cb, ctx, reason, message) ? done : done.rescheduleAfter(ERROR_RETRY);
    }

    /**
     * A valid spec that asks for more than the policy allows (an image, a toleration, resources) ends
     * Failed, NotAllowed, before its generation makes a Job. The API server refuses such a spec at apply
     * already (the chart's ValidatingAdmissionPolicy); this catches benchmarks admitted before a policy
     * value was tightened, or while the policy was not yet in force. A generation that has ended is left
     * as it is. Empty when the policy allows the spec; else what the reconcile returns (again soon when
     * the failure status is not written yet).
     */
    private Optional<UpdateControl<ConcurrencyBenchmark>> refusedByPolicy(ConcurrencyBenchmark cb,
                                                                          Context<ConcurrencyBenchmark> ctx) {
        ConcurrencyBenchmarkStatus status = cb.getStatus();
        boolean ended = status != null && Objects.equals(status.getObservedGeneration(), cb.getMetadata().getGeneration())
                && StatusTransitions.phase(status).terminal();
        if (ended || !SpecValidator.validate(cb.getSpec()).isEmpty()) {
            return Optional.empty(); // an invalid spec is the lifecycle's to report (InvalidSpec)
        }
        List<String> refusals = policy.refusals(cb.getSpec());
        if (refusals.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(endWithError(cb, ctx, NOT_ALLOWED, String.join("; ", refusals))
                ? UpdateControl.noUpdate() : UpdateControl.<ConcurrencyBenchmark>noUpdate().rescheduleAfter(ERROR_RETRY));
    }

    /**
     * A custom workload's ConfigMap that does not exist, is too big or lacks the entrypoint's module ends
     * the benchmark Failed, WorkloadError, naming it, before the next run's Job exists (while no run is
     * running: the first, or the next). A GET of the user's ConfigMap: the operator caches only its own.
     */
    private Optional<UpdateControl<ConcurrencyBenchmark>> codeMissing(ConcurrencyBenchmark cb,
                                                                       Context<ConcurrencyBenchmark> ctx) {
        Optional<String> name = WorkloadCode.configMapName(cb.getSpec());
        ConcurrencyBenchmarkStatus status = cb.getStatus();
        boolean current = status != null && Objects.equals(status.getObservedGeneration(), cb.getMetadata().getGeneration());
        if (name.isEmpty() || current && (StatusTransitions.phase(status).terminal()
                || status.getRuns().stream().anyMatch(r -> r.getState() == RunState.Running))
                || !SpecValidator.validate(cb.getSpec()).isEmpty()) {
            return Optional.empty();
        }
        String namespace = cb.getMetadata().getNamespace();
        ConfigMap code = ctx.getClient().configMaps().inNamespace(namespace).withName(name.get()).get();
        Optional<String> problem = WorkloadCode.problem(cb.getSpec(), "namespace " + namespace,
                code == null ? null : Optional.ofNullable(code.getData()).orElse(Map.of()),
                code == null ? null : code.getBinaryData());
        if (problem.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(endWithError(cb, ctx, WorkloadCode.REASON, problem.get())
                ? UpdateControl.noUpdate() : UpdateControl.<ConcurrencyBenchmark>noUpdate().rescheduleAfter(ERROR_RETRY));
    }

    /**
     * Fails the current generation with {@code reason}: stops its Jobs, writes the status, frees the slot.
     * Returns whether that is done (or the benchmark has ended or gone meanwhile); false when a request
     * failed (a server error, a timeout, conflicts that kept coming): the caller tries again.
     */
    private boolean endWithError(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx, String reason,
                                 String message) {
        ConcurrencyBenchmark current = cb;
        try {
            for (int attempt = 1; attempt <= 3; attempt++) {
                Observation seen = new Observation(Observation.Admission.of(false, admission.limit()),
                        jobsSeen(ctx, current), Map.of());
                Decision decision = Lifecycle.fail(current, seen, reason, message, clock.instant());
                if (!decision.ended()) {
                    return true; // already ended, e.g. by a concurrent pass
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
                    admission.release(current);
                    return true;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    current = ctx.getClient().resources(ConcurrencyBenchmark.class)
                            .inNamespace(cb.getMetadata().getNamespace()).withName(cb.getMetadata().getName()).get();
                    if (current == null || !Objects.equals(current.getMetadata().getUid(), cb.getMetadata().getUid())) {
                        return true; // deleted meanwhile (and perhaps applied again: another benchmark)
                    }
                }
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("benchmark %s/%s: its failed status (%s) is not written yet (%s); again in %d s",
                    cb.getMetadata().getNamespace(), cb.getMetadata().getName(), reason, e.getMessage(),
                    ERROR_RETRY.toSeconds());
        }
        return false;
    }

    /**
     * What the informers hold of the benchmark's Jobs and pods, read into the domain's terms. A run
     * whose Job is missing from the cache is looked up on the API server before it counts as gone.
     */
    private Optional<Observation> observe(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        long generation = cb.getMetadata().getGeneration();
        List<Observation.JobSeen> jobs = new ArrayList<>(jobsSeen(ctx, cb));
        Map<String, RunObservation> runs = new HashMap<>();
        ConcurrencyBenchmarkStatus status = cb.getStatus();
        if (status != null && Objects.equals(status.getObservedGeneration(), generation)) {
            for (RunStatus run : status.getRuns()) {
                if (run.getState() == RunState.Succeeded || run.getState() == RunState.Failed) {
                    continue;
                }
                Job job = secondary(ctx, Job.class, run.getJobName());
                if (job != null && !Owners.ownedBy(job, cb)) {
                    job = null; // a Job of an earlier benchmark of this name (old-style names had no UID)
                }
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
                    runs.put(run.getJobName(), RunObserver.observe(job, podsOf(ctx, run.getJobName()), run.getPods(),
                            ctx.getSecondaryResources(Event.class).stream().toList(), clock.instant(),
                            schedulingTimeout(cb)));
                }
            }
        }
        Observation.Admission slot = new Observation.Admission() {
            @Override
            public boolean admit() {
                return admission.admit(cb);
            }

            @Override
            public int limit() {
                return admission.limit();
            }
        };
        return Optional.of(new Observation(slot, jobs, runs, baselines == null ? null : baselines.seen(cb)));
    }

    /** The benchmark's Jobs: the cache maps Jobs to benchmarks by name, so those of an earlier one of the name are left out. */
    private static List<Observation.JobSeen> jobsSeen(Context<ConcurrencyBenchmark> ctx, ConcurrencyBenchmark cb) {
        return ctx.getSecondaryResourcesAsStream(Job.class).filter(job -> Owners.ownedBy(job, cb))
                .map(BenchmarkReconciler::jobSeen).toList();
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
                createJob(cb, client, create.run(), create.jobName());
            } else if (action instanceof Action.DeleteJob delete) {
                client.batch().v1().jobs().inNamespace(namespace).withName(delete.jobName())
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            } else if (action instanceof Action.ReleaseStart release) {
                commonStart.release(client, podEvents::eventFilteringUpdateAndCacheResource,
                        podsOf(ctx, release.jobName()),
                        clock.instant(), config.startDelaySeconds());
            } else if (action instanceof Action.Event event) {
                events.record(cb, event);
            }
        }
    }

    private void createJob(ConcurrencyBenchmark cb, KubernetesClient client, PlannedRun planned, String jobName) {
        // Every runtime of a sweep must have its image: refused before its first run, not half-way.
        BenchmarkPlanner.sweepRuntimes(cb.getSpec()).forEach(runtime -> catalog.image(cb.getSpec(), runtime));
        String image = catalog.image(cb.getSpec(), planned.runtimeOf(cb.getSpec()));
        try {
            client.batch().v1().jobs().inNamespace(cb.getMetadata().getNamespace())
                    .resource(JobFactory.job(cb, planned, jobName, image, kernelDefaults)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Already there: ours when an earlier step created it and its status write was lost; anyone
            // else's is never adopted (it would be watched as this benchmark's run, forever).
            Job existing = fetchJob(client, cb, jobName);
            if (existing != null && !Owners.ownedBy(existing, cb)) {
                throw Owners.nameTaken("Job", existing, cb);
            }
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
                if (actual != null && !Owners.ownedBy(actual, cb)) {
                    throw Owners.nameTaken("NetworkPolicy", actual, cb); // anyone else's is never adopted
                }
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

    private static Duration schedulingTimeout(ConcurrencyBenchmark cb) {
        Integer seconds = cb.getSpec() == null ? null : cb.getSpec().getSchedulingTimeoutSeconds();
        return Duration.ofSeconds(seconds == null ? ConcurrencyBenchmarkSpec.DEFAULT_SCHEDULING_TIMEOUT : seconds);
    }

    /** The pods of a run's Job: by their owner, not by labels, which a benchmark of the same name shared. */
    private static List<Pod> podsOf(Context<ConcurrencyBenchmark> ctx, String jobName) {
        return ctx.getSecondaryResourcesAsStream(Pod.class).filter(p -> Owners.ownedByJob(p, jobName)).toList();
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
        // The SDK does not deliver our own writes as events: the admission index hears of them here.
        admission.observe(written);
        if (baselines != null) {
            // The SDK filters the events of our own writes: tell the benchmarks that name this one.
            baselines.onResourceUpdated(written, cb);
        }
    }
}
