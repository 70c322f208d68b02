package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.domain.Conditions;
import dev.concbench.domain.StatusTransitions;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission as the reconciler drives it: the index hears every version of the benchmarks (the cache's
 * events and the operator's own status writes), the reconciler asks {@code mayRun}, holds with {@code hold} (by UID, in the same pass) and calls
 * {@code release} once a terminal status is written, and the wake-ups it propagates are recorded.
 */
class AdmissionControllerUnitTest {

    private final List<ResourceID> woken = new ArrayList<>();
    /** What the primary cache holds before the first decision (events may have come before the index). */
    private final List<ConcurrencyBenchmark> cached = new ArrayList<>();
    private int uids;
    private int versions;
    private Instant created = Instant.parse("2025-03-01T10:00:00Z");

    /** An admission controller of {@code limit} slots, its wake-ups recorded, that has seen {@code cbs} in this order. */
    private AdmissionController admission(int limit, ConcurrencyBenchmark... cbs) {
        AdmissionController admission = new AdmissionController(limit);
        var wakeups = admission.eventSource(cached::stream, deleted -> { });
        wakeups.setEventHandler(event -> woken.add(event.getRelatedCustomResourceID()));
        wakeups.start();
        seen(admission, cbs);
        return admission;
    }

    @BeforeEach
    void reset() {
        woken.clear();
        cached.clear();
    }

    /** A new benchmark (a new UID), no status yet, created a second after the one made before it. */
    private ConcurrencyBenchmark cb(String name) {
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("ns", name, new ConcurrencyBenchmarkSpec());
        cb.getMetadata().setCreationTimestamp(created.toString());
        created = created.plusSeconds(1);
        cb.getMetadata().setGeneration(1L);
        cb.getMetadata().setUid("uid-" + name + "-" + ++uids);
        cb.getMetadata().setResourceVersion(Integer.toString(++versions));
        return cb;
    }

    /** The next version of {@code cb} (a new resourceVersion) with a status in {@code phase}. */
    private ConcurrencyBenchmark withPhase(ConcurrencyBenchmark cb, Phase phase) {
        ConcurrencyBenchmark next = Serialization.clone(cb);
        next.getMetadata().setResourceVersion(Integer.toString(++versions));
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        long generation = next.getMetadata().getGeneration();
        Instant now = Instant.parse("2025-03-01T10:00:00Z");
        if (phase != Phase.Pending) {
            Conditions.set(status.getConditions(), Conditions.ADMITTED, phase != Phase.Queued,
                    phase == Phase.Queued ? "Queued" : "SlotAvailable", "", generation, now);
        }
        if (phase.terminal()) {
            StatusTransitions.finish(status, phase == Phase.Succeeded, "Done", "", generation, now);
        }
        status.setPhase(phase);
        status.setObservedGeneration(generation);
        next.setStatus(status);
        return next;
    }

    /** {@code cb} alone was woken, and its reconcile now takes the slot. */
    private void assertWokenAndAdmitted(AdmissionController admission, ConcurrencyBenchmark cb) {
        assertThat(woken).containsExactly(ResourceID.fromResource(cb));
        assertThat(hold(admission, cb)).isTrue();
    }

    /** As a reconcile pass does: asks whether it may run (the observation), then holds the slot (the execution). */
    private static boolean hold(AdmissionController admission, ConcurrencyBenchmark cb) {
        return admission.mayRun(cb) && admission.hold(cb.getMetadata().getUid(), cb.getMetadata().getGeneration());
    }

    /** A pass holds by the UID it observed: not when the slot was taken since, nor once the benchmark is deleted. */
    @Test
    void aHoldAfterTheObservationFailsWhenTheSlotWentMeanwhile() {
        ConcurrencyBenchmark a = cb("a");
        ConcurrencyBenchmark b = cb("b");
        AdmissionController admission = admission(1, a, b);
        assertThat(admission.mayRun(a)).isTrue();
        seen(admission, withPhase(b, Phase.Running)); // b runs, as another writer's status says
        assertThat(admission.hold(a.getMetadata().getUid(), 1)).isFalse();

        admission.forget(b);
        assertThat(admission.mayRun(a)).isTrue();
        admission.forget(a);
        assertThat(admission.hold(a.getMetadata().getUid(), 1)).isFalse();
        assertThat(admission.holding()).isZero();
    }

    private static void seen(AdmissionController admission, ConcurrencyBenchmark... cbs) {
        for (ConcurrencyBenchmark cb : cbs) {
            admission.observe(cb);
        }
    }

    /** What the lifecycle is told (may it run?) claims nothing: only holding takes the slot. */
    @Test
    void askingWhetherABenchmarkMayRunClaimsNoSlot() {
        ConcurrencyBenchmark first = cb("first");
        ConcurrencyBenchmark second = cb("second");
        AdmissionController admission = admission(1, first, second);

        assertThat(admission.mayRun(first)).isTrue();
        assertThat(admission.mayRun(first)).isTrue();
        assertThat(admission.holding()).isZero();
        assertThat(admission.mayRun(second)).as("the first is ahead of it").isFalse();

        assertThat(hold(admission, first)).isTrue();
        assertThat(admission.holding()).isEqualTo(1);
        seen(admission, withPhase(first, Phase.Succeeded));
        admission.release(first);
        assertThat(admission.mayRun(second)).isTrue();
        assertThat(admission.holding()).isZero();
    }

    @Test
    void limitOneAdmitsTheOlderOfTwoNewBenchmarks() {
        ConcurrencyBenchmark older = cb("older");
        ConcurrencyBenchmark younger = cb("younger");
        AdmissionController admission = admission(1, older, younger);

        // the younger reconciles first: it must not take the slot from the older
        assertThat(hold(admission, younger)).isFalse();
        assertThat(hold(admission, older)).isTrue();
        assertThat(hold(admission, younger)).isFalse();
        // admission is sticky for the admitted one, whatever its cached copy says meanwhile
        seen(admission, withPhase(older, Phase.Queued));
        assertThat(hold(admission, older)).isTrue();
        assertThat(admission.holding()).isEqualTo(1);
    }

    @Test
    void afterReleaseTheYoungerIsWokenAndAdmitted() {
        ConcurrencyBenchmark older = cb("older");
        ConcurrencyBenchmark younger = withPhase(cb("younger"), Phase.Queued);
        AdmissionController admission = admission(1, older, younger);
        assertThat(hold(admission, older)).isTrue();
        seen(admission, withPhase(older, Phase.Running));
        assertThat(hold(admission, younger)).isFalse();
        woken.clear();

        ConcurrencyBenchmark done = withPhase(older, Phase.Succeeded);
        admission.observe(done); // the operator's own terminal write
        admission.release(done);

        assertWokenAndAdmitted(admission, younger);
    }

    /**
     * The late hand-off: the released benchmark's cached copy never showed Running (its writes went
     * faster than the watch) and still says Queued. It must not count as waiting ahead of the next one.
     */
    @Test
    void aReleaseIsNeverUndoneByACacheThatIsBehind() {
        ConcurrencyBenchmark first = withPhase(cb("first"), Phase.Queued);
        ConcurrencyBenchmark second = withPhase(cb("second"), Phase.Queued);
        AdmissionController admission = admission(1, first, second);
        assertThat(hold(admission, first)).isTrue();

        admission.release(first);
        // Events of older versions (and of newer ones that still lag behind the release) come later.
        seen(admission, first, withPhase(first, Phase.Queued), withPhase(first, Phase.Running));

        assertThat(woken).contains(ResourceID.fromResource(second));
        assertThat(hold(admission, second)).isTrue();
        assertThat(admission.holding()).isEqualTo(1);
        assertThat(hold(admission, first)).as("released: no new claim, but its reconcile may end it again")
                .isTrue();
        assertThat(admission.holding()).isEqualTo(1);
    }

    /** Delete and apply again under the same name while another runs, at limit 1: never two at once. */
    @Test
    void aBenchmarkAppliedAgainUnderItsNameQueuesLikeAnyOther() {
        ConcurrencyBenchmark running = cb("running");
        ConcurrencyBenchmark x = cb("x");
        AdmissionController admission = admission(1, running, x);
        assertThat(hold(admission, running)).isTrue();
        assertThat(hold(admission, x)).isFalse();
        seen(admission, withPhase(x, Phase.Queued));

        admission.forget(x);
        ConcurrencyBenchmark again = cb("x"); // generation 1, a new UID
        seen(admission, again);

        assertThat(hold(admission, again)).isFalse();
        assertThat(admission.holding()).isEqualTo(1);
        admission.release(withPhase(running, Phase.Succeeded));
        assertThat(hold(admission, again)).isTrue();
    }

    /** {@code limit} benchmarks hold every slot; one deleted, the next in line is woken and admitted. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aDeletedBenchmarkFreesItsSlotAndWakesTheNext(int limit) {
        ConcurrencyBenchmark[] queue = Stream.of("a", "b", "c").limit(limit + 1).map(this::cb)
                .toArray(ConcurrencyBenchmark[]::new);
        ConcurrencyBenchmark next = queue[limit];
        AdmissionController admission = admission(limit, queue);

        assertThat(admission.limit()).isEqualTo(limit);
        for (int i = 0; i < limit; i++) {
            assertThat(hold(admission, queue[i])).isTrue();
        }
        assertThat(hold(admission, next)).isFalse();

        woken.clear();
        admission.forget(queue[0]);
        assertWokenAndAdmitted(admission, next);
    }

    /**
     * A woken benchmark refused because an older one still waited ahead of it is woken again, at once,
     * when that one leaves the queue (here: its own status write says it failed validation).
     */
    @Test
    void aRefusedBenchmarkIsWokenAgainWhenTheOneAheadLeavesTheQueue() {
        ConcurrencyBenchmark invalid = cb("invalid");
        ConcurrencyBenchmark valid = cb("valid");
        AdmissionController admission = admission(1, invalid, valid);
        assertThat(hold(admission, valid)).isFalse();
        woken.clear();

        admission.observe(withPhase(invalid, Phase.Failed)); // never admitted: nothing to release

        assertWokenAndAdmitted(admission, valid);
    }

    @Test
    void aRunningBenchmarkCountsAsActiveAfterARestart() {
        // a fresh controller (operator restart) knows nothing; the cache says "running" was admitted
        ConcurrencyBenchmark waiting = withPhase(cb("waiting"), Phase.Queued);
        ConcurrencyBenchmark running = withPhase(cb("running"), Phase.Running);
        AdmissionController admission = admission(1, waiting, running);
        woken.clear();

        // older, but the slot is taken
        assertThat(hold(admission, waiting)).isFalse();
        assertThat(hold(admission, running)).isTrue();
        assertThat(hold(admission, waiting)).isFalse();
        assertThat(woken).isEmpty();
    }

    @Test
    void finishedBenchmarksDoNotBlockWhateverTheirNumber() {
        AdmissionController admission = admission(1);
        for (int i = 0; i < 1000; i++) {
            seen(admission, withPhase(cb("done-" + i), i % 2 == 0 ? Phase.Succeeded : Phase.Failed));
        }
        ConcurrencyBenchmark fresh = cb("fresh");
        seen(admission, fresh);

        assertThat(admission.waiting()).containsExactly(ResourceID.fromResource(fresh));
        assertThat(hold(admission, fresh)).isTrue();
    }

    @Test
    void aFinishedBenchmarkWithANewSpecWaitsInCreationOrder() {
        ConcurrencyBenchmark edited = withPhase(cb("edited"), Phase.Succeeded);
        ConcurrencyBenchmark fresh = cb("fresh");
        AdmissionController admission = admission(1, edited, fresh);
        admission.release(edited); // its generation 1 ended here
        ConcurrencyBenchmark generation2 = Serialization.clone(edited);
        generation2.getMetadata().setGeneration(2L); // spec changed after it finished
        generation2.getMetadata().setResourceVersion(Integer.toString(++versions));
        seen(admission, generation2);

        assertThat(hold(admission, fresh)).isFalse();
        assertThat(hold(admission, generation2)).isTrue();
    }

    @Test
    void aBenchmarkNotYetIndexedQueuesByItsCreationTime() {
        ConcurrencyBenchmark a = cb("a"), b = cb("b"), c = cb("c");
        AdmissionController admission = admission(2, a, b);

        // c's event has not come yet: it goes after a and b, which fill both slots
        assertThat(hold(admission, c)).isFalse();
    }

    @Test
    void limitTwoLetsTheSecondInWhileTheFirstWaitsForItsReconcile() {
        ConcurrencyBenchmark a = cb("a"), b = cb("b"), c = cb("c");
        AdmissionController admission = admission(2, a, b, c);

        // b reconciles before a: a is ahead of it but two slots are free
        assertThat(hold(admission, b)).isTrue();
        // c is behind a, which still waits for its reconcile: the last slot is a's
        assertThat(hold(admission, c)).isFalse();
        assertThat(hold(admission, a)).isTrue();
    }

    /** A reconcile under way when its benchmark was deleted must not leave a ghost waiting at the queue's head. */
    @Test
    void aDecisionForABenchmarkDeletedMeanwhileLeavesNoGhostInTheQueue() {
        ConcurrencyBenchmark running = cb("running");
        ConcurrencyBenchmark gone = cb("gone");
        ConcurrencyBenchmark next = cb("next");
        AdmissionController admission = admission(1, running, gone, next);
        assertThat(hold(admission, running)).isTrue();

        admission.forget(gone);
        assertThat(hold(admission, gone)).isFalse(); // its last reconcile, after the deletion
        admission.release(gone);

        assertThat(admission.waiting()).containsExactly(ResourceID.fromResource(next));
        admission.release(withPhase(running, Phase.Succeeded));
        assertThat(hold(admission, next)).isTrue();
    }

    /** Benchmarks the cache held before the index heard of them still count, in their order. */
    @Test
    void theFirstDecisionReadsWhatTheCacheHolds() {
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark older = withPhase(cb("older"), Phase.Queued);
        ConcurrencyBenchmark younger = withPhase(cb("younger"), Phase.Queued);
        cached.addAll(List.of(older, younger));

        assertThat(hold(admission, younger)).isFalse();
        assertThat(hold(admission, older)).isTrue();
    }

    @Test
    void theLimitIsAtLeastOne() {
        assertThat(new AdmissionController(0).limit()).isEqualTo(1);
    }
}
