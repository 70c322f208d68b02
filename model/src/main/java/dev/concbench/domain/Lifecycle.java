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
import dev.concbench.domain.Action.HoldSlot;
import dev.concbench.domain.Action.ReleaseStart;
import dev.concbench.domain.Action.RunFinished;
import dev.concbench.domain.Action.RunStarted;
import dev.concbench.domain.Action.SpecChanged;
import dev.concbench.domain.Action.SpecInvalid;
import dev.concbench.domain.Action.WaitingForSlot;
import dev.concbench.domain.Observation.JobSeen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one lifecycle of a benchmark, as a pure function: (the benchmark with its spec and status,
 * the facts its executor observed) → (the next status, the actions to take). The operator's
 * reconciler and the local runner are its two executors; neither decides anything.
 *
 * <p>Order of a step: the spec is validated (and what the executor's settings cannot run, such as a
 * runtime without an image, is invalid too) → a new generation stops the old one's Jobs and stores its
 * plan in {@code status.runs} (the plan is read from there afterwards) → an invalid spec fails → an
 * ended generation only follows its baseline → what the policy does not allow, the user's code missing
 * before a run, and a request the API server refused (or the operator failing), end the generation
 * Failed → a benchmark without a slot
 * waits (Queued) → the runs advance one at a time: the first unfinished run's Job is created, watched,
 * released at a common start, read when done → the results are aggregated → a succeeded benchmark is
 * compared with spec.baseline (also after its end: the baseline may finish, re-run or go later). The
 * phase is derived from the conditions at the end of every step, there only.
 */
public final class Lifecycle {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The Failed reason of a benchmark that asks for more than the executor's policy allows. */
    public static final String NOT_ALLOWED = "NotAllowed";

    private Lifecycle() {
    }

    public static Decision decide(ConcurrencyBenchmark cb, Observation seen, Instant now) {
        Step step = new Step(cb, seen, now);
        ConcurrencyBenchmarkStatus status = step.status;
        if (!step.errors.isEmpty()) {
            String message = String.join("; ", step.errors);
            StatusTransitions.invalid(status, message, step.generation, now);
            if (!step.was(Phase.Failed)) {
                step.actions.add(new SpecInvalid(message));
            }
            step.finish(false, "InvalidSpec", message);
            return step.decision();
        }
        StatusTransitions.valid(status, step.generation, now);
        if (StatusTransitions.phase(status).terminal()) {
            BaselineComparison.apply(cb, status, seen.baseline(), now); // the baseline may finish or go later
            return step.decision();
        }
        List<String> notAllowed = seen.settings().notAllowed(step.spec);
        if (!notAllowed.isEmpty()) {
            step.failGeneration(NOT_ALLOWED, String.join("; ", notAllowed));
            return step.decision();
        }
        if (seen.workloadCode() != null) {
            step.failGeneration(WorkloadCode.REASON, seen.workloadCode());
            return step.decision();
        }
        if (seen.fault() != null) {
            step.failGeneration(seen.fault().reason(), seen.fault().message());
            if (seen.fault().statusRefused()) {
                step.status = StatusTransitions.withoutMeasurements(step.status);
            }
            return step.decision();
        }
        if (!seen.admission().mayRun()) {
            String message = "waiting for a slot: at most " + seen.admission().limit()
                    + " benchmark(s) run at once, in creation order";
            if (!step.was(Phase.Queued)) { // told once per generation
                step.actions.add(new WaitingForSlot(message));
            }
            Conditions.set(status.getConditions(), Conditions.ADMITTED, false, "Queued", message, step.generation,
                    now);
            return step.decision();
        }
        step.actions.add(new HoldSlot());
        StatusTransitions.admitted(status, step.generation, now);
        step.advanceRuns(seen);
        StatusAggregator.aggregate(cb.getSpec(), status);
        step.flagContended();
        BaselineComparison.apply(cb, status, seen.baseline(), now);
        return step.decision();
    }

    /** A deep copy of a status, or an empty one: a step edits its own copy, never the object it was given. */
    private static ConcurrencyBenchmarkStatus workingCopy(ConcurrencyBenchmarkStatus status) {
        return status == null ? new ConcurrencyBenchmarkStatus()
                : MAPPER.convertValue(status, ConcurrencyBenchmarkStatus.class);
    }

    /** One step's working state: the status being built and the actions so far. */
    private static final class Step {
        final ConcurrencyBenchmark cb;
        final ConcurrencyBenchmarkSpec spec;
        final Observation seen;
        final long generation;
        final Instant now;
        final ConcurrencyBenchmarkStatus before;
        /** What makes the spec invalid: the validator's errors, then what the executor cannot run. */
        final List<String> errors;
        ConcurrencyBenchmarkStatus status;
        final List<Action> actions = new ArrayList<>();

        /** Validates the spec, and starts a new generation (with its plan) when this is one: once per step. */
        Step(ConcurrencyBenchmark cb, Observation seen, Instant now) {
            this.cb = cb;
            this.spec = cb.getSpec();
            this.seen = seen;
            this.generation = cb.getMetadata().getGeneration();
            this.now = now;
            this.before = cb.getStatus();
            this.status = workingCopy(cb.getStatus());
            List<String> invalid = new ArrayList<>(SpecValidator.validate(spec));
            if (invalid.isEmpty()) {
                invalid.addAll(seen.settings().unavailable(spec));
            }
            this.errors = List.copyOf(invalid);
            if (!StatusTransitions.ofCurrentGeneration(cb, status)) {
                startGeneration(errors.isEmpty() ? BenchmarkPlanner.plan(spec) : List.of());
            }
        }

        /** A new generation (first step or a spec change): delete the other generations' Jobs, store the plan. */
        private void startGeneration(List<PlannedRun> plan) {
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
            String name = cb.getMetadata().getName();
            String uid = cb.getMetadata().getUid();
            status = StatusTransitions.newGeneration(status, generation, plan,
                    run -> Names.jobName(name, uid, generation, run));
        }

        /**
         * Ends the generation Failed with {@code reason}: nothing of it keeps running (its active Jobs are
         * stopped), its first unfinished run fails.
         */
        void failGeneration(String reason, String message) {
            for (JobSeen job : seen.jobs()) {
                if (Objects.equals(job.generation(), generation) && !job.finished()) {
                    actions.add(new DeleteJob(job.name()));
                }
            }
            RunStatus run = status.getRuns().stream().filter(r -> r.getState() != RunState.Succeeded)
                    .findFirst().orElse(null);
            if (run != null) {
                failRun(run, reason, message);
            } else {
                finish(false, reason, message);
            }
            StatusAggregator.aggregate(spec, status);
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
                    actions.add(new CreateJob(planned, run.getJobName(),
                            seen.settings().image(spec, planned.runtimeOf(spec))));
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
            if (StatusTransitions.phase(status) != Phase.Succeeded) {
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

        /** The step's outcome; the phase is set here, from the conditions, and nowhere else. */
        Decision decision() {
            status.setPhase(StatusTransitions.phase(status));
            boolean terminal = status.getPhase().terminal();
            return new Decision(status, actions, !status.equals(before), terminal && !was(status.getPhase()));
        }

        /** The status this step started from was in {@code phase}, for the current generation. */
        boolean was(Phase phase) {
            return StatusTransitions.ofCurrentGeneration(cb, before) && StatusTransitions.phase(before) == phase;
        }
    }
}
