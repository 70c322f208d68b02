package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.KernelResources;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.SweepSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class SpecValidatorTest {

    private static ConcurrencyBenchmarkSpec valid() {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(WorkloadType.CPU, 2000, 80));
        return spec;
    }

    private static List<String> errors(ConcurrencyBenchmarkSpec spec) {
        return SpecValidator.validate(spec);
    }

    @Test
    void aValidSpecHasNoErrors() {
        assertThat(errors(valid())).isEmpty();

        ConcurrencyBenchmarkSpec full = valid();
        full.setStrategies(List.of(StrategyName.PROCESS_POOL, StrategyName.SEQUENTIAL));
        full.setPods(80);
        full.setWorkers(256);
        full.setRepetitions(20);
        full.setWarmup(10);
        full.setSweep(new SweepSpec(List.of(1, 2, 4, 8), List.of(0, 1, 2, 4)));   // 16 points: the maximum
        assertThat(errors(full)).isEmpty();
    }

    @Test
    void podsMustNotExceedTasks() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.getWorkload().setTasks(4);
        spec.setPods(5);
        assertThat(errors(spec)).singleElement().asString()
                .contains("spec.pods").contains("spec.workload.tasks").contains("5").contains("4");

        spec.setPods(4);
        assertThat(errors(spec)).isEmpty();
    }

    /** Each built-in workload's size range (io's differs from cpu's): both ends pass, one past either end is refused. */
    @ParameterizedTest
    @CsvSource({"CPU, 1, 100000, a cpu", "MIXED, 1, 100000, a mixed", "IO, 0, 600000, an io", "HASH, 1, 65536, a hash",
            "RACE, 1, 1000000, a race"})
    void eachWorkloadsSizeRange(WorkloadType type, int min, int max, String workload) {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.setWorkload(new WorkloadSpec(type, min, 10));
        assertThat(errors(spec)).isEmpty();
        spec.getWorkload().setSize(max);
        assertThat(errors(spec)).isEmpty();
        for (int outside : new int[] {min - 1, max + 1}) {
            spec.getWorkload().setSize(outside);
            assertThat(errors(spec)).singleElement().asString().isEqualTo("spec.workload.size must be between " + min
                    + " and " + max + " for " + workload + " workload, got " + outside);
        }
    }

    @Test
    void tasksRange() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.getWorkload().setTasks(0);
        assertThat(errors(spec)).anySatisfy(e -> assertThat(e).contains("spec.workload.tasks"));
        spec.getWorkload().setTasks(100_001);
        assertThat(errors(spec)).singleElement().asString().contains("spec.workload.tasks");
    }

    @Test
    void missingWorkloadFields() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.getWorkload().setType(null);
        assertThat(errors(spec)).singleElement().asString().contains("spec.workload");
        assertThat(SpecValidator.validate(null)).containsExactly("spec is required");
    }

    @Test
    void strategiesMustNotRepeat() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.setStrategies(List.of(StrategyName.THREADS, StrategyName.PROCESSES, StrategyName.THREADS));
        assertThat(errors(spec)).singleElement().asString().contains("spec.strategies").contains("repeat");

        spec.setStrategies(List.of());
        assertThat(errors(spec)).singleElement().asString().contains("spec.strategies");

        spec.setStrategies(new ArrayList<>(Arrays.asList(StrategyName.THREADS, null)));
        assertThat(errors(spec)).singleElement().asString().contains("spec.strategies");
    }

    @Test
    void sweepMayHaveAtMostSixteenPoints() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.setSweep(new SweepSpec(List.of(1, 2, 3, 4, 5), List.of(0, 1, 2, 4)));   // 20 points
        assertThat(errors(spec)).singleElement().asString()
                .contains("spec.sweep").contains("20").contains("16");

        // only one axis: 8 pods x spec.workers = 8 points, fine
        spec.setSweep(new SweepSpec(List.of(1, 2, 3, 4, 5, 6, 7, 8), null));
        assertThat(errors(spec)).isEmpty();
    }

    /** threads and processes start every call of a pod at once: a pod's calls are bounded (the schema says so too). */
    @Test
    void perCallStrategiesHaveABoundedFanOutPerPod() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.getWorkload().setTasks(100_000);
        spec.setStrategies(List.of(StrategyName.PROCESSES));
        assertThat(errors(spec)).singleElement().asString().contains("spec.workload.tasks", "processes",
                "100000 calls per pod", "at most 256");
        spec.setPods(100);                                        // 1,000 calls per pod: still too many processes
        assertThat(errors(spec)).singleElement().asString().contains("1000 calls per pod");
        spec.setStrategies(List.of(StrategyName.THREADS));            // but not too many threads
        assertThat(errors(spec)).isEmpty();
        spec.setSweep(new SweepSpec(List.of(100, 50), null));     // every pod count of a sweep counts
        assertThat(errors(spec)).singleElement().asString().contains("threads", "2000 calls per pod", "at most 1024");
        spec.setStrategies(List.of(StrategyName.THREAD_POOL, StrategyName.PROCESS_POOL, StrategyName.ASYNCIO));
        assertThat(errors(spec)).as("pools bound themselves").isEmpty();
    }

    @Test
    void sweepEntriesOutOfRange() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.getWorkload().setTasks(1000);
        spec.setStrategies(List.of(StrategyName.SEQUENTIAL, StrategyName.PROCESS_POOL)); // no per-call fan-out

        spec.setSweep(new SweepSpec(List.of(0, 2), null));
        assertThat(errors(spec)).singleElement().asString().contains("spec.sweep.pods").contains("got 0");

        spec.setSweep(new SweepSpec(List.of(2, 101), null));
        assertThat(errors(spec)).singleElement().asString().contains("spec.sweep.pods").contains("got 101");

        spec.setSweep(new SweepSpec(null, List.of(-1)));
        assertThat(errors(spec)).singleElement().asString().contains("spec.sweep.workers").contains("got -1");

        spec.setSweep(new SweepSpec(null, List.of(0, 257)));
        assertThat(errors(spec)).singleElement().asString().contains("spec.sweep.workers").contains("got 257");

        spec.setSweep(new SweepSpec(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), null));
        assertThat(errors(spec)).singleElement().asString().contains("spec.sweep.pods").contains("1 to 8");
    }

    @Test
    void sweepPodsMustNotExceedTasks() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.getWorkload().setTasks(3);
        spec.setSweep(new SweepSpec(List.of(2, 4), null));
        assertThat(errors(spec)).singleElement().asString().contains("spec.sweep.pods").contains("got 4");
    }

    @Test
    void sweepEntriesMustNotRepeat() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.setSweep(new SweepSpec(List.of(2, 2), null));
        assertThat(errors(spec)).singleElement().asString().contains("spec.sweep.pods").contains("repeat");

        spec.setSweep(new SweepSpec(null, List.of(4, 0, 4)));
        assertThat(errors(spec)).singleElement().asString().contains("spec.sweep.workers").contains("repeat");
    }

    @Test
    void repetitionsRange() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.setRepetitions(0);
        assertThat(errors(spec)).singleElement().asString().contains("spec.repetitions").contains("got 0");
        spec.setRepetitions(21);
        assertThat(errors(spec)).singleElement().asString().contains("spec.repetitions").contains("got 21");
        spec.setRepetitions(1);
        assertThat(errors(spec)).isEmpty();
        spec.setRepetitions(20);
        assertThat(errors(spec)).isEmpty();
    }

    @Test
    void otherRanges() {
        Map<String, Consumer<ConcurrencyBenchmarkSpec>> outOfRange = Map.of(
                "spec.warmup", spec -> spec.setWarmup(11),
                "spec.workers", spec -> spec.setWorkers(257),
                "spec.pods", spec -> spec.setPods(0),
                "spec.timeoutSeconds", spec -> spec.setTimeoutSeconds(9),
                "spec.ttlSecondsAfterFinished", spec -> spec.setTtlSecondsAfterFinished(-1));
        outOfRange.forEach((field, change) -> {
            ConcurrencyBenchmarkSpec spec = valid();
            change.accept(spec);
            assertThat(errors(spec)).as(field).singleElement().asString().contains(field);
        });
        ConcurrencyBenchmarkSpec noTtl = valid();
        noTtl.setTtlSecondsAfterFinished(null);
        assertThat(errors(noTtl)).singleElement().asString().contains("spec.ttlSecondsAfterFinished")
                .contains("required");
    }

    @Test
    void severalProblemsAreAllReported() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.setRepetitions(0);
        spec.setWarmup(-1);
        spec.setStrategies(List.of(StrategyName.THREADS, StrategyName.THREADS));
        assertThat(errors(spec)).hasSize(3);
    }

    @Test
    void resourcesMustBeQuantitiesWithRequestsNotAboveLimits() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.setResources(new KernelResources(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")),
                Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi"))));
        assertThat(errors(spec)).isEmpty();

        spec.setResources(new KernelResources(Map.of("cpu", new Quantity("abc")), null));
        assertThat(errors(spec)).singleElement().asString()
                .contains("spec.resources.requests").contains("cpu").contains("quantity").contains("abc");

        spec.setResources(new KernelResources(Map.of("cpu", new Quantity("2")), Map.of("cpu", new Quantity("1"))));
        assertThat(errors(spec)).singleElement().asString()
                .isEqualTo("spec.resources.requests.cpu must be less than or equal to limits.cpu");

        // 1000m is 1: equal is fine, compared as quantities, not as text.
        spec.setResources(new KernelResources(Map.of("cpu", new Quantity("1000m")), Map.of("cpu", new Quantity("1"))));
        assertThat(errors(spec)).isEmpty();
    }

    @Test
    void strategiesOfTheOtherRuntimeAreRefused() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.setRuntime(dev.concbench.api.v1alpha1.Runtime.JAVA);
        spec.setStrategies(List.of(StrategyName.SEQUENTIAL, StrategyName.ASYNCIO, StrategyName.VIRTUAL_THREADS));
        assertThat(errors(spec)).singleElement().asString().isEqualTo("spec.strategies: asyncio cannot run on runtime java");
        spec.setRuntime(dev.concbench.api.v1alpha1.Runtime.PYTHON);
        assertThat(errors(spec)).singleElement().asString()
                .isEqualTo("spec.strategies: virtual-threads cannot run on runtime python");
    }

    @Test
    void aSweepOverRuntimes() {
        // runtimes | strategies | image | the error, or null
        Object[][] cases = {
                {List.of(Runtime.CPYTHON_3_11, Runtime.JAVA_21), List.of(StrategyName.ASYNCIO, StrategyName.VIRTUAL_THREADS),
                        null, null}, // each kind skips the other's strategy
                {List.of(Runtime.JAVA_17, Runtime.JAVA_21), List.of(StrategyName.ASYNCIO), null,
                        "spec.strategies: asyncio cannot run on runtime java-17, java-21"},
                {List.of(Runtime.CPYTHON_3_11, Runtime.PYPY_3_11), List.of(StrategyName.VIRTUAL_THREADS), null,
                        "spec.strategies: virtual-threads cannot run on runtime cpython-3.11, pypy-3.11"},
                {List.of(Runtime.CPYTHON_3_11), List.of(StrategyName.THREADS), "my/python:3",
                        "spec.image cannot be combined with spec.sweep.runtimes: one image cannot be several runtimes"},
                {List.of(Runtime.CPYTHON_3_11, Runtime.CPYTHON_3_11), List.of(StrategyName.THREADS), null,
                        "spec.sweep.runtimes must not repeat"},
                {List.of(), List.of(StrategyName.THREADS), null, "spec.sweep.runtimes must have 1 to 11 entries"},
                {Arrays.asList(Runtime.CPYTHON_3_11, null), List.of(StrategyName.THREADS), null,
                        "spec.sweep.runtimes: unknown runtime; the catalog has python, java, cpython-3.11, cpython-3.13, "
                                + "cpython-3.13t, cpython-3.14, cpython-3.14t, pypy-3.11, java-17, java-21, java-25"},
        };
        for (Object[] c : cases) {
            ConcurrencyBenchmarkSpec spec = valid();
            spec.setRuntime(Runtime.JAVA); // ignored: sweep.runtimes replaces it
            @SuppressWarnings("unchecked") List<Runtime> runtimes = (List<Runtime>) c[0];
            @SuppressWarnings("unchecked") List<StrategyName> strategies = (List<StrategyName>) c[1];
            spec.setSweep(new SweepSpec());
            spec.getSweep().setRuntimes(runtimes);
            spec.setStrategies(strategies);
            spec.setImage((String) c[2]);
            if (c[3] == null) {
                assertThat(errors(spec)).as("%s", c[0]).isEmpty();
            } else {
                assertThat(errors(spec)).as("%s", c[0]).containsExactly((String) c[3]);
            }
        }
    }

    @Test
    void runtimesCountInTheSweepsPoints() {
        ConcurrencyBenchmarkSpec spec = valid();
        spec.setSweep(new SweepSpec(List.of(1, 2), List.of(0, 1, 2, 4)));   // 8 points
        spec.getSweep().setRuntimes(List.of(Runtime.CPYTHON_3_11, Runtime.PYPY_3_11));
        assertThat(errors(spec)).isEmpty();                                // 16

        spec.getSweep().setRuntimes(List.of(Runtime.CPYTHON_3_11, Runtime.PYPY_3_11, Runtime.JAVA_21));
        assertThat(errors(spec)).containsExactly("spec.sweep has 24 points; at most 16 are allowed");
    }
}
