package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.SweepSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.Observation.JobSeen;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle as a table: situation (spec, status, what was observed) → (phase, runs, actions). */
class LifecycleTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T1 = Instant.parse("2025-03-01T10:05:00Z");

    private static ConcurrencyBenchmarkSpec spec(Runtime runtime, List<Integer> sweepPods) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setRuntime(runtime);
        spec.setWorkload(new WorkloadSpec(WorkloadType.CPU, 10, 3));
        spec.setStrategies(List.of(StrategyName.THREADS));
        spec.setRepetitions(2);
        if (sweepPods != null) {
            spec.setSweep(new SweepSpec(sweepPods, null));
        }
        return spec;
    }

    private static ConcurrencyBenchmark cb(ConcurrencyBenchmarkSpec spec, long generation,
                                           ConcurrencyBenchmarkStatus status) {
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("ns", "demo", spec);
        cb.getMetadata().setGeneration(generation);
        cb.setStatus(status);
        return cb;
    }

    /** The status after a first step that started run 0 of {@code spec} at generation 1. */
    private static ConcurrencyBenchmarkStatus started(ConcurrencyBenchmarkSpec spec) {
        return Lifecycle.decide(cb(spec, 1, null), seen(true), T0).status();
    }

    private static Observation seen(boolean admitted, JobSeen... jobs) {
        return new Observation(new Observation.Admission(admitted, 1), List.of(jobs), Map.of());
    }

    private static Observation seen(JobSeen job, RunObservation run) {
        return new Observation(new Observation.Admission(true, 1), List.of(job), Map.of(job.name(), run));
    }

    private static JobSeen job(String name, long generation, boolean finished) {
        return new JobSeen(name, generation, finished, T0.minusSeconds(30));
    }

    /** A shard's result as the kernel writes it, with the checksum the run expects unless told otherwise. */
    private static ShardResult result(String shard, int tasks, String checksum) {
        String json = "{\"format\":1,\"runtime\":\"python\",\"runtimeVersion\":\"3.11.7\",\"cpus\":2,"
                + "\"cpuSource\":\"affinity\",\"cpuQuota\":null,\"node\":\"node-a\",\"pod\":\"demo-g1-r0-0-x\","
                + "\"shard\":\"" + shard + "\",\"tasks\":" + tasks + ",\"workload\":\"cpu\",\"size\":10,\"workers\":2,"
                + "\"repetitions\":2,\"warmup\":1,\"checksum\":\"" + checksum + "\",\"start\":1.0,\"end\":2.0,"
                + "\"times\":{\"sequential\":[0.8,0.81],\"threads\":[0.9,0.91]}}";
        try {
            return ShardResult.parse(json);
        } catch (ResultFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static final String GOOD = Checksums.expected(WorkloadType.CPU, 10, 3).toString();

    /**
     * A format-2 result of the one-pod run: sequential had its CPU; the 3 threads (no GIL) got 1 CPU-second
     * in 1.81 s of 2 CPUs and waited 3 s runnable: contended.
     */
    private static ShardResult contendedResult() {
        String json = "{\"format\":2,\"runtime\":\"java\",\"runtimeVersion\":\"21.0.5\",\"cpus\":2,"
                + "\"cpuSource\":\"affinity\",\"cpuQuota\":null,\"node\":\"node-a\",\"pod\":\"demo-g1-r0-0-x\","
                + "\"shard\":\"0/1\",\"tasks\":3,\"workload\":\"cpu\",\"size\":10,\"workers\":2,"
                + "\"repetitions\":2,\"warmup\":1,\"checksum\":\"" + GOOD + "\",\"start\":1.0,\"end\":2.0,"
                + "\"cgroup\":\"v2\",\"exclusiveCpus\":false,\"onlineCpus\":2,\"skipped\":{},"
                + "\"times\":{\"sequential\":[0.8,0.81],\"threads\":[0.9,0.91]},"
                + "\"cpu\":{\"sequential\":{\"used\":1.6,\"waited\":0.01,\"throttled\":0,\"stalled\":0.01,\"steal\":0},"
                + "\"threads\":{\"used\":1.0,\"waited\":3.0,\"throttled\":0,\"stalled\":0.9,\"steal\":0}}}";
        try {
            return ShardResult.parse(json);
        } catch (ResultFormatException e) {
            throw new AssertionError(e);
        }
    }

    /** Actions in a form a table can say. */
    private static String show(Action a) {
        if (a instanceof Action.CreateJob c) {
            return "create " + c.jobName();
        } else if (a instanceof Action.DeleteJob d) {
            return "delete " + d.jobName();
        } else if (a instanceof Action.ReleaseStart r) {
            return "release run " + r.run();
        } else if (a instanceof Action.RunStarted e) {
            return "event RunStarted " + e.jobName();
        } else if (a instanceof Action.RunFinished e) {
            return "event Run" + (e.succeeded() ? "Succeeded " : "Failed ") + e.jobName();
        } else if (a instanceof Action.BenchmarkFinished e) {
            return "event Benchmark" + (e.succeeded() ? "Succeeded" : "Failed");
        } else if (a instanceof Action.SpecInvalid) {
            return "event InvalidSpec";
        } else if (a instanceof Action.SpecChanged e) {
            return "event SpecChanged " + e.previousGeneration() + "->" + e.generation() + " " + e.stoppedJobs();
        } else if (a instanceof Action.HoldSlot) {
            return "hold slot";
        } else if (a instanceof Action.WaitingForSlot) {
            return "event Queued";
        } else if (a instanceof Action.Contended) {
            return "event Contended";
        }
        throw new AssertionError(a);
    }

    static Stream<Arguments> situations() {
        ConcurrencyBenchmarkSpec python = spec(Runtime.PYTHON, null);
        ConcurrencyBenchmarkSpec java = spec(Runtime.JAVA, null);
        ConcurrencyBenchmarkSpec twoPods = spec(Runtime.JAVA, List.of(1, 3));
        ConcurrencyBenchmarkSpec invalid = spec(Runtime.JAVA, null);
        invalid.setPods(5); // more pods than tasks
        ConcurrencyBenchmarkStatus queued = Lifecycle.decide(cb(java, 1, null), seen(false), T0).status();

        return Stream.of(
                Arguments.of("new, admitted: the first run's Job (python)",
                        cb(python, 1, null), seen(true), Phase.Running, List.of(RunState.Running),
                        List.of("hold slot", "create demo-g1-r0", "event RunStarted demo-g1-r0"), false),
                Arguments.of("new, admitted: the first run's Job (java)",
                        cb(java, 1, null), seen(true), Phase.Running, List.of(RunState.Running),
                        List.of("hold slot", "create demo-g1-r0", "event RunStarted demo-g1-r0"), false),
                Arguments.of("new, no slot: Queued, told once",
                        cb(java, 1, null), seen(false), Phase.Queued, List.of(RunState.Planned),
                        List.of("event Queued"), false),
                Arguments.of("still no slot: no second Queued event",
                        cb(java, 1, queued), seen(false), Phase.Queued, List.of(RunState.Planned),
                        List.of(), false),
                Arguments.of("invalid: Failed, no Job, no run planned",
                        cb(invalid, 1, null), seen(false), Phase.Failed, List.of(),
                        List.of("event InvalidSpec", "event BenchmarkFailed"), true),
                Arguments.of("running, pods pending: nothing to do",
                        cb(java, 1, started(java)), seen(job("demo-g1-r0", 1, false), RunObservation.running(0, 0, false)),
                        Phase.Running, List.of(RunState.Running), List.of("hold slot"), false),
                Arguments.of("every pod of a multi-pod run running: the common start",
                        cb(twoPods, 1, succeededFirst(twoPods)),
                        seen(job("demo-g1-r1", 1, false), RunObservation.running(0, 0, true)),
                        Phase.Running, List.of(RunState.Succeeded, RunState.Running), List.of("hold slot", "release run 1"), false),
                Arguments.of("a pod failed: the run and the benchmark fail, the active Job is stopped",
                        cb(java, 1, started(java)), seen(job("demo-g1-r0", 1, false),
                                RunObservation.failed(0, 1, "PodFailed", "pod demo-g1-r0-0-x failed: exit code 1")),
                        Phase.Failed, List.of(RunState.Failed),
                        List.of("hold slot", "event RunFailed demo-g1-r0", "event BenchmarkFailed", "delete demo-g1-r0"),
                        true),
                Arguments.of("the Job failed by itself: nothing left to stop",
                        cb(java, 1, started(java)), seen(job("demo-g1-r0", 1, true),
                                RunObservation.failed(0, 0, "DeadlineExceeded", "job demo-g1-r0 exceeded its deadline")),
                        Phase.Failed, List.of(RunState.Failed),
                        List.of("hold slot", "event RunFailed demo-g1-r0", "event BenchmarkFailed"), true),
                Arguments.of("the running run's Job is gone: JobMissing",
                        cb(java, 1, started(java)), seen(true), Phase.Failed, List.of(RunState.Failed),
                        List.of("hold slot", "event RunFailed demo-g1-r0", "event BenchmarkFailed"), true),
                Arguments.of("the last run succeeded: Succeeded",
                        cb(java, 1, started(java)), seen(job("demo-g1-r0", 1, true),
                                RunObservation.succeeded(1, List.of(result("0/1", 3, GOOD)))),
                        Phase.Succeeded, List.of(RunState.Succeeded),
                        List.of("hold slot", "event RunSucceeded demo-g1-r0", "event BenchmarkSucceeded"), true),
                Arguments.of("the last run succeeded with a contended row: Succeeded, and an event says so",
                        cb(java, 1, started(java)), seen(job("demo-g1-r0", 1, true),
                                RunObservation.succeeded(1, List.of(contendedResult()), "Burstable")),
                        Phase.Succeeded, List.of(RunState.Succeeded),
                        List.of("hold slot", "event RunSucceeded demo-g1-r0", "event BenchmarkSucceeded",
                                "event Contended"), true),
                Arguments.of("a run succeeded, another follows: its Job",
                        cb(twoPods, 1, started(twoPods)), seen(job("demo-g1-r0", 1, true),
                                RunObservation.succeeded(1, List.of(result("0/1", 3, GOOD)))),
                        Phase.Running, List.of(RunState.Succeeded, RunState.Running),
                        List.of("hold slot", "event RunSucceeded demo-g1-r0", "create demo-g1-r1",
                                "event RunStarted demo-g1-r1"),
                        false),
                Arguments.of("a lost call (checksum): ResultUnreadable",
                        cb(java, 1, started(java)), seen(job("demo-g1-r0", 1, true),
                                RunObservation.succeeded(1, List.of(result("0/1", 3, "1")))),
                        Phase.Failed, List.of(RunState.Failed),
                        List.of("hold slot", "event RunFailed demo-g1-r0", "event BenchmarkFailed"), true),
                Arguments.of("spec changed mid-run: the old Job stopped, the new generation starts at once",
                        cb(java, 2, started(java)), seen(true, job("demo-g1-r0", 1, false)),
                        Phase.Running, List.of(RunState.Running),
                        List.of("delete demo-g1-r0", "event SpecChanged 1->2 [demo-g1-r0]", "hold slot", "create demo-g2-r0",
                                "event RunStarted demo-g2-r0"), false),
                Arguments.of("spec changed after the end: the finished Job is collected, no event",
                        cb(java, 2, Lifecycle.decide(cb(java, 1, started(java)), seen(job("demo-g1-r0", 1, true),
                                RunObservation.succeeded(1, List.of(result("0/1", 3, GOOD)))), T0).status()),
                        seen(false, job("demo-g1-r0", 1, true)), Phase.Queued, List.of(RunState.Planned),
                        List.of("delete demo-g1-r0", "event Queued"), false));
    }

    private static ConcurrencyBenchmarkStatus succeededFirst(ConcurrencyBenchmarkSpec spec) {
        ConcurrencyBenchmark cb = cb(spec, 1, started(spec));
        return Lifecycle.decide(cb, seen(job("demo-g1-r0", 1, true),
                RunObservation.succeeded(1, List.of(result("0/1", 3, GOOD)))), T0).status();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void decides(String situation, ConcurrencyBenchmark cb, Observation seen, Phase phase, List<RunState> runs,
                 List<String> actions, boolean ended) {
        String before = Serialization.asJson(cb.getStatus());

        Decision decision = Lifecycle.decide(cb, seen, T1);

        assertThat(decision.status().getPhase()).isEqualTo(phase);
        assertThat(decision.status().getObservedGeneration()).isEqualTo(cb.getMetadata().getGeneration());
        assertThat(decision.status().getRuns()).extracting(r -> r.getState()).containsExactlyElementsOf(runs);
        assertThat(decision.actions()).extracting(LifecycleTest::show).containsExactlyElementsOf(actions);
        assertThat(decision.ended()).isEqualTo(ended);
        // Pure: the benchmark it was given is untouched.
        assertThat(Serialization.asJson(cb.getStatus())).isEqualTo(before);
        // The decision says whether the status changed; deciding again on its outcome changes nothing more.
        assertThat(decision.statusChanged()).isEqualTo(!decision.status().equals(cb.getStatus()));
        if (decision.status().getPhase().terminal()) {
            assertThat(Lifecycle.decide(withStatus(cb, decision.status()), seen, T1).statusChanged()).isFalse();
        }
    }

    private static ConcurrencyBenchmark withStatus(ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus status) {
        return cb(cb.getSpec(), cb.getMetadata().getGeneration(), status);
    }

    /** A free slot: a step that runs the benchmark holds it ({@link Action.HoldSlot}); no other step may. */
    private static Observation.Admission free() {
        return new Observation.Admission(true, 1);
    }

    @Test
    void aFinishedGenerationWantsNoSlotAndDoesNothing() {
        ConcurrencyBenchmarkSpec java = spec(Runtime.JAVA, null);
        ConcurrencyBenchmark done = cb(java, 1, Lifecycle.decide(cb(java, 1, started(java)),
                seen(job("demo-g1-r0", 1, true), RunObservation.succeeded(1, List.of(result("0/1", 3, GOOD)))),
                T0).status());

        Decision again = Lifecycle.decide(done, new Observation(free(), List.of(), Map.of()), T1);
        assertThat(again.actions()).as("no slot held, nothing done").isEmpty();
        assertThat(again.statusChanged()).isFalse();
        assertThat(again.ended()).isFalse();
        assertThat(again.status().getPhase()).isEqualTo(Phase.Succeeded);
    }

    @Test
    void aContendedConclusionIsWithheldWithTheReasonContendedAndThePhaseStaysSucceeded() {
        ConcurrencyBenchmarkSpec java = spec(Runtime.JAVA, null);
        Observation finished = seen(job("demo-g1-r0", 1, true),
                RunObservation.succeeded(1, List.of(contendedResult()), "Burstable"));
        ConcurrencyBenchmarkStatus status = Lifecycle.decide(cb(java, 1, started(java)), finished, T1).status();

        String why = "inconclusive: threads got 0.55 of 2 CPUs (waited 55 % of its time): rerun on a quiet node, "
                + "or with requests equal to limits in whole CPUs";
        assertThat(status.getConclusion()).isEqualTo("cpu-bound on java 21.0.5: threads 0.89x on 2 CPUs: " + why);
        var progressing = Conditions.find(status.getConditions(), Conditions.PROGRESSING).orElseThrow();
        assertThat(progressing.getStatus()).isEqualTo("False");
        assertThat(progressing.getReason()).isEqualTo("Contended");
        assertThat(progressing.getMessage()).isEqualTo("all runs finished; " + why);
        assertThat(Conditions.isTrue(status.getConditions(), Conditions.COMPLETE)).isTrue();
        assertThat(status.getPhase()).isEqualTo(Phase.Succeeded).isEqualTo(StatusTransitions.phase(status));
        assertThat(status.getRuns().get(0).getQosClass()).isEqualTo("Burstable");
        assertThat(status.getEnvironment().getQosClass()).isEqualTo("Burstable");
        assertThat(status.getEnvironment().getCgroup()).isEqualTo("v2");
        assertThat(status.getEnvironment().getExclusiveCpus()).isFalse();
        assertThat(status.getResults()).extracting(r -> r.getStrategy() + " " + r.getContended())
                .containsExactly("sequential false", "threads true");

        // Told once: the finished benchmark's next step has no event and keeps the reason.
        Decision again = Lifecycle.decide(cb(java, 1, status), finished, T1.plusSeconds(60));
        assertThat(again.actions()).isEmpty();
        assertThat(again.statusChanged()).isFalse();
        assertThat(Conditions.find(again.status().getConditions(), Conditions.PROGRESSING).orElseThrow().getReason())
                .isEqualTo("Contended");
        // A format-1 kernel's result is never flagged: Completed.
        ConcurrencyBenchmarkStatus plain = Lifecycle.decide(cb(java, 1, started(java)), seen(job("demo-g1-r0", 1, true),
                RunObservation.succeeded(1, List.of(result("0/1", 3, GOOD)))), T1).status();
        assertThat(Conditions.find(plain.getConditions(), Conditions.PROGRESSING).orElseThrow().getReason())
                .isEqualTo("Completed");
        assertThat(plain.getResults()).allSatisfy(r -> assertThat(r.getContended()).isNull());
        assertThat(plain.getEnvironment().getQosClass()).isNull();
    }

    @Test
    void anInvalidSpecNeverAsksForASlot() {
        ConcurrencyBenchmarkSpec invalid = spec(Runtime.JAVA, null);
        invalid.setPods(5);
        Decision decision = Lifecycle.decide(cb(invalid, 1, null), new Observation(free(), List.of(), Map.of()), T0);
        assertThat(decision.status().getPhase()).isEqualTo(Phase.Failed);
        assertThat(decision.actions()).noneMatch(Action.HoldSlot.class::isInstance);
    }

    @Test
    void thePhaseIsWhatTheConditionsSay() {
        ConcurrencyBenchmarkSpec java = spec(Runtime.JAVA, null);
        for (ConcurrencyBenchmarkStatus status : List.of(started(java),
                Lifecycle.decide(cb(java, 1, null), seen(false), T0).status(),
                Lifecycle.decide(cb(java, 1, started(java)), seen(true), T0).status())) {
            assertThat(status.getPhase()).isEqualTo(StatusTransitions.phase(status.getConditions()));
        }
    }

    @Test
    void anAdoptedJobKeepsItsCreationTime() {
        ConcurrencyBenchmarkSpec java = spec(Runtime.JAVA, null);
        // A step created the Job but its status write was lost: the status still says Planned.
        ConcurrencyBenchmarkStatus planned = Lifecycle.decide(cb(java, 1, null), seen(false), T0).status();

        Decision decision = Lifecycle.decide(cb(java, 1, planned),
                seen(job("demo-g1-r0", 1, false), RunObservation.running(0, 0, false)), T1);

        assertThat(decision.actions()).extracting(LifecycleTest::show).doesNotContain("create demo-g1-r0");
        assertThat(decision.status().getRuns().get(0).getState()).isEqualTo(RunState.Running);
        assertThat(decision.status().getRuns().get(0).getStartTime()).isEqualTo("2025-03-01T09:59:30Z");
    }

    /** The operator's settings: java has an image, pypy-3.11 none; the policy allows no spec.image. */
    private static final Observation.Settings OPERATOR = new Observation.Settings(
            new RuntimeCatalog("py:1", "kernel:1", Map.of()),
            new BenchmarkPolicy(false, List.of(), BenchmarkPolicy.Tolerations.ANY, List.of(), Map.of(), Map.of()));

    private static Observation withSettings(Observation seen) {
        return new Observation(seen.admission(), seen.jobs(), seen.runs(), seen.baseline(), OPERATOR, null,
                seen.fault());
    }

    @Test
    void whatTheExecutorCannotRunIsAnInvalidSpecBeforeAnySlot() {
        ConcurrencyBenchmarkSpec pypy = spec(Runtime.PYPY_3_11, null);
        Decision decision = Lifecycle.decide(cb(pypy, 1, null), withSettings(seen(true)), T0);

        assertThat(decision.status().getPhase()).isEqualTo(Phase.Failed);
        assertThat(decision.status().getRuns()).isEmpty();
        assertThat(Conditions.find(decision.status().getConditions(), Conditions.VALID).orElseThrow())
                .satisfies(c -> assertThat(List.of(c.getStatus(), c.getReason(), c.getMessage()))
                        .containsExactly("False", "InvalidSpec", "runtime pypy-3.11 has no image in the operator's runtime "
                                + "catalog (the chart's runtimes values); it has: python, java; or set spec.image"));
        assertThat(decision.actions()).extracting(LifecycleTest::show)
                .containsExactly("event InvalidSpec", "event BenchmarkFailed");
    }

    @Test
    void theRunsTakeTheImagesTheExecutorResolved() {
        ConcurrencyBenchmarkSpec java = spec(Runtime.JAVA, null);
        Decision decision = Lifecycle.decide(cb(java, 1, null), withSettings(seen(true)), T0);
        assertThat(decision.actions()).filteredOn(Action.CreateJob.class::isInstance)
                .singleElement().satisfies(a -> assertThat(((Action.CreateJob) a).image()).isEqualTo("kernel:1"));
    }

    @Test
    void whatThePolicyDoesNotAllowEndsTheGenerationNotAllowedStoppingItsJobs() {
        ConcurrencyBenchmarkSpec java = spec(Runtime.JAVA, null);
        ConcurrencyBenchmarkStatus started = started(java);
        java.setImage("mine/kernel:1");
        Decision decision = Lifecycle.decide(cb(java, 1, started), withSettings(seen(true,
                job("demo-g1-r0", 1, false))), T1);

        assertThat(decision.status().getPhase()).isEqualTo(Phase.Failed);
        assertThat(Conditions.find(decision.status().getConditions(), Conditions.FAILED).orElseThrow().getReason())
                .isEqualTo(Lifecycle.NOT_ALLOWED);
        assertThat(decision.actions()).extracting(LifecycleTest::show).containsExactly("delete demo-g1-r0",
                "event RunFailed demo-g1-r0", "event BenchmarkFailed");
    }

    @Test
    void aRefusedStatusIsWrittenAgainWithoutTheMeasurementsKeepingWhy() {
        ConcurrencyBenchmarkSpec java = spec(Runtime.JAVA, null);
        ConcurrencyBenchmarkStatus succeeded = Lifecycle.decide(cb(java, 1, started(java)), seen(job("demo-g1-r0", 1,
                true), RunObservation.succeeded(1, List.of(result("0/1", 3, GOOD)))), T1).status();
        assertThat(succeeded.getResults()).isNotEmpty();

        // The Succeeded status was refused (too large): its write failed, the benchmark still Running.
        Observation.Fault tooLarge = new Observation.Fault("InvalidSpec", "the API server refused the operator's "
                + "request (HTTP 422): the object is too large", true);
        Decision decision = Lifecycle.decide(cb(java, 1, started(java)), seen(true).withFault(tooLarge), T1);

        assertThat(decision.status().getPhase()).isEqualTo(Phase.Failed);
        assertThat(decision.status().getRuns()).isEmpty();
        assertThat(decision.status().getResults()).isEmpty();
        assertThat(Conditions.find(decision.status().getConditions(), Conditions.FAILED).orElseThrow().getMessage())
                .isEqualTo(tooLarge.message());
        assertThat(decision.ended()).isTrue();
    }

    @Test
    void anErrorEndsTheGenerationStoppingItsActiveJobs() {
        ConcurrencyBenchmarkSpec java = spec(Runtime.JAVA, null);
        ConcurrencyBenchmark running = cb(java, 1, started(java));

        Observation.Fault forbidden = new Observation.Fault("Forbidden", "jobs.batch is forbidden", false);
        Decision decision = Lifecycle.decide(running, seen(true, job("demo-g1-r0", 1, false), job("demo-g0-r0", 0,
                false)).withFault(forbidden), T1);

        assertThat(decision.actions()).extracting(LifecycleTest::show).containsExactly("delete demo-g1-r0",
                "event RunFailed demo-g1-r0", "event BenchmarkFailed");
        assertThat(decision.status().getPhase()).isEqualTo(Phase.Failed);
        assertThat(Conditions.find(decision.status().getConditions(), Conditions.FAILED).orElseThrow().getReason())
                .isEqualTo("Forbidden");
        assertThat(decision.ended()).isTrue();
        Decision again = Lifecycle.decide(cb(java, 1, decision.status()), seen(true).withFault(forbidden), T1);
        assertThat(again.ended()).isFalse();
        assertThat(again.statusChanged()).isFalse();
    }
}
