package dev.concbench.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.domain.BenchmarkPlanner;
import dev.concbench.domain.Conditions;
import dev.concbench.domain.PlannedRun;
import dev.concbench.domain.ResultFormatException;
import dev.concbench.domain.RunMeasurement;
import dev.concbench.domain.SpecValidator;
import dev.concbench.domain.StatusAggregator;
import dev.concbench.domain.StatusTransitions;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reconciles a ConcurrencyBenchmark: observe its Jobs and pods → validate → plan and start
 * the next run → aggregate → patch the status only when it changed.
 *
 * <p>Runs of one benchmark execute one after another; the {@link AdmissionController}
 * limits how many benchmarks run at once. Everything is event-driven: Jobs, pods and the
 * admission wake-ups are event sources; Job deadlines come from activeDeadlineSeconds.
 */
@ControllerConfiguration(name = BenchmarkReconciler.NAME)
public class BenchmarkReconciler implements Reconciler<ConcurrencyBenchmark> {

    public static final String NAME = "concurrencybenchmark";
    private static final Logger LOG = Logger.getLogger(BenchmarkReconciler.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MANAGED = Names.LABEL_MANAGED_BY + "=" + Names.MANAGED_BY;

    private final OperatorConfig config;
    private final AdmissionController admission;
    private final BenchmarkEvents events;
    private final ResultMetrics resultMetrics;
    private final Clock clock;
    private final String kernelScript;
    /** The script's hash, computed once: every reconcile of a Python benchmark compares it. */
    private final String kernelSha256;

    @Inject
    public BenchmarkReconciler(OperatorConfig config, AdmissionController admission, BenchmarkEvents events,
                               ResultMetrics resultMetrics) {
        this.resultMetrics = resultMetrics;
        this.config = config;
        this.admission = admission;
        this.events = events;
        this.clock = Clock.systemUTC();
        this.kernelScript = loadKernelScript();
        this.kernelSha256 = JobFactory.sha256(kernelScript);
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
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ConcurrencyBenchmark.class))
                .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Job.class,
                        serialization, "metadata.labels", "metadata.ownerReferences",
                        "metadata.creationTimestamp", "status"))
                .build(), ctx);
        // Pods are owned by their Job, not the benchmark: map them back by label.
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, ConcurrencyBenchmark.class)
                .withName("pods")
                .withLabelSelector(MANAGED)
                .withSecondaryToPrimaryMapper((Pod pod) -> benchmarkOf(pod.getMetadata().getLabels(),
                        pod.getMetadata().getNamespace()))
                .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class,
                        serialization, "metadata.labels", "metadata.annotations", "metadata.ownerReferences",
                        "status"))
                .build(), ctx);
        var configMaps = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(ConfigMap.class, ConcurrencyBenchmark.class)
                .withName("kernel-configmaps")
                .withLabelSelector(MANAGED)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ConcurrencyBenchmark.class))
                .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, ConfigMap.class,
                        serialization, "metadata.labels", "metadata.annotations", "metadata.ownerReferences"))
                .build(), ctx);
        return List.of(jobs, pods, configMaps, admission.eventSource(ctx.getPrimaryCache(),
                deleted -> resultMetrics.remove(ResourceID.fromResource(deleted))));
    }

    private static Set<ResourceID> benchmarkOf(Map<String, String> labels, String namespace) {
        String name = labels == null ? null : labels.get(Names.LABEL_BENCHMARK);
        return name == null ? Set.of() : Set.of(new ResourceID(name, namespace));
    }

    /**
     * The informer cache can lag behind our own last status write; acting on a stale status
     * could re-run a finished step. So the status is written with optimistic locking (the
     * cached resourceVersion): a stale view fails with 409, and the reconcile runs again on
     * the resource read fresh from the API server. Every step is idempotent (Jobs are
     * created once, by name).
     */
    @Override
    public UpdateControl<ConcurrencyBenchmark> reconcile(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        ConcurrencyBenchmark current = cb;
        for (int attempt = 1; ; attempt++) {
            try {
                ConcurrencyBenchmarkStatus status = reconcileStatus(current, ctx);
                writeStatusIfChanged(ctx, current, status);
                if (endedNow(current, status)) {
                    // Only once the terminal phase is written: the next benchmark's first Job must
                    // come after this one's end, also as seen by the API server.
                    admission.release(current, ctx.getPrimaryCache().list());
                    if (status.getPhase() == Phase.Succeeded) {
                        ConcurrencyBenchmark done = Serialization.clone(current);
                        done.setStatus(status);
                        resultMetrics.publish(done);
                    }
                }
                return UpdateControl.noUpdate();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
                current = ctx.getClient().resources(ConcurrencyBenchmark.class)
                        .inNamespace(cb.getMetadata().getNamespace()).withName(cb.getMetadata().getName()).get();
                if (current == null) {
                    return UpdateControl.noUpdate();
                }
            }
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
        Optional<ApiRefusal> refusal = ApiRefusal.of(e);
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

    /** Fails the current generation with {@code reason}: stops its Jobs, writes the status, frees the slot. */
    private void endWithError(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx, String reason, String message) {
        ConcurrencyBenchmark current = cb;
        for (int attempt = 1; attempt <= 3 && current != null; attempt++) {
            Instant now = clock.instant();
            long generation = current.getMetadata().getGeneration();
            ConcurrencyBenchmarkStatus status = copy(current.getStatus());
            if (!Objects.equals(status.getObservedGeneration(), generation)) {
                String name = current.getMetadata().getName();
                status = StatusTransitions.newGeneration(current.getSpec(), status, generation,
                        run -> Names.jobName(name, generation, run));
            } else if (status.getPhase() != null && status.getPhase().terminal()) {
                return; // already ended, e.g. by a concurrent pass
            }
            String gen = Long.toString(generation);
            for (Job job : ctx.getSecondaryResources(Job.class)) {
                if (gen.equals(job.getMetadata().getLabels().get(Names.LABEL_GENERATION))) {
                    deleteIfActive(ctx.getClient(), job); // nothing of the failed generation keeps running
                }
            }
            RunStatus run = status.getRuns().stream().filter(r -> r.getState() != RunState.Succeeded)
                    .findFirst().orElse(null);
            if (run != null) {
                fail(current, status, run, reason, message, now);
            } else {
                finish(current, status, false, reason, message, now);
            }
            StatusAggregator.aggregate(current.getSpec(), status);
            try {
                try {
                    writeStatusIfChanged(ctx, current, status);
                } catch (KubernetesClientException e) {
                    if (ApiRefusal.of(e).isEmpty()) {
                        throw e;
                    }
                    // The status itself was refused: keep what says why, drop the measurements.
                    writeStatusIfChanged(ctx, current, StatusTransitions.withoutMeasurements(status));
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

    /** This pass ended the generation: the status it wrote is terminal, the one it started from was not. */
    private static boolean endedNow(ConcurrencyBenchmark before, ConcurrencyBenchmarkStatus after) {
        if (after.getPhase() == null || !after.getPhase().terminal()) {
            return false;
        }
        ConcurrencyBenchmarkStatus was = before.getStatus();
        boolean sameGeneration = was != null && Objects.equals(was.getObservedGeneration(), after.getObservedGeneration());
        return !sameGeneration || was.getPhase() != after.getPhase();
    }

    /** observe → validate → admit → advance the runs → aggregate; returns the status to write. */
    private ConcurrencyBenchmarkStatus reconcileStatus(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        Instant now = clock.instant();
        ConcurrencyBenchmarkStatus status = copy(cb.getStatus());
        long generation = cb.getMetadata().getGeneration();
        KubernetesClient client = ctx.getClient();

        if (!Objects.equals(status.getObservedGeneration(), generation)) {
            List<String> stopped = deleteOtherGenerations(ctx, generation);
            if (!stopped.isEmpty()) {
                events.generationStopped(cb, status.getObservedGeneration(), generation, stopped);
            }
            String name = cb.getMetadata().getName();
            status = StatusTransitions.newGeneration(cb.getSpec(), status, generation,
                    run -> Names.jobName(name, generation, run));
        }

        List<String> errors = SpecValidator.validate(cb.getSpec());
        if (!errors.isEmpty()) {
            String message = String.join("; ", errors);
            StatusTransitions.invalid(status, message, generation, now);
            if (status.getPhase() != Phase.Failed) {
                events.invalid(cb, message);
            }
            finish(cb, status, false, "InvalidSpec", message, now);
            return status;
        }
        StatusTransitions.valid(status, generation, now);

        if (status.getPhase() != null && status.getPhase().terminal()) {
            return status;
        }

        List<PlannedRun> plan = BenchmarkPlanner.plan(cb.getSpec());
        if (!admission.admit(cb, ctx.getPrimaryCache().list())) {
            String message = "waiting for a slot: at most " + admission.limit()
                    + " benchmark(s) run at once, in creation order";
            if (status.getPhase() != Phase.Queued) {
                events.queued(cb, message);
            }
            status.setPhase(Phase.Queued);
            Conditions.set(status.getConditions(), Conditions.ADMITTED, false, "Queued", message, generation, now);
            return status;
        }
        StatusTransitions.admitted(status, generation, now);
        status.setPhase(Phase.Running);

        advanceRuns(cb, ctx, client, status, plan, now);
        if (cb.getSpec().getRuntime() == Runtime.PYTHON) {
            // After the first Job, not before: its pods need the script only when their volumes
            // are mounted, which waits for a missing ConfigMap; the Job starts a round trip sooner
            // (make bench-operator: created -> first Job).
            ensureKernelConfigMap(cb, ctx);
        }
        StatusAggregator.aggregate(cb.getSpec(), status);
        return status;
    }

    /** Executes runs in order: observe the current one; when it is done, start the next. */
    private void advanceRuns(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx, KubernetesClient client,
                             ConcurrencyBenchmarkStatus status, List<PlannedRun> plan, Instant now) {
        long generation = cb.getMetadata().getGeneration();
        for (PlannedRun planned : plan) {
            RunStatus run = status.getRuns().get(planned.index());
            if (run.getState() == RunState.Succeeded) {
                continue;
            }
            Job job = secondary(ctx, Job.class, run.getJobName());
            if (job == null && run.getState() == RunState.Running) {
                // Created by us but not in the informer cache yet: wait for its event.
                job = fetchJob(client, cb, run.getJobName());
                if (job == null) {
                    requireFreshView(client, cb);
                    fail(cb, status, run, "JobMissing", "job " + run.getJobName()
                            + " disappeared before its results were read", now);
                    return;
                }
            }
            if (job == null) {
                createJob(cb, client, planned, run, status, now);
                StatusTransitions.progressing(status, run, generation, now);
                return;
            }
            if (run.getState() == RunState.Planned) {
                // Created by an attempt whose status write lost a conflict: adopt it.
                StatusTransitions.runStarted(status, run, Instant.parse(job.getMetadata().getCreationTimestamp()));
            }
            List<Pod> pods = podsOf(ctx, generation, planned.index());
            RunObservation seen = RunObserver.observe(job, pods, planned.pods());
            run.setPodsSucceeded(seen.podsSucceeded());
            run.setPodsFailed(seen.podsFailed());
            switch (seen.state()) {
                case FAILED -> {
                    fail(cb, status, run, seen.reason(), seen.message(), now);
                    deleteIfActive(client, job);
                    return;
                }
                case RUNNING -> {
                    if (seen.startReady()) {
                        releaseCommonStart(client, pods, now);
                    }
                    StatusTransitions.progressing(status, run, generation, now);
                    return;
                }
                case SUCCEEDED -> {
                    try {
                        RunMeasurement.record(cb.getSpec(), planned, seen.results(), run);
                    } catch (ResultFormatException e) {
                        fail(cb, status, run, "ResultUnreadable", "job " + run.getJobName() + ": "
                                + e.getMessage(), now);
                        return;
                    }
                    run.setCompletionTime(Conditions.timestamp(now));
                    events.runFinished(cb, run.getJobName(), planned.index(), plan.size(), true);
                }
            }
        }
        finish(cb, status, true, "AllRunsSucceeded",
                "all " + plan.size() + " run(s) succeeded", now);
    }

    private void createJob(ConcurrencyBenchmark cb, KubernetesClient client, PlannedRun planned, RunStatus run,
                           ConcurrencyBenchmarkStatus status, Instant now) {
        String image = cb.getSpec().getImage() != null ? cb.getSpec().getImage()
                : cb.getSpec().getRuntime() == Runtime.PYTHON ? config.pythonImage() : config.kernelImage();
        Job job = JobFactory.job(cb, planned, image);
        try {
            client.batch().v1().jobs().inNamespace(cb.getMetadata().getNamespace()).resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Already there: created by an earlier reconcile whose status patch was lost.
        }
        StatusTransitions.runStarted(status, run, now);
        events.runStarted(cb, run.getJobName(), planned.index(), status.getRuns().size());
    }

    /** The secondary resource of that type and name from the informer caches, or null. */
    private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> R secondary(
            Context<ConcurrencyBenchmark> ctx, Class<R> type, String name) {
        return ctx.getSecondaryResourcesAsStream(type)
                .filter(r -> name.equals(r.getMetadata().getName()))
                .findFirst().orElse(null);
    }

    /**
     * Before acting on a surprising observation (a run's Job gone), make sure the status we
     * act on is the server's: a newer resourceVersion means our view is stale, so retry.
     */
    private static void requireFreshView(KubernetesClient client, ConcurrencyBenchmark cb) {
        ConcurrencyBenchmark fresh = client.resources(ConcurrencyBenchmark.class)
                .inNamespace(cb.getMetadata().getNamespace()).withName(cb.getMetadata().getName()).get();
        if (fresh != null && !Objects.equals(fresh.getMetadata().getResourceVersion(),
                cb.getMetadata().getResourceVersion())) {
            throw new KubernetesClientException("stale view of " + cb.getMetadata().getName(), 409, null);
        }
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

    /** Every pod of a multi-pod run is running: give them one wall-clock second to start at. */
    private void releaseCommonStart(KubernetesClient client, List<Pod> pods, Instant now) {
        double startAt = now.toEpochMilli() / 1000.0 + config.startDelaySeconds();
        String patch = "{\"metadata\":{\"annotations\":{\"" + Names.ANNOTATION_START_AT + "\":\""
                + String.format(Locale.ROOT, "%.3f", startAt) + "\"}}}";
        LOG.debugf("releasing the common start of %s pods at %s", Integer.valueOf(pods.size()), Double.valueOf(startAt));
        for (Pod pod : pods) {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        }
    }

    /** Deletes a Job and, in the background, its pods. */
    private static void deleteJob(KubernetesClient client, Job job) {
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
                .withName(job.getMetadata().getName()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }

    /** The Job controller has marked the Job Complete or Failed. */
    private static boolean finished(Job job) {
        return job.getStatus() != null && job.getStatus().getConditions() != null
                && job.getStatus().getConditions().stream().anyMatch(c -> "True".equals(c.getStatus())
                && ("Failed".equals(c.getType()) || "Complete".equals(c.getType())));
    }

    private static void deleteIfActive(KubernetesClient client, Job job) {
        if (!finished(job)) {
            // Stop pods that would otherwise keep pulling or running until the deadline.
            deleteJob(client, job);
        }
    }

    private void fail(ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus status,
                      RunStatus run, String reason, String message, Instant now) {
        StatusTransitions.runFailed(run, message, now);
        events.runFinished(cb, run.getJobName(), run.getIndex(), status.getRuns().size(), false);
        finish(cb, status, false, reason, message, now);
    }

    /** Ends the generation: phase, conditions, completion time, the event (the slot is freed after the write). */
    private void finish(ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus status,
                        boolean succeeded, String reason, String message, Instant now) {
        Phase phase = succeeded ? Phase.Succeeded : Phase.Failed;
        boolean transition = StatusTransitions.finish(status, succeeded, reason, message,
                cb.getMetadata().getGeneration(), now);
        if (transition) {
            // A spec the validator refused has had its InvalidSpec event; one the API server refused has not.
            boolean validatorRefused = Conditions.find(status.getConditions(), Conditions.VALID)
                    .map(c -> "False".equals(c.getStatus())).orElse(false);
            if (!validatorRefused) {
                events.benchmarkFinished(cb, succeeded, message);
            }
            LOG.infof("benchmark %s/%s %s: %s", cb.getMetadata().getNamespace(), cb.getMetadata().getName(), phase,
                    message);
        }
    }

    /**
     * A new generation (first reconcile or a spec change): delete the previous generations' Jobs.
     * Returns the names of those that were still running (stopped mid-run by the spec change).
     */
    private static List<String> deleteOtherGenerations(Context<ConcurrencyBenchmark> ctx, long generation) {
        String gen = Long.toString(generation);
        List<String> stopped = new java.util.ArrayList<>();
        for (Job job : ctx.getSecondaryResources(Job.class)) {
            if (!gen.equals(job.getMetadata().getLabels().get(Names.LABEL_GENERATION))) {
                if (!finished(job)) {
                    stopped.add(job.getMetadata().getName());
                }
                deleteJob(ctx.getClient(), job);
            }
        }
        return stopped;
    }

    private void ensureKernelConfigMap(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        String name = Names.kernelConfigMapName(cb.getMetadata().getName());
        ConfigMap existing = secondary(ctx, ConfigMap.class, name);
        if (existing != null && existing.getMetadata().getAnnotations() != null
                && kernelSha256.equals(existing.getMetadata().getAnnotations().get(Names.ANNOTATION_KERNEL_SHA256))) {
            return;
        }
        ConfigMap desired = JobFactory.kernelConfigMap(cb, kernelScript);
        try {
            if (existing == null) {
                ctx.getClient().configMaps().inNamespace(cb.getMetadata().getNamespace()).resource(desired).create();
            } else {
                ctx.getClient().configMaps().inNamespace(cb.getMetadata().getNamespace()).resource(desired).update();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /**
     * Writes the status when it changed, with optimistic locking on the resourceVersion we acted on,
     * and hands the written resource to JOSDK's cache of recent updates: the next reconcile (often
     * triggered by our own Job or pod changes before the watch brings this write back) starts from
     * it instead of failing with 409 on a stale copy.
     */
    private static void writeStatusIfChanged(Context<ConcurrencyBenchmark> ctx, ConcurrencyBenchmark cb,
                                             ConcurrencyBenchmarkStatus after) {
        if (MAPPER.valueToTree(copy(cb.getStatus())).equals(MAPPER.valueToTree(after))) {
            return;
        }
        ConcurrencyBenchmark updated = Serialization.clone(cb);
        updated.setStatus(after);
        ConcurrencyBenchmark written = ctx.getClient().resources(ConcurrencyBenchmark.class)
                .inNamespace(cb.getMetadata().getNamespace()).resource(updated).updateStatus();
        ctx.eventSourceRetriever().getControllerEventSource()
                .handleRecentResourceUpdate(ResourceID.fromResource(cb), written, cb);
    }

    private static ConcurrencyBenchmarkStatus copy(ConcurrencyBenchmarkStatus status) {
        if (status == null) {
            return new ConcurrencyBenchmarkStatus();
        }
        return MAPPER.convertValue(status, ConcurrencyBenchmarkStatus.class);
    }

    private static String loadKernelScript() {
        try (InputStream in = BenchmarkReconciler.class.getResourceAsStream("/kernel/" + JobFactory.KERNEL_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("the Python kernel is missing from the operator's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
