package dev.concbench.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.domain.Action.BenchmarkFinished;
import dev.concbench.domain.Action.CreateJob;
import dev.concbench.domain.Action.DeleteJob;
import dev.concbench.domain.Action.Queued;
import dev.concbench.domain.Action.ReleaseStart;
import dev.concbench.domain.Action.RunFinished;
import dev.concbench.domain.Action.RunStarted;
import dev.concbench.domain.Action.SpecChanged;
import dev.concbench.domain.Action.SpecInvalid;
import dev.concbench.domain.Observation.JobSeen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one lifecycle of a benchmark, as a pure function: (the benchmark with its spec and status,
 * what was observed of its Jobs and pods) → (the next status, the actions to take). The operator's
 * reconciler and the local runner are its two executors.
 *
 * <p>Order of a step: the spec is validated → a new generation stops the old one's Jobs and stores
 * its plan in {@code status.runs} (the plan is read from there afterwards) → an invalid spec fails
 * → a benchmark without a slot waits (Queued) → the runs advance one at a time: the first
 * unfinished run's Job is created, watched, released at a common start, read when done → the
 * results are aggregated → a succeeded benchmark is compared with spec.baseline (also after its end:
 * the baseline may finish, re-run or go later). The phase is derived from the conditions at the end
 * of every step.
 */
public final class Lifecycle {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Lifecycle() {
    }

    public static Decision decide(ConcurrencyBenchmark cb, Observation seen, Instant now) {
        Step step = new Step(cb, now);
        List<String> errors = SpecValidator.validate(cb.getSpec());
        step.startGenerationIfNew(seen, errors.isEmpty() ? BenchmarkPlanner.plan(cb.getSpec()) : List.of());
        ConcurrencyBenchmarkStatus status = step.status;
        if (!errors.isEmpty()) {
            String message = String.join("; ", errors);
            StatusTransitions.invalid(status, message, step.generation, now);
            if (!step.was(Phase.Failed)) {
                step.actions.add(new SpecInvalid(message));
            }
            step.finish(false, "InvalidSpec", message);
            return step.decision();
        }
        StatusTransitions.valid(status, step.generation, now);
        if (StatusTransitions.phase(status.getConditions()).terminal()) {
            BaselineComparison.apply(cb, status, seen.baseline(), now); // the baseline may finish or go later
            return step.decision();
        }
        if (!seen.admission().admit()) {
            String message = "waiting for a slot: at most " + seen.admission().limit()
                    + " benchmark(s) run at once, in creation order";
            if (!step.was(Phase.Queued)) { // told once per generation
                step.actions.add(new Queued(message));
            }
            Conditions.set(status.getConditions(), Conditions.ADMITTED, false, "Queued", message, step.generation,
                    now);
            return step.decision();
        }
        StatusTransitions.admitted(status, step.generation, now);
        step.advanceRuns(seen);
        StatusAggregator.aggregate(cb.getSpec(), status);
        step.flagContended();
        BaselineComparison.apply(cb, status, seen.baseline(), now);
        return step.decision();
    }

    /**
     * Ends the current generation Failed with {@code reason}: an API request refused for good, or the
     * operator failing on the benchmark. Stops the generation's active Jobs.
     */
    public static Decision fail(ConcurrencyBenchmark cb, Observation seen, String reason, String message,
                                Instant now) {
        Step step = new Step(cb, now);
        if (!sameGeneration(cb, step.status)) {
            List<PlannedRun> plan = SpecValidator.validate(cb.getSpec()).isEmpty()
                    ? BenchmarkPlanner.plan(cb.getSpec()) : List.of();
            step.status = newGeneration(cb, step.status, plan);
        } else if (StatusTransitions.phase(step.status.getConditions()).terminal()) {
            return step.decision(); // already ended, e.g. by a concurrent pass
        }
        for (JobSeen job : seen.jobs()) {
            if (Objects.equals(job.generation(), step.generation) && !job.finished()) {
                step.actions.add(new DeleteJob(job.name())); // nothing of the failed generation keeps running
            }
        }
        RunStatus run = step.status.getRuns().stream().filter(r -> r.getState() != RunState.Succeeded)
                .findFirst().orElse(null);
        if (run != null) {
            step.failRun(run, reason, message);
        } else {
            step.finish(false, reason, message);
        }
        StatusAggregator.aggregate(cb.getSpec(), step.status);
        return step.decision();
    }

    /** A deep copy of a status, or an empty one: a step never edits the object it was given. */
    public static ConcurrencyBenchmarkStatus copy(ConcurrencyBenchmarkStatus status) {
        return status == null ? new ConcurrencyBenchmarkStatus()
                : MAPPER.convertValue(status, ConcurrencyBenchmarkStatus.class);
    }

    private static boolean sameGeneration(ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus status) {
        return Objects.equals(status.getObservedGeneration(), cb.getMetadata().getGeneration());
    }

    private static ConcurrencyBenchmarkStatus newGeneration(ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus old,
                                                            List<PlannedRun> plan) {
        String name = cb.getMetadata().getName();
        String uid = cb.getMetadata().getUid();
        long generation = cb.getMetadata().getGeneration();
        return StatusTransitions.newGeneration(old, generation, plan, run -> Names.jobName(name, uid, generation, run));
    }

    /** One step's working state: the status being built and the actions so far. */
    private static final class Step {
        final ConcurrencyBenchmark cb;
        final ConcurrencyBenchmarkSpec spec;
        final long generation;
        final Instant now;
        final ConcurrencyBenchmarkStatus before;
        ConcurrencyBenchmarkStatus status;
        final List<Action> actions = new ArrayList<>();

        Step(ConcurrencyBenchmark cb, Instant now) {
            this.cb = cb;
            this.spec = cb.getSpec();
            this.generation = cb.getMetadata().getGeneration();
            this.now = now;
            this.before = cb.getStatus();
            this.status = copy(cb.getStatus());
        }

        /** A new generation (first step or a spec change): delete the other generations' Jobs, plan afresh. */
        void startGenerationIfNew(Observation seen, List<PlannedRun> plan) {
            if (sameGeneration(cb, status)) {
                return;
            }
            List<String> stopped = new ArrayList<>();
            for (JobSeen job : seen.jobs()) {
                if (!Objects.equals(job.generation(), generation)) {
                    if (!job.finished()) {
                        stopped.add(job.name());
                    }
                    actions.add(new DeleteJob(job.name()));
                }
            }
            if (!stopped.isEmpty()) {
                actions.add(new SpecChanged(status.getObservedGeneration(), generation, stopped));
            }
            status = newGeneration(cb, status, plan);
        }

        /** Executes runs in order: watch the current one; when it is done, start the next. */
        void advanceRuns(Observation seen) {
            List<RunStatus> plan = status.getRuns();
            for (RunStatus run : plan) {
                PlannedRun planned = PlannedRun.of(run);
                if (run.getState() == RunState.Succeeded) {
                    continue;
                }
                RunObservation observed = seen.runs().get(run.getJobName());
                if (observed == null && run.getState() == RunState.Running) {
                    failRun(run, "JobMissing", "job " + run.getJobName()
                            + " disappeared before its results were read");
                    return;
                }
                if (observed == null) {
                    actions.add(new CreateJob(planned, run.getJobName()));
                    StatusTransitions.runStarted(status, run, now);
                    actions.add(new RunStarted(run.getJobName(), planned.index(), plan.size()));
                    StatusTransitions.progressing(status, run, generation, now);
                    return;
                }
                if (run.getState() == RunState.Planned) {
                    // Created by a step whose status write was lost: adopt it.
                    Instant created = seen.job(run.getJobName()).map(JobSeen::created).orElse(now);
                    StatusTransitions.runStarted(status, run, created);
                }
                run.setPodsSucceeded(observed.podsSucceeded());
                run.setPodsFailed(observed.podsFailed());
                switch (observed.state()) {
                    case Planned -> throw new IllegalArgumentException("an observation is never Planned");
                    case Failed -> {
                        failRun(run, observed.reason(), observed.message());
                        boolean finished = seen.job(run.getJobName()).map(JobSeen::finished).orElse(false);
                        if (!finished) {
                            // Stop pods that would otherwise keep pulling or running until the deadline.
                            actions.add(new DeleteJob(run.getJobName()));
                        }
                        return;
                    }
                    case Running -> {
                        if (observed.startReady()) {
                            actions.add(new ReleaseStart(planned.index(), run.getJobName()));
                        }
                        StatusTransitions.progressing(status, run, observed.waiting(), generation, now);
                        return;
                    }
                    case Succeeded -> {
                        try {
                            RunMeasurement.record(spec, planned, observed.results(), run);
                            run.setQosClass(observed.qosClass());
                        } catch (ResultFormatException e) {
                            failRun(run, "ResultUnreadable", "job " + run.getJobName() + ": " + e.getMessage());
                            return;
                        }
                        run.setCompletionTime(Conditions.timestamp(now));
                        actions.add(new RunFinished(run.getJobName(), planned.index(), plan.size(), true));
                    }
                }
            }
            finish(true, "AllRunsSucceeded", "all " + plan.size() + " run(s) succeeded");
        }

        /** A benchmark that succeeded with an inconclusive conclusion says so: the Contended reason, an event once. */
        void flagContended() {
            if (StatusTransitions.phase(status.getConditions()) != Phase.Succeeded) {
                return;
            }
            Conclusion.inconclusive(spec, status).ifPresent(message -> {
                StatusTransitions.contended(status, message, generation, now);
                if (!was(Phase.Succeeded)) {
                    actions.add(new Action.Contended(message));
                }
            });
        }

        void failRun(RunStatus run, String reason, String message) {
            StatusTransitions.runFailed(run, message, now);
            actions.add(new RunFinished(run.getJobName(), run.getIndex(), status.getRuns().size(), false));
            finish(false, reason, message);
        }

        void finish(boolean succeeded, String reason, String message) {
            boolean transition = StatusTransitions.finish(status, succeeded, reason, message, generation, now);
            if (transition) {
                boolean specInvalid = Conditions.find(status.getConditions(), Conditions.VALID)
                        .map(c -> "False".equals(c.getStatus())).orElse(false);
                actions.add(new BenchmarkFinished(succeeded, message, specInvalid));
            }
        }

        Decision decision() {
            status.setPhase(StatusTransitions.phase(status.getConditions()));
            boolean terminal = status.getPhase().terminal();
            return new Decision(status, actions, terminal && !was(status.getPhase()));
        }

        /** The status this step started from was in {@code phase}, for the current generation. */
        boolean was(Phase phase) {
            return before != null && sameGeneration(cb, before)
                    && StatusTransitions.phase(before.getConditions()) == phase;
        }
    }
}
