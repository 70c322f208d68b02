package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Phase;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AdmissionControllerUnitTest {

    private static ConcurrencyBenchmark cb(String name, String created, Phase phase) {
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("ns", name, new ConcurrencyBenchmarkSpec());
        cb.getMetadata().setCreationTimestamp(created);
        cb.getMetadata().setGeneration(1L);
        cb.getMetadata().setUid("uid-" + name);
        cb.setStatus(new dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus());
        if (phase != null) {
            setPhase(cb, phase);
        }
        return cb;
    }

    /** A cached status in {@code phase}, with the conditions that say it (the phase is derived from them). */
    private static void setPhase(ConcurrencyBenchmark cb, Phase phase) {
        var conditions = cb.getStatus().getConditions();
        java.time.Instant now = java.time.Instant.parse("2025-03-01T10:00:00Z");
        if (phase != Phase.Pending) {
            dev.concbench.domain.Conditions.set(conditions, dev.concbench.domain.Conditions.ADMITTED,
                    phase != Phase.Queued, phase == Phase.Queued ? "Queued" : "SlotAvailable", "", 1, now);
        }
        if (phase.terminal()) {
            dev.concbench.domain.StatusTransitions.finish(cb.getStatus(), phase == Phase.Succeeded, "Done", "", 1, now);
        }
        cb.getStatus().setPhase(phase);
        cb.getStatus().setObservedGeneration(1L);
    }

    private static Stream<ConcurrencyBenchmark> all(ConcurrencyBenchmark... cbs) {
        return List.of(cbs).stream();
    }

    @Test
    void limitOneAdmitsTheOlderOfTwoNewBenchmarks() {
        AdmissionController admission = new AdmissionController(1);
        ConcurrencyBenchmark older = cb("older", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark younger = cb("younger", "2025-03-01T10:00:05Z", null);

        // the younger reconciles first: it must not take the slot from the older
        assertThat(admission.admit(younger, all(older, younger))).isFalse();
        assertThat(admission.admit(older, all(older, younger))).isTrue();
        assertThat(admission.admit(younger, all(older, younger))).isFalse();
        // admission is sticky for the admitted one
        assertThat(admission.admit(older, all(older, younger))).isTrue();
    }

    @Test
    void afterReleaseTheYoungerIsAdmitted() {
        AdmissionController admission = new AdmissionController(1);
        ConcurrencyBenchmark older = cb("older", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark younger = cb("younger", "2025-03-01T10:00:05Z", Phase.Queued);
        assertThat(admission.admit(older, all(older, younger))).isTrue();
        assertThat(admission.admit(younger, all(older, younger))).isFalse();

        older.setStatus(older.getStatus() == null ? new dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus() : older.getStatus());
        setPhase(older, Phase.Succeeded);
        admission.release(older, all(older, younger));

        assertThat(admission.admit(younger, all(older, younger))).isTrue();
    }

    @Test
    void aDeletedBenchmarkFreesItsSlot() {
        AdmissionController admission = new AdmissionController(1);
        ConcurrencyBenchmark older = cb("older", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark younger = cb("younger", "2025-03-01T10:00:05Z", null);
        assertThat(admission.admit(older, all(older, younger))).isTrue();

        // gone from the cache: its slot is free even without an explicit release
        assertThat(admission.admit(younger, all(younger))).isTrue();
    }

    @Test
    void aRunningBenchmarkCountsAsActiveAfterARestart() {
        // a fresh controller (operator restart) knows nothing; the cache says "running" was admitted
        AdmissionController admission = new AdmissionController(1);
        ConcurrencyBenchmark waiting = cb("waiting", "2025-03-01T09:00:00Z", Phase.Queued);
        ConcurrencyBenchmark running = cb("running", "2025-03-01T10:00:00Z", Phase.Running);

        // older, but the slot is taken
        assertThat(admission.admit(waiting, all(waiting, running))).isFalse();
        assertThat(admission.admit(running, all(waiting, running))).isTrue();
        assertThat(admission.admit(waiting, all(waiting, running))).isFalse();
    }

    @Test
    void aFinishedBenchmarkDoesNotBlock() {
        AdmissionController admission = new AdmissionController(1);
        ConcurrencyBenchmark done = cb("done", "2025-03-01T09:00:00Z", Phase.Succeeded);
        ConcurrencyBenchmark failed = cb("failed", "2025-03-01T09:30:00Z", Phase.Failed);
        ConcurrencyBenchmark fresh = cb("fresh", "2025-03-01T10:00:00Z", null);

        assertThat(admission.admit(fresh, all(done, failed, fresh))).isTrue();
    }

    @Test
    void aFinishedBenchmarkWithANewSpecWaitsInCreationOrder() {
        AdmissionController admission = new AdmissionController(1);
        ConcurrencyBenchmark edited = cb("edited", "2025-03-01T09:00:00Z", Phase.Succeeded);
        edited.getMetadata().setGeneration(2L);   // spec changed after it finished
        ConcurrencyBenchmark fresh = cb("fresh", "2025-03-01T10:00:00Z", null);

        assertThat(admission.admit(fresh, all(edited, fresh))).isFalse();
        assertThat(admission.admit(edited, all(edited, fresh))).isTrue();
    }

    @Test
    void aBenchmarkNotYetInTheCacheQueuesBehindTheWaitingOnes() {
        AdmissionController admission = new AdmissionController(2);
        ConcurrencyBenchmark a = cb("a", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark b = cb("b", "2025-03-01T10:00:01Z", null);
        ConcurrencyBenchmark c = cb("c", "2025-03-01T10:00:02Z", null);

        // c is not in the list: it goes after a and b, which fill both slots
        assertThat(admission.admit(c, all(a, b))).isFalse();
    }

    @Test
    void limitTwoAdmitsTwo() {
        AdmissionController admission = new AdmissionController(2);
        ConcurrencyBenchmark a = cb("a", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark b = cb("b", "2025-03-01T10:00:01Z", null);
        ConcurrencyBenchmark c = cb("c", "2025-03-01T10:00:02Z", null);

        assertThat(admission.limit()).isEqualTo(2);
        assertThat(admission.admit(a, all(a, b, c))).isTrue();
        assertThat(admission.admit(b, all(a, b, c))).isTrue();
        assertThat(admission.admit(c, all(a, b, c))).isFalse();

        admission.release(a, all(b, c));
        assertThat(admission.admit(c, all(b, c))).isTrue();
    }

    @Test
    void limitTwoLetsTheSecondInWhileTheFirstWaitsForItsReconcile() {
        AdmissionController admission = new AdmissionController(2);
        ConcurrencyBenchmark a = cb("a", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark b = cb("b", "2025-03-01T10:00:01Z", null);
        ConcurrencyBenchmark c = cb("c", "2025-03-01T10:00:02Z", null);

        // b reconciles before a: a is ahead of it but two slots are free
        assertThat(admission.admit(b, all(a, b, c))).isTrue();
        // c is behind a, which still waits for its reconcile: the last slot is a's
        assertThat(admission.admit(c, all(a, b, c))).isFalse();
        assertThat(admission.admit(a, all(a, b, c))).isTrue();
    }

    @Test
    void theLimitIsAtLeastOne() {
        assertThat(new AdmissionController(0).limit()).isEqualTo(1);
    }
}
