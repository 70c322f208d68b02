package dev.concbench.e2e;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.Checksums;
import dev.concbench.domain.Labels;
import dev.concbench.domain.ShardResult;
import dev.concbench.domain.Sharding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The nodes of OperatorBench and the last part of their kubelets. KWOK makes the nodes Ready and the pods
 * the scheduler bound to them Running; this class creates the nodes (KWOK's annotation) and, once a pod runs
 * (and, for a multi-pod run, once the operator has released the common start and its second has come),
 * writes the pod's terminal state with a well-formed result document: the model's {@link ShardResult}, the
 * checksum the kernel would compute for the pod's shard, synthetic times.
 */
final class SimulatedKubelet {

    static final String KWOK_NODE = "kwok.x-k8s.io/node";
    /** Kubernetes' own annotation on the pods of an Indexed Job. */
    static final String ANNOTATION_INDEX = "batch.kubernetes.io/job-completion-index";
    /** Not Commands.JSON: the result documents are unit-tested without the e2e environment. */
    static final ObjectMapper RESULTS = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final KubernetesClient client;
    private final Set<String> completing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "simulated-kubelet");
        t.setDaemon(true);
        return t;
    });

    SimulatedKubelet(KubernetesClient client) {
        this.client = client;
    }

    /** Nodes for KWOK to manage (its annotation), with room for many pods. */
    void createNodes(int count) throws InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "kwok-node-%03d", i);
            Node node = new NodeBuilder().withNewMetadata().withName(name)
                    .addToAnnotations(KWOK_NODE, "fake").addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                    .addToLabels("type", "kwok").addToLabels("kubernetes.io/hostname", name)
                    .addToLabels("kubernetes.io/os", "linux").addToLabels("kubernetes.io/arch", "amd64")
                    .endMetadata()
                    .withNewStatus()
                    .addToCapacity("cpu", new Quantity("32")).addToCapacity("memory", new Quantity("256Gi"))
                    .addToCapacity("pods", new Quantity("110"))
                    .addToAllocatable("cpu", new Quantity("32")).addToAllocatable("memory", new Quantity("256Gi"))
                    .addToAllocatable("pods", new Quantity("110"))
                    .endStatus().build();
            client.nodes().resource(node).create();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            long ready = client.nodes().withLabel("type", "kwok").list().getItems().stream()
                    .filter(n -> n.getStatus() != null && n.getStatus().getConditions() != null
                            && n.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                    .count();
            if (ready >= count) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + ready + " of " + count + " simulated nodes got Ready (kwok)");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        System.out.printf("nodes: %d simulated nodes Ready (kwok) in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The kubelet's last part for a pod KWOK made Running: when its kernel would have finished (its
     * common start, if it has one, plus the sleep it was asked for), the pod's terminal state with a
     * result document, as the kubelet writes it (a strategic-merge patch of the status).
     */
    void simulate(Pod pod) {
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase()) || completing.contains(key)) {
            return;
        }
        KernelArgs args = KernelArgs.of(pod);
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String startAt = annotations == null ? null : annotations.get(Labels.ANNOTATION_START_AT);
        if (args.startGate() && startAt == null) {
            return; // waits for the common start, as the kernel does
        }
        if (!completing.add(key)) {
            return;
        }
        double start = startAt == null ? System.currentTimeMillis() / 1000.0
                : Math.max(System.currentTimeMillis() / 1000.0, Double.parseDouble(startAt));
        long runMs = args.workload() == WorkloadType.IO ? args.size() : 0;
        long delayMs = Math.max(0, Math.round(start * 1000) - System.currentTimeMillis()) + runMs;
        timers.schedule(() -> complete(pod, args, start, start + runMs / 1000.0), delayMs, TimeUnit.MILLISECONDS);
    }

    private void complete(Pod pod, KernelArgs args, double start, double end) {
        ObjectNode container = RESULTS.createObjectNode();
        container.put("name", pod.getSpec().getContainers().get(0).getName());
        container.put("image", pod.getSpec().getContainers().get(0).getImage());
        container.put("imageID", pod.getSpec().getContainers().get(0).getImage());
        container.put("ready", false).put("started", false).put("restartCount", 0);
        ObjectNode terminated = container.putObject("state").putObject("terminated");
        terminated.put("exitCode", 0).put("reason", "Completed")
                .put("message", args.resultDocument(pod, start, end))
                .put("startedAt", Instant.ofEpochMilli(Math.round(start * 1000)).toString())
                .put("finishedAt", Instant.ofEpochMilli(Math.round(end * 1000)).toString());
        ObjectNode patch = RESULTS.createObjectNode();
        ObjectNode status = patch.putObject("status");
        status.put("phase", "Succeeded");
        ArrayNode conditions = status.putArray("conditions");
        for (String type : List.of("Ready", "ContainersReady")) {
            conditions.addObject().put("type", type).put("status", "False").put("reason", "PodCompleted")
                    .put("lastTransitionTime", Instant.now().toString());
        }
        status.putArray("containerStatuses").add(container);
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch.toString());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) { // a deleted benchmark's pod
                System.out.printf("  (simulated kubelet: status of %s not written: %s)%n", pod.getMetadata().getName(),
                        e.getMessage());
            }
        }
    }

    /** The kernel's command line in a pod, as far as a result document needs it. */
    record KernelArgs(String runtime, WorkloadType workload, long size, int tasks, List<String> strategies, int workers,
                      int repetitions, int warmup, int shardIndex, int shardCount, boolean startGate) {
        static KernelArgs of(Pod pod) {
            var c = pod.getSpec().getContainers().get(0);
            List<String> words = new ArrayList<>();
            if (c.getCommand() != null) {
                words.addAll(c.getCommand());
            }
            if (c.getArgs() != null) {
                words.addAll(c.getArgs());
            }
            Map<String, String> opt = new HashMap<>();
            for (int i = 0; i + 1 < words.size(); i++) {
                if (words.get(i).startsWith("--")) {
                    opt.put(words.get(i), words.get(i + 1));
                }
            }
            // The shard is "$(JOB_COMPLETION_INDEX)/n": the kubelet expands it from the pod's index.
            String shard = opt.getOrDefault("--shard", "0/1");
            String index = pod.getMetadata().getAnnotations() == null ? null
                    : pod.getMetadata().getAnnotations().get(ANNOTATION_INDEX);
            int count = Integer.parseInt(shard.substring(shard.indexOf('/') + 1));
            boolean python = words.stream().anyMatch(w -> w.endsWith(".py"));
            WorkloadType workload = Arrays.stream(WorkloadType.values()).filter(w -> w.value().equals(opt.get("--workload")))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("a workload the kernel contract does "
                            + "not know: " + opt.get("--workload")));
            return new KernelArgs(python ? "python" : "java", workload, Long.parseLong(opt.get("--size")),
                    Integer.parseInt(opt.get("--tasks")), List.of(opt.get("--strategies").split(",")),
                    Integer.parseInt(opt.getOrDefault("--workers", "1")), Integer.parseInt(opt.get("--repetitions")),
                    Integer.parseInt(opt.getOrDefault("--warmup", "0")), index == null ? 0 : Integer.parseInt(index),
                    count, opt.containsKey("--start-gate"));
        }

        /** The checksum of kernel/CONTRACT.md for this shard's calls (the model's, as the operator checks it). */
        String checksum() {
            return Checksums.ofShard(workload, size, tasks, shardIndex, shardCount).toString();
        }

        /** A well-formed result document (format 1: no CPU figures) with synthetic times. */
        String resultDocument(Pod pod, double start, double end) {
            LinkedHashMap<String, List<Double>> times = new LinkedHashMap<>();
            double seconds = Math.max(0, end - start);
            for (String s : strategies) {
                times.put(s, Collections.nCopies(repetitions, seconds));
            }
            ShardResult result = new ShardResult(1, runtime, "synthetic", 2, "affinity", null,
                    pod.getSpec().getNodeName(), pod.getMetadata().getName(), shardIndex + "/" + shardCount,
                    Sharding.tasksOfShard(tasks, shardIndex, shardCount), workload.value(), size, Math.max(1, workers),
                    repetitions, warmup, checksum(), start, end, times, new LinkedHashMap<>(),
                    "synthetic (bench/operator: no kernel ran)", null, null, null, null, null);
            try {
                return RESULTS.writeValueAsString(result);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    void close() {
        timers.shutdownNow();
    }
}
