package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.concbench.e2e.Cli.helm;
import static dev.concbench.e2e.Cli.kubectl;
import static dev.concbench.e2e.Cli.kubectlIn;

/**
 * {@code make bench-operator}: the operator's latency, load, scale and memory on the local
 * control plane, with nodes simulated by KWOK (bench/operator starts the control plane, kwok and
 * the real kube-scheduler, then runs this). A benchmark, not a test: it prints figures and
 * compares them with the targets of docs/benchmarks.md; it fails only when it cannot measure.
 *
 * <p>No kernel runs. KWOK marks the pods the scheduler bound to its nodes Running; this program
 * then plays the kubelet's last part: once a pod runs (and, for a multi-pod run, once the operator
 * has released the common start and its second has come), it writes the pod's terminal state with
 * a well-formed result document: the checksum the kernel would compute for the pod's shard,
 * synthetic times. Only the operator's latencies, requests and footprint are measured.
 *
 * <p>The operator runs as a local JVM under its ServiceAccount (a TokenRequest token), with the
 * environment of the chart's Deployment (installed with 0 replicas: a pod on a simulated node
 * would run nothing) and the JVM command line of operator/src/main/docker/Dockerfile.jvm, plus
 * {@code -XX:MaxRAM} = the chart's memory limit (what a container's cgroup tells the JVM).
 *
 * <p>Where the figures come from:
 * <ul>
 * <li>latencies: arrival times of watch events at this process (informers on benchmarks, Jobs and
 * pods started before anything is created);</li>
 * <li>API requests: the API server's audit log, the operator's ServiceAccount, in each phase's
 * own namespace;</li>
 * <li>overlap: etcd revisions (resourceVersions, one counter across all kinds in one etcd): a
 * benchmark is active from its first Job's creation to its terminal status write;</li>
 * <li>memory and CPU: VmRSS (sampled every 100 ms), VmHWM, utime + stime of the operator process
 * from /proc;</li>
 * <li>errors: ERROR lines of the operator's log; restarts: the process exited during a phase.</li>
 * </ul>
 */
public final class OperatorBench {

    static final String SYSTEM_NS = "concbench-system";
    static final String RELEASE = "concbench-operator";
    static final String MANAGED = "app.kubernetes.io/managed-by=concbench-operator";
    static final String LEASE = "concbench-operator-lease";
    static final String LABEL_BENCHMARK = "concbench.dev/benchmark";
    static final String ANNOTATION_START_AT = "concbench.dev/start-at";
    static final String ANNOTATION_INDEX = "batch.kubernetes.io/job-completion-index";
    static final String KWOK_NODE = "kwok.x-k8s.io/node";
    static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);
    /** Not Cli.JSON: the result documents are unit-tested without the e2e environment. */
    static final ObjectMapper RESULTS = new ObjectMapper();
    static final ResourceDefinitionContext BENCHMARKS = new ResourceDefinitionContext.Builder()
            .withGroup("concbench.dev").withVersion("v1alpha1").withKind("ConcurrencyBenchmark")
            .withPlural("concurrencybenchmarks").withNamespaced(true).build();

    // Targets (issues 5 and 11; docs/benchmarks.md)
    static final double TARGET_CREATE_TO_JOB_MS = 50;
    static final double TARGET_DONE_TO_SUCCEEDED_MS = 250;
    static final double TARGET_RSS_MB = 120;
    static final double TARGET_START_TO_READY_MS = 1500;
    /** Issue 20: no benchmark waits for a free slot longer than this after the one before it ended. */
    static final double TARGET_HAND_OFF_MAX_MS = 1000;

    private final KubernetesClient client;
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    private final Map<String, PodTrack> pods = new ConcurrentHashMap<>();
    private final Set<String> completing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService kubelet = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "simulated-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final RssSampler rss = new RssSampler();
    private final List<String> summary = new ArrayList<>();
    private final Settings settings;
    private OperatorProcess operator;
    private int operatorsStarted;

    /** The sizes of the run, from the environment (the issue's figures by default; BENCH_QUICK=1 for a smaller run). */
    record Settings(int nodes, int latencyCount, int longCount, int longSleepMs, int spreadPods, int spreadCount,
                    int loadCount, int loadLimit, Duration loadTimeout, List<String> takeoverVariants,
                    int historyFinished, int historyQueued, int historyIdleSeconds) {
        static Settings fromEnv() {
            boolean quick = "1".equals(System.getenv("BENCH_QUICK"));
            String variants = Objects.toString(System.getenv("BENCH_TAKEOVER_VARIANTS"), "");
            return new Settings(intEnv("BENCH_NODES", 100), intEnv("BENCH_LATENCY_COUNT", quick ? 20 : 40),
                    intEnv("BENCH_LONG_COUNT", quick ? 4 : 8), intEnv("BENCH_LONG_SLEEP_MS", 3000),
                    intEnv("BENCH_SPREAD_PODS", 100), intEnv("BENCH_SPREAD_COUNT", quick ? 2 : 5),
                    intEnv("BENCH_LOAD_COUNT", quick ? 200 : 1000), intEnv("BENCH_LOAD_LIMIT", 10),
                    Duration.ofMinutes(intEnv("BENCH_LOAD_TIMEOUT_MIN", 40)),
                    variants.isBlank() ? List.of() : List.of(variants.split(";")),
                    intEnv("BENCH_HISTORY_FINISHED", 10_000), intEnv("BENCH_HISTORY_QUEUED", 100),
                    intEnv("BENCH_HISTORY_IDLE_S", 200));
        }
    }

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

    /** What the watches saw of one pod: first Running, first start annotation (arrival times), its node. */
    static final class PodTrack {
        volatile long running = -1;
        volatile long annotated = -1;
        volatile double startAt = Double.NaN;
        volatile String node;
        volatile int pods;
    }

    OperatorBench(Settings settings) {
        this.client = new KubernetesClientBuilder().build();
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        OperatorBench bench = new OperatorBench(Settings.fromEnv());
        try {
            bench.run();
        } finally {
            bench.close();
        }
        System.exit(0); // informer threads are not daemons
    }

    void run() throws Exception {
        System.out.printf("machine: %d CPUs for this JVM, %s; Kubernetes %s; %s%n", Runtime.getRuntime().availableProcessors(),
                memTotal(), client.getKubernetesVersion().getGitVersion(), settings);
        System.out.println("SYNTHETIC PODS: the nodes are simulated by KWOK and no kernel runs; this benchmark writes every "
                + "pod's result (the right checksum, made-up times). Only the operator's latencies, requests and "
                + "footprint are measured; no kernel timing here means anything.");
        createNodes(settings.nodes);
        install(1);
        startInformers();
        startOperator("leader-" + (++operatorsStarted), "");

        // 1. Latency: one benchmark at a time.
        Phase shortRuns = sequential("bench-latency", settings.latencyCount, 0);
        Stats createToJob = Stats.of(shortRuns.each(t -> t.firstJob - t.created));
        Stats doneToSucceeded = Stats.of(shortRuns.each(t -> t.terminal - t.lastPodDone()));
        System.out.printf("%nlatency, %d benchmarks one at a time (1 pod, 1 call of a 0 ms sleep):%n", settings.latencyCount);
        System.out.printf("  created -> first Job created   %s   target p50 <= %.0f ms: %s%n", createToJob,
                TARGET_CREATE_TO_JOB_MS, verdict(createToJob.p50() <= TARGET_CREATE_TO_JOB_MS));
        System.out.printf("  last pod done -> Succeeded     %s   target p50 <= %.0f ms: %s%n", doneToSucceeded,
                TARGET_DONE_TO_SUCCEEDED_MS, verdict(doneToSucceeded.p50() <= TARGET_DONE_TO_SUCCEEDED_MS));
        shortRuns.report();

        // 2. Requests per benchmark do not depend on how long it runs (no polling).
        Phase longRuns = sequential("bench-long", settings.longCount, settings.longSleepMs);
        double perShort = shortRuns.requestsPerBenchmark();
        double perLong = longRuns.requestsPerBenchmark();
        System.out.printf("%nrequests per benchmark vs run length: %.1f for 0 ms runs, %.1f for %d ms runs "
                        + "(ratio %.2f): %s%n", perShort, perLong, settings.longSleepMs, perLong / perShort,
                verdict(Math.abs(perLong - perShort) < 1.0));
        longRuns.report();
        summary.add(String.format(Locale.ROOT, "create->Job p50 %.0f ms (p95 %.0f, max %.0f)", createToJob.p50(),
                createToJob.p95(), createToJob.max()));
        summary.add(String.format(Locale.ROOT, "done->Succeeded p50 %.0f ms (p95 %.0f, max %.0f)",
                doneToSucceeded.p50(), doneToSucceeded.p95(), doneToSucceeded.max()));
        summary.add(String.format(Locale.ROOT, "requests/benchmark %.1f (%.1f for %.1f s runs)", perShort, perLong,
                settings.longSleepMs / 1000.0));

        // 3. One run spread over many nodes: the common start.
        if (settings.spreadCount > 0) {
            spread("bench-spread", settings.spreadPods, settings.spreadCount);
        }

        // 4. Load: all at once with the limit at 1; then a new leader takes over; then the limit at N.
        if (settings.loadCount == 0) {
            System.out.println("\nsummary: " + String.join("; ", summary) + "; load not measured (BENCH_LOAD_COUNT=0)");
            return;
        }
        load("bench-load-1", 1);
        install(Math.max(1, settings.loadLimit));
        takeover();
        if (settings.loadLimit > 1) {
            load("bench-load-" + settings.loadLimit, settings.loadLimit);
        }
        // 5. A cluster full of history: many finished benchmarks, a few queued, at the limit of one.
        if (settings.historyFinished > 0 && settings.historyQueued > 0) {
            install(1);
            history("bench-history-done", "bench-history-queue");
        }

        System.out.println("\nsummary: " + String.join("; ", summary));
    }

    // ------------------------------------------------------------------ phases

    /** Creates {@code count} benchmarks one after another, each when the previous is terminal. */
    private Phase sequential(String namespace, int count, int sleepMs) throws InterruptedException {
        createNamespace(namespace);
        Phase phase = new Phase(namespace, count);
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "b%03d", i);
            client.genericKubernetesResources(BENCHMARKS).inNamespace(namespace).resource(benchmark(name, sleepMs, 1))
                    .create();
            Track t = awaitTerminal(namespace + "/" + name, Duration.ofMinutes(2));
            if (t == null) {
                throw new IllegalStateException(namespace + "/" + name + " did not reach a terminal phase in 2 min");
            }
        }
        phase.finished();
        return phase;
    }

    /**
     * Benchmarks with {@code podCount} pods spread across distinct nodes, one after another: the real
     * scheduler places them, the operator releases their common start once all run.
     */
    private void spread(String namespace, int podCount, int count) throws InterruptedException {
        createNamespace(namespace);
        Phase phase = new Phase(namespace, count);
        List<Double> runningToReleased = new ArrayList<>();
        List<Double> annotationSpread = new ArrayList<>();
        List<Double> startAtSpread = new ArrayList<>();
        int minNodes = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "s%03d", i);
            GenericKubernetesResource cb = benchmark(name, 0, podCount);
            client.genericKubernetesResources(BENCHMARKS).inNamespace(namespace).resource(cb).create();
            Track t = awaitTerminal(namespace + "/" + name, Duration.ofMinutes(3));
            if (t == null) {
                throw new IllegalStateException(namespace + "/" + name + " did not reach a terminal phase in 3 min");
            }
            // The pods of the multi-pod run (the benchmark also runs its single-pod sequential baseline).
            List<PodTrack> mine = pods.entrySet().stream().filter(e -> e.getKey().startsWith(namespace + "/" + name + "-"))
                    .map(Map.Entry::getValue).filter(p -> p.pods == podCount).toList();
            if (mine.size() != podCount || mine.stream().anyMatch(p -> p.running < 0 || p.annotated < 0)) {
                throw new IllegalStateException(namespace + "/" + name + ": saw " + mine.size() + " pods, not all running and released");
            }
            long lastRunning = mine.stream().mapToLong(p -> p.running).max().orElseThrow();
            long firstAnnotated = mine.stream().mapToLong(p -> p.annotated).min().orElseThrow();
            long lastAnnotated = mine.stream().mapToLong(p -> p.annotated).max().orElseThrow();
            double minStart = mine.stream().mapToDouble(p -> p.startAt).min().orElseThrow();
            double maxStart = mine.stream().mapToDouble(p -> p.startAt).max().orElseThrow();
            runningToReleased.add((lastAnnotated - lastRunning) / 1e6);
            annotationSpread.add((lastAnnotated - firstAnnotated) / 1e6);
            startAtSpread.add((maxStart - minStart) * 1000);
            minNodes = Math.min(minNodes, (int) mine.stream().map(p -> p.node).distinct().count());
            if (!"Succeeded".equals(t.phase)) {
                System.out.printf("  %s ended %s%n", name, t.phase);
            }
        }
        phase.finished();
        Stats released = Stats.of(runningToReleased);
        Stats arrivals = Stats.of(annotationSpread);
        Stats startAts = Stats.of(startAtSpread);
        System.out.printf("%nspread: %d benchmarks one at a time, %d pods each with spreadAcrossNodes, on %d simulated nodes:%n",
                count, podCount, settings.nodes);
        System.out.printf("  distinct nodes per run (kube-scheduler): at least %d of %d pods: %s%n", minNodes, podCount,
                verdict(minNodes == podCount));
        System.out.printf("  last pod running -> every pod annotated with its start   %s%n", released);
        System.out.printf("  spread of the %d annotations' arrival                    %s%n", podCount, arrivals);
        System.out.printf("  spread of the %d start times (start-at values)           %s%n", podCount, startAts);
        phase.report();
        summary.add(String.format(Locale.ROOT, "%d pods over %d nodes: last running->all released p50 %.0f ms (max %.0f), "
                + "arrival spread p50 %.0f ms, start-at spread max %.0f ms", podCount, minNodes, released.p50(),
                released.max(), arrivals.p50(), startAts.max()));
    }

    private void load(String namespace, int limit) throws InterruptedException {
        createNamespace(namespace);
        Phase phase = new Phase(namespace, settings.loadCount);
        String manifests = IntStream.range(0, settings.loadCount)
                .mapToObj(i -> Cli.JSON.valueToTree(benchmark(String.format(Locale.ROOT, "b%04d", i), 0, 1)).toString())
                .collect(Collectors.joining("\n---\n"));
        Cli.Result apply = kubectlIn(manifests, "apply", "--server-side", "-n", namespace, "-f", "-");
        if (!apply.ok()) {
            throw new IllegalStateException("kubectl apply failed:\n" + apply);
        }
        long applied = System.nanoTime();
        System.out.printf("%nload: %d benchmarks applied at once (kubectl apply --server-side, %d ms), limit %d%n",
                settings.loadCount, apply.took().toMillis(), limit);
        long deadline = System.nanoTime() + settings.loadTimeout.toNanos();
        long lastPrint = System.nanoTime();
        while (phase.terminalCount() < settings.loadCount && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(60)) {
                System.out.printf("  ... %d/%d terminal after %.0f s%n", phase.terminalCount(), settings.loadCount,
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
        Stats handOff = Stats.of(phase.handOffs(limit));
        Stats handOffAfterApply = Stats.of(phase.handOffs(limit, applied));
        System.out.printf("  terminal %d/%d (Succeeded %d) in %.1f s from the apply (%.3f s per benchmark)%n",
                terminal, settings.loadCount, succeeded, seconds, seconds / settings.loadCount);
        System.out.printf("  last pod done -> Succeeded under load          %s%n", doneToSucceeded);
        System.out.printf("  a run's last pod done -> the next run's Job    %s; the slowest %.0f ms (target <= %.0f ms: %s)%n",
                handOff, handOff.max(), TARGET_HAND_OFF_MAX_MS, verdict(handOff.max() <= TARGET_HAND_OFF_MAX_MS));
        System.out.printf("  ... of the runs started after the apply returned %s; the slowest %.0f ms (while the apply "
                + "ran, %d benchmarks' first reconciles queue in front of the hand-offs)%n", handOffAfterApply,
                handOffAfterApply.max(), settings.loadCount);
        System.out.printf("  benchmarks active at once, by etcd revision (first Job created .. terminal status): "
                + "max %d, limit %d: %s%n", maxActive, limit, verdict(maxActive <= limit));
        System.out.printf("  runs executing at once, by watch events (first Job created .. last pod done): max %d%n",
                maxRunning);
        System.out.printf("  operator CPU %.1f s in the phase: %.1f ms per benchmark%n", phase.cpuSeconds,
                phase.cpuSeconds * 1000 / settings.loadCount);
        phase.report();
        summary.add(String.format(Locale.ROOT, "limit %d: %d/%d terminal in %.0f s, max active %d, "
                        + "%.1f requests/benchmark, hand-off p50 %.0f ms (slowest %.0f; after the apply %.0f), CPU %.1f ms/benchmark, "
                        + "peak RSS %.0f MB, errors %d, restarts %d",
                limit, terminal, settings.loadCount, seconds, maxActive, phase.requestsPerBenchmark(), handOff.p50(),
                handOff.max(), handOffAfterApply.max(),
                phase.cpuSeconds * 1000 / settings.loadCount, phase.peakRssMb, phase.errors, phase.restarts));
    }

    /**
     * A new leader with every benchmark so far in the cluster: the leader stops, its Lease is deleted
     * (so the new process is elected at once and start-up is what is measured), one new benchmark is
     * created, and a fresh process starts. Measured: process start -> Lease held, -> ready
     * (/q/health/ready: leader, caches synced), -> the new benchmark's Job (its first visible
     * reconcile), and RSS. Each BENCH_TAKEOVER_VARIANTS entry ("label=JVM options", ';'-separated;
     * options starting "@/path/to/java" use that JVM) is measured the same way first, with those
     * options added (JAVA_TOOL_OPTIONS); the last
     * process started is the chart's, and keeps running.
     */
    private void takeover() throws InterruptedException {
        createNamespace("bench-takeover");
        int inCluster = tracks.size();
        System.out.printf("%ntakeover: a fresh leader with %d benchmarks in the cluster%n", inCluster);
        List<String> variants = new ArrayList<>(settings.takeoverVariants);
        variants.add("chart=");
        int n = 0;
        for (String variant : variants) {
            String label = variant.contains("=") ? variant.substring(0, variant.indexOf('=')) : variant;
            String options = variant.contains("=") ? variant.substring(variant.indexOf('=') + 1) : "";
            operator.stop();
            kubectl("-n", SYSTEM_NS, "delete", "lease", LEASE, "--ignore-not-found");
            String name = String.format(Locale.ROOT, "t%03d", n++);
            client.genericKubernetesResources(BENCHMARKS).inNamespace("bench-takeover").resource(benchmark(name, 0, 1))
                    .create();
            OperatorProcess p;
            try {
                p = startOperator("leader-" + (++operatorsStarted), options);
            } catch (IllegalStateException e) {
                if (variant.equals("chart=")) {
                    throw e;
                }
                // A variant that cannot start (e.g. a heap too small for the initial lists) is a result too.
                System.out.printf("  %-28s FAILED: %s%n", label, e.getMessage());
                continue;
            }
            Track t = awaitFirstJob("bench-takeover/" + name, Duration.ofMinutes(2));
            long firstJob = t == null ? -1 : t.firstJob;
            awaitTerminal("bench-takeover/" + name, Duration.ofMinutes(2));
            TimeUnit.SECONDS.sleep(10);
            double settledRss = p.rssMb();
            double peak = rss.peakMb();
            OperatorLog log = errors(p.log);
            double live = p.liveHeapMb();
            System.out.printf("  %-28s live heap after a full GC %.0f MB;%n", label, live);
            System.out.printf("  %-28s start -> Lease %5.0f ms, -> ready %5.0f ms (%.1f CPU s; target <= %.0f ms: %s), -> first "
                            + "reconcile (a new benchmark's Job) %5.0f ms; RSS %3.0f MB 10 s after, peak %3.0f MB, high-water "
                            + "%3.0f MB (target <= %.0f MB: %s); CPU %.1f s; errors %d%n",
                    label, p.msTo(p.leader), p.msTo(p.ready), p.cpuAtReady, TARGET_START_TO_READY_MS, verdict(p.msTo(p.ready) <= TARGET_START_TO_READY_MS),
                    p.msTo(firstJob), settledRss, peak, rss.highWaterMb(), TARGET_RSS_MB,
                    verdict(Math.max(peak, rss.highWaterMb()) <= TARGET_RSS_MB), p.cpuSeconds(), log.errors);
            if (variant.equals("chart=")) {
                summary.add(String.format(Locale.ROOT, "takeover with %d benchmarks: start->ready %.0f ms, ->first "
                                + "reconcile %.0f ms, RSS %.0f MB (peak %.0f)", inCluster, p.msTo(p.ready), p.msTo(firstJob),
                        settledRss, Math.max(peak, rss.highWaterMb())));
            }
        }
    }

    /**
     * A cluster full of history: {@code historyFinished} finished benchmarks (made while no operator runs,
     * their terminal status written as the operator would have: they look like a long past, at no cost of
     * running them), a new leader that takes them over, then {@code historyQueued} benchmarks applied at
     * once at the limit of one. Measured: the admission's decisions (count and time, from the operator's
     * own timer on /q/metrics), the hand-offs (the slowest printed), the CPU per queued benchmark, and the
     * operator's CPU while idle for longer than the maximum reconciliation interval (every benchmark is
     * reconciled again that often: the cost of that net with this many).
     */
    private void history(String doneNamespace, String queueNamespace) throws InterruptedException {
        int finished = settings.historyFinished;
        int queued = settings.historyQueued;
        createNamespace(doneNamespace);
        operator.stop();
        kubectl("-n", SYSTEM_NS, "delete", "lease", LEASE, "--ignore-not-found"); // the next one leads at once
        long t0 = System.nanoTime();
        var pool = Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < finished; i++) {
                String name = String.format(Locale.ROOT, "h%05d", i);
                writes.add(pool.submit(() -> createFinished(doneNamespace, name)));
            }
            for (var w : writes) {
                w.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not make the finished benchmarks", e.getCause());
        } finally {
            pool.shutdown();
        }
        System.out.printf("%nhistory: %d finished benchmarks made (no operator running) in %.0f s; %d in the cluster%n",
                finished, (System.nanoTime() - t0) / 1e9, tracks.size());
        OperatorProcess leader = startOperator("leader-" + (++operatorsStarted), "");
        TimeUnit.SECONDS.sleep(10); // the new leader's first pass over every benchmark
        System.out.printf("  a new leader with %d benchmarks: start -> ready %.0f ms (%.1f CPU s), RSS %.0f MB 10 s after%n",
                tracks.size(), leader.msTo(leader.ready), leader.cpuAtReady, leader.rssMb());

        createNamespace(queueNamespace);
        Admissions before = Admissions.of(leader);
        Phase phase = new Phase(queueNamespace, queued);
        String manifests = IntStream.range(0, queued)
                .mapToObj(i -> Cli.JSON.valueToTree(benchmark(String.format(Locale.ROOT, "q%03d", i), 0, 1)).toString())
                .collect(Collectors.joining("\n---\n"));
        Cli.Result apply = kubectlIn(manifests, "apply", "--server-side", "-n", queueNamespace, "-f", "-");
        if (!apply.ok()) {
            throw new IllegalStateException("kubectl apply failed:\n" + apply);
        }
        long deadline = System.nanoTime() + settings.loadTimeout.toNanos();
        while (phase.terminalCount() < queued && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        phase.finished();
        Admissions decided = Admissions.of(leader).minus(before);
        Stats handOff = Stats.of(phase.handOffs(1));
        double seconds = (phase.lastTerminal() - phase.started) / 1e9;
        System.out.printf("  %d queued applied at once, limit 1: terminal %d/%d in %.1f s, max active by etcd revision %d%n",
                queued, phase.terminalCount(), queued, seconds, phase.maxActiveByRevision());
        System.out.printf("  admission decisions %d, %.1f µs each on average (the operator's timer; %.3f s in all)%n",
                decided.count, decided.meanMicros(), decided.seconds);
        System.out.printf("  a run's last pod done -> the next run's Job    %s; the slowest %.0f ms%n", handOff, handOff.max());
        System.out.printf("  operator CPU %.1f s in the phase: %.1f ms per queued benchmark%n", phase.cpuSeconds,
                phase.cpuSeconds * 1000 / queued);
        phase.report();

        double cpu = leader.cpuSeconds();
        long idleFrom = System.nanoTime();
        TimeUnit.SECONDS.sleep(settings.historyIdleSeconds);
        double idleCpu = leader.cpuSeconds() - cpu;
        double idleMinutes = (System.nanoTime() - idleFrom) / 60e9;
        System.out.printf("  idle %.1f min with %d benchmarks (longer than the 3 min maximum reconciliation interval): "
                + "operator CPU %.1f s, %.2f s per minute%n", idleMinutes, tracks.size(), idleCpu, idleCpu / idleMinutes);
        summary.add(String.format(Locale.ROOT, "%d finished + %d queued: admission %.1f µs/decision (%d), hand-off p50 %.0f ms "
                        + "(slowest %.0f), CPU %.1f ms/benchmark, idle CPU %.2f s/min",
                finished, queued, decided.meanMicros(), decided.count, handOff.p50(), handOff.max(),
                phase.cpuSeconds * 1000 / queued, idleCpu / idleMinutes));
    }

    /** A benchmark that looks as if it had run long ago: created, then its terminal status as the operator writes it. */
    private void createFinished(String namespace, String name) {
        GenericKubernetesResource cb = benchmark(name, 0, 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) cb.getAdditionalProperties().get("spec");
        spec.put("runtime", "java"); // no kernel ConfigMap to keep for it
        GenericKubernetesResource created = client.genericKubernetesResources(BENCHMARKS).inNamespace(namespace)
                .resource(cb).create();
        String at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", "Succeeded");
        status.put("observedGeneration", 1);
        status.put("conditions", List.of(
                condition("Valid", "True", "SpecValid", "the spec is valid", at),
                condition("Admitted", "True", "SlotAvailable", "admitted: runs may start", at),
                condition("Progressing", "False", "Completed", "all runs finished", at),
                condition("Complete", "True", "AllRunsSucceeded", "all 1 run(s) succeeded", at),
                condition("Failed", "False", "NoFailure", "no run failed", at)));
        status.put("startTime", at);
        status.put("completionTime", at);
        created.setAdditionalProperty("status", status);
        client.genericKubernetesResources(BENCHMARKS).inNamespace(namespace).resource(created).updateStatus();
    }

    private static Map<String, Object> condition(String type, String status, String reason, String message, String at) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("lastTransitionTime", at);
        c.put("message", message);
        c.put("observedGeneration", 1);
        c.put("reason", reason);
        c.put("status", status);
        c.put("type", type);
        return c;
    }

    /** The operator's admission timer (concbench_admission_decision_seconds) from its /q/metrics. */
    record Admissions(long count, double seconds) {
        static Admissions of(OperatorProcess p) {
            long count = 0;
            double seconds = 0;
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + p.port + "/q/metrics")
                        .toURL().openConnection();
                try (var in = new BufferedReader(new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("concbench_admission_decision_seconds_count")) {
                            count = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                        } else if (line.startsWith("concbench_admission_decision_seconds_sum")) {
                            seconds = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Admissions(count, seconds);
        }

        Admissions minus(Admissions before) {
            return new Admissions(count - before.count, seconds - before.seconds);
        }

        double meanMicros() {
            return count == 0 ? Double.NaN : seconds * 1e6 / count;
        }
    }

    /** One phase: its namespace, its benchmarks, its window. */
    final class Phase {
        final String namespace;
        final int count;
        final long started = System.nanoTime();
        final String startedAt = Instant.now().toString();
        final OperatorProcess process = operator;
        final double cpuAtStart = operator.cpuSeconds();
        String endedAt;
        Map<String, Long> requestsByKind = Map.of();
        long requests;
        long otherRequests;
        double peakRssMb;
        double endRssMb;
        double cpuSeconds;
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

        /** For every run but the first {@code limit}: its Job's arrival minus the latest last-pod-done before it. */
        List<Double> handOffs(int limit) {
            return handOffs(limit, Long.MIN_VALUE);
        }

        /** The same, for the runs whose Job came after {@code after} (System.nanoTime()). */
        List<Double> handOffs(int limit, long after) {
            List<Track> started = tracks().stream().filter(t -> t.firstJob > 0).sorted((a, b) -> Long.compare(a.firstJob,
                    b.firstJob)).toList();
            List<Long> done = tracks().stream().map(Track::lastPodDone).filter(d -> d > 0).sorted().toList();
            List<Double> ms = new ArrayList<>();
            for (Track t : started.subList(Math.min(limit, started.size()), started.size())) {
                if (t.firstJob <= after) {
                    continue;
                }
                long freed = -1;
                for (long d : done) {
                    if (d <= t.firstJob) {
                        freed = d;
                    } else {
                        break;
                    }
                }
                if (freed > 0) {
                    ms.add((t.firstJob - freed) / 1e6);
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
            endedAt = Instant.now().toString();
            peakRssMb = rss.peakMb();
            endRssMb = operator.rssMb();
            cpuSeconds = operator.cpuSeconds() - cpuAtStart;
            countRequests(this);
            OperatorLog log = errors(operator.log);
            errors = log.errors;
            errorLines = log.firstErrors;
            restarts = process == operator && process.alive() ? 0 : 1;
        }

        double requestsPerBenchmark() {
            return (double) requests / count;
        }

        void report() {
            System.out.printf("  operator API requests in %s: %d (%.1f per benchmark): %s%n", namespace, requests,
                    requestsPerBenchmark(), requestsByKind);
            System.out.printf("  operator requests elsewhere during the phase (Lease, cluster-wide watches): %d%n",
                    otherRequests);
            System.out.printf("  operator RSS: peak %.0f MB in the phase, %.0f MB at its end with %d benchmarks in the "
                            + "cluster (process high-water mark %.0f MB), target <= %.0f MB: %s%n", peakRssMb, endRssMb,
                    tracks.size(), rss.highWaterMb(), TARGET_RSS_MB,
                    verdict(Math.max(peakRssMb, rss.highWaterMb()) <= TARGET_RSS_MB));
            System.out.printf("  operator log ERROR lines so far: %d%s; restarts: %d: %s%n", errors,
                    errorLines.isEmpty() ? "" : " " + errorLines, restarts, verdict(errors == 0 && restarts == 0));
        }
    }

    // ------------------------------------------------------------------ simulated nodes and pods

    /** Nodes for KWOK to manage (its annotation), with room for many pods. */
    private void createNodes(int count) throws InterruptedException {
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
    private void simulate(Pod pod) {
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase()) || completing.contains(key)) {
            return;
        }
        KernelArgs args = KernelArgs.of(pod);
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String startAt = annotations == null ? null : annotations.get(ANNOTATION_START_AT);
        if (args.startGate && startAt == null) {
            return; // waits for the common start, as the kernel does
        }
        if (!completing.add(key)) {
            return;
        }
        double start = startAt == null ? System.currentTimeMillis() / 1000.0
                : Math.max(System.currentTimeMillis() / 1000.0, Double.parseDouble(startAt));
        long runMs = "io".equals(args.workload) ? args.size : 0;
        long delayMs = Math.max(0, Math.round(start * 1000) - System.currentTimeMillis()) + runMs;
        kubelet.schedule(() -> complete(pod, args, start, start + runMs / 1000.0), delayMs, TimeUnit.MILLISECONDS);
    }

    private void complete(Pod pod, KernelArgs args, double start, double end) {
        ObjectNode container = Cli.JSON.createObjectNode();
        container.put("name", pod.getSpec().getContainers().get(0).getName());
        container.put("image", pod.getSpec().getContainers().get(0).getImage());
        container.put("imageID", pod.getSpec().getContainers().get(0).getImage());
        container.put("ready", false).put("started", false).put("restartCount", 0);
        ObjectNode terminated = container.putObject("state").putObject("terminated");
        terminated.put("exitCode", 0).put("reason", "Completed")
                .put("message", args.result(pod, start, end))
                .put("startedAt", Instant.ofEpochMilli(Math.round(start * 1000)).toString())
                .put("finishedAt", Instant.ofEpochMilli(Math.round(end * 1000)).toString());
        ObjectNode patch = Cli.JSON.createObjectNode();
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
    record KernelArgs(String runtime, String workload, long size, int tasks, List<String> strategies, int workers,
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
            return new KernelArgs(python ? "python" : "java", opt.get("--workload"), Long.parseLong(opt.get("--size")),
                    Integer.parseInt(opt.get("--tasks")), List.of(opt.get("--strategies").split(",")),
                    Integer.parseInt(opt.getOrDefault("--workers", "1")), Integer.parseInt(opt.get("--repetitions")),
                    Integer.parseInt(opt.getOrDefault("--warmup", "0")), index == null ? 0 : Integer.parseInt(index),
                    count, opt.containsKey("--start-gate"));
        }

        /** The checksum of kernel/CONTRACT.md for this shard's task indices (kernel/contract/checksums.json). */
        String checksum() {
            BigInteger indexSum = BigInteger.ZERO;
            long calls = 0;
            for (long t = shardIndex; t < tasks; t += shardCount) {
                indexSum = indexSum.add(BigInteger.valueOf(t));
                calls++;
            }
            if ("io".equals(workload) || "race".equals(workload)) {
                return indexSum.mod(MOD).toString();
            }
            if ("hash".equals(workload)) {
                return hashDigest(size).multiply(BigInteger.valueOf(calls)).add(indexSum).mod(MOD).toString();
            }
            BigInteger n = BigInteger.valueOf(size);
            BigInteger triangle = n.multiply(n.add(BigInteger.ONE)).shiftRight(1);
            return triangle.pow(2).multiply(BigInteger.valueOf(calls)).add(indexSum).mod(MOD).toString();
        }

        /** hash: the first 8 bytes of the SHA-256 of the bytes 0..255 repeated to kib KiB. */
        private static BigInteger hashDigest(long kib) {
            byte[] buffer = new byte[(int) kib * 1024];
            for (int i = 0; i < buffer.length; i++) {
                buffer[i] = (byte) i;
            }
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(buffer);
                return new BigInteger(1, java.util.Arrays.copyOf(digest, 8));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A well-formed result document (format 1) with synthetic times. */
        String result(Pod pod, double start, double end) {
            ObjectNode r = RESULTS.createObjectNode();
            r.put("format", 1).put("runtime", runtime).put("runtimeVersion", "synthetic")
                    .put("cpus", 2).put("cpuSource", "affinity").putNull("cpuQuota")
                    .put("node", pod.getSpec().getNodeName()).put("pod", pod.getMetadata().getName())
                    .put("shard", shardIndex + "/" + shardCount)
                    .put("tasks", (int) ((tasks - shardIndex + shardCount - 1) / shardCount)).put("workload", workload)
                    .put("size", size).put("workers", Math.max(1, workers)).put("repetitions", repetitions)
                    .put("warmup", warmup).put("checksum", checksum()).put("start", start).put("end", end)
                    .put("implementation", "synthetic (bench/operator: no kernel ran)").putNull("implementationVersion")
                    .putNull("freeThreaded").putNull("gil").putNull("jit").putNull("startMethod");
            r.putObject("skipped");
            ObjectNode times = r.putObject("times");
            double seconds = Math.max(0, end - start);
            for (String s : strategies) {
                ArrayNode list = times.putArray(s);
                for (int i = 0; i < repetitions; i++) {
                    list.add(seconds);
                }
            }
            return r.toString();
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
                    PodTrack p = pods.computeIfAbsent(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
                            k -> new PodTrack());
                    p.node = pod.getSpec().getNodeName();
                    p.pods = KernelArgs.of(pod).shardCount;
                    if (p.running < 0 && "Running".equals(phase)) {
                        p.running = now;
                    }
                    String startAt = pod.getMetadata().getAnnotations() == null ? null
                            : pod.getMetadata().getAnnotations().get(ANNOTATION_START_AT);
                    if (p.annotated < 0 && startAt != null) {
                        p.startAt = Double.parseDouble(startAt);
                        p.annotated = now;
                    }
                    simulate(pod);
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
        return await(key, timeout, t -> t.terminal > 0);
    }

    private Track awaitFirstJob(String key, Duration timeout) throws InterruptedException {
        return await(key, timeout, t -> t.firstJob > 0);
    }

    private Track await(String key, Duration timeout, java.util.function.Predicate<Track> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Track t = tracks.get(key);
            if (t != null && done.test(t)) {
                return t;
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        return null;
    }

    // ------------------------------------------------------------------ the operator

    /** The chart with 0 replicas: its CRD, RBAC, ServiceAccount and the Deployment whose environment the process gets. */
    private void install(int limit) {
        boolean installed = helm("status", RELEASE, "-n", SYSTEM_NS).ok();
        Cli.Result r = helm(installed ? "upgrade" : "install", RELEASE, Cli.REPO.resolve("charts/concbench-operator")
                        .toString(), "-n", SYSTEM_NS, "--create-namespace",
                "--set", "replicaCount=0",
                "--set", "kernel.pythonImage=python:3.11-slim",
                "--set", "maxConcurrentBenchmarks=" + limit,
                "--set-json", "extraEnv=" + javaOptions(),
                "--wait", "--timeout", "3m");
        if (!r.ok()) {
            throw new IllegalStateException("helm failed:\n" + r);
        }
        System.out.printf("%noperator: helm %s with maxConcurrentBenchmarks=%d (replicaCount=0: the operator runs as a "
                + "local process)%n", installed ? "upgrade" : "install", limit);
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

    /**
     * Starts the operator as the Deployment's pod would run: its container's env (downward-API
     * fields filled in), the image's ENV and ENTRYPOINT from the Dockerfile, the ServiceAccount's
     * token; {@code extraOptions} are added to JAVA_TOOL_OPTIONS. Waits until it leads and is ready.
     */
    private OperatorProcess startOperator(String identity, String extraOptions) throws InterruptedException {
        JsonNode deployment = Cli.json("-n", SYSTEM_NS, "get", "deployment", RELEASE, "-o", "json");
        JsonNode podSpec = deployment.path("spec").path("template").path("spec");
        JsonNode container = podSpec.path("containers").get(0);
        Path app = Cli.STATE.resolve("artifacts/operator/target/quarkus-app");
        Dockerfile image = Dockerfile.read(Cli.REPO.resolve("operator/src/main/docker/Dockerfile.jvm"), app);

        Map<String, String> env = new LinkedHashMap<>();
        for (String keep : List.of("PATH", "LANG", "JAVA_HOME", "TZ")) {
            if (System.getenv(keep) != null) {
                env.put(keep, System.getenv(keep));
            }
        }
        env.putAll(image.env);
        for (JsonNode e : container.path("env")) {
            String field = e.path("valueFrom").path("fieldRef").path("fieldPath").asText("");
            env.put(e.path("name").asText(), switch (field) {
                case "metadata.name" -> identity;
                case "metadata.namespace" -> SYSTEM_NS;
                case "" -> e.path("value").asText();
                default -> throw new IllegalStateException("no value for " + field + " outside a pod");
            });
        }
        int port = freePort();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("HOSTNAME", identity);
        // Only the ServiceAccount: a token of the TokenRequest API, never this machine's kubeconfig.
        String account = podSpec.path("serviceAccountName").asText();
        Cli.Result token = kubectl("-n", SYSTEM_NS, "create", "token", account, "--duration", "24h");
        if (!token.ok()) {
            throw new IllegalStateException("kubectl create token failed: " + token);
        }
        env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", client.getConfiguration().getMasterUrl());
        env.put("QUARKUS_KUBERNETES_CLIENT_TOKEN", token.out().trim());
        env.put("QUARKUS_KUBERNETES_CLIENT_CA_CERT_FILE", caFile().toString());
        env.put("QUARKUS_KUBERNETES_CLIENT_NAMESPACE", SYSTEM_NS);
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("KUBECONFIG", "/nonexistent/kubeconfig");

        // "@/path/to/java more options": another JVM for this process (a takeover variant).
        String java = Objects.toString(System.getenv("BENCH_OPERATOR_JAVA"), image.entrypoint.get(0));
        if (extraOptions.startsWith("@")) {
            int space = extraOptions.indexOf(' ');
            java = space < 0 ? extraOptions.substring(1) : extraOptions.substring(1, space);
            extraOptions = space < 0 ? "" : extraOptions.substring(space + 1).trim();
        }
        if (!extraOptions.isBlank()) {
            env.merge("JAVA_TOOL_OPTIONS", extraOptions, (a, b) -> a + " " + b);
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        String memoryLimit = container.path("resources").path("limits").path("memory").asText("");
        if (!memoryLimit.isEmpty()) {
            // What the container's memory limit tells a JVM; a local process has no cgroup for it.
            command.add("-XX:MaxRAM=" + new Quantity(memoryLimit).getNumericalAmount().longValue());
        }
        command.addAll(image.entrypoint.subList(1, image.entrypoint.size()));
        Path log = Cli.STATE.resolve("operator-" + identity + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        OperatorProcess p;
        try {
            p = new OperatorProcess(identity, pb.start(), System.nanoTime(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rss.watch(p.pid());
        try {
            p.awaitLeaderAndReady(client);
        } catch (IllegalStateException e) {
            p.process.destroyForcibly();
            throw e;
        }
        operator = p;
        System.out.printf("operator: process %d (%s), %s%s; leader after %.0f ms, ready after %.0f ms (%.1f CPU s); log %s%n",
                p.pid(), identity, String.join(" ", command), extraOptions.isBlank() ? "" : " + JAVA_TOOL_OPTIONS "
                        + extraOptions, p.msTo(p.leader), p.msTo(p.ready), p.cpuAtReady, log);
        return p;
    }

    /** The cluster CA of this machine's kubeconfig, as a file the operator can read. */
    private Path caFile() {
        String file = client.getConfiguration().getCaCertFile();
        if (file != null && !file.isBlank()) {
            return Path.of(file);
        }
        Path ca = Cli.STATE.resolve("operator-ca.crt");
        try {
            Files.write(ca, java.util.Base64.getDecoder().decode(client.getConfiguration().getCaCertData()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ca;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ENV and ENTRYPOINT of the operator image's Dockerfile, /deployments/ mapped to the local build output. */
    record Dockerfile(Map<String, String> env, List<String> entrypoint) {
        static Dockerfile read(Path file, Path app) {
            Map<String, String> env = new LinkedHashMap<>();
            List<String> entrypoint = null;
            try {
                for (String line : Files.readAllLines(file)) {
                    String l = line.strip();
                    if (l.startsWith("ENV ")) {
                        for (String kv : l.substring(4).trim().split("\\s+")) {
                            int eq = kv.indexOf('=');
                            env.put(kv.substring(0, eq), kv.substring(eq + 1).replace("\"", ""));
                        }
                    } else if (l.startsWith("ENTRYPOINT ")) {
                        entrypoint = new ArrayList<>();
                        for (JsonNode w : Cli.JSON.readTree(l.substring("ENTRYPOINT ".length()))) {
                            entrypoint.add(w.asText().replace("/deployments/", app + "/"));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (entrypoint == null) {
                throw new IllegalStateException("no ENTRYPOINT in " + file);
            }
            env.replaceAll((k, v) -> v.replace("/deployments/", app + "/"));
            return new Dockerfile(env, entrypoint);
        }
    }

    /** One operator JVM: its start, the moments it led and got ready, its /proc figures. */
    static final class OperatorProcess {
        final String identity;
        final Process process;
        final long started;
        final int port;
        final Path log;
        volatile long leader = -1;
        volatile long ready = -1;
        /** CPU seconds the process had used when it got ready: start-up cost less blurred by a busy machine. */
        volatile double cpuAtReady = Double.NaN;

        OperatorProcess(String identity, Process process, long started, int port, Path log) {
            this.identity = identity;
            this.process = process;
            this.started = started;
            this.port = port;
            this.log = log;
        }

        long pid() {
            return process.pid();
        }

        boolean alive() {
            return process.isAlive();
        }

        double msTo(long at) {
            return at < 0 ? Double.NaN : (at - started) / 1e6;
        }

        /** Polls the Lease and /q/health/ready (every 5 ms) until both say so. */
        void awaitLeaderAndReady(KubernetesClient client) throws InterruptedException {
            long deadline = started + TimeUnit.MINUTES.toNanos(2);
            while (leader < 0 || ready < 0) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the operator exited (" + process.exitValue() + "); log " + log);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the operator " + identity + " did not lead and get ready in 2 min; log " + log);
                }
                if (leader < 0) {
                    var lease = client.leases().inNamespace(SYSTEM_NS).withName(LEASE).get();
                    if (lease != null && identity.equals(lease.getSpec().getHolderIdentity())) {
                        leader = System.nanoTime();
                    }
                }
                if (ready < 0 && healthReady()) {
                    ready = System.nanoTime();
                    cpuAtReady = cpuSeconds();
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }

        private boolean healthReady() {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/q/health/ready")
                        .toURL().openConnection();
                c.setConnectTimeout(200);
                c.setReadTimeout(500);
                int code = c.getResponseCode();
                c.disconnect();
                return code == 200;
            } catch (IOException e) {
                return false;
            }
        }

        /** Heap used after a full GC (jcmd of the process's own JDK): what the caches really hold. Run after the RSS figures. */
        double liveHeapMb() {
            try {
                Path jcmd = Path.of("/proc", Long.toString(pid()), "exe").toRealPath().resolveSibling("jcmd");
                Cli.run(null, List.of(jcmd.toString(), Long.toString(pid()), "GC.run"));
                Cli.Result info = Cli.run(null, List.of(jcmd.toString(), Long.toString(pid()), "GC.heap_info"));
                long usedKb = 0;
                // up to the metaspace line: the serial and G1 collectors' generations ("total ..., used NK"),
                // or Shenandoah's one heap line ("... committed, NK used")
                var generation = java.util.regex.Pattern.compile("total .*used (\\d+)K");
                var shenandoah = java.util.regex.Pattern.compile("committed, (\\d+)([KMG]) used");
                for (String line : info.out().lines().takeWhile(l -> !l.strip().startsWith("Metaspace")).toList()) {
                    var g = generation.matcher(line);
                    var s = shenandoah.matcher(line);
                    if (g.find()) {
                        usedKb += Long.parseLong(g.group(1));
                    } else if (s.find()) {
                        usedKb += Long.parseLong(s.group(1)) << ("KMG".indexOf(s.group(2)) * 10);
                    }
                }
                return usedKb / 1024.0;
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        double rssMb() {
            return procStatusKb("VmRSS:") / 1024.0;
        }

        private long procStatusKb(String key) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                    if (line.startsWith(key)) {
                        return Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException e) {
                // gone
            }
            return 0;
        }

        /** utime + stime from /proc/PID/stat (clock ticks of 1/100 s). */
        double cpuSeconds() {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
            } catch (IOException e) {
                return Double.NaN;
            }
        }

        /**
         * SIGTERM, as the kubelet stops a pod; SIGKILL after 90 s (longer than the chart's grace
         * period: a JDK 25 training run writes its AOT cache at exit).
         */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    record OperatorLog(long errors, List<String> firstErrors) {
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
    private void countRequests(Phase phase) {
        String account = Cli.json("-n", SYSTEM_NS, "get", "deployment", RELEASE, "-o", "json")
                .path("spec").path("template").path("spec").path("serviceAccountName").asText();
        String user = "system:serviceaccount:" + SYSTEM_NS + ":" + account;
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

    /**
     * The tiniest benchmark: {@code pods} pods (spread across nodes when more than one), one call of a
     * {@code sleepMs} sleep per pod, one repetition, no warmup.
     */
    static GenericKubernetesResource benchmark(String name, int sleepMs, int pods) {
        GenericKubernetesResource cb = new GenericKubernetesResource();
        cb.setApiVersion("concbench.dev/v1alpha1");
        cb.setKind("ConcurrencyBenchmark");
        cb.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        Map<String, Object> spec = new LinkedHashMap<>(Map.of(
                "runtime", "python",
                "workload", Map.of("type", "io", "size", sleepMs, "tasks", pods),
                "strategies", List.of("sequential"),
                "pods", pods,
                "repetitions", 1,
                "warmup", 0));
        if (pods > 1) {
            spec.put("placement", Map.of("spreadAcrossNodes", true));
        }
        cb.setAdditionalProperty("spec", spec);
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

    void close() throws InterruptedException {
        rss.stop();
        informers.forEach(SharedIndexInformer::close);
        kubelet.shutdownNow();
        if (operator != null) {
            operator.stop();
        }
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
