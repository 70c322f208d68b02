package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import io.fabric8.kubernetes.api.model.Condition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The status changes of a benchmark's life, shared by the operator and the local runner
 * so both write the same status: a new generation, a run in progress, the end. They set conditions;
 * the phase is what the conditions say ({@link #phase(List)}), set once at the end of a step.
 */
public final class StatusTransitions {

    /** The Progressing reason of a succeeded benchmark whose conclusion is inconclusive. */
    public static final String CONTENDED = "Contended";

    private StatusTransitions() {
    }

    /** A fresh status for {@code generation} whose runs are {@code plan}: the one place a plan is stored. */
    public static ConcurrencyBenchmarkStatus newGeneration(ConcurrencyBenchmarkStatus old, long generation,
                                                           List<PlannedRun> plan, IntFunction<String> jobName) {
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        status.setConditions(new ArrayList<>(old.getConditions().stream()
                .filter(c -> !Conditions.COMPLETE.equals(c.getType()) && !Conditions.FAILED.equals(c.getType())
                        && !Conditions.BASELINE_COMPARED.equals(c.getType()))
                .toList()));
        status.setObservedGeneration(generation);
        List<RunStatus> runs = new ArrayList<>();
        for (PlannedRun planned : plan) {
            RunStatus run = new RunStatus();
            run.setIndex(planned.index());
            run.setJobName(jobName.apply(planned.index()));
            run.setPods(planned.pods());
            run.setWorkers(planned.workers());
            run.setRuntime(planned.runtime());
            run.setSkipped(planned.skipped().isEmpty() ? null : new LinkedHashMap<>(planned.skipped()));
            run.setStrategies(planned.strategyNames());
            run.setState(RunState.Planned);
            runs.add(run);
        }
        status.setRuns(runs);
        return status;
    }

    public static void runStarted(ConcurrencyBenchmarkStatus status, RunStatus run, Instant now) {
        run.setState(RunState.Running);
        run.setStartTime(Conditions.timestamp(now));
        if (status.getStartTime() == null) {
            status.setStartTime(Conditions.timestamp(now));
        }
    }

    public static void progressing(ConcurrencyBenchmarkStatus status, RunStatus run, long generation, Instant now) {
        progressing(status, run, null, generation, now);
    }

    /** In progress, or waiting for what {@code waiting} says (its reason then is the condition's). */
    public static void progressing(ConcurrencyBenchmarkStatus status, RunStatus run, RunObservation.Waiting waiting,
                                   long generation, Instant now) {
        Conditions.set(status.getConditions(), Conditions.PROGRESSING, true,
                waiting == null ? "RunInProgress" : waiting.reason(),
                "run " + (run.getIndex() + 1) + "/" + status.getRuns().size() + " (pods=" + run.getPods()
                        + ", workers=" + run.getWorkers() + "): job " + run.getJobName()
                        + (waiting == null ? "" : "; waiting: " + waiting.message()), generation, now);
    }

    public static void runFailed(RunStatus run, String message, Instant now) {
        run.setState(RunState.Failed);
        run.setMessage(message);
        run.setCompletionTime(Conditions.timestamp(now));
    }

    /**
     * Ends the generation: completion time and the Progressing, Complete and Failed
     * conditions. Returns whether this ends the generation now (the caller emits events once).
     */
    public static boolean finish(ConcurrencyBenchmarkStatus status, boolean succeeded, String reason, String message,
                                 long generation, Instant now) {
        boolean transition = phase(status) != (succeeded ? Phase.Succeeded : Phase.Failed);
        if (transition || status.getCompletionTime() == null) {
            status.setCompletionTime(Conditions.timestamp(now));
        }
        Conditions.set(status.getConditions(), Conditions.PROGRESSING, false, succeeded ? "Completed" : reason,
                succeeded ? "all runs finished" : "stopped: " + message, generation, now);
        Conditions.set(status.getConditions(), Conditions.COMPLETE, succeeded, succeeded ? reason : "NotCompleted",
                succeeded ? message : "the benchmark failed", generation, now);
        Conditions.set(status.getConditions(), Conditions.FAILED, !succeeded, succeeded ? "NoFailure" : reason,
                succeeded ? "no run failed" : message, generation, now);
        return transition;
    }

    /**
     * A succeeded benchmark whose conclusion rests on a contended row: the Progressing condition's reason is
     * {@link #CONTENDED} (what kubectl get -o wide's REASON shows) and its message says why. Complete stays
     * True: the phase is Succeeded, the measurement is whole; only the conclusion is withheld.
     */
    public static void contended(ConcurrencyBenchmarkStatus status, String message, long generation, Instant now) {
        Conditions.set(status.getConditions(), Conditions.PROGRESSING, false, CONTENDED, "all runs finished; "
                + message, generation, now);
    }

    public static void valid(ConcurrencyBenchmarkStatus status, long generation, Instant now) {
        Conditions.set(status.getConditions(), Conditions.VALID, true, "SpecValid", "the spec is valid",
                generation, now);
    }

    public static void invalid(ConcurrencyBenchmarkStatus status, String message, long generation, Instant now) {
        Conditions.set(status.getConditions(), Conditions.VALID, false, "InvalidSpec", message, generation, now);
    }

    public static void admitted(ConcurrencyBenchmarkStatus status, long generation, Instant now) {
        Conditions.set(status.getConditions(), Conditions.ADMITTED, true, "SlotAvailable", "admitted: runs may start",
                generation, now);
    }

    /**
     * {@code status} speaks of {@code cb}'s current generation (its observedGeneration is the benchmark's
     * generation): what it says of runs and results is about the spec as it is now. False without a status.
     */
    public static boolean ofCurrentGeneration(ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus status) {
        return status != null && Objects.equals(status.getObservedGeneration(), cb.getMetadata().getGeneration());
    }

    /** The phase {@code status}'s conditions say ({@link #phase(List)}); Pending when there is no status yet. */
    public static Phase phase(ConcurrencyBenchmarkStatus status) {
        return status == null ? Phase.Pending : phase(status.getConditions());
    }

    /**
     * The phase the conditions say, the one rule for it: Failed or Complete end the generation;
     * otherwise Admitted says Running (True) or Queued (False); before admission, Pending.
     */
    public static Phase phase(List<Condition> conditions) {
        if (Conditions.isTrue(conditions, Conditions.FAILED)) {
            return Phase.Failed;
        }
        if (Conditions.isTrue(conditions, Conditions.COMPLETE)) {
            return Phase.Succeeded;
        }
        return Conditions.find(conditions, Conditions.ADMITTED)
                .map(c -> "True".equals(c.getStatus()) ? Phase.Running : Phase.Queued)
                .orElse(Phase.Pending);
    }

    /**
     * What still says why the benchmark ended when the full status is refused (too large, say): phase,
     * generation, conditions and times, without the runs and results.
     */
    public static ConcurrencyBenchmarkStatus withoutMeasurements(ConcurrencyBenchmarkStatus status) {
        ConcurrencyBenchmarkStatus slim = new ConcurrencyBenchmarkStatus();
        slim.setObservedGeneration(status.getObservedGeneration());
        slim.setConditions(new ArrayList<>(status.getConditions()));
        slim.setStartTime(status.getStartTime());
        slim.setCompletionTime(status.getCompletionTime());
        return slim;
    }
}
