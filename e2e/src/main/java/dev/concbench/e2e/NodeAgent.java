package dev.concbench.e2e;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * THE E2E NODE AGENT — A TEST FIXTURE, NOT PART OF THE PRODUCT.
 *
 * <p>The local control plane of the end-to-end tier ({@code e2e/cluster}) has a real
 * kube-apiserver, etcd and kube-controller-manager, but no scheduler and no kubelet. This
 * program stands in for both, just enough for the operator's pods and the kernel pods:
 * <ol>
 * <li>it registers N Nodes (capacity, Ready condition, addresses) and keeps them alive with
 * a Lease in kube-node-lease and periodic status heartbeats, so the node lifecycle
 * controller does not taint them;</li>
 * <li>as the scheduler, it binds pods that have no nodeName, round-robin over its nodes,
 * honouring what {@link Placement} checks (nodeSelector, required node affinity, taints,
 * required pod anti-affinity, requests against allocatable); a pod that fits no node stays
 * Pending with PodScheduled=False/Unschedulable;</li>
 * <li>as the kubelet, it runs every bound pod's containers as local processes
 * ({@link PodRunner}), mapping images to local commands through ONE file,
 * {@code e2e/node-agent-images.yaml} ({@link ImageMap}); pods being deleted get their
 * processes stopped (SIGTERM, then SIGKILL after the grace period) and are then deleted
 * with grace period 0.</li>
 * </ol>
 *
 * <p>It authenticates with the kubeconfig it is given (the admin one of the local cluster);
 * the processes it starts do NOT inherit it: a pod authenticates with the token of its own
 * ServiceAccount (TokenRequest API), so RBAC applies to the operator as in a real cluster.
 *
 * <pre>
 * java -cp ... dev.concbench.e2e.NodeAgent --images e2e/node-agent-images.yaml \
 *     --work-dir /tmp/concbench-e2e/agent [--nodes e2e-node-a,e2e-node-b] [--cpu 2]
 *     [--memory 8Gi] [--max-pods 110] [--label key=value]... [--base-dir REPO]
 * </pre>
 * The API server and credentials come from {@code KUBECONFIG}.
 */
public final class NodeAgent {

    /** All pods and nodes share this machine's network. */
    static final String NODE_IP = "127.0.0.1";
    static final String SCHEDULER = "default-scheduler";
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private final KubernetesClient client;
    private final ImageMap images;
    private final Path workDir;
    private final List<String> nodeNames;
    private final Map<String, String> nodeLabels;
    private final Map<String, Quantity> capacity;
    private final String apiHost;
    private final int apiPort;
    private final Map<String, PodRunner> runners = new ConcurrentHashMap<>();
    private final Set<String> deleting = ConcurrentHashMap.newKeySet();
    /** Pods bound by us that the informer may not show as bound yet: uid to node. */
    private final Map<String, Pod> assumed = new ConcurrentHashMap<>();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> daemon(r, "dispatcher"));
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "pod"));
    private final ScheduledExecutorService probes = Executors.newScheduledThreadPool(2, r -> daemon(r, "probes"));
    private final LinkedBlockingQueue<Boolean> schedulerKicks = new LinkedBlockingQueue<>();
    private SharedIndexInformer<Pod> pods;
    private String kubeletVersion = "v0.0.0";
    private int roundRobin;

    private NodeAgent(KubernetesClient client, ImageMap images, Path workDir, List<String> nodeNames,
                      Map<String, String> nodeLabels, Map<String, Quantity> capacity) {
        this.client = client;
        this.images = images;
        this.workDir = workDir;
        this.nodeNames = nodeNames;
        this.nodeLabels = nodeLabels;
        this.capacity = capacity;
        URI master = URI.create(client.getConfiguration().getMasterUrl());
        this.apiHost = master.getHost();
        this.apiPort = master.getPort() > 0 ? master.getPort() : 443;
    }

    public static void main(String[] args) throws Exception {
        Map<String, List<String>> opts = parse(args);
        Path baseDir = Path.of(one(opts, "base-dir", System.getProperty("user.dir"))).toAbsolutePath();
        Path imagesFile = Path.of(one(opts, "images", baseDir.resolve("e2e/node-agent-images.yaml").toString()));
        Path workDir = Path.of(one(opts, "work-dir", "/tmp/concbench-e2e/agent")).toAbsolutePath();
        List<String> nodes = List.of(one(opts, "nodes", "e2e-node-a,e2e-node-b").split(","));
        Map<String, String> labels = new LinkedHashMap<>();
        for (String kv : opts.getOrDefault("label", List.of())) {
            String[] p = kv.split("=", 2);
            labels.put(p[0], p.length > 1 ? p[1] : "");
        }
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(one(opts, "cpu", Integer.toString(Runtime.getRuntime().availableProcessors()))));
        capacity.put("memory", new Quantity(one(opts, "memory", "8Gi")));
        capacity.put("pods", new Quantity(one(opts, "max-pods", "110")));
        capacity.put("ephemeral-storage", new Quantity("20Gi"));

        Files.createDirectories(workDir);
        ImageMap images = ImageMap.load(imagesFile, baseDir);
        KubernetesClient client = new KubernetesClientBuilder().build();
        NodeAgent agent = new NodeAgent(client, images, workDir, nodes, labels, capacity);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::shutdown, "shutdown"));
        agent.start();
        Thread.currentThread().join();
    }

    private void start() {
        try {
            kubeletVersion = client.getKubernetesVersion().getGitVersion();
        } catch (KubernetesClientException e) {
            log("cannot read the API server version: %s", e.getMessage());
        }
        for (String node : nodeNames) {
            registerNode(node);
        }
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "heartbeat"));
        heartbeats.scheduleWithFixedDelay(() -> nodeNames.forEach(this::renewLease), 10, 10, TimeUnit.SECONDS);
        heartbeats.scheduleWithFixedDelay(() -> nodeNames.forEach(this::patchNodeStatus), 20, 20, TimeUnit.SECONDS);

        pods = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                dispatcher.execute(() -> sync(pod));
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                dispatcher.execute(() -> sync(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                dispatcher.execute(() -> forget(pod));
            }
        }, 0);
        Thread scheduler = new Thread(this::scheduleLoop, "scheduler");
        scheduler.setDaemon(true);
        scheduler.start();
        log("node agent (e2e test fixture) up: nodes %s, API server %s:%d, images %s", nodeNames, apiHost, apiPort,
                "from the image map");
    }

    // ------------------------------------------------------------------ nodes

    private void registerNode(String name) {
        Map<String, String> labels = new LinkedHashMap<>(nodeLabels);
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("node.concbench.dev/e2e-agent", "true");
        Node node = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().endSpec().build();
        try {
            client.nodes().resource(node).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            client.nodes().withName(name).edit(n -> {
                n.getMetadata().getLabels().putAll(labels);
                return n;
            });
        }
        patchNodeStatus(name);
        renewLease(name);
        log("node %s registered (cpu %s, memory %s)", name, capacity.get("cpu"), capacity.get("memory"));
    }

    private void patchNodeStatus(String name) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> status = new LinkedHashMap<>();
        Map<String, String> cap = new LinkedHashMap<>();
        capacity.forEach((k, v) -> cap.put(k, v.toString()));
        status.put("capacity", cap);
        status.put("allocatable", cap);
        List<Map<String, String>> conditions = new ArrayList<>();
        conditions.add(condition("Ready", "True", "KubeletReady", "e2e node agent (test fixture) is posting ready status", now));
        conditions.add(condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "no memory pressure", now));
        conditions.add(condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "no disk pressure", now));
        conditions.add(condition("PIDPressure", "False", "KubeletHasSufficientPID", "no PID pressure", now));
        status.put("conditions", conditions);
        status.put("addresses", List.of(Map.of("type", "InternalIP", "address", NODE_IP),
                Map.of("type", "Hostname", "address", name)));
        status.put("nodeInfo", Map.of("kubeletVersion", kubeletVersion, "kubeProxyVersion", kubeletVersion,
                "operatingSystem", "linux", "architecture", "amd64",
                "osImage", "concbench e2e node agent (test fixture)",
                "containerRuntimeVersion", "concbench-e2e-agent://0.1", "kernelVersion", System.getProperty("os.version"),
                "machineID", name, "systemUUID", name, "bootID", name));
        try {
            String patch = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("status", status));
            client.nodes().withName(name).subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
        } catch (IOException | KubernetesClientException e) {
            log("node %s: status heartbeat failed: %s", name, e.getMessage());
        }
    }

    private static Map<String, String> condition(String type, String status, String reason, String message, String now) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", status);
        c.put("reason", reason);
        c.put("message", message);
        c.put("lastHeartbeatTime", now);
        c.put("lastTransitionTime", now);
        return c;
    }

    private void renewLease(String name) {
        String now = ZonedDateTime.now(ZoneOffset.UTC).format(MICRO);
        try {
            Lease lease = client.leases().inNamespace("kube-node-lease").withName(name).get();
            if (lease == null) {
                client.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder()
                        .withNewMetadata().withName(name).withNamespace("kube-node-lease").endMetadata()
                        .withNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(40)
                        .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC)).endSpec().build()).create();
            } else {
                client.leases().inNamespace("kube-node-lease").withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"holderIdentity\":\"" + name + "\",\"leaseDurationSeconds\":40,\"renewTime\":\""
                                + now + "\"}}");
            }
        } catch (KubernetesClientException e) {
            log("node %s: lease renewal failed: %s", name, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ pods (dispatcher thread)

    private void sync(Pod pod) {
        String uid = pod.getMetadata().getUid();
        String node = pod.getSpec().getNodeName();
        if (node == null || node.isEmpty()) {
            schedulerKicks.offer(Boolean.TRUE);
            return;
        }
        assumed.remove(uid);
        if (!nodeNames.contains(node)) {
            return;
        }
        PodRunner runner = runners.get(uid);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (!deleting.add(uid)) {
                if (runner != null) {
                    runner.update(pod);
                }
                return;
            }
            long grace = Optional.ofNullable(pod.getMetadata().getDeletionGracePeriodSeconds()).orElse(30L);
            workers.execute(() -> {
                if (runner != null) {
                    log("pod %s/%s: deleted, stopping its containers (grace %d s)", pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(), grace);
                    event(pod, "Normal", "Killing", "Stopping container(s)");
                    runner.stop(grace);
                }
                try {
                    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                            .withGracePeriod(0).delete();
                } catch (KubernetesClientException e) {
                    log("pod %s/%s: delete failed: %s", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                            e.getMessage());
                }
            });
            return;
        }
        if (runner != null) {
            runner.update(pod);
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return;
        }
        PodRunner created = new PodRunner(this, pod);
        runners.put(uid, created);
        log("pod %s: starting on %s (work dir %s)", created.key(), node, created.dir());
        workers.execute(created::run);
    }

    private void forget(Pod pod) {
        String uid = pod.getMetadata().getUid();
        assumed.remove(uid);
        deleting.remove(uid);
        PodRunner runner = runners.remove(uid);
        if (runner != null) {
            workers.execute(runner::kill);
        }
    }

    // ------------------------------------------------------------------ scheduler

    private void scheduleLoop() {
        while (true) {
            try {
                schedulerKicks.poll(1, TimeUnit.SECONDS);
                schedulerKicks.clear();
                schedulePending();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log("scheduler: %s", e);
            }
        }
    }

    private void schedulePending() {
        List<Pod> pending = pods.getStore().list().stream()
                .filter(p -> p.getSpec().getNodeName() == null || p.getSpec().getNodeName().isEmpty())
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> SCHEDULER.equals(Optional.ofNullable(p.getSpec().getSchedulerName()).orElse(SCHEDULER)))
                .filter(p -> !assumed.containsKey(p.getMetadata().getUid()))
                .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp())
                        .thenComparing(p -> p.getMetadata().getName()))
                .toList();
        if (pending.isEmpty()) {
            return;
        }
        List<Node> nodes = nodeNames.stream().map(n -> client.nodes().withName(n).get()).filter(Objects::nonNull).toList();
        for (Pod pod : pending) {
            List<String> reasons = new ArrayList<>();
            Node chosen = null;
            for (int i = 0; i < nodes.size() && chosen == null; i++) {
                Node node = nodes.get((roundRobin + i) % nodes.size());
                Optional<String> misfit = Placement.misfit(pod, node, podsOn(node.getMetadata().getName()));
                if (misfit.isEmpty()) {
                    chosen = node;
                    roundRobin = (roundRobin + i + 1) % nodes.size();
                } else {
                    reasons.add(misfit.get());
                }
            }
            if (chosen != null) {
                bind(pod, chosen.getMetadata().getName());
            } else {
                unschedulable(pod, nodes.size(), reasons);
            }
        }
    }

    /** Non-terminal pods bound to {@code node}, including bindings the informer has not shown yet. */
    private List<Pod> podsOn(String node) {
        List<Pod> on = new ArrayList<>(pods.getStore().list().stream()
                .filter(p -> node.equals(p.getSpec().getNodeName()))
                .filter(p -> p.getStatus() == null || !Set.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
                .toList());
        assumed.values().stream().filter(p -> node.equals(p.getSpec().getNodeName())).forEach(on::add);
        return on;
    }

    private void bind(Pod pod, String node) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        Binding binding = new BindingBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .withUid(pod.getMetadata().getUid()).endMetadata()
                .withNewTarget().withApiVersion("v1").withKind("Node").withName(node).endTarget().build();
        try {
            client.bindings().inNamespace(ns).resource(binding).create();
            Pod bound = new io.fabric8.kubernetes.api.model.PodBuilder(pod).editSpec().withNodeName(node).endSpec().build();
            assumed.put(pod.getMetadata().getUid(), bound);
            event(pod, "Normal", "Scheduled", "Successfully assigned " + ns + "/" + name + " to " + node, SCHEDULER, null);
            log("pod %s/%s: bound to %s", ns, name, node);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409 && e.getCode() != 404) {
                log("pod %s/%s: binding failed: %s", ns, name, e.getMessage());
            }
        }
    }

    private void unschedulable(Pod pod, int nodeCount, List<String> reasons) {
        Map<String, Long> counted = new LinkedHashMap<>();
        reasons.forEach(r -> counted.merge(r, 1L, Long::sum));
        StringBuilder message = new StringBuilder("0/" + nodeCount + " nodes are available: ");
        List<String> parts = new ArrayList<>();
        counted.forEach((r, n) -> parts.add(n + " " + r));
        message.append(String.join(", ", parts)).append('.');
        boolean same = pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream().anyMatch(c -> "PodScheduled".equals(c.getType())
                && "False".equals(c.getStatus()) && message.toString().equals(c.getMessage()));
        if (same) {
            return;
        }
        String patch = "{\"status\":{\"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"False\","
                + "\"reason\":\"Unschedulable\",\"message\":" + quote(message.toString()) + ",\"lastTransitionTime\":\""
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\",\"lastProbeTime\":null}]}}";
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
            event(pod, "Warning", "FailedScheduling", message.toString(), SCHEDULER, null);
            log("pod %s/%s: unschedulable: %s", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), message);
        } catch (KubernetesClientException e) {
            log("pod %s/%s: cannot record unschedulable: %s", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ shared with PodRunner

    KubernetesClient client() {
        return client;
    }

    ImageMap images() {
        return images;
    }

    Path workDir() {
        return workDir;
    }

    ScheduledExecutorService probes() {
        return probes;
    }

    String apiHost() {
        return apiHost;
    }

    int apiPort() {
        return apiPort;
    }

    BigDecimal allocatable(String resource) {
        Quantity q = capacity.get(resource);
        return q == null ? BigDecimal.ZERO : q.getNumericalAmount();
    }

    /** A kubelet-style Event on the pod (best effort). */
    void event(Pod pod, String type, String reason, String message) {
        event(pod, type, reason, message, "kubelet", pod.getSpec().getNodeName());
    }

    private void event(Pod pod, String type, String reason, String message, String component, String host) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(pod.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(pod.getMetadata().getName() + ".")
                    .withNamespace(pod.getMetadata().getNamespace()).endMetadata()
                    .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
                    .withNamespace(pod.getMetadata().getNamespace()).withUid(pod.getMetadata().getUid()).endInvolvedObject()
                    .withType(type).withReason(reason)
                    .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent(component).withHost(host).endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            // best effort: the namespace may be terminating
        }
    }

    void log(String format, Object... args) {
        System.out.printf("%s node-agent: %s%n", Instant.now().truncatedTo(ChronoUnit.MILLIS), String.format(format, args));
        System.out.flush();
    }

    private void shutdown() {
        log("shutting down: stopping %d pod(s)", runners.size());
        runners.values().forEach(PodRunner::kill);
        if (pods != null) {
            pods.stop();
        }
    }

    // ------------------------------------------------------------------ small things

    private static String quote(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a + " (see the class comment for usage)");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
            opts.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return opts;
    }

    private static String one(Map<String, List<String>> opts, String key, String fallback) {
        List<String> v = opts.get(key);
        return v == null || v.isEmpty() ? fallback : v.get(v.size() - 1);
    }
}
