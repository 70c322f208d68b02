package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.concbench.e2e.Cli.helm;
import static dev.concbench.e2e.Cli.kubectl;
import static dev.concbench.e2e.Cli.kubectlIn;

/**
 * {@code make bench-operator}: the operator's latency and load on the local control plane
 * (bench/operator starts it, with the node agent, then runs this). A benchmark, not a test:
 * it prints figures and compares them with the targets of docs/benchmarks.md; it fails only
 * when it cannot measure. The kernels are tiny (one call of a 0 ms sleep), so the operator,
 * not the kernel, is what is measured.
 *
 * <p>Where the figures come from:
 * <ul>
 * <li>latencies: arrival times of watch events at this process (one client, informers on
 * benchmarks, Jobs and pods started before anything is created), e.g. create → first Job =
 * the benchmark's ADDED event → its first Job's ADDED event; done → Succeeded = the last
 * pod's Succeeded event → the benchmark's phase Succeeded;</li>
 * <li>API requests: the API server's audit log (one line per request), the operator's
 * ServiceAccount, in each phase's own namespace;</li>
 * <li>overlap: etcd revisions (resourceVersions, one counter across all kinds in one etcd):
 * a benchmark is active from its first Job's creation to its terminal status write;</li>
 * <li>memory: VmRSS (sampled) and VmHWM of the operator process from /proc (the node agent
 * runs the operator's container as a local process and names its pid in containerID);</li>
 * <li>errors: ERROR lines of the operator's log; restarts: the pod's restartCount.</li>
 * </ul>
 */
public final class OperatorBench {

    static final String SYSTEM_NS = "concbench-system";
    static final String RELEASE = "concbench-operator";
    static final String OPERATOR_PODS = "app.kubernetes.io/name=concbench-operator";
    static final String MANAGED = "app.kubernetes.io/managed-by=concbench-operator";
    static final String LEASE = "concbench-operator-lease";
    static final String LABEL_BENCHMARK = "concbench.dev/benchmark";
    static final ResourceDefinitionContext BENCHMARKS = new ResourceDefinitionContext.Builder()
            .withGroup("concbench.dev").withVersion("v1alpha1").withKind("ConcurrencyBenchmark")
            .withPlural("concurrencybenchmarks").withNamespaced(true).build();

    // Targets (issue 5; docs/benchmarks.md)
    static final double TARGET_CREATE_TO_JOB_MS = 50;
    static final double TARGET_DONE_TO_SUCCEEDED_MS = 250;
    static final double TARGET_RSS_MB = 150;

    private final KubernetesClient client;
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final RssSampler rss = new RssSampler();
    private final List<String> summary = new ArrayList<>();
    private final int latencyCount;
    private final int longCount;
    private final int longSleepMs;
    private final int loadCount;
    private final int loadLimit;
    private final Duration loadTimeout;

    /** What the watches saw of one benchmark; times are System.nanoTime() at arrival. */
    static final class Track {
        volatile long created = -1;
        volatile long firstJob = -1;
        volatile long firstJobRv = -1;
        volatile long terminal = -1;
        volatile long terminalRv = -1;
        volatile String phase;
        final Map<String, Long> podsDone = new ConcurrentHashMap<>();

        long lastPodDone() {
            return podsDone.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        }
    }

    OperatorBench(int latencyCount, int longCount, int longSleepMs, int loadCount, int loadLimit,
                  Duration loadTimeout) {
        this.client = new KubernetesClientBuilder().build();
        this.latencyCount = latencyCount;
        this.longCount = longCount;
        this.longSleepMs = longSleepMs;
        this.loadCount = loadCount;
        this.loadLimit = loadLimit;
        this.loadTimeout = loadTimeout;
    }

    public static void main(String[] args) throws Exception {
        OperatorBench bench = new OperatorBench(
                intEnv("BENCH_LATENCY_COUNT", 40), intEnv("BENCH_LONG_COUNT", 8), intEnv("BENCH_LONG_SLEEP_MS", 3000),
                intEnv("BENCH_LOAD_COUNT", 300), intEnv("BENCH_LOAD_LIMIT", 4),
                Duration.ofMinutes(intEnv("BENCH_LOAD_TIMEOUT_MIN", 30)));
        try {
            bench.run();
        } finally {
            bench.close();
        }
        System.exit(0); // informer threads are not daemons
    }

    void run() throws Exception {
        System.out.printf("machine: %d CPUs for this JVM, %s; Kubernetes %s%n", Runtime.getRuntime().availableProcessors(),
                memTotal(), client.getKubernetesVersion().getGitVersion());
        install(1);
        startInformers();

        // 1. Latency: one benchmark at a time.
        Phase shortRuns = sequential("bench-latency", latencyCount, 0);
        Stats createToJob = Stats.of(shortRuns.each(t -> t.firstJob - t.created));
        Stats doneToSucceeded = Stats.of(shortRuns.each(t -> t.terminal - t.lastPodDone()));
        System.out.printf("%nlatency, %d benchmarks one at a time (1 pod, 1 call of a 0 ms sleep):%n", latencyCount);
        System.out.printf("  created -> first Job created   %s   target p50 <= %.0f ms: %s%n", createToJob,
                TARGET_CREATE_TO_JOB_MS, verdict(createToJob.p50() <= TARGET_CREATE_TO_JOB_MS));
        System.out.printf("  last pod done -> Succeeded     %s   target p50 <= %.0f ms: %s%n", doneToSucceeded,
                TARGET_DONE_TO_SUCCEEDED_MS, verdict(doneToSucceeded.p50() <= TARGET_DONE_TO_SUCCEEDED_MS));
        shortRuns.report();

        // 2. Requests per benchmark do not depend on how long it runs (no polling).
        Phase longRuns = sequential("bench-long", longCount, longSleepMs);
        double perShort = shortRuns.requestsPerBenchmark();
        double perLong = longRuns.requestsPerBenchmark();
        System.out.printf("%nrequests per benchmark vs run length: %.1f for 0 ms kernels, %.1f for %d ms kernels "
                        + "(ratio %.2f): %s%n", perShort, perLong, longSleepMs, perLong / perShort,
                verdict(Math.abs(perLong - perShort) < 1.0));
        longRuns.report();
        summary.add(String.format(Locale.ROOT, "create->Job p50 %.0f ms (p95 %.0f, max %.0f)", createToJob.p50(),
                createToJob.p95(), createToJob.max()));
        summary.add(String.format(Locale.ROOT, "done->Succeeded p50 %.0f ms (p95 %.0f, max %.0f)",
                doneToSucceeded.p50(), doneToSucceeded.p95(), doneToSucceeded.max()));
        summary.add(String.format(Locale.ROOT, "requests/benchmark %.1f (%.1f for %d s runs)", perShort, perLong,
                longSleepMs / 1000));

        // 3. Load: all at once, queue limit 1, then > 1.
        if (loadCount == 0) {
            System.out.println("\nsummary: " + String.join("; ", summary) + "; load not measured (BENCH_LOAD_COUNT=0)");
            return;
        }
        load("bench-load-1", 1);
        install(loadLimit);
        load("bench-load-" + loadLimit, loadLimit);

        System.out.println("\nsummary: " + String.join("; ", summary));
    }

    // ------------------------------------------------------------------ phases

    /** Creates {@code count} benchmarks one after another, each when the previous is terminal. */
    private Phase sequential(String namespace, int count, int sleepMs) throws InterruptedException {
        createNamespace(namespace);
        Phase phase = new Phase(namespace, count);
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "b%03d", i);
            client.genericKubernetesResources(BENCHMARKS).inNamespace(namespace).resource(benchmark(name, sleepMs))
                    .create();
            Track t = awaitTerminal(namespace + "/" + name, Duration.ofMinutes(2));
            if (t == null) {
                throw new IllegalStateException(namespace + "/" + name + " did not reach a terminal phase in 2 min");
            }
        }
        phase.finished();
        return phase;
    }

    private void load(String namespace, int limit) throws InterruptedException {
        createNamespace(namespace);
        Phase phase = new Phase(namespace, loadCount);
        String manifests = IntStream.range(0, loadCount)
                .mapToObj(i -> Cli.JSON.valueToTree(benchmark(String.format(Locale.ROOT, "b%03d", i), 0)).toString())
                .collect(Collectors.joining("\n---\n"));
        Cli.Result apply = kubectlIn(manifests, "apply", "--server-side", "-n", namespace, "-f", "-");
        if (!apply.ok()) {
            throw new IllegalStateException("kubectl apply failed:\n" + apply);
        }
        System.out.printf("%nload: %d benchmarks applied at once (kubectl apply --server-side, %d ms), queue limit %d%n",
                loadCount, apply.took().toMillis(), limit);
        long deadline = System.nanoTime() + loadTimeout.toNanos();
        long lastPrint = System.nanoTime();
        while (phase.terminalCount() < loadCount && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(30)) {
                System.out.printf("  ... %d/%d terminal after %.0f s%n", phase.terminalCount(), loadCount,
                        (System.nanoTime() - phase.started) / 1e9);
                lastPrint = System.nanoTime();
            }
        }
        phase.finished();
        int terminal = phase.terminalCount();
        long succeeded = phase.tracks().stream().filter(t -> "Succeeded".equals(t.phase)).count();
        double seconds = (phase.lastTerminal() - phase.started) / 1e9;
        int maxActive = phase.maxActiveByRevision();
        int maxRunning = phase.maxRunningByWatch();
        Stats doneToSucceeded = Stats.of(phase.each(t -> t.terminal - t.lastPodDone()));
        System.out.printf("  terminal %d/%d (Succeeded %d) in %.1f s from the apply (%.2f s per benchmark)%n",
                terminal, loadCount, succeeded, seconds, seconds / loadCount);
        System.out.printf("  last pod done -> Succeeded under load %s%n", doneToSucceeded);
        System.out.printf("  benchmarks active at once, by etcd revision (first Job created .. terminal status): "
                + "max %d, limit %d: %s%n", maxActive, limit, verdict(maxActive <= limit));
        System.out.printf("  runs executing at once, by watch events (first Job created .. last pod done): max %d%n",
                maxRunning);
        phase.report();
        summary.add(String.format(Locale.ROOT, "limit %d: %d/%d terminal in %.0f s, max active %d, "
                        + "%.1f requests/benchmark, peak RSS %.0f MB, errors %d, restarts %d",
                limit, terminal, loadCount, seconds, maxActive, phase.requestsPerBenchmark(), phase.peakRssMb,
                phase.errors, phase.restarts));
    }

    /** One phase: its namespace, its benchmarks, its window. */
    final class Phase {
        final String namespace;
        final int count;
        final long started = System.nanoTime();
        final String startedAt = java.time.Instant.now().toString();
        String endedAt;
        Map<String, Long> requestsByKind = Map.of();
        long requests;
        long otherRequests;
        double peakRssMb;
        long errors;
        List<String> errorLines = List.of();
        int restarts;

        Phase(String namespace, int count) {
            this.namespace = namespace;
            this.count = count;
            rss.resetPeak();
        }

        List<Track> tracks() {
            return tracks.entrySet().stream().filter(e -> e.getKey().startsWith(namespace + "/"))
                    .map(Map.Entry::getValue).toList();
        }

        int terminalCount() {
            return (int) tracks().stream().filter(t -> t.terminal > 0).count();
        }

        long lastTerminal() {
            return tracks().stream().mapToLong(t -> t.terminal).max().orElse(started);
        }

        /** Milliseconds of {@code f} over the benchmarks where both ends were seen. */
        List<Double> each(java.util.function.ToLongFunction<Track> f) {
            List<Double> ms = new ArrayList<>();
            for (Track t : tracks()) {
                if (t.created > 0 && t.firstJob > 0 && t.terminal > 0 && t.lastPodDone() > 0) {
                    ms.add(f.applyAsLong(t) / 1e6);
                }
            }
            return ms;
        }

        /** The most benchmarks active at one etcd revision: first Job created .. terminal status write. */
        int maxActiveByRevision() {
            return maxOverlap(tracks().stream().filter(t -> t.firstJobRv > 0 && t.terminalRv > 0)
                    .map(t -> new long[] {t.firstJobRv, t.terminalRv}).toList());
        }

        /** The most runs executing at once: first Job seen .. last pod seen done, by arrival time. */
        int maxRunningByWatch() {
            return maxOverlap(tracks().stream().filter(t -> t.firstJob > 0 && t.lastPodDone() > 0)
                    .map(t -> new long[] {t.firstJob, t.lastPodDone()}).toList());
        }

        void finished() {
            endedAt = java.time.Instant.now().toString();
            peakRssMb = rss.peakMb();
            JsonNode pod = operatorPod();
            countRequests(this, pod);
            OperatorLog log = operatorLog(pod);
            errors = log.errors;
            errorLines = log.firstErrors;
            restarts = pod.path("status").path("containerStatuses").get(0).path("restartCount").asInt();
        }

        double requestsPerBenchmark() {
            return (double) requests / count;
        }

        void report() {
            System.out.printf("  operator API requests in %s: %d (%.1f per benchmark): %s%n", namespace, requests,
                    requestsPerBenchmark(), requestsByKind);
            System.out.printf("  operator requests elsewhere during the phase (Lease, cluster-wide watches): %d%n",
                    otherRequests);
            System.out.printf("  operator peak RSS in the phase %.0f MB (process high-water mark %.0f MB), target "
                    + "<= %.0f MB: %s%n", peakRssMb, rss.highWaterMb(), TARGET_RSS_MB,
                    verdict(Math.max(peakRssMb, rss.highWaterMb()) <= TARGET_RSS_MB));
            System.out.printf("  operator log ERROR lines so far: %d%s; restarts: %d: %s%n", errors,
                    errorLines.isEmpty() ? "" : " " + errorLines, restarts, verdict(errors == 0 && restarts == 0));
        }
    }

    // ------------------------------------------------------------------ watches

    private void startInformers() {
        var cbInformer = client.genericKubernetesResources(BENCHMARKS).inAnyNamespace().inform(handler(cb -> {
            Track t = track(cb);
            long now = System.nanoTime();
            if (t.created < 0) {
                t.created = now;
            }
            Object status = cb.getAdditionalProperties().get("status");
            String phase = status instanceof Map<?, ?> m ? Objects.toString(m.get("phase"), null) : null;
            t.phase = phase;
            if (t.terminal < 0 && ("Succeeded".equals(phase) || "Failed".equals(phase))) {
                t.terminalRv = Long.parseLong(cb.getMetadata().getResourceVersion());
                t.terminal = now;
            }
        }));
        var jobInformer = client.batch().v1().jobs().inAnyNamespace().withLabel(MANAGED.split("=")[0],
                MANAGED.split("=")[1]).inform(handler((Job job) -> {
            long now = System.nanoTime();
            Track t = trackOf(job);
            if (t != null && t.firstJob < 0) {
                t.firstJobRv = Long.parseLong(job.getMetadata().getResourceVersion());
                t.firstJob = now;
            }
        }));
        var podInformer = client.pods().inAnyNamespace().withLabel(MANAGED.split("=")[0], MANAGED.split("=")[1])
                .inform(handler((Pod pod) -> {
                    long now = System.nanoTime();
                    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                    Track t = trackOf(pod);
                    if (t != null && ("Succeeded".equals(phase) || "Failed".equals(phase))) {
                        t.podsDone.putIfAbsent(pod.getMetadata().getUid(), now);
                    }
                }));
        informers.addAll(List.of(cbInformer, jobInformer, podInformer));
    }

    private static <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> seen) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                seen.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                seen.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            }
        };
    }

    private Track track(GenericKubernetesResource cb) {
        return tracks.computeIfAbsent(cb.getMetadata().getNamespace() + "/" + cb.getMetadata().getName(),
                k -> new Track());
    }

    private Track trackOf(HasMetadata owned) {
        Map<String, String> labels = owned.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(LABEL_BENCHMARK);
        return name == null ? null
                : tracks.computeIfAbsent(owned.getMetadata().getNamespace() + "/" + name, k -> new Track());
    }

    private Track awaitTerminal(String key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Track t = tracks.get(key);
            if (t != null && t.terminal > 0) {
                return t;
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return null;
    }

    // ------------------------------------------------------------------ the operator

    private void install(int limit) {
        boolean installed = helm("status", RELEASE, "-n", SYSTEM_NS).ok();
        Cli.Result r = helm(installed ? "upgrade" : "install", RELEASE, Cli.REPO.resolve("charts/concbench-operator")
                        .toString(), "-n", SYSTEM_NS, "--create-namespace",
                "--set", "kernel.pythonImage=python:3.11-slim",
                "--set", "httpPort=" + Objects.toString(System.getenv("CONCBENCH_E2E_HTTP_PORT"), "18080"),
                "--set", "maxConcurrentBenchmarks=" + limit,
                "--set-json", "extraEnv=" + javaOptions(),
                "--wait", "--timeout", "3m");
        if (!r.ok()) {
            throw new IllegalStateException("helm failed:\n" + r);
        }
        // After an upgrade the old pod may still be terminating: wait until one pod is left, then for it.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (Cli.items("-n", SYSTEM_NS, "get", "pods", "-l", OPERATOR_PODS).size() != 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("more than one operator pod after helm " + (installed ? "upgrade" : "install"));
            }
            sleep(200);
        }
        Cli.Result ready = kubectl("-n", SYSTEM_NS, "wait", "--for=condition=Ready", "pod", "-l", OPERATOR_PODS,
                "--timeout=120s");
        if (!ready.ok()) {
            throw new IllegalStateException("the operator did not get Ready:\n" + ready);
        }
        JsonNode pod = operatorPod();
        String podName = pod.path("metadata").path("name").asText();
        // A new pod waits for the Lease of the one it replaces: measure only once it leads.
        while (!podName.equals(kubectl("-n", SYSTEM_NS, "get", "lease", LEASE, "-o",
                "jsonpath={.spec.holderIdentity}").out().trim())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(podName + " did not become the leader");
            }
            sleep(200);
        }
        String containerId = pod.path("status").path("containerStatuses").get(0).path("containerID").asText();
        long pid = Long.parseLong(containerId.substring(containerId.lastIndexOf('/') + 1));
        rss.watch(pid);
        System.out.printf("%noperator: helm %s with maxConcurrentBenchmarks=%d; pod %s, process %d%n",
                installed ? "upgrade" : "install", limit, pod.path("metadata").path("name").asText(), pid);
    }

    /** BENCH_OPERATOR_JAVA_OPTS (e.g. a JFR recording) reach the operator's JVM as JAVA_TOOL_OPTIONS. */
    private static String javaOptions() {
        String options = System.getenv("BENCH_OPERATOR_JAVA_OPTS");
        if (options == null || options.isBlank()) {
            return "[]";
        }
        return Cli.JSON.createArrayNode().add(Cli.JSON.createObjectNode().put("name", "JAVA_TOOL_OPTIONS")
                .put("value", options.trim())).toString();
    }

    private JsonNode operatorPod() {
        return Cli.items("-n", SYSTEM_NS, "get", "pods", "-l", OPERATOR_PODS).get(0);
    }

    record OperatorLog(long errors, List<String> firstErrors) {
    }

    /** ERROR lines of the current operator pod's log (the node agent writes it under its work dir). */
    private OperatorLog operatorLog(JsonNode operatorPod) {
        String podName = operatorPod.path("metadata").path("name").asText();
        Path pods = Cli.STATE.resolve("agent/pods").resolve(SYSTEM_NS);
        try (var dirs = Files.list(pods)) {
            // The agent's pod directories are <pod name>-<uid prefix>.
            Path log = dirs.filter(d -> d.getFileName().toString().startsWith(podName + "-"))
                    .map(d -> d.resolve("operator.log")).filter(Files::exists).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no operator log of " + podName + " under " + pods));
            return errors(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OperatorLog errors(Path log) {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> errors = lines.filter(l -> l.contains(" ERROR ")).toList();
            return new OperatorLog(errors.size(), errors.stream().limit(3).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts the operator's requests in the phase's namespace (and elsewhere in its window) from the audit log. */
    private void countRequests(Phase phase, JsonNode operatorPod) {
        String user = "system:serviceaccount:" + SYSTEM_NS + ":"
                + operatorPod.path("spec").path("serviceAccountName").asText();
        Path audit = Cli.STATE.resolve("audit.log");
        Map<String, Long> byKind = new TreeMap<>();
        long inNamespace = 0;
        long other = 0;
        try (BufferedReader in = Files.newBufferedReader(audit, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.contains(user) || !line.contains("\"ResponseComplete\"")) {
                    continue;
                }
                JsonNode e = Cli.JSON.readTree(line);
                if (!user.equals(e.path("user").path("username").asText())) {
                    continue;
                }
                JsonNode ref = e.path("objectRef");
                if (phase.namespace.equals(ref.path("namespace").asText())) {
                    inNamespace++;
                    String kind = e.path("verb").asText() + " " + ref.path("resource").asText()
                            + (ref.has("subresource") ? "/" + ref.path("subresource").asText() : "");
                    byKind.merge(kind, 1L, Long::sum);
                } else {
                    String at = e.path("requestReceivedTimestamp").asText();
                    if (at.compareTo(phase.startedAt) >= 0 && at.compareTo(phase.endedAt) <= 0) {
                        other++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        phase.requests = inNamespace;
        phase.requestsByKind = byKind;
        phase.otherRequests = other;
    }

    // ------------------------------------------------------------------ helpers

    private void createNamespace(String namespace) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
    }

    /** The tiniest benchmark: one pod, one call of a {@code sleepMs} sleep, one repetition, no warmup. */
    static GenericKubernetesResource benchmark(String name, int sleepMs) {
        GenericKubernetesResource cb = new GenericKubernetesResource();
        cb.setApiVersion("concbench.dev/v1alpha1");
        cb.setKind("ConcurrencyBenchmark");
        cb.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        cb.setAdditionalProperty("spec", Map.of(
                "runtime", "python",
                "workload", Map.of("type", "io", "size", sleepMs, "tasks", 1),
                "strategies", List.of("sequential"),
                "pods", 1,
                "repetitions", 1,
                "warmup", 0));
        return cb;
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    private static String memTotal() {
        try (var lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal")).findFirst()
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB memory",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .orElse("memory unknown");
        } catch (IOException e) {
            return "memory unknown";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void close() {
        rss.stop();
        informers.forEach(SharedIndexInformer::close);
        client.close();
    }

    /** The most intervals {start, end} open at one point; an interval ends where the next may start. */
    static int maxOverlap(List<long[]> intervals) {
        TreeMap<Long, Integer> delta = new TreeMap<>();
        for (long[] i : intervals) {
            delta.merge(i[0], 1, Integer::sum);
            delta.merge(i[1], -1, Integer::sum);
        }
        int open = 0;
        int max = 0;
        for (int d : delta.values()) {
            open += d;
            max = Math.max(max, open);
        }
        return max;
    }

    /** p50, p95 and max (nearest rank) of a list of milliseconds. */
    record Stats(int n, double p50, double p95, double max) {
        static Stats of(List<Double> ms) {
            List<Double> sorted = ms.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Stats(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.95), sorted.get(sorted.size() - 1));
        }

        private static double rank(List<Double> sorted, double q) {
            int i = (int) Math.ceil(q * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  (n=%d)", p50, p95, max, n);
        }
    }

    /** Samples the operator process's VmRSS every 100 ms; also reads its VmHWM (the kernel's own peak). */
    static final class RssSampler {
        private volatile long pid = -1;
        private volatile long peakKb;
        private volatile long highWaterKb;
        private final Thread thread;

        RssSampler() {
            thread = new Thread(this::loop, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void watch(long pid) {
            this.pid = pid;
            this.highWaterKb = 0;
            resetPeak();
        }

        void resetPeak() {
            peakKb = 0;
        }

        double peakMb() {
            return peakKb / 1024.0;
        }

        double highWaterMb() {
            return highWaterKb / 1024.0;
        }

        void stop() {
            thread.interrupt();
        }

        private void loop() {
            while (!Thread.currentThread().isInterrupted()) {
                long p = pid;
                if (p > 0) {
                    try {
                        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
                            if (line.startsWith("VmRSS:")) {
                                peakKb = Math.max(peakKb, kb(line));
                            } else if (line.startsWith("VmHWM:")) {
                                highWaterKb = Math.max(highWaterKb, kb(line));
                            }
                        }
                    } catch (IOException e) {
                        // the process is gone (an upgrade replaced it): keep the last figures
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static long kb(String line) {
            return Long.parseLong(line.replaceAll("\\D", ""));
        }
    }
}
