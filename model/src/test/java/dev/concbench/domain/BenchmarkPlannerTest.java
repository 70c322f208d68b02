package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.SweepSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.concbench.api.v1alpha1.StrategyName.PROCESSES;
import static dev.concbench.api.v1alpha1.StrategyName.PROCESS_POOL;
import static dev.concbench.api.v1alpha1.StrategyName.SEQUENTIAL;
import static dev.concbench.api.v1alpha1.StrategyName.THREADS;
import static dev.concbench.api.v1alpha1.StrategyName.THREAD_POOL;
import static org.assertj.core.api.Assertions.assertThat;

class BenchmarkPlannerTest {

    private static ConcurrencyBenchmarkSpec spec(List<StrategyName> strategies) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(WorkloadType.CPU, 100, 16));
        spec.setStrategies(strategies);
        return spec;
    }

    @Test
    void singlePointIsOneRunWithSequentialFirst() {
        ConcurrencyBenchmarkSpec spec = spec(List.of(THREADS, PROCESS_POOL));
        spec.setWorkers(2);

        List<PlannedRun> plan = BenchmarkPlanner.plan(spec);

        assertThat(plan).hasSize(1);
        PlannedRun run = plan.get(0);
        assertThat(run.index()).isZero();
        assertThat(run.pods()).isEqualTo(1);
        assertThat(run.workers()).isEqualTo(2);
        assertThat(run.baseline()).isFalse();
        assertThat(run.strategies()).containsExactly(SEQUENTIAL, THREADS, PROCESS_POOL);
        assertThat(run.strategyNames()).containsExactly("sequential", "threads", "process-pool");
    }

    @Test
    void singleMultiPodPointGetsASinglePodBaselineFirst() {
        // speedups are over the single-pod sequential run, so one is measured
        ConcurrencyBenchmarkSpec spec = spec(List.of(THREADS));
        spec.setPods(3);
        spec.setWorkers(2);

        List<PlannedRun> plan = BenchmarkPlanner.plan(spec);

        assertThat(plan).hasSize(2);
        assertThat(plan.get(0)).isEqualTo(new PlannedRun(0, 1, 2, List.of(SEQUENTIAL), true));
        assertThat(plan.get(1)).isEqualTo(new PlannedRun(1, 3, 2, List.of(SEQUENTIAL, THREADS), false));
    }

    @Test
    void strategiesComeInCanonicalOrderWhateverTheUserOrder() {
        ConcurrencyBenchmarkSpec spec = spec(List.of(PROCESS_POOL, PROCESSES, THREAD_POOL, THREADS));
        assertThat(BenchmarkPlanner.plan(spec).get(0).strategies())
                .containsExactly(SEQUENTIAL, THREADS, THREAD_POOL, PROCESSES, PROCESS_POOL);

        ConcurrencyBenchmarkSpec withSequentialLast = spec(List.of(PROCESSES, SEQUENTIAL, THREADS));
        assertThat(BenchmarkPlanner.plan(withSequentialLast).get(0).strategies())
                .containsExactly(SEQUENTIAL, THREADS, PROCESSES);
    }

    @Test
    void sequentialIsMeasuredEvenWhenNotRequested() {
        assertThat(BenchmarkPlanner.plan(spec(List.of(THREAD_POOL))).get(0).strategies())
                .containsExactly(SEQUENTIAL, THREAD_POOL);
    }

    @Test
    void sweepWithoutOnePodAddsBaselineRunThenPodsOuter() {
        ConcurrencyBenchmarkSpec spec = spec(List.of(THREADS, THREAD_POOL));
        spec.setPods(7);     // ignored: the sweep replaces it
        spec.setWorkers(9);  // ignored
        spec.setSweep(new SweepSpec(List.of(2, 4), List.of(1, 2)));

        List<PlannedRun> plan = BenchmarkPlanner.plan(spec);

        assertThat(plan).hasSize(5);
        assertThat(plan).extracting(PlannedRun::index).containsExactly(0, 1, 2, 3, 4);
        PlannedRun baseline = plan.get(0);
        assertThat(baseline.baseline()).isTrue();
        assertThat(baseline.pods()).isEqualTo(1);
        assertThat(baseline.strategies()).containsExactly(SEQUENTIAL);
        assertThat(plan.subList(1, 5)).allSatisfy(r -> {
            assertThat(r.baseline()).isFalse();
            assertThat(r.strategies()).containsExactly(SEQUENTIAL, THREADS, THREAD_POOL);
        });
        assertThat(plan.subList(1, 5)).extracting(PlannedRun::pods).containsExactly(2, 2, 4, 4);
        assertThat(plan.subList(1, 5)).extracting(PlannedRun::workers).containsExactly(1, 2, 1, 2);
    }

    @Test
    void sweepKeepsTheListedOrderRatherThanSorting() {
        ConcurrencyBenchmarkSpec spec = spec(List.of(THREAD_POOL));
        spec.setSweep(new SweepSpec(List.of(4, 2), List.of(8, 0)));

        List<PlannedRun> plan = BenchmarkPlanner.plan(spec);

        assertThat(plan).hasSize(5);
        assertThat(plan.subList(1, 5)).extracting(PlannedRun::pods).containsExactly(4, 4, 2, 2);
        assertThat(plan.subList(1, 5)).extracting(PlannedRun::workers).containsExactly(8, 0, 8, 0);
    }

    @Test
    void sweepContainingOnePodAddsNoBaselineRun() {
        ConcurrencyBenchmarkSpec spec = spec(List.of(THREADS));
        spec.setSweep(new SweepSpec(List.of(2, 1), null));
        spec.setWorkers(3);

        List<PlannedRun> plan = BenchmarkPlanner.plan(spec);

        assertThat(plan).hasSize(2);
        assertThat(plan).noneMatch(PlannedRun::baseline);
        assertThat(plan).extracting(PlannedRun::index).containsExactly(0, 1);
        assertThat(plan).extracting(PlannedRun::pods).containsExactly(2, 1);
        assertThat(plan).extracting(PlannedRun::workers).containsExactly(3, 3);
        assertThat(plan).allSatisfy(r -> assertThat(r.strategies()).containsExactly(SEQUENTIAL, THREADS));
    }

    @Test
    void workersOnlySweepUsesSpecPods() {
        ConcurrencyBenchmarkSpec spec = spec(List.of(THREAD_POOL));
        spec.setPods(2);
        spec.setSweep(new SweepSpec(null, List.of(1, 2, 4)));

        List<PlannedRun> plan = BenchmarkPlanner.plan(spec);

        // pods=2 only: a single-pod baseline comes first
        assertThat(plan).hasSize(4);
        assertThat(plan.get(0).baseline()).isTrue();
        assertThat(plan.subList(1, 4)).extracting(PlannedRun::pods).containsOnly(2);
        assertThat(plan.subList(1, 4)).extracting(PlannedRun::workers).containsExactly(1, 2, 4);
    }

    @Test
    void sweepOverRuntimesRepeatsThePlanPerRuntimeEachWithItsOwnBaselineAndSkipsStrategiesOfTheOtherKind() {
        ConcurrencyBenchmarkSpec spec = spec(List.of(THREADS, StrategyName.ASYNCIO, StrategyName.VIRTUAL_THREADS));
        spec.setRuntime(Runtime.JAVA_25); // ignored: the sweep replaces it
        spec.setSweep(new SweepSpec(List.of(2), null));
        spec.getSweep().setRuntimes(List.of(Runtime.CPYTHON_3_11, Runtime.JAVA_21));

        List<PlannedRun> plan = BenchmarkPlanner.plan(spec);

        // runtime | index | pods | strategies | baseline | skipped
        Object[][] expected = {
                {Runtime.CPYTHON_3_11, 0, 1, List.of(SEQUENTIAL), true, Map.of()},
                {Runtime.CPYTHON_3_11, 1, 2, List.of(SEQUENTIAL, THREADS, StrategyName.ASYNCIO), false,
                        Map.of("virtual-threads", "virtual-threads is a Java strategy; cpython-3.11 is a Python runtime")},
                {Runtime.JAVA_21, 2, 1, List.of(SEQUENTIAL), true, Map.of()},
                {Runtime.JAVA_21, 3, 2, List.of(SEQUENTIAL, THREADS, StrategyName.VIRTUAL_THREADS), false,
                        Map.of("asyncio", "asyncio is a Python strategy; java-21 is a Java runtime")},
        };
        assertThat(plan).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            PlannedRun run = plan.get(i);
            assertThat(run.runtime()).as("run %d", i).isEqualTo(expected[i][0]);
            assertThat(run.runtimeOf(spec)).as("run %d", i).isEqualTo(expected[i][0]);
            assertThat(run.index()).isEqualTo(expected[i][1]);
            assertThat(run.pods()).as("run %d", i).isEqualTo(expected[i][2]);
            assertThat(run.strategies()).as("run %d", i).isEqualTo(expected[i][3]);
            assertThat(run.baseline()).as("run %d", i).isEqualTo(expected[i][4]);
            assertThat(run.skipped()).as("run %d", i).isEqualTo(expected[i][5]);
        }
    }

    @Test
    void withoutSweepRuntimesRunsNameNoRuntimeAndRunTheSpecs() {
        ConcurrencyBenchmarkSpec spec = spec(List.of(THREADS));
        spec.setRuntime(Runtime.PYPY_3_11);

        PlannedRun run = BenchmarkPlanner.plan(spec).get(0);

        assertThat(run.runtime()).isNull();
        assertThat(run.runtimeOf(spec)).isEqualTo(Runtime.PYPY_3_11);
        assertThat(run.skipped()).isEmpty();
        assertThat(BenchmarkPlanner.sweepRuntimes(spec)).containsExactly(Runtime.PYPY_3_11);
        assertThat(BenchmarkPlanner.isRuntimeSweep(spec)).isFalse();
    }

    @Test
    void aRunReadBackFromTheStatusKeepsItsRuntimeAndSkipped() {
        ConcurrencyBenchmarkSpec spec = spec(List.of(StrategyName.ASYNCIO));
        spec.setSweep(new SweepSpec());
        spec.getSweep().setRuntimes(List.of(Runtime.CPYTHON_3_13T, Runtime.JAVA_17));
        List<PlannedRun> plan = BenchmarkPlanner.plan(spec);

        ConcurrencyBenchmarkStatus status = StatusTransitions.newGeneration(new ConcurrencyBenchmarkStatus(), 1, plan,
                i -> "job-" + i);

        assertThat(status.getRuns()).extracting(RunStatus::getRuntime)
                .containsExactly(Runtime.CPYTHON_3_13T, Runtime.JAVA_17);
        assertThat(status.getRuns().get(0).getSkipped()).isNull();
        assertThat(status.getRuns().get(1).getSkipped()).containsOnlyKeys("asyncio");
        assertThat(status.getRuns().stream().map(PlannedRun::of).toList()).isEqualTo(plan);
    }
}
