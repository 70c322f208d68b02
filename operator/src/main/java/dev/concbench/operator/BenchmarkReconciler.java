package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.domain.Decision;
import dev.concbench.domain.Lifecycle;
import dev.concbench.domain.Labels;
import dev.concbench.domain.Observation;
import dev.concbench.domain.Conditions;
import dev.concbench.domain.RunObservation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reconciles a ConcurrencyBenchmark: observe ({@link BenchmarkObserver}: its Jobs and pods, the admission)
 * → decide ({@link Lifecycle}: everything is decided there, the images of its runtimes and the policy's
 * refusals too) → execute ({@link DecisionExecutor}: hold the slot, create and delete Jobs, release a
 * common start, events, the status when it changed). A request the API server refuses for good is a fact
 * of the next decision, not an error path of its own.
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
    private static final Logger LOG = Logger.getLogger(BenchmarkReconciler.class);
    private static final String MANAGED = Labels.LABEL_MANAGED_BY + "=" + Labels.MANAGED_BY;

    private final OperatorConfig config;
    private final AdmissionController admission;
    private final BenchmarkEvents events;
    private final ResultMetrics resultMetrics;
    private final CommonStart commonStart;
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
    /** Set up with the event sources, which both read and write through. */
    private BenchmarkObserver observer;
    private DecisionExecutor executor;

    @Inject
    public BenchmarkReconciler(OperatorConfig config, AdmissionController admission, BenchmarkEvents events,
                               ResultMetrics resultMetrics, CommonStart commonStart) {
        this.config = config;
        this.admission = admission;
        this.events = events;
        this.resultMetrics = resultMetrics;
        this.commonStart = commonStart;
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
                .withSecondaryToPrimaryMapper(Mappers.fromLabel(Labels.LABEL_BENCHMARK, null, ConcurrencyBenchmark.class))
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
        BaselineWatch baselines = BaselineWatch.on(ctx.getPrimaryCache());
        List<EventSource<?, ConcurrencyBenchmark>> sources = new ArrayList<>(List.of(jobs, pods, configMaps, failedCreates,
                admission.eventSource(() -> ctx.getPrimaryCache().list(),
                        deleted -> resultMetrics.remove(ResourceID.fromResource(deleted))),
                baselines));
        InformerEventSource<NetworkPolicy, ConcurrencyBenchmark> networkPolicyEvents = null;
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
        observer = new BenchmarkObserver(admission,
                new Observation.Settings(config.runtimeCatalog(), config.policy().toPolicy()), baselines, clock);
        executor = new DecisionExecutor(config, admission, events, resultMetrics, commonStart,
                KernelDefaults.parse(config.kernelDefaultResources().orElse("")), pods, networkPolicyEvents, baselines,
                clock);
        return sources;
    }

    /**
     * observe → decide → execute. The status is written with optimistic locking (the resourceVersion
     * acted on) through the SDK, which keeps the written resource for the next reconcile
     * (read-after-write). A 409 means someone else changed the benchmark since: the pass ends and the
     * benchmark is reconciled again at once from the newer version (no event may come: the SDK drops the
     * events of changes that leave the generation as it is). Every action is idempotent (Jobs are created
     * once, by name).
     */
    @Override
    public UpdateControl<ConcurrencyBenchmark> reconcile(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        return pass(cb, ctx, null);
    }

    /**
     * What {@link #reconcile} could not handle: a refusal thrown out of the SDK's dependent workflow (the
     * kernel ConfigMap), an error that outlived the SDK's retries, a bug. A refusal, or a bug once JOSDK's
     * retries are used up, is a fault the same pass decides on ({@link Observation#fault()}): the benchmark
     * ends Failed with the server's message, or one for the user (the exception goes to the log, never into
     * the status), and frees its slot. Everything else (timeouts, server errors) is retried, and after the
     * SDK's last retry looked at again every {@link #ERROR_RETRY}, as is a failure status not written yet:
     * until it lands the benchmark keeps its slot.
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
        ErrorStatusUpdateControl<ConcurrencyBenchmark> noRetry = ErrorStatusUpdateControl
                .<ConcurrencyBenchmark>noStatusUpdate().withNoRetry();
        if (refusal.isEmpty() && !bug) {
            LOG.warnf("benchmark %s: the API server still fails after the retries (%s); trying again in %d s", who,
                    e.getMessage(), ERROR_RETRY.toSeconds());
            return noRetry.rescheduleAfter(ERROR_RETRY);
        }
        Observation.Fault fault = refusal.map(ApiRefusal::asFault).orElseGet(() -> new Observation.Fault(
                "OperatorError", "the operator failed on this benchmark (an error of the operator, not of the "
                + "spec); its log has the details under " + who + " at " + Conditions.timestamp(clock.instant()),
                false));
        if (refusal.isPresent()) {
            LOG.warnf("benchmark %s: %s", who, fault.message());
        } else {
            LOG.errorf(e, "benchmark %s: the operator failed on it after its retries; it ends Failed (OperatorError)",
                    who);
        }
        try {
            return pass(cb, ctx, fault).getScheduleDelay().map(noRetry::rescheduleAfter).orElse(noRetry);
        } catch (KubernetesClientException notYet) {
            LOG.warnf("benchmark %s: its failed status (%s) is not written yet (%s); again in %d s", who,
                    fault.reason(), notYet.getMessage(), ERROR_RETRY.toSeconds());
            return noRetry.rescheduleAfter(ERROR_RETRY);
        }
    }

    /**
     * One pass: observe, decide, execute. A request of the step that the API server refuses for good (or
     * a name someone else holds) is a fact for the next decision, which ends the generation Failed: the
     * pass observes and decides again, a few times at most (the failure's own status may be refused too).
     *
     * @param fault what stopped an earlier attempt (the error handler's), or null
     */
    private UpdateControl<ConcurrencyBenchmark> pass(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx,
                                                     Observation.Fault fault) {
        try {
            for (int attempt = 1; attempt <= 3; attempt++) {
                Optional<Observation> observed = observer.observe(cb, ctx, fault);
                if (observed.isEmpty()) {
                    return again(AGAIN); // a stale view
                }
                Observation seen = observed.get();
                Decision decision = Lifecycle.decide(cb, seen, clock.instant());
                DecisionExecutor.Executed executed = executor.execute(cb, ctx, decision, fault);
                if (executed.slotTaken()) {
                    return again(AGAIN); // another benchmark took the free slot meanwhile: decide again
                }
                if (executed.refused() == null) {
                    return next(seen, decision);
                }
                fault = executed.refused();
            }
            LOG.warnf("benchmark %s/%s: its failed status (%s) is not written yet; again in %d s",
                    cb.getMetadata().getNamespace(), cb.getMetadata().getName(), fault.reason(),
                    ERROR_RETRY.toSeconds());
            return again(ERROR_RETRY);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            LOG.debugf("benchmark %s/%s changed meanwhile (%s); reconciled again from its newer version",
                    cb.getMetadata().getNamespace(), cb.getMetadata().getName(), e.getMessage());
            return again(AGAIN);
        }
    }

    private static UpdateControl<ConcurrencyBenchmark> again(Duration after) {
        return UpdateControl.<ConcurrencyBenchmark>noUpdate().rescheduleAfter(after);
    }

    /** When to look again after a step was executed: nothing may say so but the passing of time. */
    private UpdateControl<ConcurrencyBenchmark> next(Observation seen, Decision decision) {
        Optional<Instant> recheck = seen.runs().values().stream().map(RunObservation::waiting)
                .filter(Objects::nonNull).map(RunObservation.Waiting::until).filter(Objects::nonNull)
                .min(Comparator.naturalOrder());
        if (recheck.isPresent() && !decision.status().getPhase().terminal()) {
            // A wait that ends the run when its time is up (a pod no node takes): nothing else would say so.
            Duration left = Duration.between(clock.instant(), recheck.get());
            return again(left.isNegative() ? AGAIN : left.plus(AGAIN));
        }
        if (decision.status().getPhase() == Phase.Queued) {
            // A fallback only: a freed slot, or a new head of the queue, wakes the waiting benchmarks
            // by an event; a look every QUEUED_RECHECK bounds a stall nobody has explained yet.
            return again(QUEUED_RECHECK);
        }
        return UpdateControl.noUpdate();
    }
}
