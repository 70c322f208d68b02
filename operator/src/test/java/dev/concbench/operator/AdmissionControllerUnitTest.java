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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

    private AdmissionController admission(int limit) {
        AdmissionController admission = new AdmissionController(limit);
        var wakeups = admission.eventSource(cached::stream, deleted -> { });
        wakeups.setEventHandler(event -> woken.add(event.getRelatedCustomResourceID()));
        wakeups.start();
        return admission;
    }

    @BeforeEach
    void reset() {
        woken.clear();
        cached.clear();
    }

    /** A new benchmark (a new UID), as the cache shows it: no status yet, or in {@code phase}. */
    private ConcurrencyBenchmark cb(String name, String created, Phase phase) {
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("ns", name, new ConcurrencyBenchmarkSpec());
        cb.getMetadata().setCreationTimestamp(created);
        cb.getMetadata().setGeneration(1L);
        cb.getMetadata().setUid("uid-" + name + "-" + ++uids);
        cb.getMetadata().setResourceVersion(Integer.toString(++versions));
        return phase == null ? cb : withPhase(cb, phase);
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

    /** New benchmarks, no status yet, created a second apart in this order from 10:00:00. */
    private ConcurrencyBenchmark[] oneSecondApart(String... names) {
        ConcurrencyBenchmark[] cbs = new ConcurrencyBenchmark[names.length];
        for (int i = 0; i < names.length; i++) {
            cbs[i] = cb(names[i], Instant.parse("2025-03-01T10:00:00Z").plusSeconds(i).toString(), null);
        }
        return cbs;
    }

    private static void seen(AdmissionController admission, ConcurrencyBenchmark... cbs) {
        for (ConcurrencyBenchmark cb : cbs) {
            admission.observe(cb);
        }
    }

    /** As a reconcile pass does: asks whether it may run (the observation), then holds the slot (the execution). */
    private static boolean hold(AdmissionController admission, ConcurrencyBenchmark cb) {
        return admission.mayRun(cb) && admission.hold(cb.getMetadata().getUid(), cb.getMetadata().getGeneration());
    }

    /** A pass holds by the UID it observed: not when the slot was taken since, nor once the benchmark is deleted. */
    @Test
    void aHoldAfterTheObservationFailsWhenTheSlotWentMeanwhile() {
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark[] ab = oneSecondApart("a", "b");
        seen(admission, ab);
        assertThat(admission.mayRun(ab[0])).isTrue();
        seen(admission, withPhase(ab[1], Phase.Running)); // b runs, as another writer's status says
        assertThat(admission.hold(ab[0].getMetadata().getUid(), 1)).isFalse();

        admission.forget(ab[1]);
        assertThat(admission.mayRun(ab[0])).isTrue();
        admission.forget(ab[0]);
        assertThat(admission.hold(ab[0].getMetadata().getUid(), 1)).isFalse();
        assertThat(admission.holding()).isZero();
    }

    /** What the lifecycle is told (may it run?) claims nothing: only holding takes the slot. */
    @Test
    void askingWhetherABenchmarkMayRunClaimsNoSlot() {
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark first = cb("first", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark second = cb("second", "2025-03-01T10:00:05Z", null);
        seen(admission, first, second);

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
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark older = cb("older", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark younger = cb("younger", "2025-03-01T10:00:05Z", null);
        seen(admission, older, younger);

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
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark older = cb("older", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark younger = cb("younger", "2025-03-01T10:00:05Z", Phase.Queued);
        seen(admission, older, younger);
        assertThat(hold(admission, older)).isTrue();
        seen(admission, withPhase(older, Phase.Running));
        assertThat(hold(admission, younger)).isFalse();
        woken.clear();

        ConcurrencyBenchmark done = withPhase(older, Phase.Succeeded);
        admission.observe(done); // the operator's own terminal write
        admission.release(done);

        assertThat(woken).containsExactly(ResourceID.fromResource(younger));
        assertThat(hold(admission, younger)).isTrue();
    }

    /**
     * The late hand-off: the released benchmark's cached copy never showed Running (its writes went
     * faster than the watch) and still says Queued. It must not count as waiting ahead of the next one.
     */
    @Test
    void aReleaseIsNeverUndoneByACacheThatIsBehind() {
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark first = cb("first", "2025-03-01T10:00:00Z", Phase.Queued);
        ConcurrencyBenchmark second = cb("second", "2025-03-01T10:00:05Z", Phase.Queued);
        seen(admission, first, second);
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
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark running = cb("running", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark x = cb("x", "2025-03-01T10:00:05Z", null);
        seen(admission, running, x);
        assertThat(hold(admission, running)).isTrue();
        assertThat(hold(admission, x)).isFalse();
        seen(admission, withPhase(x, Phase.Queued));

        admission.forget(x);
        ConcurrencyBenchmark again = cb("x", "2025-03-01T10:00:09Z", null); // generation 1, a new UID
        seen(admission, again);

        assertThat(hold(admission, again)).isFalse();
        assertThat(admission.holding()).isEqualTo(1);
        admission.release(withPhase(running, Phase.Succeeded));
        assertThat(hold(admission, again)).isTrue();
    }

    @Test
    void aDeletedBenchmarkFreesItsSlotAndWakesTheNext() {
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark older = cb("older", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark younger = cb("younger", "2025-03-01T10:00:05Z", null);
        seen(admission, older, younger);
        assertThat(hold(admission, older)).isTrue();
        woken.clear();

        admission.forget(older);

        assertThat(woken).containsExactly(ResourceID.fromResource(younger));
        assertThat(hold(admission, younger)).isTrue();
    }

    /**
     * A woken benchmark refused because an older one still waited ahead of it is woken again, at once,
     * when that one leaves the queue (here: its own status write says it failed validation).
     */
    @Test
    void aRefusedBenchmarkIsWokenAgainWhenTheOneAheadLeavesTheQueue() {
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark invalid = cb("invalid", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark valid = cb("valid", "2025-03-01T10:00:05Z", null);
        seen(admission, invalid, valid);
        assertThat(hold(admission, valid)).isFalse();
        woken.clear();

        admission.observe(withPhase(invalid, Phase.Failed)); // never admitted: nothing to release

        assertThat(woken).containsExactly(ResourceID.fromResource(valid));
        assertThat(hold(admission, valid)).isTrue();
    }

    @Test
    void aRunningBenchmarkCountsAsActiveAfterARestart() {
        // a fresh controller (operator restart) knows nothing; the cache says "running" was admitted
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark waiting = cb("waiting", "2025-03-01T09:00:00Z", Phase.Queued);
        ConcurrencyBenchmark running = cb("running", "2025-03-01T10:00:00Z", Phase.Running);
        seen(admission, waiting, running);
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
            seen(admission, cb("done-" + i, "2025-03-01T09:00:00Z", i % 2 == 0 ? Phase.Succeeded : Phase.Failed));
        }
        ConcurrencyBenchmark fresh = cb("fresh", "2025-03-01T10:00:00Z", null);
        seen(admission, fresh);

        assertThat(admission.waiting()).containsExactly(ResourceID.fromResource(fresh));
        assertThat(hold(admission, fresh)).isTrue();
    }

    @Test
    void aFinishedBenchmarkWithANewSpecWaitsInCreationOrder() {
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark edited = withPhase(cb("edited", "2025-03-01T09:00:00Z", null), Phase.Succeeded);
        ConcurrencyBenchmark fresh = cb("fresh", "2025-03-01T10:00:00Z", null);
        seen(admission, edited, fresh);
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
        AdmissionController admission = admission(2);
        ConcurrencyBenchmark[] abc = oneSecondApart("a", "b", "c");
        ConcurrencyBenchmark a = abc[0], b = abc[1], c = abc[2];
        seen(admission, a, b);

        // c's event has not come yet: it goes after a and b, which fill both slots
        assertThat(hold(admission, c)).isFalse();
    }

    @Test
    void limitTwoAdmitsTwo() {
        AdmissionController admission = admission(2);
        ConcurrencyBenchmark[] abc = oneSecondApart("a", "b", "c");
        ConcurrencyBenchmark a = abc[0], b = abc[1], c = abc[2];
        seen(admission, a, b, c);

        assertThat(admission.limit()).isEqualTo(2);
        assertThat(hold(admission, a)).isTrue();
        assertThat(hold(admission, b)).isTrue();
        assertThat(hold(admission, c)).isFalse();

        woken.clear();
        admission.forget(a);
        assertThat(woken).containsExactly(ResourceID.fromResource(c));
        assertThat(hold(admission, c)).isTrue();
    }

    @Test
    void limitTwoLetsTheSecondInWhileTheFirstWaitsForItsReconcile() {
        AdmissionController admission = admission(2);
        ConcurrencyBenchmark[] abc = oneSecondApart("a", "b", "c");
        ConcurrencyBenchmark a = abc[0], b = abc[1], c = abc[2];
        seen(admission, a, b, c);

        // b reconciles before a: a is ahead of it but two slots are free
        assertThat(hold(admission, b)).isTrue();
        // c is behind a, which still waits for its reconcile: the last slot is a's
        assertThat(hold(admission, c)).isFalse();
        assertThat(hold(admission, a)).isTrue();
    }

    /** A reconcile under way when its benchmark was deleted must not leave a ghost waiting at the queue's head. */
    @Test
    void aDecisionForABenchmarkDeletedMeanwhileLeavesNoGhostInTheQueue() {
        AdmissionController admission = admission(1);
        ConcurrencyBenchmark running = cb("running", "2025-03-01T09:00:00Z", null);
        ConcurrencyBenchmark gone = cb("gone", "2025-03-01T10:00:00Z", null);
        ConcurrencyBenchmark next = cb("next", "2025-03-01T10:00:05Z", null);
        seen(admission, running, gone, next);
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
        ConcurrencyBenchmark older = cb("older", "2025-03-01T10:00:00Z", Phase.Queued);
        ConcurrencyBenchmark younger = cb("younger", "2025-03-01T10:00:05Z", Phase.Queued);
        cached.addAll(List.of(older, younger));

        assertThat(hold(admission, younger)).isFalse();
        assertThat(hold(admission, older)).isTrue();
    }

    @Test
    void theLimitIsAtLeastOne() {
        assertThat(new AdmissionController(0).limit()).isEqualTo(1);
    }
}
