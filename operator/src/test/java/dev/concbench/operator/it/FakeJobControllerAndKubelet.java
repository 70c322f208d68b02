package dev.concbench.operator.it;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * TEST FIXTURE: a few lines of the Job controller, the kubelet and the garbage collector,
 * enough to drive the operator against the Fabric8 CRUD mock server (which has none of
 * them). Real Job semantics are proven by the end-to-end suite on a real control plane.
 *
 * <p>Creates one pod per completion index of every Job, marks it Running, runs the real
 * Python kernel with the container's arguments (the start gate fed from the pod's
 * annotation, as the kubelet's downward API volume would), and writes the result as the
 * container's termination message. Images name the behaviour under test:
 * {@code *unpullable*} never pulls, {@code *failing*} exits 2, {@code *hold*} stays
 * Running until {@link #release()}, {@code *unschedulable*}: no node takes its pods (the scheduler's
 * PodScheduled=False). (The Job controller's FailedCreate events cannot be played here: the mock
 * server does not select events by field; the e2e tier has them.)
 */
public final class FakeJobControllerAndKubelet implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final Path kernelScript;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final List<String> jobsSeen = new ArrayList<>();
    private volatile boolean holding = true;

    public FakeJobControllerAndKubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.kernelScript = Path.of("..", "kernel", "python", "concbench_kernel.py").toAbsolutePath().normalize();
        loop.scheduleWithFixedDelay(this::tick, 0, 100, TimeUnit.MILLISECONDS);
    }

    /** Lets pods of {@code *hold*} images finish. */
    public void release() {
        holding = false;
    }

    public synchronized List<String> jobsSeen() {
        return List.copyOf(jobsSeen);
    }

    private void tick() {
        try {
            collectGarbage();
            for (Job job : client.batch().v1().jobs().inNamespace(namespace).list().getItems()) {
                synchronized (this) {
                    if (!jobsSeen.contains(job.getMetadata().getName())) {
                        jobsSeen.add(job.getMetadata().getName());
                    }
                }
                if (!done.contains(job.getMetadata().getUid())) {
                    drive(job);
                }
            }
        } catch (RuntimeException | IOException | InterruptedException e) {
            // The next tick retries; the mock server may be shutting down.
            System.err.println("fake kubelet: " + e);
        }
    }

    private void drive(Job job) throws IOException, InterruptedException {
        int completions = job.getSpec().getCompletions();
        String image = job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        List<Pod> pods = new ArrayList<>();
        for (int index = 0; index < completions; index++) {
            pods.add(ensurePod(job, index));
        }
        if (image.contains("unschedulable")) {
            for (Pod pod : pods) {
                Pod fresh = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
                fresh.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Pending")
                        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                        .withMessage("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.")
                        .withLastTransitionTime(Instant.now().toString()).endCondition().build());
                client.pods().inNamespace(namespace).resource(fresh).updateStatus();
            }
            done.add(job.getMetadata().getUid());
            return;
        }
        if (image.contains("unpullable")) {
            for (Pod pod : pods) {
                setWaiting(pod, "ErrImagePull", "failed to pull image \"" + image + "\": not found");
            }
            done.add(job.getMetadata().getUid());
            return;
        }
        if (image.contains("hold") && holding) {
            return;
        }
        boolean gated = job.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> "start-gate".equals(v.getName()));
        if (gated && pods.stream().anyMatch(p -> annotation(p, "concbench.dev/start-at") == null)) {
            return; // waiting for the operator's common start
        }
        boolean failed = false;
        for (Pod pod : pods) {
            failed |= run(job, pod, image.contains("failing"));
        }
        Job fresh = client.batch().v1().jobs().inNamespace(namespace).withName(job.getMetadata().getName()).get();
        if (fresh != null) {
            if (fresh.getStatus() == null) {
                fresh.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
            }
            fresh.getStatus().setConditions(List.of(new JobConditionBuilder()
                    .withType(failed ? "Failed" : "Complete").withStatus("True")
                    .withReason(failed ? "PodFailurePolicy" : "CompletionsReached").build()));
            client.batch().v1().jobs().inNamespace(namespace).resource(fresh).updateStatus();
        }
        done.add(job.getMetadata().getUid());
    }

    private Pod ensurePod(Job job, int index) {
        String name = job.getMetadata().getName() + "-" + index;
        Pod existing = client.pods().inNamespace(namespace).withName(name).get();
        if (existing != null) {
            return existing;
        }
        Pod pod = new PodBuilder()
                .withNewMetadata()
                    .withName(name).withNamespace(namespace)
                    .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                    .addToAnnotations("batch.kubernetes.io/job-completion-index", Integer.toString(index))
                    .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job")
                        .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid())
                        .withController(true).endOwnerReference()
                .endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec())
                .build();
        pod.getSpec().setNodeName("fake-node");
        Pod created = client.pods().inNamespace(namespace).resource(pod).create();
        created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
                .withContainerStatuses(new ContainerStatusBuilder().withName("kernel").withState(
                        new ContainerStateBuilder().withNewRunning().withStartedAt(Instant.now().toString())
                                .endRunning().build()).build())
                .build());
        return client.pods().inNamespace(namespace).resource(created).updateStatus();
    }

    /** Runs the kernel as the kubelet would; returns true when the pod failed. */
    private boolean run(Job job, Pod pod, boolean failing) throws IOException, InterruptedException {
        int index = Integer.parseInt(annotation(pod, "batch.kubernetes.io/job-completion-index"));
        Path dir = Files.createTempDirectory("fake-kubelet");
        Path output = dir.resolve("termination-log");
        Path gate = dir.resolve("start-at");
        String startAt = annotation(pod, "concbench.dev/start-at");
        if (startAt != null) {
            Files.writeString(gate, startAt);
        }
        List<String> command = new ArrayList<>(List.of("python3", kernelScript.toString()));
        List<String> args = pod.getSpec().getContainers().get(0).getArgs();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i).replace("$(JOB_COMPLETION_INDEX)", Integer.toString(index));
            if (i > 0 && args.get(i - 1).equals("--output")) {
                arg = output.toString();
            } else if (i > 0 && args.get(i - 1).equals("--start-gate")) {
                arg = gate.toString();
            } else if (i > 0 && args.get(i - 1).equals("--code-dir")) {
                arg = mountedConfigMap(pod, arg, dir.resolve("code")).toString();
            } else if (failing && args.get(i).equals("--workload")) {
                command.add("--no-such-option");
            }
            command.add(arg);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] stderr = process.getErrorStream().readAllBytes();
        process.getInputStream().readAllBytes();
        int exit = process.waitFor();
        // as the kubelet: the termination-log file, the log (FallbackToLogsOnError) when it is empty
        String message = Files.exists(output) && Files.size(output) > 0
                ? Files.readString(output) : new String(stderr, StandardCharsets.UTF_8);
        Pod fresh = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
        fresh.getStatus().setPhase(exit == 0 ? "Succeeded" : "Failed");
        fresh.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("kernel")
                .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(exit)
                        .withReason(exit == 0 ? "Completed" : "Error").withMessage(message)
                        .withFinishedAt(Instant.now().toString()).endTerminated().build())
                .build()));
        client.pods().inNamespace(namespace).resource(fresh).updateStatus();
        return exit != 0;
    }

    /** The files of the ConfigMap volume the pod mounts at {@code mountPath}, written to {@code dir}. */
    private Path mountedConfigMap(Pod pod, String mountPath, Path dir) throws IOException {
        String volume = pod.getSpec().getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(mountPath)).findFirst().orElseThrow().getName();
        String name = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(volume)).findFirst()
                .orElseThrow().getConfigMap().getName();
        Files.createDirectories(dir);
        io.fabric8.kubernetes.api.model.ConfigMap configMap = client.configMaps().inNamespace(namespace)
                .withName(name).get();
        if (configMap != null && configMap.getData() != null) {
            for (var file : configMap.getData().entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
        }
        return dir;
    }

    private void setWaiting(Pod pod, String reason, String message) {
        Pod fresh = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
        fresh.getStatus().setPhase("Pending");
        fresh.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("kernel")
                .withState(new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message)
                        .endWaiting().build()).build()));
        client.pods().inNamespace(namespace).resource(fresh).updateStatus();
    }

    /** The garbage collector's part: delete what an owner that no longer exists owned. */
    private void collectGarbage() {
        // List the dependents before their owners: an owner created in between is then seen.
        List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
        List<Job> jobs = client.batch().v1().jobs().inNamespace(namespace).list().getItems();
        Set<String> owners = new HashSet<>();
        client.genericKubernetesResources("concbench.dev/v1alpha1", "ConcurrencyBenchmark").inNamespace(namespace)
                .list().getItems().forEach(b -> owners.add(b.getMetadata().getUid()));
        client.batch().v1().jobs().inNamespace(namespace).list().getItems()
                .forEach(j -> owners.add(j.getMetadata().getUid()));
        for (Job job : jobs) {
            if (orphan(job.getMetadata().getOwnerReferences(), owners)) {
                delete(() -> client.batch().v1().jobs().inNamespace(namespace).resource(job).delete());
            }
        }
        for (Pod pod : pods) {
            if (orphan(pod.getMetadata().getOwnerReferences(), owners)) {
                delete(() -> client.pods().inNamespace(namespace).resource(pod).delete());
            }
        }
    }

    private static boolean orphan(List<OwnerReference> refs, Set<String> owners) {
        return refs != null && !refs.isEmpty() && refs.stream().noneMatch(r -> owners.contains(r.getUid()));
    }

    private static void delete(Runnable deletion) {
        try {
            deletion.run();
        } catch (KubernetesClientException e) {
            // already gone
        }
    }

    private static String annotation(Pod pod, String key) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
