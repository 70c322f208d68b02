package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RowComparisonStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.Observation.BaselineSeen;
import io.fabric8.kubernetes.api.model.Condition;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** spec.baseline: a succeeded benchmark's rows compared with another benchmark's, through Lifecycle.decide. */
class BaselineComparisonTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T1 = Instant.parse("2025-03-01T10:05:00Z");
    private static final WorkloadSpec IO = new WorkloadSpec(WorkloadType.IO, 100, 8);

    private static ResultRow row(String strategy, int workers, Double... samples) {
        ResultRow r = new ResultRow();
        r.setStrategy(strategy);
        r.setPods(1);
        r.setWorkers(workers);
        r.setSamples(List.of(samples));
        r.setMedian(List.of(samples).stream().sorted().toList().get(samples.length / 2));
        return r;
    }

    private static ConcurrencyBenchmark benchmark(String name, String baseline, Runtime runtime, WorkloadSpec workload) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setRuntime(runtime);
        spec.setWorkload(workload);
        spec.setBaseline(baseline);
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("ns", name, spec);
        cb.getMetadata().setGeneration(1L);
        return cb;
    }

    /** {@code cb} ended with {@code phase} at generation 1 with these rows (the fastest: the lowest median). */
    private static ConcurrencyBenchmark ended(ConcurrencyBenchmark cb, boolean succeeded, ResultRow... rows) {
        ConcurrencyBenchmarkStatus s = new ConcurrencyBenchmarkStatus();
        s.setObservedGeneration(1L);
        StatusTransitions.valid(s, 1, T0);
        StatusTransitions.admitted(s, 1, T0);
        StatusTransitions.finish(s, succeeded, succeeded ? "AllRunsSucceeded" : "PodFailed", "done", 1, T0);
        s.setResults(new ArrayList<>(List.of(rows)));
        StatusAggregator.fastest(s.getResults()).ifPresent(r -> s.setFastest(r.getStrategy()));
        cb.setStatus(s);
        return cb;
    }

    private static Decision decide(ConcurrencyBenchmark cb, ConcurrencyBenchmark baseline) {
        Observation.Admission never = new Observation.Admission(false, 1);
        return Lifecycle.decide(cb, new Observation(never, List.of(), Map.of(), BaselineSeen.found(baseline)), T1);
    }

    private static Condition compared(ConcurrencyBenchmarkStatus status) {
        return Conditions.find(status.getConditions(), Conditions.BASELINE_COMPARED).orElseThrow();
    }

    private static ConcurrencyBenchmark oldRun() {
        return ended(benchmark("old", null, Runtime.PYTHON, IO), true,
                row("sequential", 0, 1.0, 1.1, 0.9, 1.0),
                row("threads", 0, 1.0, 2.0, 3.0, 4.0));
    }

    private static ConcurrencyBenchmark newRun() {
        return ended(benchmark("new", "old", Runtime.PYTHON, IO), true,
                row("sequential", 0, 2.0, 2.1, 1.9, 2.0),
                row("threads", 0, 3.0, 4.0, 5.0, 6.0),
                row("thread-pool", 4, 0.5, 0.6));
    }

    @Test
    void eachRowCarriesTheRatioOfMediansWelchsPValueAndPyperfsVerdict() {
        Decision d = decide(newRun(), oldRun());
        ConcurrencyBenchmarkStatus status = d.status();
        assertThat(status.getPhase()).isEqualTo(Phase.Succeeded);

        // sequential: medians 2.0 / 1.0. Both variances (0 + 0.01 + 0.01 + 0) / 3 = 0.02/3, so
        // t = 1 / sqrt(2 * (0.02/3) / 4) = 17.3205, Welch-Satterthwaite df = 6 (equal n and variances).
        RowComparisonStatus seq = status.getResults().get(0).getComparison();
        double t = 1 / Math.sqrt(2 * (0.02 / 3) / 4);
        assertThat(t).isCloseTo(17.3205, within(1e-4));
        double p = 2 * new TDistribution(6).cumulativeProbability(-t);
        assertThat(seq.getRatio()).isEqualTo(2.0);
        assertThat(seq.getWelchPValue()).isCloseTo(p, within(p * 0.005)); // 3 significant digits
        assertThat(seq.getWelchPValue()).isLessThan(1e-5);
        assertThat(seq.getVerdict()).isEqualTo("slower");
        assertThat(seq.getBaselineMedian()).isEqualTo(1.0);

        // threads: medians 5.0 / 3.0 (the upper middle of 4 samples); t = -2.19089 with df 6: p = 0.07095.
        RowComparisonStatus threads = status.getResults().get(1).getComparison();
        assertThat(threads.getRatio()).isEqualTo(1.667);
        assertThat(threads.getWelchPValue()).isCloseTo(0.0710, within(1e-4));
        assertThat(threads.getVerdict()).isEqualTo("not significant");

        // thread-pool with 4 workers: the baseline has none.
        RowComparisonStatus pool = status.getResults().get(2).getComparison();
        assertThat(pool.getVerdict()).isEqualTo("no matching row");
        assertThat(pool.getRatio()).isNull();
        assertThat(pool.getWelchPValue()).isNull();

        assertThat(status.getComparison().getBaseline()).isEqualTo("old");
        assertThat(status.getComparison().getBaselineGeneration()).isEqualTo(1L);
        // the fastest row is thread-pool (median 0.6), unmatched
        assertThat(status.getComparison().getHeadline()).isEqualTo("thread-pool no matching row");
        Condition c = compared(status);
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getReason()).isEqualTo("Compared");
        assertThat(c.getMessage()).isEqualTo("compared with generation 1 of baseline old: 3 row(s), 1 slower, "
                + "1 not significant, 1 no matching row");
        assertThat(d.actions()).isEmpty();
        assertThat(d.ended()).isFalse();
    }

    @Test
    void theHeadlineSaysItAsPyperfDoes() {
        ConcurrencyBenchmark faster = ended(benchmark("new", "old", Runtime.PYTHON, IO), true,
                row("sequential", 0, 0.5, 0.55, 0.45, 0.5));
        assertThat(decide(faster, oldRun()).status().getComparison().getHeadline()).isEqualTo("sequential 2.00x faster");
        ConcurrencyBenchmark slower = ended(benchmark("new", "old", Runtime.PYTHON, IO), true,
                row("sequential", 0, 2.0, 2.1, 1.9, 2.0));
        assertThat(decide(slower, oldRun()).status().getComparison().getHeadline()).isEqualTo("sequential 2.00x slower");
    }

    @Test
    void aMissingBaselineIsAConditionAndTheBenchmarkStillSucceeded() {
        Decision d = decide(newRun(), null);
        assertThat(d.status().getPhase()).isEqualTo(Phase.Succeeded);
        Condition c = compared(d.status());
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("BaselineNotFound");
        assertThat(c.getMessage()).isEqualTo("no ConcurrencyBenchmark old in namespace ns");
        assertThat(d.status().getComparison().getHeadline()).isEqualTo("BaselineNotFound");
        assertThat(d.status().getComparison().getBaselineGeneration()).isNull();
        assertThat(d.status().getResults()).allMatch(r -> r.getComparison() == null);
    }

    @Test
    void aDeletedBaselineLeavesTheConditionAndTheLastComparison() {
        ConcurrencyBenchmark cb = newRun();
        cb.setStatus(decide(cb, oldRun()).status());
        Decision gone = decide(cb, null);
        Condition c = compared(gone.status());
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("BaselineNotFound");
        assertThat(c.getMessage()).endsWith("; the rows keep the comparison with its generation 1");
        assertThat(gone.status().getResults().get(0).getComparison().getVerdict()).isEqualTo("slower");
        assertThat(gone.status().getComparison().getHeadline())
                .isEqualTo("BaselineNotFound, last: thread-pool no matching row");
        assertThat(gone.status().getPhase()).isEqualTo(Phase.Succeeded);
    }

    @Test
    void anUnfinishedFailedOrOtherBaselineIsACondition() {
        ConcurrencyBenchmark running = benchmark("old", null, Runtime.PYTHON, IO);
        ConcurrencyBenchmarkStatus s = new ConcurrencyBenchmarkStatus();
        s.setObservedGeneration(1L);
        StatusTransitions.admitted(s, 1, T0);
        s.setProgress("0/1");
        running.setStatus(s);
        assertThat(compared(decide(newRun(), running).status()).getMessage())
                .isEqualTo("baseline old is Running (generation 1, 0/1 runs): compared once it has succeeded");
        assertThat(compared(decide(newRun(), benchmark("old", null, Runtime.PYTHON, IO)).status()).getReason())
                .isEqualTo("BaselinePending");
        ConcurrencyBenchmark respecified = oldRun();
        respecified.getMetadata().setGeneration(2L); // a spec change the operator has not picked up yet
        assertThat(compared(decide(newRun(), respecified).status()).getReason()).isEqualTo("BaselinePending");

        ConcurrencyBenchmark failed = ended(benchmark("old", null, Runtime.PYTHON, IO), false);
        Condition f = compared(decide(newRun(), failed).status());
        assertThat(f.getReason()).isEqualTo("BaselineFailed");
        assertThat(f.getMessage()).isEqualTo("baseline old failed (PodFailed): it has no results to compare with");

        ConcurrencyBenchmark java = ended(benchmark("old", null, Runtime.JAVA, IO), true, row("sequential", 0, 1.0, 1.1));
        Condition j = compared(decide(newRun(), java).status());
        assertThat(j.getReason()).isEqualTo("BaselineNotComparable");
        assertThat(j.getMessage()).isEqualTo("baseline old ran runtime java, this benchmark python: rows are "
                + "compared within one runtime");

        ConcurrencyBenchmark longer = ended(benchmark("old", null, Runtime.PYTHON, new WorkloadSpec(WorkloadType.IO, 200, 8)),
                true, row("sequential", 0, 1.0, 1.1));
        assertThat(compared(decide(newRun(), longer).status()).getMessage()).isEqualTo("baseline old measured io "
                + "size=200 x 8 tasks, this benchmark io size=100 x 8 tasks: only the same workload compares");

        ConcurrencyBenchmark otherRows = ended(benchmark("old", null, Runtime.PYTHON, IO), true,
                row("process-pool", 2, 1.0, 1.1));
        Condition none = compared(decide(newRun(), otherRows).status());
        assertThat(none.getReason()).isEqualTo("BaselineNotComparable");
        assertThat(none.getMessage()).startsWith("no row has a match in baseline old");
    }

    @Test
    void aBenchmarkIsNotItsOwnBaseline() {
        ConcurrencyBenchmark self = ended(benchmark("old", "old", Runtime.PYTHON, IO), true, row("sequential", 0, 1.0, 1.1));
        Condition c = compared(decide(self, self).status());
        assertThat(c.getReason()).isEqualTo("BaselineInvalid");
        assertThat(c.getMessage()).isEqualTo("a benchmark cannot be its own baseline");
    }

    @Test
    void onlyASucceededBenchmarkIsComparedAndOnlyWhenTheExecutorLooksTheBaselineUp() {
        ConcurrencyBenchmark failed = ended(benchmark("new", "old", Runtime.PYTHON, IO), false);
        assertThat(Conditions.find(decide(failed, oldRun()).status().getConditions(), Conditions.BASELINE_COMPARED))
                .isEmpty();
        // The local runner does not look baselines up: no condition, no comparison.
        Decision local = Lifecycle.decide(newRun(), new Observation(new Observation.Admission(false, 1), List.of(),
                Map.of()), T1);
        assertThat(Conditions.find(local.status().getConditions(), Conditions.BASELINE_COMPARED)).isEmpty();
        assertThat(local.status().getComparison()).isNull();
    }

    @Test
    void aNewGenerationStartsWithoutTheComparison() {
        ConcurrencyBenchmark cb = newRun();
        ConcurrencyBenchmarkStatus compared = decide(cb, oldRun()).status();
        ConcurrencyBenchmarkStatus next = StatusTransitions.newGeneration(compared, 2, List.of(), i -> "job-" + i);
        assertThat(Conditions.find(next.getConditions(), Conditions.BASELINE_COMPARED)).isEmpty();
        assertThat(next.getComparison()).isNull();
    }
}
