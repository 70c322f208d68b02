package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.domain.Labels;
import dev.concbench.domain.Lifecycle;
import dev.concbench.domain.Observation;
import dev.concbench.domain.RunObservation;
import dev.concbench.domain.StatusTransitions;
import dev.concbench.domain.WorkloadCode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The reconciler's eyes: what {@link Lifecycle#decide} is told of a benchmark, from the informers'
 * caches (its Jobs, pods and the Job controller's events), the admission and spec.baseline, with the
 * operator's settings (its runtime catalog and policy) to hold the spec against. Reads only: it changes
 * nothing, claims nothing.
 */
final class BenchmarkObserver {

    private final AdmissionController admission;
    private final Observation.Settings settings;
    private final BaselineWatch baselines;
    private final Clock clock;

    BenchmarkObserver(AdmissionController admission, Observation.Settings settings, BaselineWatch baselines,
                      Clock clock) {
        this.admission = admission;
        this.settings = settings;
        this.baselines = baselines;
        this.clock = clock;
    }

    /**
     * What the informers hold of the benchmark's Jobs and pods, read into the domain's terms, with what the
     * admission says of it. A run whose Job is missing from the cache is looked up on the API server before
     * it counts as gone. With a fault only the Jobs are read (the
     * runs' observation may be what failed): the step ends the generation and needs only what to stop.
     */
    Optional<Observation> observe(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx, Observation.Fault fault) {
        List<Observation.JobSeen> jobs = new ArrayList<>(jobsSeen(ctx, cb));
        Map<String, RunObservation> runs = new HashMap<>();
        ConcurrencyBenchmarkStatus status = cb.getStatus();
        if (fault == null && StatusTransitions.ofCurrentGeneration(cb, status)) {
            Duration schedulingTimeout = schedulingTimeout(cb);
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
                            schedulingTimeout));
                }
            }
        }
        return Optional.of(new Observation(new Observation.Admission(admission.mayRun(cb), admission.limit()), jobs,
                runs, baselines.seen(cb), settings, workloadCode(cb, ctx), fault));
    }

    /**
     * What is wrong with a custom workload's ConfigMap (missing, too big, without the entrypoint's module),
     * looked up when {@link WorkloadCode#toLookUp} says (while no run is running): a GET of the user's
     * ConfigMap, as the operator caches only its own. Null when nothing is, or when it was not looked up.
     */
    private static String workloadCode(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        Optional<String> name = WorkloadCode.toLookUp(cb);
        if (name.isEmpty()) {
            return null;
        }
        String namespace = cb.getMetadata().getNamespace();
        ConfigMap code = ctx.getClient().configMaps().inNamespace(namespace).withName(name.get()).get();
        return WorkloadCode.problem(cb.getSpec(), "namespace " + namespace,
                code == null ? null : Optional.ofNullable(code.getData()).orElse(Map.of()),
                code == null ? null : code.getBinaryData()).orElse(null);
    }

    /** The benchmark's Jobs: the cache maps Jobs to benchmarks by name, so those of an earlier one of the name are left out. */
    private static List<Observation.JobSeen> jobsSeen(Context<ConcurrencyBenchmark> ctx, ConcurrencyBenchmark cb) {
        return ctx.getSecondaryResourcesAsStream(Job.class).filter(job -> Owners.ownedBy(job, cb))
                .map(BenchmarkObserver::jobSeen).toList();
    }

    private static Observation.JobSeen jobSeen(Job job) {
        String generation = job.getMetadata().getLabels() == null ? null
                : job.getMetadata().getLabels().get(Labels.LABEL_GENERATION);
        String created = job.getMetadata().getCreationTimestamp();
        return new Observation.JobSeen(job.getMetadata().getName(),
                generation == null ? null : Long.valueOf(generation), finished(job),
                created == null ? null : Instant.parse(created));
    }

    /** The secondary resource of that type and name from the informer caches, or null. */
    private static <R extends HasMetadata> R secondary(Context<ConcurrencyBenchmark> ctx, Class<R> type, String name) {
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
    static List<Pod> podsOf(Context<ConcurrencyBenchmark> ctx, String jobName) {
        return ctx.getSecondaryResourcesAsStream(Pod.class).filter(p -> Owners.ownedByJob(p, jobName)).toList();
    }

    /** The Job controller has marked the Job Complete or Failed. */
    private static boolean finished(Job job) {
        return job.getStatus() != null && job.getStatus().getConditions() != null
                && job.getStatus().getConditions().stream().anyMatch(c -> "True".equals(c.getStatus())
                && ("Failed".equals(c.getType()) || "Complete".equals(c.getType())));
    }
}
