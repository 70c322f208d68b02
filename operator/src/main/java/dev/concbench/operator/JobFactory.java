package dev.concbench.operator;

import dev.concbench.domain.Names;
import dev.concbench.domain.Labels;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.api.v1alpha1.KernelToleration;
import dev.concbench.api.v1alpha1.PlacementSpec;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.domain.KernelCommand;
import dev.concbench.domain.PlannedRun;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the Kubernetes objects of a run. Pure: no API calls. A run's Job is created once
 * and never updated; a new generation gets new Jobs.
 */
public final class JobFactory {

    public static final String CONTAINER = "kernel";
    /** Exit code of the kernel's usage errors: retrying cannot help, so the Job fails at once. */
    public static final int USAGE_ERROR_EXIT_CODE = 2;
    /** Exit code of the user's code failing (custom workloads): retrying cannot help either. */
    public static final int WORKLOAD_ERROR_EXIT_CODE = 4;
    /** Where a custom Python workload's ConfigMap is mounted (an inline source is a file of the kernel's). */
    static final String WORKLOAD_DIR = "/opt/concbench/workload";
    public static final String KERNEL_SCRIPT = "concbench_kernel.py";
    static final String KERNEL_DIR = "/opt/concbench/kernel";
    static final String GATE_DIR = "/etc/concbench";
    static final String GATE_FILE = "start-at";
    static final String TERMINATION_LOG = "/dev/termination-log";
    /** A fixed unprivileged uid: stock images run as root unless told otherwise. */
    static final long RUN_AS_USER = 65532L;

    private JobFactory() {
    }

    /**
     * The Job of {@code run}, named {@code jobName} (the plan's, as the status records it), its kernel on
     * {@code image}, with {@code defaults} where the spec says nothing.
     */
    public static Job job(ConcurrencyBenchmark cb, PlannedRun run, String jobName, String image,
                          KernelDefaults defaults) {
        ConcurrencyBenchmarkSpec spec = cb.getSpec();
        long generation = cb.getMetadata().getGeneration();
        Map<String, String> labels = Labels.ofRun(cb, generation, run.index());
        boolean commonStart = run.pods() > 1;
        Runtime runtime = run.runtimeOf(spec);
        boolean python = runtime.isPython();

        List<String> args = KernelCommand.args(spec, run, "$(JOB_COMPLETION_INDEX)/" + run.pods(),
                commonStart ? GATE_DIR + "/" + GATE_FILE : null, null, TERMINATION_LOG, codeDir(spec));
        List<String> command = python ? List.of(runtime.interpreter(), KERNEL_DIR + "/" + KERNEL_SCRIPT) : null;

        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        if (python) {
            volumes.add(new VolumeBuilder().withName("kernel").withNewConfigMap()
                    .withName(Names.kernelConfigMapName(cb.getMetadata().getName(), cb.getMetadata().getUid()))
                    .endConfigMap().build());
            mounts.add(new VolumeMountBuilder().withName("kernel").withMountPath(KERNEL_DIR).withReadOnly(true).build());
        }
        CustomWorkloadSpec custom = spec.getWorkload().getCustom();
        if (custom != null && custom.getConfigMap() != null) {
            // optional: a ConfigMap deleted after the operator's check leaves the directory empty, and the kernel
            // fails at once naming the missing module (WorkloadError), where a required one would hold the pod
            // in ContainerCreating until the deadline
            volumes.add(new VolumeBuilder().withName("workload").withNewConfigMap().withName(custom.getConfigMap())
                    .withOptional(true).endConfigMap().build());
            mounts.add(new VolumeMountBuilder().withName("workload").withMountPath(WORKLOAD_DIR).withReadOnly(true)
                    .build());
        }
        if (commonStart) {
            // The kubelet refreshes this file when the operator annotates the pod: the common start.
            volumes.add(new VolumeBuilder().withName("start-gate").withNewDownwardAPI()
                    .addNewItem().withPath(GATE_FILE).withNewFieldRef()
                    .withFieldPath("metadata.annotations['" + Labels.ANNOTATION_START_AT + "']").endFieldRef().endItem()
                    .endDownwardAPI().build());
            mounts.add(new VolumeMountBuilder().withName("start-gate").withMountPath(GATE_DIR).withReadOnly(true).build());
        }

        PlacementSpec placement = spec.getPlacement() == null ? new PlacementSpec() : spec.getPlacement();

        return new JobBuilder()
                .withNewMetadata()
                    .withName(jobName)
                    .withNamespace(cb.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(Owners.reference(cb))
                .endMetadata()
                .withNewSpec()
                    .withCompletionMode("Indexed")
                    .withCompletions(run.pods())
                    .withParallelism(run.pods())
                    // One failed pod spoils the run's common start: fail fast, no retries.
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(spec.getTimeoutSeconds().longValue())
                    // The schema's floor, also for a benchmark stored before it existed.
                    .withTtlSecondsAfterFinished(Math.max(spec.getTtlSecondsAfterFinished(),
                            ConcurrencyBenchmarkSpec.MIN_TTL_SECONDS_AFTER_FINISHED))
                    .withNewPodFailurePolicy()
                        .addNewRule().withAction("FailJob")
                            .withNewOnExitCodes().withContainerName(CONTAINER).withOperator("In")
                            .withValues(USAGE_ERROR_EXIT_CODE, WORKLOAD_ERROR_EXIT_CODE).endOnExitCodes()
                        .endRule()
                    .endPodFailurePolicy()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withAutomountServiceAccountToken(false)
                            .withEnableServiceLinks(false)
                            .withNodeSelector(placement.getNodeSelector())
                            .withTolerations(placement.getTolerations() == null ? null
                                    : placement.getTolerations().stream().map(KernelToleration::toToleration).toList())
                            .withAffinity(Boolean.TRUE.equals(placement.getSpreadAcrossNodes())
                                    ? spreadAffinity(labels) : null)
                            .withNewSecurityContext()
                                .withRunAsNonRoot(true)
                                .withRunAsUser(RUN_AS_USER)
                                .withRunAsGroup(RUN_AS_USER)
                                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                            .endSecurityContext()
                            .addNewContainer()
                                .withName(CONTAINER)
                                .withImage(image)
                                .withCommand(command)
                                .withArgs(args)
                                .withEnv(env())
                                .withResources(defaults.of(spec))
                                .withTerminationMessagePath(TERMINATION_LOG)
                                .withTerminationMessagePolicy("FallbackToLogsOnError")
                                .withVolumeMounts(mounts)
                                .withNewSecurityContext()
                                    .withAllowPrivilegeEscalation(false)
                                    .withReadOnlyRootFilesystem(true)
                                    .withRunAsNonRoot(true)
                                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                                .endSecurityContext()
                            .endContainer()
                            .withVolumes(volumes)
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * Where a custom Python workload's module is: custom.configMap's keys, mounted read-only; an inline
     * source is a file of the kernel's ConfigMap ({@link KernelScript}), beside the script. Null for the others.
     */
    static String codeDir(ConcurrencyBenchmarkSpec spec) {
        CustomWorkloadSpec custom = spec.getWorkload().getCustom();
        if (custom == null || custom.getEntrypoint() == null) {
            return null;
        }
        return custom.getConfigMap() != null ? WORKLOAD_DIR : KERNEL_DIR;
    }

    private static List<EnvVar> env() {
        return List.of(
                new EnvVarBuilder().withName("NODE_NAME").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build(),
                new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
                new EnvVarBuilder().withName("PYTHONDONTWRITEBYTECODE").withValue("1").build(),
                new EnvVarBuilder().withName("PYTHONUNBUFFERED").withValue("1").build());
    }

    private static Affinity spreadAffinity(Map<String, String> runLabels) {
        return new AffinityBuilder().withNewPodAntiAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .withTopologyKey("kubernetes.io/hostname")
                    .withNewLabelSelector()
                        .addToMatchLabels(Labels.LABEL_BENCHMARK, runLabels.get(Labels.LABEL_BENCHMARK))
                        .addToMatchLabels(Labels.LABEL_GENERATION, runLabels.get(Labels.LABEL_GENERATION))
                        .addToMatchLabels(Labels.LABEL_RUN, runLabels.get(Labels.LABEL_RUN))
                    .endLabelSelector()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity().build();
    }
}
