package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.SweepSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatusTransitionsTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T1 = Instant.parse("2025-03-01T10:05:00Z");
    private static final Instant T2 = Instant.parse("2025-03-01T10:10:00Z");

    private static ConcurrencyBenchmarkSpec spec() {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(WorkloadType.CPU, 100, 8));
        spec.setStrategies(List.of(StrategyName.THREADS));
        spec.setSweep(new SweepSpec(List.of(2, 4), null));
        return spec;
    }

    private static Condition condition(ConcurrencyBenchmarkStatus status, String type) {
        return Conditions.find(status.getConditions(), type)
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    private static ConcurrencyBenchmarkStatus finishedStatus() {
        ConcurrencyBenchmarkStatus old = new ConcurrencyBenchmarkStatus();
        StatusTransitions.valid(old, 1, T0);
        StatusTransitions.admitted(old, 1, T0);
        StatusTransitions.finish(old, true, "AllRunsSucceeded", "3 runs", 1, T1);
        old.setFastest("threads");
        old.setResults(new ArrayList<>(List.of(new ResultRow())));
        old.setStartTime("2025-03-01T10:00:00Z");
        old.setObservedGeneration(1L);
        return old;
    }

    @Test
    void newGenerationDropsTheOutcomeAndKeepsValid() {
        ConcurrencyBenchmarkStatus old = finishedStatus();

        ConcurrencyBenchmarkStatus fresh = StatusTransitions.newGeneration(old, 2, BenchmarkPlanner.plan(spec()),
                i -> "job-" + i);

        assertThat(fresh.getObservedGeneration()).isEqualTo(2L);
        assertThat(fresh.getConditions()).extracting(Condition::getType)
                .contains(Conditions.VALID, Conditions.ADMITTED)
                .doesNotContain(Conditions.COMPLETE, Conditions.FAILED);
        assertThat(condition(fresh, Conditions.VALID).getLastTransitionTime()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(StatusTransitions.phase(fresh)).as("admitted before: keeps its slot").isEqualTo(Phase.Running);
        assertThat(fresh.getCompletionTime()).isNull();
        assertThat(fresh.getStartTime()).isNull();
        assertThat(fresh.getResults()).isEmpty();
        assertThat(fresh.getFastest()).isNull();
        // the old status is not modified
        assertThat(old.getConditions()).extracting(Condition::getType).contains(Conditions.COMPLETE);
    }

    @Test
    void newGenerationPlansTheRuns() {
        ConcurrencyBenchmarkStatus fresh = StatusTransitions.newGeneration(new ConcurrencyBenchmarkStatus(), 3,
                BenchmarkPlanner.plan(spec()), i -> "demo-g3-r" + i);

        // baseline (pods 1) + pods 2 + pods 4
        assertThat(fresh.getRuns()).hasSize(3);
        assertThat(fresh.getRuns()).extracting(RunStatus::getIndex).containsExactly(0, 1, 2);
        assertThat(fresh.getRuns()).extracting(RunStatus::getJobName)
                .containsExactly("demo-g3-r0", "demo-g3-r1", "demo-g3-r2");
        assertThat(fresh.getRuns()).extracting(RunStatus::getPods).containsExactly(1, 2, 4);
        assertThat(fresh.getRuns()).extracting(RunStatus::getState).containsOnly(RunState.Planned);
        assertThat(fresh.getRuns().get(0).getStrategies()).containsExactly("sequential");
        assertThat(fresh.getRuns().get(1).getStrategies()).containsExactly("sequential", "threads");
    }

    /** Status, reason and message of each of the three outcome conditions: Progressing, Complete, Failed. */
    private static List<List<String>> outcome(ConcurrencyBenchmarkStatus status) {
        return java.util.stream.Stream.of(Conditions.PROGRESSING, Conditions.COMPLETE, Conditions.FAILED)
                .map(type -> condition(status, type))
                .map(c -> java.util.Arrays.asList(c.getStatus(), c.getReason(), c.getMessage()))
                .toList();
    }

    @ParameterizedTest(name = "succeeded={0}")
    @ValueSource(booleans = {true, false})
    void finishSetsCompletionAndTheThreeConditions(boolean succeeded) {
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        StatusTransitions.admitted(status, 4, T0);
        StatusTransitions.progressing(status, run(0, "demo-g1-r0"), 1, T0);
        String reason = succeeded ? "AllRunsSucceeded" : "PodFailed";
        String message = succeeded ? "all 1 runs succeeded" : "pod p-0 failed: exit code 3";

        assertThat(StatusTransitions.finish(status, succeeded, reason, message, 4, T1)).isTrue();

        assertThat(StatusTransitions.phase(status)).isEqualTo(succeeded ? Phase.Succeeded : Phase.Failed);
        assertThat(status.getCompletionTime()).isEqualTo("2025-03-01T10:05:00Z");
        assertThat(condition(status, Conditions.PROGRESSING).getLastTransitionTime()).isEqualTo("2025-03-01T10:05:00Z");
        assertThat(condition(status, Conditions.FAILED).getObservedGeneration()).isEqualTo(4L);
        assertThat(outcome(status)).isEqualTo(succeeded
                ? List.of(List.of("False", "Completed", "all runs finished"), List.of("True", reason, message),
                        List.of("False", "NoFailure", "no run failed"))
                : List.of(List.of("False", reason, "stopped: " + message),
                        List.of("False", "NotCompleted", "the benchmark failed"), List.of("True", reason, message)));
    }

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"Running", "Pending"}) // Pending: an invalid spec fails a benchmark that never ran
    void finishingAgainIsNoTransitionAndKeepsTheCompletionTime(Phase from) {
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        if (from == Phase.Running) {
            StatusTransitions.admitted(status, 1, T0);
        }
        boolean succeeded = from == Phase.Running;
        String reason = succeeded ? "AllRunsSucceeded" : "InvalidSpec";
        assertThat(StatusTransitions.finish(status, succeeded, reason, "done", 1, T1)).isTrue();

        assertThat(StatusTransitions.finish(status, succeeded, reason, "done", 1, T2)).isFalse();

        assertThat(status.getCompletionTime()).isEqualTo("2025-03-01T10:05:00Z");
        assertThat(condition(status, succeeded ? Conditions.COMPLETE : Conditions.FAILED).getLastTransitionTime())
                .isEqualTo("2025-03-01T10:05:00Z");
    }

    @Test
    void runStartedSetsTheStartTimeOnce() {
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        RunStatus first = run(0, "a");
        RunStatus second = run(1, "b");
        status.setRuns(new ArrayList<>(List.of(first, second)));

        StatusTransitions.runStarted(status, first, T0);
        StatusTransitions.runStarted(status, second, T1);

        assertThat(status.getStartTime()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(first.getState()).isEqualTo(RunState.Running);
        assertThat(second.getStartTime()).isEqualTo("2025-03-01T10:05:00Z");

        StatusTransitions.runFailed(second, "pod b-0 failed", T2);
        assertThat(second.getState()).isEqualTo(RunState.Failed);
        assertThat(second.getMessage()).isEqualTo("pod b-0 failed");
        assertThat(second.getCompletionTime()).isEqualTo("2025-03-01T10:10:00Z");
    }

    @Test
    void progressingNamesTheRunAndItsJob() {
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        RunStatus second = run(1, "demo-g1-r1");
        second.setPods(4);
        second.setWorkers(2);
        status.setRuns(new ArrayList<>(List.of(run(0, "demo-g1-r0"), second, run(2, "demo-g1-r2"))));

        StatusTransitions.progressing(status, second, 1, T0);

        Condition c = condition(status, Conditions.PROGRESSING);
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getMessage()).contains("run 2/3").contains("pods=4").contains("workers=2")
                .contains("demo-g1-r1");
    }

    @Test
    void validAndInvalidFlipTheValidCondition() {
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        StatusTransitions.valid(status, 1, T0);
        StatusTransitions.valid(status, 1, T1);
        assertThat(condition(status, Conditions.VALID).getLastTransitionTime()).isEqualTo("2025-03-01T10:00:00Z");
        StatusTransitions.invalid(status, "spec.repetitions must be ...", 2, T2);
        Condition valid = condition(status, Conditions.VALID);
        assertThat(valid.getStatus()).isEqualTo("False");
        assertThat(valid.getReason()).isEqualTo("InvalidSpec");
        assertThat(valid.getMessage()).contains("spec.repetitions");
        assertThat(valid.getLastTransitionTime()).isEqualTo("2025-03-01T10:10:00Z");
    }

    private static RunStatus run(int index, String job) {
        RunStatus run = new RunStatus();
        run.setIndex(index);
        run.setJobName(job);
        run.setPods(1);
        run.setWorkers(0);
        run.setState(RunState.Planned);
        return run;
    }
}
