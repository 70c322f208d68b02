package dev.concbench.operator.it;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.KernelToleration;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.PlacementSpec;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.SweepSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.Conditions;
import dev.concbench.domain.Names;
import dev.concbench.domain.Labels;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's whole lifecycle against the Fabric8 CRUD mock server, with a test fixture
 * standing in for the Job controller, the kubelet and the garbage collector. The fast
 * tier: the proof on a real API server is the e2e suite.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BenchmarkLifecycleTest {

    static final String NS = "bench";
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Inject
    KubernetesClient client;

    @KubernetesTestServer
    KubernetesServer server;

    FakeJobControllerAndKubelet cluster;

    @BeforeEach
    void startCluster() {
        cluster = new FakeJobControllerAndKubelet(client, NS);
    }

    @AfterEach
    void stopCluster() {
        client.resources(ConcurrencyBenchmark.class).inNamespace(NS).delete();
        await().atMost(TIMEOUT).until(() -> client.resources(ConcurrencyBenchmark.class).inNamespace(NS)
                .list().getItems().isEmpty());
        cluster.close();
    }

    @Test
    void sweepRunsOneRunAfterAnotherAndSucceedsWithARowPerPoint() {
        ConcurrencyBenchmarkSpec spec = spec(WorkloadType.IO, 20, 4, List.of(StrategyName.THREADS, StrategyName.THREAD_POOL));
        spec.setSweep(new SweepSpec(List.of(1, 2), List.of(2)));
        create("sweep", spec);

        ConcurrencyBenchmarkStatus status = awaitPhase("sweep", Phase.Succeeded);

        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(status.getRuns()).extracting(r -> r.getPods()).containsExactly(1, 2);
        assertThat(status.getRuns()).allMatch(r -> r.getState() == RunState.Succeeded);
        assertThat(status.getResults()).hasSize(6);
        assertThat(status.getResults()).extracting(ResultRow::getStrategy, ResultRow::getPods)
                .contains(org.assertj.core.groups.Tuple.tuple("sequential", 1),
                        org.assertj.core.groups.Tuple.tuple("threads", 2),
                        org.assertj.core.groups.Tuple.tuple("thread-pool", 2));
        ResultRow baseline = status.getResults().get(0);
        assertThat(baseline.getSpeedup()).isEqualTo(1.0);
        assertThat(status.getResults()).allSatisfy(r -> {
            assertThat(r.getSamples()).hasSize(2);
            assertThat(r.getEfficiency()).isPositive();
        });
        assertThat(status.getFastest()).contains("@pods=");
        assertThat(status.getFastestSpeedup()).isGreaterThan(1.0);
        assertThat(status.getEnvironment().getRuntime()).isEqualTo("python");
        assertThat(condition(status, Conditions.COMPLETE)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("AllRunsSucceeded");
        });
        // Two runs, two Jobs, never at the same time: the second started after the first finished.
        assertThat(cluster.jobsSeen()).containsExactly(jobName("sweep", 1, 0), jobName("sweep", 1, 1));
        assertThat(Instant.parse(status.getRuns().get(1).getStartTime()))
                .isAfterOrEqualTo(Instant.parse(status.getRuns().get(0).getCompletionTime()));
        // The Python kernel is mounted from a ConfigMap the benchmark owns.
        ConfigMap kernel = client.configMaps().inNamespace(NS).withName(Names.kernelConfigMapName("sweep", uid("sweep")))
                .get();
        assertThat(kernel.getData()).containsKey("concbench_kernel.py");
        assertThat(kernel.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("ConcurrencyBenchmark"));
        // Its kernel pods' NetworkPolicy: no ingress, no egress (spec.network: none).
        assertThat(client.network().v1().networkPolicies().inNamespace(NS).withLabel(Labels.LABEL_BENCHMARK, "sweep")
                .list().getItems()).singleElement()
                .satisfies(p -> assertThat(p.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress"));
    }

    @Test
    void aSweepOverRuntimesRunsEachOnItsImageAndRefusesARuntimeWithoutOneBeforeItsFirstRun() {
        ConcurrencyBenchmarkSpec spec = spec(WorkloadType.IO, 10, 2, List.of(StrategyName.THREADS, StrategyName.ASYNCIO));
        spec.setSweep(new SweepSpec());
        spec.getSweep().setRuntimes(List.of(Runtime.PYTHON, Runtime.JAVA));
        create("runtimes", spec);

        ConcurrencyBenchmarkStatus status = awaitPhase("runtimes", Phase.Succeeded);

        assertThat(status.getRuns()).extracting(r -> r.getRuntime()).containsExactly(Runtime.PYTHON, Runtime.JAVA);
        assertThat(jobsOf("runtimes")).extracting(j -> j.getMetadata().getName() + " "
                        + j.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .containsExactlyInAnyOrder(jobName("runtimes", 1, 0) + " python:3.11-slim",
                        jobName("runtimes", 1, 1) + " concbench/concbench-kernel:0.1.0");
        assertThat(status.getResults()).extracting(r -> r.getRuntime() + "/" + r.getStrategy())
                .containsExactly("python/sequential", "python/threads", "python/asyncio", "java/sequential",
                        "java/threads");
        assertThat(status.getEnvironment().getSkipped()).containsOnlyKeys("java/asyncio");
        assertThat(status.getFastest()).matches("(python|java)/.+");

        // The operator has no image of cpython-3.13t here: refused before anything runs.
        ConcurrencyBenchmarkSpec missing = quick();
        missing.setSweep(new SweepSpec());
        missing.getSweep().setRuntimes(List.of(Runtime.PYTHON, Runtime.CPYTHON_3_13T));
        create("missing-image", missing);
        ConcurrencyBenchmarkStatus failed = awaitPhase("missing-image", Phase.Failed);
        assertThat(condition(failed, Conditions.FAILED)).hasValueSatisfying(c -> {
            assertThat(c.getReason()).isEqualTo("InvalidSpec");
            assertThat(c.getMessage()).contains("runtime cpython-3.13t has no image in the operator's runtime catalog");
        });
        assertThat(jobsOf("missing-image")).isEmpty();
    }

    @Test
    void aFailingPodEndsTheBenchmarkFailedNamingThePod() {
        create("broken", quickOn("registry.test/failing:1"));

        Condition failed = failure("broken");
        assertThat(failed.getStatus()).isEqualTo("True");
        assertThat(failed.getReason()).isEqualTo("PodFailed");
        assertThat(failed.getMessage()).contains("pod " + jobName("broken", 1, 0) + "-0").contains("exit code 2")
                .contains("concbench-kernel:");
        assertThat(status("broken").getRuns().get(0).getState()).isEqualTo(RunState.Failed);
    }

    @Test
    void anUnpullableImageEndsFailedWithThePullError() {
        create("nopull", quickOn("registry.test/unpullable:1"));

        Condition failed = failure("nopull");
        assertThat(failed.getReason()).isEqualTo("ImagePullFailed");
        assertThat(failed.getMessage()).contains(jobName("nopull", 1, 0) + "-0").contains("ErrImagePull");
        // The run's Job is stopped rather than left pulling until its deadline.
        await().atMost(TIMEOUT).until(() -> client.batch().v1().jobs().inNamespace(NS)
                .withName(jobName("nopull", 1, 0)).get() == null);
    }

    @Test
    void anInvalidSpecFailsWithAnInvalidConditionAndCreatesNoJob() {
        ConcurrencyBenchmarkSpec spec = spec(WorkloadType.CPU, 10, 2, List.of(StrategyName.THREADS));
        spec.setPods(5);
        create("invalid", spec);

        ConcurrencyBenchmarkStatus status = awaitPhase("invalid", Phase.Failed);

        Condition valid = condition(status, Conditions.VALID).orElseThrow();
        assertThat(valid.getStatus()).isEqualTo("False");
        assertThat(valid.getReason()).isEqualTo("InvalidSpec");
        assertThat(valid.getMessage()).contains("spec.pods");
        assertThat(status.getRuns()).isEmpty();
        assertThat(jobsOf("invalid")).isEmpty();
    }

    /**
     * What the chart's policy values do not allow ends Failed, NotAllowed, before any Job: the test
     * profile allows images under registry.test/ only, and keyed tolerations (the default).
     */
    @Test
    void aBenchmarkAskingForMoreThanThePolicyAllowsEndsNotAllowedWithoutAJob() {
        ConcurrencyBenchmarkSpec image = quick();
        image.setImage("elsewhere.example/python:3");
        create("other-image", image);
        ConcurrencyBenchmarkSpec everyTaint = quick();
        everyTaint.setPlacement(new PlacementSpec());
        everyTaint.getPlacement().setTolerations(List.of(new KernelToleration(null, KernelToleration.Operator.Exists,
                null, null)));
        create("every-taint", everyTaint);

        for (var expected : java.util.Map.of("other-image", "chart value policy.allowedImagePrefixes",
                "every-taint", "chart value policy.allowTolerations").entrySet()) {
            ConcurrencyBenchmarkStatus failed = awaitPhase(expected.getKey(), Phase.Failed);
            assertThat(condition(failed, Conditions.FAILED)).hasValueSatisfying(c -> {
                assertThat(c.getReason()).isEqualTo("NotAllowed");
                assertThat(c.getMessage()).contains(expected.getValue());
            });
            assertThat(jobsOf(expected.getKey())).as("no Job was made").isEmpty();
        }
        // Both gave their slot back (a limit of one): an allowed benchmark runs after them.
        create("allowed", quick());
        awaitPhase("allowed", Phase.Succeeded);
    }

    @Test
    void aSpecChangeWhileRunningDeletesTheOldRunAndRunsTheNewGeneration() {
        create("changing", held());
        await().atMost(TIMEOUT).until(() -> jobsOf("changing").size() == 1);
        // The Job is created before the status that records it is written.
        awaitPhase("changing", Phase.Running);

        ConcurrencyBenchmark cb = client.resources(ConcurrencyBenchmark.class).inNamespace(NS).withName("changing").get();
        cb.getSpec().setImage(null);
        cb.getSpec().setRepetitions(3);
        client.resources(ConcurrencyBenchmark.class).inNamespace(NS).resource(cb).update();

        ConcurrencyBenchmarkStatus status = awaitPhase("changing", Phase.Succeeded);
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
        assertThat(status.getResults()).allSatisfy(r -> assertThat(r.getSamples()).hasSize(3));
        assertThat(jobsOf("changing")).extracting(j -> j.getMetadata().getName())
                .containsExactly(jobName("changing", 2, 0));
    }

    @Test
    void withALimitOfOneTheSecondBenchmarkQueuesThenRuns() {
        create("first", held());
        await().atMost(TIMEOUT).until(() -> jobsOf("first").size() == 1);
        create("second", quick());

        await().atMost(TIMEOUT).until(() -> status("second").getPhase() == Phase.Queued);
        Condition admitted = condition(status("second"), Conditions.ADMITTED).orElseThrow();
        assertThat(admitted.getStatus()).isEqualTo("False");
        assertThat(admitted.getReason()).isEqualTo("Queued");
        assertThat(jobsOf("second")).isEmpty();

        releaseAndAssertRanOneAfterTheOther("first", "second");
    }

    /**
     * At the limit of one: a queued benchmark deleted and applied again under its name (a new UID, generation
     * 1 again) while another runs waits for it; it never runs beside it (by the recorded start and end).
     */
    @Test
    void aBenchmarkDeletedAndAppliedAgainWhileAnotherRunsQueuesBehindIt() {
        create("running", held());
        awaitPhase("running", Phase.Running);
        create("again", quick());
        awaitPhase("again", Phase.Queued);
        client.resources(ConcurrencyBenchmark.class).inNamespace(NS).withName("again").delete();
        await().atMost(TIMEOUT).until(() -> client.resources(ConcurrencyBenchmark.class).inNamespace(NS)
                .withName("again").get() == null);

        create("again", quick());
        awaitPhase("again", Phase.Queued);
        // Long enough for its reconciles (creation, status write) to have happened: still queued, no Job.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> status("again").getPhase() == Phase.Queued && jobsOf("again").isEmpty());

        releaseAndAssertRanOneAfterTheOther("running", "again");
    }

    @Test
    void deletingABenchmarkMidRunLeavesNoJobAndFreesItsSlot() {
        create("doomed", held());
        await().atMost(TIMEOUT).until(() -> jobsOf("doomed").size() == 1);
        Job job = jobsOf("doomed").get(0);
        ConcurrencyBenchmark cb = client.resources(ConcurrencyBenchmark.class).inNamespace(NS).withName("doomed").get();
        assertThat(job.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(cb.getMetadata().getUid()));
        create("next", quick());
        await().atMost(TIMEOUT).until(() -> status("next").getPhase() == Phase.Queued);

        client.resources(ConcurrencyBenchmark.class).inNamespace(NS).withName("doomed").delete();

        await().atMost(TIMEOUT).until(() -> client.resources(ConcurrencyBenchmark.class).inNamespace(NS)
                .withName("doomed").get() == null);
        await().atMost(TIMEOUT).until(() -> jobsOf("doomed").isEmpty());
        awaitPhase("next", Phase.Succeeded);
    }

    /**
     * A Job the API server refuses for good (the schema let the spec through): the benchmark ends
     * Failed with the server's message at the first refusal, no Job is left, and the next benchmark
     * gets the slot. The real server's refusals are in the e2e suite.
     */
    @Test
    void aRefusedJobFailsTheBenchmarkAtOnceAndFreesTheSlot() {
        server.expect().post().withPath("/apis/batch/v1/namespaces/" + NS + "/jobs")
                .andReturn(422, new StatusBuilder().withStatus("Failure").withCode(422).withReason("Invalid")
                        .withMessage("Job.batch \"refused-g1-r0\" is invalid: spec.template.spec.containers[0]"
                                + ".resources.requests[foo]: Invalid value: \"foo\": must be a standard resource type")
                        .withNewDetails().withName("refused-g1-r0").withKind("Job")
                            .addNewCause().withField("spec.template.spec.containers[0].resources.requests[foo]")
                            .withReason("FieldValueInvalid").endCause()
                        .endDetails().build())
                .once();
        create("refused", quick());

        ConcurrencyBenchmarkStatus failed = awaitPhase("refused", Phase.Failed);
        Condition condition = condition(failed, Conditions.FAILED).orElseThrow();
        assertThat(condition.getStatus()).isEqualTo("True");
        assertThat(condition.getReason()).isEqualTo("InvalidSpec");
        assertThat(condition.getMessage()).contains("HTTP 422", "must be a standard resource type",
                "spec.resources.requests[foo]");
        assertThat(failed.getRuns()).singleElement().satisfies(r -> assertThat(r.getState()).isEqualTo(RunState.Failed));
        assertThat(failed.getProgress()).isEqualTo("0/1");
        assertThat(jobsOf("refused")).isEmpty();
        // Created only now, so that it cannot be the one whose Job gets the canned refusal (queued
        // benchmarks start in creation order, then by name); with the limit of one it runs only if the
        // refused benchmark gave its slot back.
        create("after", quick());
        awaitPhase("after", Phase.Succeeded);
    }

    // --- helpers ---

    /** A benchmark that runs in moments: 2 io tasks of 10 ms, threads only. */
    static ConcurrencyBenchmarkSpec quick() {
        return spec(WorkloadType.IO, 10, 2, List.of(StrategyName.THREADS));
    }

    /** A {@link #quick} benchmark on {@code image}, which tells the fake kubelet how its pods behave. */
    static ConcurrencyBenchmarkSpec quickOn(String image) {
        ConcurrencyBenchmarkSpec spec = quick();
        spec.setImage(image);
        return spec;
    }

    /** A {@link #quick} benchmark whose pods the fake kubelet keeps running until {@code cluster.release()}. */
    static ConcurrencyBenchmarkSpec held() {
        return quickOn("registry.test/hold:1");
    }

    /** Lets the held pods finish: both benchmarks succeed, the second started only after the first ended. */
    void releaseAndAssertRanOneAfterTheOther(String first, String second) {
        cluster.release();
        ConcurrencyBenchmarkStatus one = awaitPhase(first, Phase.Succeeded);
        ConcurrencyBenchmarkStatus two = awaitPhase(second, Phase.Succeeded);
        assertThat(Instant.parse(two.getStartTime())).isAfterOrEqualTo(Instant.parse(one.getCompletionTime()));
    }

    static ConcurrencyBenchmarkSpec spec(WorkloadType type, int size, int tasks, List<StrategyName> strategies) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(type, size, tasks));
        spec.setStrategies(strategies);
        spec.setRepetitions(2);
        spec.setWarmup(0);
        return spec;
    }

    void create(String name, ConcurrencyBenchmarkSpec spec) {
        client.resources(ConcurrencyBenchmark.class).inNamespace(NS).resource(new ConcurrencyBenchmark(NS, name, spec))
                .create();
    }

    /** Waits for {@code name} to end Failed and returns why: its Failed condition. */
    Condition failure(String name) {
        return condition(awaitPhase(name, Phase.Failed), Conditions.FAILED).orElseThrow();
    }

    ConcurrencyBenchmarkStatus status(String name) {
        ConcurrencyBenchmark cb = client.resources(ConcurrencyBenchmark.class).inNamespace(NS).withName(name).get();
        return cb == null || cb.getStatus() == null ? new ConcurrencyBenchmarkStatus() : cb.getStatus();
    }

    ConcurrencyBenchmarkStatus awaitPhase(String name, Phase phase) {
        try {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> status(name).getPhase() == phase);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(name + " did not reach " + phase + "; status: "
                    + io.fabric8.kubernetes.client.utils.Serialization.asYaml(status(name)), e);
        }
        return status(name);
    }

    /** The UID of the benchmark of that name, as the server has it. */
    String uid(String benchmark) {
        return client.resources(ConcurrencyBenchmark.class).inNamespace(NS).withName(benchmark).get().getMetadata()
                .getUid();
    }

    /** The name of a run's Job, with the fragment of the benchmark's UID. */
    String jobName(String benchmark, long generation, int run) {
        return Names.jobName(benchmark, uid(benchmark), generation, run);
    }

    List<Job> jobsOf(String benchmark) {
        return client.batch().v1().jobs().inNamespace(NS).withLabel("concbench.dev/benchmark", benchmark).list()
                .getItems();
    }

    static Optional<Condition> condition(ConcurrencyBenchmarkStatus status, String type) {
        return Conditions.find(status.getConditions(), type);
    }
}
