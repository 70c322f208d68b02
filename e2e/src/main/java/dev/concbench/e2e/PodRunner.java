package dev.concbench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * TEST FIXTURE part of {@link NodeAgent}: the "kubelet" of one pod. It materializes the
 * pod's volumes in a directory, runs every container's command as a local process with
 * the pod's environment, and reports the container states and the pod phase through the
 * pod's status subresource.
 *
 * <p>What a container sees, and how it differs from a real kubelet:
 * <ul>
 * <li>Volumes (emptyDir, configMap, secret, downwardAPI, projected: serviceAccountToken via
 * the TokenRequest API, configMap, secret, downwardAPI; hostPath as is) are directories under
 * the agent's work directory. Container paths under a mountPath in command, args, env
 * values and workingDir are rewritten to those directories (the process has no mount
 * namespace); so is the terminationMessagePath.</li>
 * <li>DownwardAPI files follow the pod's labels and annotations (rewritten atomically
 * when the pod changes).</li>
 * <li>Env: the image's ENV (from the image map), KUBERNETES_SERVICE_HOST/PORT (the API server
 * on 127.0.0.1), envFrom, env with valueFrom fieldRef, resourceFieldRef, configMapKeyRef
 * and secretKeyRef, and {@code $(VAR)} expansion in env values, command and args.</li>
 * <li>All pods share the host network: podIP = hostIP = 127.0.0.1. A container that declares
 * a containerPort waits until that port is free (a pod being replaced still holds it).</li>
 * <li>Probes: httpGet, tcpSocket and exec readiness and liveness probes, checked at most every
 * 2 s (sooner than periodSeconds, to keep the suite fast); startup probes are ignored.</li>
 * <li>restartPolicy Always/OnFailure restart the container with a short back-off (1 s doubling
 * to 10 s: shorter than a kubelet's). Init containers run in order before the others.</li>
 * <li>securityContext, resources limits and image pull policies are not enforced.</li>
 * </ul>
 */
final class PodRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SA_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    private static final int MAX_MESSAGE = 4096;
    private static final int LOG_TAIL_LINES = 80;
    private static final int LOG_TAIL_BYTES = 2048;
    private static final long PROBE_PERIOD_CAP_MS = 2000;

    private final NodeAgent agent;
    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String uid;
    private final Path dir;
    private final Instant startTime = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** Volume name to its directory (or file, for a hostPath file). */
    private final Map<String, Path> volumes = new LinkedHashMap<>();
    /** Downward API files to keep current: path to the item that fills it. */
    private final Map<Path, DownwardAPIVolumeFile> downwardFiles = new LinkedHashMap<>();
    private final Map<String, ContainerRun> containers = new LinkedHashMap<>();
    private volatile Pod pod;
    private volatile boolean stopping;
    private volatile boolean volumesReady;
    private volatile boolean initialized;
    private volatile String podFailureReason;

    PodRunner(NodeAgent agent, Pod pod) {
        this.agent = agent;
        this.client = agent.client();
        this.pod = pod;
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.uid = pod.getMetadata().getUid();
        this.dir = agent.workDir().resolve("pods").resolve(namespace).resolve(name + "-" + uid.substring(0, 8));
        if (pod.getSpec().getInitContainers() != null) {
            pod.getSpec().getInitContainers().forEach(c -> containers.put(c.getName(), new ContainerRun(c, true)));
        }
        pod.getSpec().getContainers().forEach(c -> containers.put(c.getName(), new ContainerRun(c, false)));
    }

    String key() {
        return namespace + "/" + name;
    }

    Path dir() {
        return dir;
    }

    // ------------------------------------------------------------------ lifecycle

    /** Runs the pod to its end (or until {@link #stop} is called). Blocks: call on a thread of its own. */
    void run() {
        try {
            Files.createDirectories(dir);
            postStatus();
            if (!pullImages()) {
                return;
            }
            prepareVolumes();
            if (stopping) {
                return;
            }
            volumesReady = true;
            for (ContainerRun c : containers.values()) {
                if (c.init) {
                    c.loop();
                    if (stopping) {
                        return;
                    }
                    if (c.exitCode != 0) {
                        podFailureReason = "init container " + c.spec.getName() + " failed";
                        postStatus();
                        return;
                    }
                }
            }
            initialized = true;
            postStatus();
            List<Thread> threads = new ArrayList<>();
            for (ContainerRun c : containers.values()) {
                if (!c.init) {
                    Thread t = new Thread(c::loop, "container-" + name + "-" + c.spec.getName());
                    t.start();
                    threads.add(t);
                }
            }
            for (Thread t : threads) {
                t.join();
            }
            postStatus();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException e) {
            agent.log("pod %s: %s", key(), e);
        }
    }

    /** The pod object changed: keep the downward API files current. */
    void update(Pod latest) {
        this.pod = latest;
        synchronized (downwardFiles) {
            downwardFiles.forEach((file, item) -> {
                try {
                    writeAtomically(file, fieldValue(item.getFieldRef()).getBytes(StandardCharsets.UTF_8));
                } catch (IOException | RuntimeException e) {
                    agent.log("pod %s: downward API file %s: %s", key(), file, e);
                }
            });
        }
    }

    /** Graceful stop (the pod is being deleted): SIGTERM, then SIGKILL after the grace period. */
    void stop(long graceSeconds) {
        stopping = true;
        List<Thread> threads = new ArrayList<>();
        for (ContainerRun c : containers.values()) {
            Thread t = new Thread(() -> c.terminate(graceSeconds), "stop-" + name + "-" + c.spec.getName());
            t.start();
            threads.add(t);
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
            // Let the container loops record the exit codes before the final status.
            long deadline = System.currentTimeMillis() + 10_000;
            while (containers.values().stream().anyMatch(c -> c.looping) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postStatus();
    }

    /** Immediate stop (the pod object is gone, or the agent exits). */
    void kill() {
        stopping = true;
        containers.values().forEach(c -> c.terminate(0));
    }

    // ------------------------------------------------------------------ images

    /** Every image must be in the image map; otherwise ErrImagePull and ImagePullBackOff, forever. */
    private boolean pullImages() throws InterruptedException {
        List<ContainerRun> missing = containers.values().stream()
                .filter(c -> c.image == null).toList();
        if (missing.isEmpty()) {
            return true;
        }
        long backoffMs = 1000;
        while (!stopping) {
            for (ContainerRun c : missing) {
                String message = "failed to pull and unpack image \"" + c.spec.getImage()
                        + "\": not found (the e2e node agent knows only the images in e2e/node-agent-images.yaml)";
                c.waiting("ErrImagePull", message);
                agent.event(pod, "Warning", "Failed", "Failed to pull image \"" + c.spec.getImage() + "\": " + message);
            }
            postStatus();
            sleepUnlessStopping(backoffMs);
            for (ContainerRun c : missing) {
                c.waiting("ImagePullBackOff", "Back-off pulling image \"" + c.spec.getImage() + "\"");
                agent.event(pod, "Normal", "BackOff", "Back-off pulling image \"" + c.spec.getImage() + "\"");
            }
            postStatus();
            sleepUnlessStopping(backoffMs);
            backoffMs = Math.min(backoffMs * 2, 20_000);
        }
        return false;
    }

    // ------------------------------------------------------------------ volumes

    private void prepareVolumes() throws InterruptedException {
        List<Volume> specs = pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
        for (Volume v : specs) {
            while (!stopping) {
                try {
                    volumes.put(v.getName(), prepareVolume(v));
                    break;
                } catch (IOException | KubernetesClientException | IllegalStateException e) {
                    agent.event(pod, "Warning", "FailedMount", "MountVolume.SetUp failed for volume \""
                            + v.getName() + "\" : " + e.getMessage());
                    sleepUnlessStopping(2000);
                }
            }
        }
    }

    private Path prepareVolume(Volume v) throws IOException {
        Path target = dir.resolve("volumes").resolve(v.getName());
        if (v.getHostPath() != null) {
            return Path.of(v.getHostPath().getPath());
        }
        Files.createDirectories(target);
        if (v.getEmptyDir() != null) {
            return target;
        }
        if (v.getConfigMap() != null) {
            writeConfigMap(target, v.getConfigMap().getName(), v.getConfigMap().getItems(), v.getConfigMap().getOptional());
        } else if (v.getSecret() != null) {
            writeSecret(target, v.getSecret().getSecretName(), v.getSecret().getItems(), v.getSecret().getOptional());
        } else if (v.getDownwardAPI() != null) {
            writeDownward(target, v.getDownwardAPI().getItems());
        } else if (v.getProjected() != null) {
            for (VolumeProjection source : v.getProjected().getSources()) {
                if (source.getServiceAccountToken() != null) {
                    var sat = source.getServiceAccountToken();
                    writeAtomically(target.resolve(sat.getPath()), serviceAccountToken(sat.getAudience(),
                            sat.getExpirationSeconds()).getBytes(StandardCharsets.UTF_8));
                } else if (source.getConfigMap() != null) {
                    writeConfigMap(target, source.getConfigMap().getName(), source.getConfigMap().getItems(),
                            source.getConfigMap().getOptional());
                } else if (source.getSecret() != null) {
                    writeSecret(target, source.getSecret().getName(), source.getSecret().getItems(),
                            source.getSecret().getOptional());
                } else if (source.getDownwardAPI() != null) {
                    writeDownward(target, source.getDownwardAPI().getItems());
                } else {
                    throw new IllegalStateException("unsupported projected volume source in the e2e node agent");
                }
            }
        } else {
            throw new IllegalStateException("unsupported volume type in the e2e node agent: " + v);
        }
        return target;
    }

    /** A token for the pod's ServiceAccount, bound to the pod: the operator authenticates AS its ServiceAccount. */
    private String serviceAccountToken(String audience, Long expirationSeconds) {
        String sa = Optional.ofNullable(pod.getSpec().getServiceAccountName()).orElse("default");
        TokenRequest request = new TokenRequestBuilder().withNewSpec()
                .withAudiences(audience == null || audience.isEmpty() ? null : List.of(audience))
                .withExpirationSeconds(expirationSeconds == null ? 3600L : expirationSeconds)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(name).withUid(uid)
                .endBoundObjectRef()
                .endSpec().build();
        TokenRequest issued = client.serviceAccounts().inNamespace(namespace).withName(sa).tokenRequest(request);
        return issued.getStatus().getToken();
    }

    private void writeConfigMap(Path target, String cmName, List<KeyToPath> items, Boolean optional) throws IOException {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(cmName).get();
        if (cm == null) {
            if (Boolean.TRUE.equals(optional)) {
                return;
            }
            throw new IOException("configmap \"" + cmName + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
        }
        writeKeys(target, data, items, "configmap " + cmName);
    }

    private void writeSecret(Path target, String secretName, List<KeyToPath> items, Boolean optional) throws IOException {
        Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (secret == null) {
            if (Boolean.TRUE.equals(optional)) {
                return;
            }
            throw new IOException("secret \"" + secretName + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
        }
        writeKeys(target, data, items, "secret " + secretName);
    }

    private static void writeKeys(Path target, Map<String, byte[]> data, List<KeyToPath> items, String what)
            throws IOException {
        if (items == null || items.isEmpty()) {
            for (var e : data.entrySet()) {
                writeAtomically(target.resolve(e.getKey()), e.getValue());
            }
            return;
        }
        for (KeyToPath item : items) {
            byte[] value = data.get(item.getKey());
            if (value == null) {
                throw new IOException(what + " has no key " + item.getKey());
            }
            writeAtomically(target.resolve(item.getPath()), value);
        }
    }

    private void writeDownward(Path target, List<DownwardAPIVolumeFile> items) throws IOException {
        if (items == null) {
            return;
        }
        for (DownwardAPIVolumeFile item : items) {
            Path file = target.resolve(item.getPath());
            if (item.getFieldRef() != null) {
                writeAtomically(file, fieldValue(item.getFieldRef()).getBytes(StandardCharsets.UTF_8));
                synchronized (downwardFiles) {
                    downwardFiles.put(file, item);
                }
            } else if (item.getResourceFieldRef() != null) {
                writeAtomically(file, resourceValue(item.getResourceFieldRef(), null).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void writeAtomically(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // ------------------------------------------------------------------ downward API values

    /** The value of a fieldRef, as a kubelet computes it (labels/annotations: all of them, one per line). */
    String fieldValue(ObjectFieldSelector ref) {
        Pod p = pod;
        String path = ref.getFieldPath();
        Matcher keyed = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]").matcher(path);
        if (keyed.matches()) {
            Map<String, String> m = "labels".equals(keyed.group(1)) ? p.getMetadata().getLabels()
                    : p.getMetadata().getAnnotations();
            return m == null ? "" : Objects.toString(m.get(keyed.group(2)), "");
        }
        return switch (path) {
            case "metadata.name" -> name;
            case "metadata.namespace" -> namespace;
            case "metadata.uid" -> uid;
            case "metadata.labels" -> lines(p.getMetadata().getLabels());
            case "metadata.annotations" -> lines(p.getMetadata().getAnnotations());
            case "spec.nodeName" -> Objects.toString(p.getSpec().getNodeName(), "");
            case "spec.serviceAccountName" -> Objects.toString(p.getSpec().getServiceAccountName(), "");
            case "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs" -> NodeAgent.NODE_IP;
            default -> throw new IllegalStateException("unsupported fieldRef " + path);
        };
    }

    private static String lines(Map<String, String> m) {
        if (m == null) {
            return "";
        }
        return m.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")
                        .replace("\n", "\\n") + "\"")
                .collect(Collectors.joining("\n"));
    }

    /** A resourceFieldRef: the container's limit (the node's allocatable when unset) or request, over the divisor. */
    String resourceValue(ResourceFieldSelector ref, String defaultContainer) {
        String containerName = ref.getContainerName() != null && !ref.getContainerName().isEmpty()
                ? ref.getContainerName() : defaultContainer;
        Container c = pod.getSpec().getContainers().stream().filter(x -> x.getName().equals(containerName))
                .findFirst().orElse(pod.getSpec().getContainers().get(0));
        String[] parts = ref.getResource().split("\\.", 2);
        Map<String, Quantity> values = c.getResources() == null ? null
                : "limits".equals(parts[0]) ? c.getResources().getLimits() : c.getResources().getRequests();
        Quantity q = values == null ? null : values.get(parts[1]);
        BigDecimal amount = q != null ? q.getNumericalAmount()
                : "limits".equals(parts[0]) ? agent.allocatable(parts[1]) : BigDecimal.ZERO;
        BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : ref.getDivisor().getNumericalAmount();
        return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }

    // ------------------------------------------------------------------ containers

    /** Thrown when a container's configuration cannot be resolved yet (CreateContainerConfigError). */
    static final class ConfigError extends Exception {
        ConfigError(String message) {
            super(message);
        }
    }

    private final class ContainerRun {
        final Container spec;
        final boolean init;
        final ImageMap.Image image;
        final Path log;
        final Path terminationFile;
        // Reported state; guarded by PodRunner.this.
        String waitingReason = "ContainerCreating";
        String waitingMessage;
        Instant startedAt;
        Instant finishedAt;
        Integer exitCode;
        String terminatedReason;
        String message;
        ObjectNode lastState;
        int restartCount;
        boolean ready;
        boolean started;
        boolean done;
        volatile boolean looping;
        volatile Process process;
        int livenessFailures;
        int startupFailures;
        volatile boolean startupDone;
        final List<ScheduledFuture<?>> probeTasks = new CopyOnWriteArrayList<>();
        int readinessFailures;
        int readinessSuccesses;

        ContainerRun(Container spec, boolean init) {
            this.spec = spec;
            this.init = init;
            this.image = agent.images().find(spec.getImage()).orElse(null);
            this.log = dir.resolve(spec.getName() + ".log");
            this.terminationFile = dir.resolve(spec.getName() + ".termination-log");
        }

        void waiting(String reason, String msg) {
            synchronized (PodRunner.this) {
                waitingReason = reason;
                waitingMessage = msg;
                startedAt = null;
                exitCode = null;
            }
        }

        /** Start, wait, restart per the restartPolicy; returns when the container is done for good. */
        void loop() {
            looping = true;
            try {
                loopUntilDone();
            } finally {
                looping = false;
            }
        }

        private void loopUntilDone() {
            String policy = Optional.ofNullable(pod.getSpec().getRestartPolicy()).orElse("Always");
            long backoffMs = 1000;
            while (!stopping) {
                List<String> command;
                Map<String, String> env;
                try {
                    env = environment();
                    command = command(env);
                } catch (ConfigError e) {
                    waiting("CreateContainerConfigError", e.getMessage());
                    agent.event(pod, "Warning", "Failed", "Error: " + e.getMessage());
                    postStatus();
                    sleepQuietly(2000);
                    continue;
                }
                if (!waitForPorts()) {
                    break;
                }
                int code = runOnce(command, env);
                boolean restart = !stopping && !init && ("Always".equals(policy)
                        || ("OnFailure".equals(policy) && code != 0));
                if (init && code != 0 && !"Never".equals(policy) && !stopping) {
                    restart = true;
                }
                if (!restart) {
                    break;
                }
                synchronized (PodRunner.this) {
                    lastState = terminatedState();
                    restartCount++;
                }
                waiting("CrashLoopBackOff", "back-off " + backoffMs / 1000 + "s restarting failed container="
                        + spec.getName() + " pod=" + name);
                agent.event(pod, "Warning", "BackOff", "Back-off restarting failed container " + spec.getName());
                postStatus();
                sleepQuietly(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 10_000);
            }
            synchronized (PodRunner.this) {
                done = true;
                if (exitCode == null) {
                    // Never started (stopped while waiting): report it as a failed container.
                    exitCode = 137;
                    terminatedReason = "ContainerStatusUnknown";
                    startedAt = finishedAt = Instant.now();
                }
            }
        }

        private int runOnce(List<String> command, Map<String, String> env) {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.directory(workingDir().toFile());
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            try {
                Files.write(terminationFile, new byte[0]);
                Files.writeString(log, "---- " + Instant.now() + " start: " + String.join(" ", command) + "\n",
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                synchronized (PodRunner.this) {
                    if (stopping) {
                        return 137;
                    }
                    process = pb.start();
                    startedAt = Instant.now();
                    exitCode = null;
                    waitingReason = null;
                    started = true;
                    ready = spec.getReadinessProbe() == null && spec.getStartupProbe() == null;
                    readinessFailures = readinessSuccesses = livenessFailures = startupFailures = 0;
                    startupDone = spec.getStartupProbe() == null;
                }
                agent.log("pod %s: container %s started (pid %d): %s", key(), spec.getName(), process.pid(),
                        String.join(" ", command));
                agent.event(pod, "Normal", "Started", "Started container " + spec.getName());
                postStatus();
                if (startupDone) {
                    startProbes();
                } else {
                    probeTasks.add(schedule(spec.getStartupProbe(), this::startup));
                }
                int code = process.waitFor();
                probeTasks.forEach(f -> f.cancel(false));
                probeTasks.clear();
                String msg = terminationMessage(code);
                synchronized (PodRunner.this) {
                    exitCode = code;
                    finishedAt = Instant.now();
                    terminatedReason = code == 0 ? "Completed" : "Error";
                    message = msg;
                    ready = false;
                }
                agent.log("pod %s: container %s exited with %d", key(), spec.getName(), code);
                postStatus();
                return code;
            } catch (IOException e) {
                // The command cannot start (no such executable): the container fails, like a runtime's StartError.
                synchronized (PodRunner.this) {
                    startedAt = finishedAt = Instant.now();
                    exitCode = 128;
                    terminatedReason = "StartError";
                    message = e.getMessage();
                }
                agent.event(pod, "Warning", "Failed", "Error: " + e.getMessage());
                postStatus();
                return 128;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                terminate(0);
                return 137;
            }
        }

        private String terminationMessage(int code) {
            String msg = "";
            try {
                byte[] bytes = Files.readAllBytes(terminationFile);
                msg = new String(bytes, 0, Math.min(bytes.length, MAX_MESSAGE), StandardCharsets.UTF_8);
            } catch (IOException e) {
                // no message
            }
            if (msg.isEmpty() && code != 0 && "FallbackToLogsOnError".equals(spec.getTerminationMessagePolicy())) {
                msg = logTail();
            }
            return msg;
        }

        /** The last 80 lines or 2048 bytes of this run's output, whichever is shorter (as a kubelet does). */
        private String logTail() {
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                long from = Math.max(0, f.length() - LOG_TAIL_BYTES);
                byte[] buf = new byte[(int) (f.length() - from)];
                f.seek(from);
                f.readFully(buf);
                String text = new String(buf, StandardCharsets.UTF_8);
                int marker = text.lastIndexOf("---- ");
                if (marker >= 0 && text.indexOf('\n', marker) > 0) {
                    text = text.substring(text.indexOf('\n', marker) + 1); // only this run
                }
                List<String> lines = text.lines().toList();
                return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
            } catch (IOException e) {
                return "";
            }
        }

        /** SIGTERM to the process tree, SIGKILL after {@code graceSeconds}. */
        void terminate(long graceSeconds) {
            Process p;
            synchronized (PodRunner.this) {
                p = process; // runOnce starts the process under this lock, after checking `stopping`
            }
            if (p == null || !p.isAlive()) {
                return;
            }
            List<ProcessHandle> tree = p.descendants().toList();
            p.destroy();
            tree.forEach(ProcessHandle::destroy);
            try {
                if (!p.waitFor(Math.max(0, graceSeconds), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }

        /** Pods share the host network here: a declared port still held by another pod delays the start. */
        private boolean waitForPorts() {
            if (spec.getPorts() == null) {
                return true;
            }
            for (ContainerPort port : spec.getPorts()) {
                if (port.getProtocol() != null && !"TCP".equals(port.getProtocol())) {
                    continue;
                }
                long deadline = System.currentTimeMillis() + 60_000;
                boolean said = false;
                while (!portFree(port.getContainerPort()) && System.currentTimeMillis() < deadline) {
                    if (stopping) {
                        return false;
                    }
                    if (!said) {
                        waiting("ContainerCreating", "waiting for port " + port.getContainerPort()
                                + " (all pods share the host network on the e2e node agent)");
                        postStatus();
                        said = true;
                    }
                    sleepQuietly(250);
                }
            }
            return true;
        }

        /** Readiness and liveness probes start once the startup probe (if any) has succeeded. */
        private void startProbes() {
            if (spec.getReadinessProbe() != null) {
                probeTasks.add(schedule(spec.getReadinessProbe(), this::readiness));
            }
            if (spec.getLivenessProbe() != null) {
                probeTasks.add(schedule(spec.getLivenessProbe(), this::liveness));
            }
        }

        private void startup() {
            if (startupDone) {
                return;
            }
            Probe probe = spec.getStartupProbe();
            if (probe(probe)) {
                synchronized (PodRunner.this) {
                    startupDone = true;
                    ready = spec.getReadinessProbe() == null;
                }
                startProbes();
                postStatus();
            } else if (++startupFailures >= Optional.ofNullable(probe.getFailureThreshold()).orElse(3)) {
                startupDone = true;
                agent.event(pod, "Warning", "Unhealthy", "Startup probe failed; container " + spec.getName()
                        + " will be restarted");
                long grace = Optional.ofNullable(pod.getSpec().getTerminationGracePeriodSeconds()).orElse(30L);
                new Thread(() -> terminate(grace)).start();
            }
        }

        private ScheduledFuture<?> schedule(Probe probe, Runnable check) {
            long delay = TimeUnit.SECONDS.toMillis(Optional.ofNullable(probe.getInitialDelaySeconds()).orElse(0));
            long period = Math.min(PROBE_PERIOD_CAP_MS,
                    TimeUnit.SECONDS.toMillis(Optional.ofNullable(probe.getPeriodSeconds()).orElse(10)));
            return agent.probes().scheduleWithFixedDelay(() -> {
                try {
                    check.run();
                } catch (RuntimeException e) {
                    agent.log("pod %s: probe: %s", key(), e);
                }
            }, Math.max(delay, 200), period, TimeUnit.MILLISECONDS);
        }

        private void readiness() {
            Probe probe = spec.getReadinessProbe();
            boolean ok = probe(probe);
            boolean changed;
            synchronized (PodRunner.this) {
                if (ok) {
                    readinessFailures = 0;
                    readinessSuccesses++;
                } else {
                    readinessSuccesses = 0;
                    readinessFailures++;
                }
                boolean now = ready;
                if (ok && readinessSuccesses >= Optional.ofNullable(probe.getSuccessThreshold()).orElse(1)) {
                    now = true;
                } else if (!ok && readinessFailures >= Optional.ofNullable(probe.getFailureThreshold()).orElse(3)) {
                    now = false;
                }
                changed = now != ready && exitCode == null && process != null;
                if (changed) {
                    ready = now;
                }
            }
            if (changed) {
                postStatus();
            }
        }

        private void liveness() {
            Probe probe = spec.getLivenessProbe();
            if (probe(probe)) {
                livenessFailures = 0;
                return;
            }
            if (++livenessFailures >= Optional.ofNullable(probe.getFailureThreshold()).orElse(3)) {
                agent.event(pod, "Warning", "Unhealthy", "Liveness probe failed; container " + spec.getName()
                        + " will be restarted");
                livenessFailures = 0;
                Process p = process;
                if (p != null) {
                    long grace = Optional.ofNullable(pod.getSpec().getTerminationGracePeriodSeconds()).orElse(30L);
                    new Thread(() -> terminate(grace)).start();
                }
            }
        }

        private boolean probe(Probe probe) {
            int timeoutMs = (int) TimeUnit.SECONDS.toMillis(Optional.ofNullable(probe.getTimeoutSeconds()).orElse(1));
            try {
                if (probe.getHttpGet() != null) {
                    int port = port(probe.getHttpGet().getPort());
                    if ("HTTPS".equals(probe.getHttpGet().getScheme())) {
                        return connects(port, timeoutMs);
                    }
                    String path = Optional.ofNullable(probe.getHttpGet().getPath()).orElse("/");
                    HttpURLConnection c = (HttpURLConnection) URI.create("http://" + NodeAgent.NODE_IP + ":" + port
                            + (path.startsWith("/") ? path : "/" + path)).toURL().openConnection();
                    c.setConnectTimeout(timeoutMs);
                    c.setReadTimeout(timeoutMs);
                    int code = c.getResponseCode();
                    c.disconnect();
                    return code >= 200 && code < 400;
                }
                if (probe.getTcpSocket() != null) {
                    return connects(port(probe.getTcpSocket().getPort()), timeoutMs);
                }
                if (probe.getGrpc() != null) {
                    return connects(probe.getGrpc().getPort(), timeoutMs);
                }
                if (probe.getExec() != null) {
                    Map<String, String> env = environment();
                    ProcessBuilder pb = new ProcessBuilder(rewriteAll(probe.getExec().getCommand()))
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .directory(workingDir().toFile());
                    pb.environment().clear();
                    pb.environment().putAll(env);
                    Process p = pb.start();
                    p.getOutputStream().close();
                    if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                        return false;
                    }
                    return p.exitValue() == 0;
                }
                return true;
            } catch (IOException | ConfigError e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private int port(IntOrString port) {
            if (port.getIntVal() != null) {
                return port.getIntVal();
            }
            return spec.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                    .map(ContainerPort::getContainerPort).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no container port named " + port.getStrVal()));
        }

        // -------------------------------------------------------------- env, command, paths

        /** The environment of the process: image ENV, service variables, envFrom, env; paths rewritten. */
        Map<String, String> environment() throws ConfigError {
            Map<String, String> kube = new LinkedHashMap<>();
            kube.put("KUBERNETES_SERVICE_HOST", agent.apiHost());
            kube.put("KUBERNETES_SERVICE_PORT", Integer.toString(agent.apiPort()));
            kube.put("KUBERNETES_SERVICE_PORT_HTTPS", Integer.toString(agent.apiPort()));
            kube.put("KUBERNETES_PORT", "tcp://" + agent.apiHost() + ":" + agent.apiPort());
            if (spec.getEnvFrom() != null) {
                for (EnvFromSource from : spec.getEnvFrom()) {
                    Map<String, String> data = new LinkedHashMap<>();
                    if (from.getConfigMapRef() != null) {
                        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(from.getConfigMapRef().getName()).get();
                        if (cm == null && !Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
                            throw new ConfigError("configmap \"" + from.getConfigMapRef().getName() + "\" not found");
                        }
                        if (cm != null && cm.getData() != null) {
                            data.putAll(cm.getData());
                        }
                    } else if (from.getSecretRef() != null) {
                        Secret s = client.secrets().inNamespace(namespace).withName(from.getSecretRef().getName()).get();
                        if (s == null && !Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                            throw new ConfigError("secret \"" + from.getSecretRef().getName() + "\" not found");
                        }
                        if (s != null && s.getData() != null) {
                            s.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v),
                                    StandardCharsets.UTF_8)));
                        }
                    }
                    String prefix = Objects.toString(from.getPrefix(), "");
                    data.forEach((k, v) -> kube.put(prefix + k, v));
                }
            }
            if (spec.getEnv() != null) {
                for (EnvVar e : spec.getEnv()) {
                    String value = e.getValueFrom() != null ? valueFrom(e.getValueFrom())
                            : expand(Objects.toString(e.getValue(), ""), kube);
                    if (value != null) {
                        kube.put(e.getName(), value);
                    }
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            // What a container image brings: a PATH (this machine's, so python3 and java resolve), a HOME.
            env.put("PATH", Objects.toString(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin"));
            if (System.getenv("JAVA_HOME") != null) {
                env.put("JAVA_HOME", System.getenv("JAVA_HOME"));
            }
            env.put("LANG", "C.UTF-8");
            env.put("HOME", dir.toString());
            env.put("HOSTNAME", name);
            if (image != null) {
                env.putAll(image.env());
            }
            env.putAll(kube);
            env.replaceAll((k, v) -> rewrite(v, mounts()));
            return env;
        }

        private String valueFrom(EnvVarSource source) throws ConfigError {
            if (source.getFieldRef() != null) {
                return fieldValue(source.getFieldRef());
            }
            if (source.getResourceFieldRef() != null) {
                return resourceValue(source.getResourceFieldRef(), spec.getName());
            }
            if (source.getConfigMapKeyRef() != null) {
                var ref = source.getConfigMapKeyRef();
                ConfigMap cm = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
                String v = cm == null || cm.getData() == null ? null : cm.getData().get(ref.getKey());
                if (v == null && !Boolean.TRUE.equals(ref.getOptional())) {
                    throw new ConfigError(cm == null ? "configmap \"" + ref.getName() + "\" not found"
                            : "couldn't find key " + ref.getKey() + " in ConfigMap " + namespace + "/" + ref.getName());
                }
                return v;
            }
            if (source.getSecretKeyRef() != null) {
                var ref = source.getSecretKeyRef();
                Secret s = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
                String v = s == null || s.getData() == null || s.getData().get(ref.getKey()) == null ? null
                        : new String(Base64.getDecoder().decode(s.getData().get(ref.getKey())), StandardCharsets.UTF_8);
                if (v == null && !Boolean.TRUE.equals(ref.getOptional())) {
                    throw new ConfigError(s == null ? "secret \"" + ref.getName() + "\" not found"
                            : "couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName());
                }
                return v;
            }
            throw new ConfigError("unsupported env valueFrom in the e2e node agent: " + source);
        }

        /** command (or the image's entrypoint) + args, $(VAR) expanded, container paths rewritten. */
        List<String> command(Map<String, String> env) {
            // Expansion sees the container's own values (paths not yet rewritten), as in a pod.
            Map<String, String> raw = new LinkedHashMap<>(env);
            List<String> cmd = new ArrayList<>();
            if (spec.getCommand() != null && !spec.getCommand().isEmpty()) {
                spec.getCommand().forEach(c -> cmd.add(rewrite(expand(c, raw), mounts())));
            } else {
                cmd.addAll(image.entrypoint());
            }
            if (spec.getArgs() != null) {
                spec.getArgs().forEach(a -> cmd.add(rewrite(expand(a, raw), mounts())));
            }
            return cmd;
        }

        private List<String> rewriteAll(List<String> values) {
            return values.stream().map(v -> rewrite(v, mounts())).toList();
        }

        private Path workingDir() {
            String wd = spec.getWorkingDir();
            if (wd != null && !wd.isEmpty()) {
                Path p = Path.of(rewrite(wd, mounts()));
                if (Files.isDirectory(p)) {
                    return p;
                }
            }
            return dir;
        }

        /** Container path prefix to host path: the volume mounts, plus the termination message file. */
        Map<String, String> mounts() {
            Map<String, String> m = new LinkedHashMap<>();
            if (spec.getVolumeMounts() != null) {
                for (VolumeMount vm : spec.getVolumeMounts()) {
                    Path host = volumes.get(vm.getName());
                    if (host != null) {
                        String sub = vm.getSubPath();
                        m.put(stripSlash(vm.getMountPath()), (sub == null || sub.isEmpty() ? host : host.resolve(sub)).toString());
                    }
                }
            }
            m.put(Optional.ofNullable(spec.getTerminationMessagePath()).orElse("/dev/termination-log"),
                    terminationFile.toString());
            return m;
        }

        ObjectNode status() {
            ObjectNode s = JSON.createObjectNode();
            s.put("name", spec.getName());
            s.put("image", spec.getImage());
            s.put("imageID", image == null ? "" : "concbench-e2e-agent://" + spec.getImage());
            Process p = process;
            if (p != null) {
                s.put("containerID", "concbench-e2e-agent://" + p.pid());
            }
            s.put("ready", ready);
            s.put("started", started && startupDone && exitCode == null);
            s.put("restartCount", restartCount);
            s.set("state", exitCode != null ? terminatedState()
                    : startedAt != null ? state("running", JSON.createObjectNode().put("startedAt", ts(startedAt)))
                    : state("waiting", waitingNode()));
            s.set("lastState", lastState == null ? JSON.createObjectNode().putNull("waiting").putNull("running")
                    .putNull("terminated") : lastState);
            return s;
        }

        private ObjectNode waitingNode() {
            ObjectNode w = JSON.createObjectNode().put("reason", Objects.toString(waitingReason, "ContainerCreating"));
            if (waitingMessage != null) {
                w.put("message", waitingMessage);
            }
            return w;
        }

        ObjectNode terminatedState() {
            ObjectNode t = JSON.createObjectNode()
                    .put("exitCode", exitCode)
                    .put("reason", terminatedReason)
                    .put("startedAt", ts(startedAt))
                    .put("finishedAt", ts(finishedAt == null ? Instant.now() : finishedAt));
            if (message != null && !message.isEmpty()) {
                t.put("message", message);
            }
            Process p = process;
            if (p != null) {
                t.put("containerID", "concbench-e2e-agent://" + p.pid());
            }
            return state("terminated", t);
        }
    }

    /** A container state object with exactly one of waiting/running/terminated (the others nulled for the merge patch). */
    private static ObjectNode state(String which, ObjectNode value) {
        ObjectNode s = JSON.createObjectNode();
        for (String k : List.of("waiting", "running", "terminated")) {
            if (k.equals(which)) {
                s.set(k, value);
            } else {
                s.putNull(k);
            }
        }
        return s;
    }

    // ------------------------------------------------------------------ pure helpers (unit-tested)

    private static final Pattern VAR = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    /** Kubernetes $(VAR) expansion: defined variables are replaced, undefined stay as written, $$ is a literal $. */
    static String expand(String s, Map<String, String> vars) {
        Matcher m = VAR.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                replacement = vars.getOrDefault(m.group(1), m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Rewrites container paths to host paths in one pass: a mount path counts where it starts
     * the value or follows '=', ':', ',' or whitespace, and ends the value or is followed by
     * '/', ':', ',' or whitespace. The longest mount path wins.
     */
    static String rewrite(String s, Map<String, String> mounts) {
        if (s == null || mounts.isEmpty()) {
            return s;
        }
        List<String> paths = mounts.keySet().stream().filter(p -> !p.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        if (paths.isEmpty()) {
            return s;
        }
        String alternation = paths.stream().map(Pattern::quote).collect(Collectors.joining("|"));
        Matcher m = Pattern.compile("(?<=^|[=:,\\s])(" + alternation + ")(?=$|[/:,\\s])").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(mounts.get(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean connects(int port, int timeoutMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(NodeAgent.NODE_IP, port), timeoutMs);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String ts(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private void sleepUnlessStopping(long ms) throws InterruptedException {
        long until = System.currentTimeMillis() + ms;
        while (!stopping && System.currentTimeMillis() < until) {
            Thread.sleep(Math.min(100, ms));
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ status

    /** Reports phase, conditions and container statuses (a strategic merge patch of pods/status). */
    synchronized void postStatus() {
        ObjectNode status = JSON.createObjectNode();
        List<ContainerRun> apps = containers.values().stream().filter(c -> !c.init).toList();
        boolean allDone = apps.stream().allMatch(c -> c.done) && initialized;
        boolean initFailed = podFailureReason != null;
        boolean anyStarted = apps.stream().anyMatch(c -> c.startedAt != null || c.exitCode != null);
        String phase;
        if (initFailed) {
            phase = "Failed";
        } else if (allDone) {
            phase = apps.stream().allMatch(c -> Objects.equals(c.exitCode, 0)) ? "Succeeded" : "Failed";
        } else if (stopping && containers.values().stream().noneMatch(c -> c.looping)) {
            // Deleted before finishing: a kubelet reports a terminal phase before the pod is removed.
            phase = apps.stream().allMatch(c -> Objects.equals(c.exitCode, 0)) ? "Succeeded" : "Failed";
        } else {
            phase = anyStarted ? "Running" : "Pending";
        }
        status.put("phase", phase);
        status.put("hostIP", NodeAgent.NODE_IP);
        status.set("hostIPs", JSON.createArrayNode().add(JSON.createObjectNode().put("ip", NodeAgent.NODE_IP)));
        status.put("podIP", NodeAgent.NODE_IP);
        status.set("podIPs", JSON.createArrayNode().add(JSON.createObjectNode().put("ip", NodeAgent.NODE_IP)));
        status.put("startTime", ts(startTime));
        boolean terminal = "Succeeded".equals(phase) || "Failed".equals(phase);
        boolean containersReady = !terminal && apps.stream().allMatch(c -> c.ready);
        String readyReason = terminal ? "PodCompleted" : containersReady ? null : "ContainersNotReady";
        ArrayNode conditions = JSON.createArrayNode();
        conditions.add(condition("PodReadyToStartContainers", volumesReady && !terminal, null));
        conditions.add(condition("Initialized", initialized || terminal, initialized ? null : "ContainersNotInitialized"));
        conditions.add(condition("ContainersReady", containersReady, readyReason));
        conditions.add(condition("Ready", containersReady, readyReason));
        conditions.add(condition("PodScheduled", true, null));
        status.set("conditions", conditions);
        ArrayNode statuses = JSON.createArrayNode();
        ArrayNode initStatuses = JSON.createArrayNode();
        containers.values().forEach(c -> (c.init ? initStatuses : statuses).add(c.status()));
        status.set("containerStatuses", statuses);
        if (!initStatuses.isEmpty()) {
            status.set("initContainerStatuses", initStatuses);
        }
        if (initFailed) {
            status.put("message", podFailureReason);
        }
        String patch = JSON.createObjectNode().set("status", status).toString();
        try {
            client.pods().inNamespace(namespace).withName(name).subresource("status")
                    .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                agent.log("pod %s: status patch failed: %s", key(), e.getMessage());
            }
        }
    }

    /** Condition type to [status, lastTransitionTime]: the time changes only with the status. */
    private final Map<String, String[]> conditionSince = new LinkedHashMap<>();

    private ObjectNode condition(String type, boolean value, String reason) {
        String status = value ? "True" : "False";
        String[] since = conditionSince.get(type);
        if (since == null || !since[0].equals(status)) {
            since = new String[] {status, ts(Instant.now())};
            conditionSince.put(type, since);
        }
        ObjectNode c = JSON.createObjectNode().put("type", type).put("status", status);
        c.put("lastTransitionTime", since[1]);
        if (reason != null) {
            c.put("reason", reason);
        } else {
            c.putNull("reason");
        }
        c.putNull("lastProbeTime");
        return c;
    }
}
