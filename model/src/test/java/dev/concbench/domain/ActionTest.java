package dev.concbench.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ActionTest {

    /** kubectl describe, the e2e tests and the docs read these: each event's type and reason, as they were. */
    @Test
    void everyEventHasItsTypeAndReason() {
        List<Action.Event> events = List.of(
                new Action.RunStarted("b-g1-r0", 0, 2),
                new Action.RunFinished("b-g1-r0", 0, 2, true),
                new Action.RunFinished("b-g1-r1", 1, 2, false),
                new Action.BenchmarkFinished(true, "all 2 run(s) succeeded", false),
                new Action.BenchmarkFinished(false, "run 2/2 failed", false),
                new Action.SpecInvalid("spec.runs: must be at least 1"),
                new Action.SpecChanged(1L, 2, List.of("b-g1-r0")),
                new Action.WaitingForSlot("waiting for a free slot"),
                new Action.Contended("threads obtained 0.40 CPUs"));

        assertThat(events).extracting(e -> e.type() + " " + e.reason()).containsExactly(
                "Normal RunStarted", "Normal RunSucceeded", "Warning RunFailed", "Normal BenchmarkSucceeded",
                "Warning BenchmarkFailed", "Warning InvalidSpec", "Normal SpecChanged", "Normal Queued",
                "Warning Contended");
    }
}
