package dev.concbench.operator.unit;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.api.v1alpha1.KernelResources;
import dev.concbench.api.v1alpha1.KernelToleration;
import dev.concbench.api.v1alpha1.PlacementSpec;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.PlannedRun;
import dev.concbench.domain.TestSpecs;
import dev.concbench.operator.JobFactory;
import dev.concbench.operator.KernelDefaults;
import dev.concbench.operator.KernelScript;
import dev.concbench.domain.RuntimeCatalog;
import dev.concbench.domain.Names;
import dev.concbench.domain.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class JobFactoryTest {

    private static final String IMAGE = "python:3.11-slim";

    private static ConcurrencyBenchmark benchmark(Runtime runtime) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setRuntime(runtime);
        spec.setWorkload(new WorkloadSpec(WorkloadType.CPU, 2000, 80));
        spec.setStrategies(List.of(StrategyName.THREADS, StrategyName.PROCESS_POOL));
        spec.setRepetitions(5);
        spec.setWarmup(1);
        spec.setTimeoutSeconds(1200);
        spec.setTtlSecondsAfterFinished(600);
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("bench-ns", "demo", spec);
        cb.getMetadata().setGeneration(3L);
        cb.getMetadata().setUid("0f9c2a4e-77d1-4b9e-a3c5-81e6d20b9f3a");
        return cb;
    }

    private static final PlannedRun FOUR_PODS = new PlannedRun(2, 4, 0,
            List.of(StrategyName.SEQUENTIAL, StrategyName.THREADS, StrategyName.PROCESS_POOL), false);
    private static final PlannedRun ONE_POD = new PlannedRun(0, 1, 2, List.of(StrategyName.SEQUENTIAL), true);

    /** The Job of {@code run} under the name the plan gives it. */
    private static Job job(ConcurrencyBenchmark cb, PlannedRun run, String image, KernelDefaults defaults) {
        return JobFactory.job(cb, run, Names.jobName(cb.getMetadata().getName(), cb.getMetadata().getUid(),
                cb.getMetadata().getGeneration(), run.index()), image, defaults);
    }

    private static PodSpec podSpec(Job job) {
        return job.getSpec().getTemplate().getSpec();
    }

    private static Container kernel(Job job) {
        assertThat(podSpec(job).getContainers()).hasSize(1);
        Container c = podSpec(job).getContainers().get(0);
        assertThat(c.getName()).isEqualTo(JobFactory.CONTAINER);
        return c;
    }

    private static Optional<Volume> volume(Job job, String name) {
        return podSpec(job).getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst();
    }

    private static Optional<VolumeMount> mount(Job job, String path) {
        return kernel(job).getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst();
    }

    @Test
    void anIndexedJobWithOnePodPerShardAndNoRetries() {
        Job job = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);
        JobSpec spec = job.getSpec();

        assertThat(job.getMetadata().getName()).isEqualTo("demo-0b9f3a-g3-r2");
        assertThat(job.getMetadata().getNamespace()).isEqualTo("bench-ns");
        assertThat(spec.getCompletionMode()).isEqualTo("Indexed");
        assertThat(spec.getCompletions()).isEqualTo(4);
        assertThat(spec.getParallelism()).isEqualTo(4);
        assertThat(spec.getBackoffLimit()).isZero();
        assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(1200L);
        assertThat(spec.getTtlSecondsAfterFinished()).isEqualTo(600);
        assertThat(podSpec(job).getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void aUsageErrorOrAWorkloadErrorFailsTheJobAtOnce() {
        Job job = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);

        List<PodFailurePolicyRule> rules = job.getSpec().getPodFailurePolicy().getRules();
        assertThat(rules).singleElement().satisfies(rule -> {
            assertThat(rule.getAction()).isEqualTo("FailJob");
            assertThat(rule.getOnExitCodes().getContainerName()).isEqualTo(JobFactory.CONTAINER);
            assertThat(rule.getOnExitCodes().getOperator()).isEqualTo("In");
            assertThat(rule.getOnExitCodes().getValues()).containsExactly(2, 4); // usage, the user's code
        });
    }

    @Test
    void theBenchmarkOwnsItsJob() {
        Job job = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);

        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies((OwnerReference ref) -> {
            assertThat(ref.getController()).isTrue();
            assertThat(ref.getBlockOwnerDeletion()).isTrue();
            assertThat(ref.getKind()).isEqualTo("ConcurrencyBenchmark");
            assertThat(ref.getApiVersion()).isEqualTo("concbench.dev/v1alpha1");
            assertThat(ref.getName()).isEqualTo("demo");
            assertThat(ref.getUid()).isEqualTo("0f9c2a4e-77d1-4b9e-a3c5-81e6d20b9f3a");
        });
    }

    @Test
    void jobAndPodsCarryTheRunLabels() {
        Job job = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);
        Map<String, String> expected = Map.of(
                Labels.LABEL_BENCHMARK, "demo",
                Labels.LABEL_GENERATION, "3",
                Labels.LABEL_RUN, "2",
                Labels.LABEL_MANAGED_BY, Labels.MANAGED_BY);

        assertThat(job.getMetadata().getLabels()).containsAllEntriesOf(expected);
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(expected);
    }

    @Test
    void podsAreLockedDown() {
        Job job = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);

        var pod = podSpec(job).getSecurityContext();
        assertThat(pod.getRunAsNonRoot()).isTrue();
        assertThat(pod.getRunAsUser()).isNotNull().isPositive();
        assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var container = kernel(job).getSecurityContext();
        assertThat(container.getRunAsNonRoot()).isTrue();
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(podSpec(job).getAutomountServiceAccountToken()).isFalse();
        // a writable /tmp on a read-only root
        assertThat(mount(job, "/tmp")).isPresent();
    }

    @Test
    void theResultGoesToTheTerminationMessage() {
        Container c = kernel(job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE));

        assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(String.join(" ", c.getArgs())).contains("--output /dev/termination-log");
    }

    @Test
    void nodeAndPodNamesComeFromTheDownwardApi() {
        Container c = kernel(job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE));

        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("NODE_NAME")).singleElement()
                .satisfies((EnvVar e) -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                        .isEqualTo("spec.nodeName"));
        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("POD_NAME")).singleElement()
                .satisfies((EnvVar e) -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                        .isEqualTo("metadata.name"));
    }

    @Test
    void argsCarryTheSpecAndTheShardOfTheCompletionIndex() {
        Container c = kernel(job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE));
        String args = String.join(" ", c.getArgs());

        assertThat(args).contains("--shard $(JOB_COMPLETION_INDEX)/4")
                .contains("--workload cpu")
                .contains("--size 2000")
                .contains("--tasks 80")
                .contains("--strategies sequential,threads,process-pool")
                .contains("--workers 0")
                .contains("--repetitions 5")
                .contains("--warmup 1")
                .contains("--skip-unsupported")
                .doesNotContain("--start-method");
        // one argument per token: the kubelet expands $(JOB_COMPLETION_INDEX) inside an argument
        int shard = c.getArgs().indexOf("--shard");
        assertThat(c.getArgs().get(shard + 1)).isEqualTo("$(JOB_COMPLETION_INDEX)/4");
        assertThat(c.getImage()).isEqualTo(IMAGE);
    }

    @Test
    void aStartMethodIsPassedToTheKernel() {
        ConcurrencyBenchmark cb = benchmark(Runtime.PYTHON);
        cb.getSpec().setStartMethod(dev.concbench.api.v1alpha1.StartMethod.FORKSERVER);
        assertThat(String.join(" ", kernel(job(cb, FOUR_PODS, IMAGE, KernelDefaults.NONE)).getArgs()))
                .contains("--start-method forkserver");
    }

    @Test
    void pythonRunsTheMountedScript() {
        Job job = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);
        Container c = kernel(job);

        assertThat(c.getCommand()).hasSize(2);
        assertThat(c.getCommand().get(0)).isEqualTo("python3");
        assertThat(c.getCommand().get(1)).endsWith("/" + JobFactory.KERNEL_SCRIPT);
        String dir = c.getCommand().get(1).substring(0, c.getCommand().get(1).lastIndexOf('/'));

        Volume kernelVolume = podSpec(job).getVolumes().stream().filter(v -> v.getConfigMap() != null)
                .findFirst().orElseThrow();
        assertThat(kernelVolume.getConfigMap().getName()).isEqualTo(Names.kernelConfigMapName("demo", "0f9c2a4e-77d1-4b9e-a3c5-81e6d20b9f3a"));
        VolumeMount m = mount(job, dir).orElseThrow(() -> new AssertionError("script dir not mounted"));
        assertThat(m.getName()).isEqualTo(kernelVolume.getName());
        assertThat(m.getReadOnly()).isTrue();
    }

    @Test
    void theKernelConfigMapNamesTheScriptsHashSoThatACacheWithoutDataCanCompare() {
        ConfigMap one = KernelScript.configMap(benchmark(Runtime.PYTHON), "print(1)\n");
        ConfigMap same = KernelScript.configMap(benchmark(Runtime.PYTHON), "print(1)\n");
        ConfigMap other = KernelScript.configMap(benchmark(Runtime.PYTHON), "print(2)\n");

        String hash = one.getMetadata().getAnnotations().get(Labels.ANNOTATION_KERNEL_SHA256);
        // `printf 'print(1)\n' | sha256sum`
        assertThat(hash).isEqualTo("cc42155088fca5730758db72b2a5bca33112a941dfaa2d43098ec422ce4ea213")
                .isEqualTo(same.getMetadata().getAnnotations().get(Labels.ANNOTATION_KERNEL_SHA256));
        assertThat(other.getMetadata().getAnnotations().get(Labels.ANNOTATION_KERNEL_SHA256)).isNotEqualTo(hash);
        assertThat(one.getData()).containsEntry(JobFactory.KERNEL_SCRIPT, "print(1)\n");
    }

    @Test
    void inASweepOverRuntimesEachRunsJobRunsItsOwnRuntimesKernel() {
        // spec.runtime says java; the planned runs of sweep.runtimes say otherwise, run by run.
        ConcurrencyBenchmark cb = benchmark(Runtime.JAVA);
        cb.getSpec().setSweep(new dev.concbench.api.v1alpha1.SweepSpec());
        cb.getSpec().getSweep().setRuntimes(List.of(Runtime.PYPY_3_11, Runtime.JAVA_21));
        cb.getSpec().setStrategies(List.of(StrategyName.THREADS, StrategyName.ASYNCIO, StrategyName.PROCESS_POOL));
        List<PlannedRun> plan = dev.concbench.domain.BenchmarkPlanner.plan(cb.getSpec());
        RuntimeCatalog catalog = new RuntimeCatalog("py:default", "kernel:default",
                Map.of("pypy-3.11", "reg/pypy:3.11", "java-21", "reg/kernel:java-21"));

        // run | image | command | kernel script mounted
        Object[][] expected = {
                {0, "reg/pypy:3.11", "pypy3", true},
                {1, "reg/kernel:java-21", null, false},
        };
        assertThat(plan).hasSize(expected.length);
        for (Object[] e : expected) {
            PlannedRun run = plan.get((Integer) e[0]);
            Job job = job(cb, run, catalog.image(cb.getSpec(), run.runtimeOf(cb.getSpec())).orElseThrow(), KernelDefaults.NONE);
            Container c = kernel(job);
            assertThat(c.getImage()).isEqualTo(e[1]);
            assertThat(c.getCommand() == null || c.getCommand().isEmpty() ? null : c.getCommand().get(0))
                    .isEqualTo(e[2]);
            assertThat(podSpec(job).getVolumes().stream().anyMatch(v -> v.getConfigMap() != null)).isEqualTo(e[3]);
        }
        // The java run does not ask for the Python strategy it skips.
        assertThat(String.join(" ", kernel(job(cb, plan.get(0), "p", KernelDefaults.NONE)).getArgs()))
                .contains("--strategies sequential,threads,process-pool,asyncio ");
        assertThat(String.join(" ", kernel(job(cb, plan.get(1), "k", KernelDefaults.NONE)).getArgs()))
                .contains("--strategies sequential,threads,process-pool ");
    }

    @Test
    void javaUsesTheImagesEntrypoint() {
        Job job = job(benchmark(Runtime.JAVA), FOUR_PODS, "concbench-kernel:dev", KernelDefaults.NONE);
        Container c = kernel(job);

        assertThat(c.getCommand()).isNullOrEmpty();
        assertThat(c.getImage()).isEqualTo("concbench-kernel:dev");
        assertThat(podSpec(job).getVolumes()).noneMatch(v -> v.getConfigMap() != null);
        assertThat(String.join(" ", c.getArgs())).contains("--shard $(JOB_COMPLETION_INDEX)/4");
    }

    @Test
    void multiPodRunsWaitOnTheStartGateAnnotation() {
        Job job = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);
        Container c = kernel(job);

        int gate = c.getArgs().indexOf("--start-gate");
        assertThat(gate).isNotNegative();
        String gateFile = c.getArgs().get(gate + 1);
        String gateDir = gateFile.substring(0, gateFile.lastIndexOf('/'));
        String gateName = gateFile.substring(gateFile.lastIndexOf('/') + 1);

        Volume v = podSpec(job).getVolumes().stream().filter(x -> x.getDownwardAPI() != null).findFirst()
                .orElseThrow(() -> new AssertionError("no downward API volume"));
        assertThat(v.getDownwardAPI().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getPath()).isEqualTo(gateName);
            assertThat(item.getFieldRef().getFieldPath())
                    .isEqualTo("metadata.annotations['" + Labels.ANNOTATION_START_AT + "']");
        });
        VolumeMount m = mount(job, gateDir).orElseThrow(() -> new AssertionError("gate dir not mounted"));
        assertThat(m.getName()).isEqualTo(v.getName());
    }

    @Test
    void aSinglePodRunHasNoStartGate() {
        Job job = job(benchmark(Runtime.PYTHON), ONE_POD, IMAGE, KernelDefaults.NONE);
        Container c = kernel(job);

        assertThat(c.getArgs()).doesNotContain("--start-gate", "--start-at");
        assertThat(podSpec(job).getVolumes()).noneMatch(v -> v.getDownwardAPI() != null);
        assertThat(String.join(" ", c.getArgs())).contains("--shard $(JOB_COMPLETION_INDEX)/1")
                .contains("--strategies sequential ").contains("--workers 2");
        assertThat(job.getSpec().getCompletions()).isEqualTo(1);
        assertThat(job.getMetadata().getName()).isEqualTo("demo-0b9f3a-g3-r0");
    }

    @Test
    void spreadAcrossNodesRequiresPodAntiAffinityOnTheHostname() {
        ConcurrencyBenchmark cb = benchmark(Runtime.PYTHON);
        PlacementSpec placement = new PlacementSpec();
        placement.setSpreadAcrossNodes(true);
        cb.getSpec().setPlacement(placement);

        Job job = job(cb, FOUR_PODS, IMAGE, KernelDefaults.NONE);

        var anti = podSpec(job).getAffinity().getPodAntiAffinity();
        assertThat(anti.getRequiredDuringSchedulingIgnoredDuringExecution()).singleElement()
                .satisfies((PodAffinityTerm term) -> {
                    assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                    assertThat(term.getLabelSelector().getMatchLabels())
                            .containsEntry(Labels.LABEL_BENCHMARK, "demo")
                            .containsEntry(Labels.LABEL_GENERATION, "3")
                            .containsEntry(Labels.LABEL_RUN, "2");
                    // the selector matches the run's own pods
                    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                            .containsAllEntriesOf(term.getLabelSelector().getMatchLabels());
                });
    }

    @Test
    void withoutSpreadThereIsNoAffinity() {
        Job job = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);
        assertThat(podSpec(job).getAffinity()).isNull();
    }

    @Test
    void resourcesAndPlacementAreCopied() {
        ConcurrencyBenchmark cb = benchmark(Runtime.PYTHON);
        cb.getSpec().setResources(new KernelResources(
                Map.of("cpu", new Quantity("2"), "memory", new Quantity("256Mi")),
                Map.of("cpu", new Quantity("2"), "memory", new Quantity("512Mi"))));
        PlacementSpec placement = new PlacementSpec();
        placement.setNodeSelector(Map.of("pool", "bench"));
        placement.setTolerations(List.of(new KernelToleration("dedicated", KernelToleration.Operator.Equal,
                "bench", KernelToleration.Effect.NoSchedule)));
        cb.getSpec().setPlacement(placement);

        Job job = job(cb, FOUR_PODS, IMAGE, KernelDefaults.NONE);

        ResourceRequirements actual = kernel(job).getResources();
        assertThat(actual.getRequests()).containsEntry("cpu", new Quantity("2")).containsEntry("memory",
                new Quantity("256Mi"));
        assertThat(actual.getLimits()).containsEntry("cpu", new Quantity("2")).containsEntry("memory",
                new Quantity("512Mi"));
        assertThat(podSpec(job).getNodeSelector()).containsExactlyEntriesOf(Map.of("pool", "bench"));
        assertThat(podSpec(job).getTolerations()).containsExactly(new TolerationBuilder().withKey("dedicated")
                .withOperator("Equal").withValue("bench").withEffect("NoSchedule").build());
    }

    private static ConcurrencyBenchmark custom(CustomWorkloadSpec custom, Runtime runtime) {
        ConcurrencyBenchmark cb = benchmark(runtime);
        cb.getSpec().setWorkload(TestSpecs.customWorkload(custom, 80));
        return cb;
    }

    @Test
    void aPythonFunctionFromAConfigMapIsMountedReadOnlyAndNamedToTheKernel() {
        CustomWorkloadSpec code = TestSpecs.code("records:work", "records-code", null);
        code.setDeterministic(false);
        Job job = job(custom(code, Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);

        Volume workload = volume(job, "workload").orElseThrow();
        assertThat(workload.getConfigMap().getName()).isEqualTo("records-code");
        assertThat(workload.getConfigMap().getOptional()).as("deleted after the check: the kernel names what is missing")
                .isTrue();
        VolumeMount m = mount(job, "/opt/concbench/workload").orElseThrow();
        assertThat(m.getName()).isEqualTo("workload");
        assertThat(m.getReadOnly()).isTrue();
        String args = String.join(" ", kernel(job).getArgs());
        assertThat(args).startsWith("--workload custom --tasks 80 ")
                .contains("--entrypoint records:work --code-dir /opt/concbench/workload --call-timeout 60 "
                        + "--nondeterministic")
                .doesNotContain("--size");
    }

    @Test
    void anInlineSourceIsAFileOfTheKernelsConfigMap() {
        CustomWorkloadSpec code = TestSpecs.code("quick:run", null, "def run(i):\n    return i\n");
        ConcurrencyBenchmark cb = custom(code, Runtime.PYTHON);
        Job job = job(cb, FOUR_PODS, IMAGE, KernelDefaults.NONE);

        assertThat(volume(job, "workload")).isEmpty();
        String scriptDir = kernel(job).getCommand().get(1).substring(0, kernel(job).getCommand().get(1).lastIndexOf('/'));
        assertThat(String.join(" ", kernel(job).getArgs())).contains("--entrypoint quick:run --code-dir " + scriptDir
                + " --call-timeout 60").doesNotContain("--nondeterministic");
        ConfigMap cm = KernelScript.configMap(cb, "print(1)\n");
        assertThat(cm.getData()).containsEntry("quick.py", "def run(i):\n    return i\n")
                .containsEntry(JobFactory.KERNEL_SCRIPT, "print(1)\n");
        assertThat(cm.getMetadata().getAnnotations()).containsKey(Labels.ANNOTATION_SOURCE_SHA256);
        code.setSource("def run(i):\n    return 2 * i\n");
        assertThat(KernelScript.configMap(cb, "print(1)\n").getMetadata().getAnnotations()
                .get(Labels.ANNOTATION_SOURCE_SHA256)).isNotEqualTo(cm.getMetadata().getAnnotations()
                .get(Labels.ANNOTATION_SOURCE_SHA256));
    }

    @Test
    void aJavaClassComesFromTheImageByName() {
        CustomWorkloadSpec code = new CustomWorkloadSpec();
        code.setClassName("com.example.Work");
        Job job = job(custom(code, Runtime.JAVA_21), FOUR_PODS, "registry.local/my-work:1", KernelDefaults.NONE);

        assertThat(kernel(job).getCommand()).isNullOrEmpty();
        assertThat(kernel(job).getImage()).isEqualTo("registry.local/my-work:1");
        assertThat(String.join(" ", kernel(job).getArgs())).contains("--entrypoint com.example.Work --call-timeout 60")
                .doesNotContain("--code-dir");
        assertThat(volume(job, "workload")).isEmpty();
    }

    @Test
    void mixedPassesItsIoFraction() {
        ConcurrencyBenchmark cb = benchmark(Runtime.PYTHON);
        cb.getSpec().setWorkload(new WorkloadSpec(WorkloadType.MIXED, 300, 80));
        cb.getSpec().getWorkload().setIoFraction(0.25);
        assertThat(String.join(" ", kernel(job(cb, FOUR_PODS, IMAGE, KernelDefaults.NONE)).getArgs()))
                .startsWith("--workload mixed --size 300 --tasks 80 ").contains("--io-fraction 0.25");
    }

    /** The chart's kernel.defaultResources, as the chart writes them into the operator's environment. */
    private static final KernelDefaults CHART_DEFAULTS = KernelDefaults.parse(
            "{\"limits\":{\"memory\":\"4Gi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":128974848}}");

    @Test
    void aSpecWithoutResourcesGetsTheChartsDefaultsAndOneWithAnyKeepsItsOwn() {
        ResourceRequirements defaulted = kernel(job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE,
                CHART_DEFAULTS)).getResources();
        assertThat(defaulted.getRequests()).containsOnly(Map.entry("cpu", new Quantity("100m")),
                Map.entry("memory", new Quantity("128974848")));
        assertThat(defaulted.getLimits()).containsOnly(Map.entry("memory", new Quantity("4Gi")));

        // Only a limit of its own: no default request is added (it could exceed that limit).
        ConcurrencyBenchmark own = benchmark(Runtime.PYTHON);
        own.getSpec().setResources(new KernelResources(null, Map.of("memory", new Quantity("64Mi"))));
        ResourceRequirements kept = kernel(job(own, FOUR_PODS, IMAGE, CHART_DEFAULTS)).getResources();
        assertThat(kept.getRequests()).isNullOrEmpty();
        assertThat(kept.getLimits()).containsOnly(Map.entry("memory", new Quantity("64Mi")));

        // No defaults configured: no resources at all, as before.
        assertThat(kernel(job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.parse("")))
                .getResources()).satisfiesAnyOf(r -> assertThat(r).isNull(),
                r -> assertThat(r.getRequests()).isNullOrEmpty());
    }

    @Test
    void badDefaultsStopTheOperatorNamingTheValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KernelDefaults.parse("{\"limits\":{\"memory\":\"lots\"}}"))
                .hasMessageContaining("limits.memory").hasMessageContaining("lots");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KernelDefaults.parse("{\"limit\":{}}"))
                .hasMessageContaining("kernel.defaultResources");
    }

    /** A benchmark stored before the schema's floor (ttlSecondsAfterFinished 0) still leaves time to read its results. */
    @Test
    void aFinishedJobIsKeptAtLeastTheFloorSoItsResultsCanBeRead() {
        ConcurrencyBenchmark cb = benchmark(Runtime.PYTHON);
        cb.getSpec().setTtlSecondsAfterFinished(0);
        assertThat(job(cb, FOUR_PODS, IMAGE, KernelDefaults.NONE).getSpec().getTtlSecondsAfterFinished())
                .isEqualTo(ConcurrencyBenchmarkSpec.MIN_TTL_SECONDS_AFTER_FINISHED).isEqualTo(300);
    }

    @Test
    void theJobIsDeterministic() {
        Job a = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);
        Job b = job(benchmark(Runtime.PYTHON), FOUR_PODS, IMAGE, KernelDefaults.NONE);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void theKernelConfigMapIsOwnedAndHoldsTheScript() {
        ConfigMap cm = KernelScript.configMap(benchmark(Runtime.PYTHON), "print('hi')\n");
        assertThat(cm.getMetadata().getName()).isEqualTo("demo-0b9f3a-kernel");
        assertThat(cm.getMetadata().getNamespace()).isEqualTo("bench-ns");
        assertThat(cm.getData()).containsExactlyEntriesOf(
                Collections.singletonMap(JobFactory.KERNEL_SCRIPT, "print('hi')\n"));
        assertThat(cm.getMetadata().getOwnerReferences()).singleElement()
                .satisfies((OwnerReference ref) -> assertThat(ref.getController()).isTrue());
    }
}
