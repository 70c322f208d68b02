package dev.concbench.e2e;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.e2e.BenchReport.Stats;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.concbench.e2e.BenchReport.TARGET_CREATE_TO_JOB_MS;
import static dev.concbench.e2e.BenchReport.TARGET_DONE_TO_SUCCEEDED_MS;
import static dev.concbench.e2e.BenchReport.TARGET_HAND_OFF_MAX_MS;
import static dev.concbench.e2e.BenchReport.TARGET_RSS_MB;
import static dev.concbench.e2e.BenchReport.TARGET_START_TO_READY_MS;
import static dev.concbench.e2e.BenchReport.memTotal;
import static dev.concbench.e2e.BenchReport.verdict;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.Commands.kubectlIn;


/**
 * {@code make bench-operator}: the operator's latency, load, scale and memory on the local
 * control plane, with nodes simulated by KWOK (bench/operator starts the control plane, kwok and
 * the real kube-scheduler, then runs this). A benchmark, not a test: it prints figures and
 * compares them with the targets of docs/benchmarks.md; it fails only when it cannot measure.
 *
 * <p>The scenarios are this class's; the nodes and their kubelets' last part are {@link SimulatedKubelet},
 * the watches {@link ClusterTracker}, the operator's JVM {@link OperatorProcess}, a scenario's figures
 * {@link Scenario}, the targets and percentiles {@link BenchReport}.
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
    static final String LEASE = "concbench-operator-lease";
    static final ResourceDefinitionContext BENCHMARKS =
            ResourceDefinitionContext.fromResourceType(ConcurrencyBenchmark.class);

    private final KubernetesClient client;
    private final SimulatedKubelet kubelet;
    private final ClusterTracker tracker;
    private final OperatorProcess.RssSampler rss = new OperatorProcess.RssSampler();
    private final BenchReport report = new BenchReport();
    private final Settings settings;
    private OperatorProcess operator;
    private int operatorsStarted;


    /** The sizes of the run, from the environment (the figures by default; BENCH_QUICK=1 for a smaller run). */
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

    OperatorBench(Settings settings) {
        this.client = new KubernetesClientBuilder().build();
        this.kubelet = new SimulatedKubelet(client);
        this.tracker = new ClusterTracker(client, kubelet::simulate);
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
        kubelet.createNodes(settings.nodes);
        OperatorProcess.installChart(1);
        tracker.start();
        startOperator("leader-" + (++operatorsStarted), "");

        // 1. Latency: one benchmark at a time.
        Scenario shortRuns = sequential("bench-latency", settings.latencyCount, 0);
        Stats createToJob = Stats.of(shortRuns.each(t -> t.firstJob - t.created));
        Stats doneToSucceeded = Stats.of(shortRuns.each(t -> t.terminal - t.lastPodDone()));
        System.out.printf("%nlatency, %d benchmarks one at a time (1 pod, 1 call of a 0 ms sleep):%n", settings.latencyCount);
        System.out.printf("  created -> first Job created   %s   target p50 <= %.0f ms: %s%n", createToJob,
                TARGET_CREATE_TO_JOB_MS, verdict(createToJob.p50() <= TARGET_CREATE_TO_JOB_MS));
        System.out.printf("  last pod done -> Succeeded     %s   target p50 <= %.0f ms: %s%n", doneToSucceeded,
                TARGET_DONE_TO_SUCCEEDED_MS, verdict(doneToSucceeded.p50() <= TARGET_DONE_TO_SUCCEEDED_MS));
        shortRuns.report();

        // 2. Requests per benchmark do not depend on how long it runs (no polling).
        Scenario longRuns = sequential("bench-long", settings.longCount, settings.longSleepMs);
        double perShort = shortRuns.requestsPerBenchmark();
        double perLong = longRuns.requestsPerBenchmark();
        System.out.printf("%nrequests per benchmark vs run length: %.1f for 0 ms runs, %.1f for %d ms runs "
                        + "(ratio %.2f): %s%n", perShort, perLong, settings.longSleepMs, perLong / perShort,
                verdict(Math.abs(perLong - perShort) < 1.0));
        longRuns.report();
        report.summarize("create->Job p50 %.0f ms (p95 %.0f, max %.0f)", createToJob.p50(),
                createToJob.p95(), createToJob.max());
        report.summarize("done->Succeeded p50 %.0f ms (p95 %.0f, max %.0f)",
                doneToSucceeded.p50(), doneToSucceeded.p95(), doneToSucceeded.max());
        report.summarize("requests/benchmark %.1f (%.1f for %.1f s runs)", perShort, perLong,
                settings.longSleepMs / 1000.0);

        // 3. One run spread over many nodes: the common start.
        if (settings.spreadCount > 0) {
            spread("bench-spread", settings.spreadPods, settings.spreadCount);
        }

        // 4. Load: all at once with the limit at 1; then a new leader takes over; then the limit at N.
        if (settings.loadCount == 0) {
            System.out.println("\n" + report.summaryLine("load not measured (BENCH_LOAD_COUNT=0)"));
            return;
        }
        load("bench-load-1", 1);
        OperatorProcess.installChart(Math.max(1, settings.loadLimit));
        takeover();
        if (settings.loadLimit > 1) {
            load("bench-load-" + settings.loadLimit, settings.loadLimit);
        }
        // 5. A cluster full of history: many finished benchmarks, a few queued, at the limit of one.
        if (settings.historyFinished > 0 && settings.historyQueued > 0) {
            OperatorProcess.installChart(1);
            history("bench-history-done", "bench-history-queue");
        }

        System.out.println("\n" + report.summaryLine());
    }

    // ------------------------------------------------------------------ phases

    /** Creates {@code count} benchmarks one after another, each when the previous is terminal. */
    private Scenario sequential(String namespace, int count, int sleepMs) throws InterruptedException {
        createNamespace(namespace);
        Scenario scenario = scenario(namespace, count);
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "b%03d", i);
            client.genericKubernetesResources(BENCHMARKS).inNamespace(namespace)
                    .resource(TinyBenchmarks.benchmark(name, sleepMs, 1)).create();
            ClusterTracker.Track t = tracker.awaitTerminal(namespace + "/" + name, Duration.ofMinutes(2));
            if (t == null) {
                throw new IllegalStateException(namespace + "/" + name + " did not reach a terminal phase in 2 min");
            }
        }
        scenario.finished();
        return scenario;
    }

    /**
     * Benchmarks with {@code podCount} pods spread across distinct nodes, one after another: the real
     * scheduler places them, the operator releases their common start once all run.
     */
    private void spread(String namespace, int podCount, int count) throws InterruptedException {
        createNamespace(namespace);
        Scenario scenario = scenario(namespace, count);
        List<Double> runningToReleased = new ArrayList<>();
        List<Double> annotationSpread = new ArrayList<>();
        List<Double> startAtSpread = new ArrayList<>();
        int minNodes = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "s%03d", i);
            GenericKubernetesResource cb = TinyBenchmarks.benchmark(name, 0, podCount);
            client.genericKubernetesResources(BENCHMARKS).inNamespace(namespace).resource(cb).create();
            ClusterTracker.Track t = tracker.awaitTerminal(namespace + "/" + name, Duration.ofMinutes(3));
            if (t == null) {
                throw new IllegalStateException(namespace + "/" + name + " did not reach a terminal phase in 3 min");
            }
            // The pods of the multi-pod run (the benchmark also runs its single-pod sequential baseline).
            List<ClusterTracker.PodTrack> mine = tracker.podsStartingWith(namespace + "/" + name + "-").stream()
                    .filter(p -> p.pods == podCount).toList();
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
        scenario.finished();
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
        scenario.report();
        report.summarize("%d pods over %d nodes: last running->all released p50 %.0f ms (max %.0f), "
                + "arrival spread p50 %.0f ms, start-at spread max %.0f ms", podCount, minNodes, released.p50(),
                released.max(), arrivals.p50(), startAts.max());
    }

    private void load(String namespace, int limit) throws InterruptedException {
        createNamespace(namespace);
        Scenario scenario = scenario(namespace, settings.loadCount);
        String manifests = IntStream.range(0, settings.loadCount)
                .mapToObj(i -> Commands.JSON.valueToTree(TinyBenchmarks.benchmark(String.format(Locale.ROOT, "b%04d", i), 0, 1)).toString())
                .collect(Collectors.joining("\n---\n"));
        CommandResult apply = kubectlIn(manifests, "apply", "--server-side", "-n", namespace, "-f", "-");
        if (!apply.ok()) {
            throw new IllegalStateException("kubectl apply failed:\n" + apply);
        }
        long applied = System.nanoTime();
        System.out.printf("%nload: %d benchmarks applied at once (kubectl apply --server-side, %d ms), limit %d%n",
                settings.loadCount, apply.took().toMillis(), limit);
        long deadline = System.nanoTime() + settings.loadTimeout.toNanos();
        long lastPrint = System.nanoTime();
        while (scenario.terminalCount() < settings.loadCount && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(60)) {
                System.out.printf("  ... %d/%d terminal after %.0f s%n", scenario.terminalCount(), settings.loadCount,
                        (System.nanoTime() - scenario.started) / 1e9);
                lastPrint = System.nanoTime();
            }
        }
        scenario.finished();
        int terminal = scenario.terminalCount();
        long succeeded = scenario.tracks().stream().filter(t -> "Succeeded".equals(t.phase)).count();
        double seconds = (scenario.lastTerminal() - scenario.started) / 1e9;
        int maxActive = scenario.maxActiveByRevision();
        int maxRunning = scenario.maxRunningByWatch();
        Stats doneToSucceeded = Stats.of(scenario.each(t -> t.terminal - t.lastPodDone()));
        Stats handOff = Stats.of(scenario.handOffs(limit));
        Stats handOffAfterApply = Stats.of(scenario.handOffs(limit, applied));
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
        System.out.printf("  operator CPU %.1f s in the phase: %.1f ms per benchmark%n", scenario.cpuSeconds,
                scenario.cpuSeconds * 1000 / settings.loadCount);
        scenario.report();
        report.summarize("limit %d: %d/%d terminal in %.0f s, max active %d, "
                        + "%.1f requests/benchmark, hand-off p50 %.0f ms (slowest %.0f; after the apply %.0f), CPU %.1f ms/benchmark, "
                        + "peak RSS %.0f MB, errors %d, restarts %d",
                limit, terminal, settings.loadCount, seconds, maxActive, scenario.requestsPerBenchmark(), handOff.p50(),
                handOff.max(), handOffAfterApply.max(),
                scenario.cpuSeconds * 1000 / settings.loadCount, scenario.peakRssMb, scenario.errors, scenario.restarts);
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
        int inCluster = tracker.tracks().size();
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
            client.genericKubernetesResources(BENCHMARKS).inNamespace("bench-takeover").resource(TinyBenchmarks.benchmark(name, 0, 1))
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
            ClusterTracker.Track t = tracker.awaitFirstJob("bench-takeover/" + name, Duration.ofMinutes(2));
            long firstJob = t == null ? -1 : t.firstJob;
            tracker.awaitTerminal("bench-takeover/" + name, Duration.ofMinutes(2));
            TimeUnit.SECONDS.sleep(10);
            double settledRss = p.rssMb();
            double peak = rss.peakMb();
            OperatorProcess.OperatorLog log = p.logErrors();
            double live = p.liveHeapMb();
            System.out.printf("  %-28s live heap after a full GC %.0f MB;%n", label, live);
            System.out.printf("  %-28s start -> Lease %5.0f ms, -> ready %5.0f ms (%.1f CPU s; target <= %.0f ms: %s), -> first "
                            + "reconcile (a new benchmark's Job) %5.0f ms; RSS %3.0f MB 10 s after, peak %3.0f MB, high-water "
                            + "%3.0f MB (target <= %.0f MB: %s); CPU %.1f s; errors %d%n",
                    label, p.msTo(p.leader), p.msTo(p.ready), p.cpuAtReady, TARGET_START_TO_READY_MS, verdict(p.msTo(p.ready) <= TARGET_START_TO_READY_MS),
                    p.msTo(firstJob), settledRss, peak, rss.highWaterMb(), TARGET_RSS_MB,
                    verdict(Math.max(peak, rss.highWaterMb()) <= TARGET_RSS_MB), p.cpuSeconds(), log.errors());
            if (variant.equals("chart=")) {
                report.summarize("takeover with %d benchmarks: start->ready %.0f ms, ->first "
                                + "reconcile %.0f ms, RSS %.0f MB (peak %.0f)", inCluster, p.msTo(p.ready), p.msTo(firstJob),
                        settledRss, Math.max(peak, rss.highWaterMb()));
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
                writes.add(pool.submit(() -> TinyBenchmarks.createFinished(client, doneNamespace, name)));
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
                finished, (System.nanoTime() - t0) / 1e9, tracker.tracks().size());
        OperatorProcess leader = startOperator("leader-" + (++operatorsStarted), "");
        TimeUnit.SECONDS.sleep(10); // the new leader's first pass over every benchmark
        System.out.printf("  a new leader with %d benchmarks: start -> ready %.0f ms (%.1f CPU s), RSS %.0f MB 10 s after%n",
                tracker.tracks().size(), leader.msTo(leader.ready), leader.cpuAtReady, leader.rssMb());

        createNamespace(queueNamespace);
        OperatorProcess.Admissions before = OperatorProcess.Admissions.of(leader);
        Scenario scenario = scenario(queueNamespace, queued);
        String manifests = IntStream.range(0, queued)
                .mapToObj(i -> Commands.JSON.valueToTree(TinyBenchmarks.benchmark(String.format(Locale.ROOT, "q%03d", i), 0, 1)).toString())
                .collect(Collectors.joining("\n---\n"));
        CommandResult apply = kubectlIn(manifests, "apply", "--server-side", "-n", queueNamespace, "-f", "-");
        if (!apply.ok()) {
            throw new IllegalStateException("kubectl apply failed:\n" + apply);
        }
        long deadline = System.nanoTime() + settings.loadTimeout.toNanos();
        while (scenario.terminalCount() < queued && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        scenario.finished();
        OperatorProcess.Admissions decided = OperatorProcess.Admissions.of(leader).minus(before);
        Stats handOff = Stats.of(scenario.handOffs(1));
        double seconds = (scenario.lastTerminal() - scenario.started) / 1e9;
        System.out.printf("  %d queued applied at once, limit 1: terminal %d/%d in %.1f s, max active by etcd revision %d%n",
                queued, scenario.terminalCount(), queued, seconds, scenario.maxActiveByRevision());
        System.out.printf("  admission decisions %d, %.1f µs each on average (the operator's timer; %.3f s in all)%n",
                decided.count(), decided.meanMicros(), decided.seconds());
        System.out.printf("  a run's last pod done -> the next run's Job    %s; the slowest %.0f ms%n", handOff, handOff.max());
        System.out.printf("  operator CPU %.1f s in the phase: %.1f ms per queued benchmark%n", scenario.cpuSeconds,
                scenario.cpuSeconds * 1000 / queued);
        scenario.report();

        double cpu = leader.cpuSeconds();
        long idleFrom = System.nanoTime();
        TimeUnit.SECONDS.sleep(settings.historyIdleSeconds);
        double idleCpu = leader.cpuSeconds() - cpu;
        double idleMinutes = (System.nanoTime() - idleFrom) / 60e9;
        System.out.printf("  idle %.1f min with %d benchmarks (longer than the 3 min maximum reconciliation interval): "
                + "operator CPU %.1f s, %.2f s per minute%n", idleMinutes, tracker.tracks().size(), idleCpu, idleCpu / idleMinutes);
        report.summarize("%d finished + %d queued: admission %.1f µs/decision (%d), hand-off p50 %.0f ms "
                        + "(slowest %.0f), CPU %.1f ms/benchmark, idle CPU %.2f s/min",
                finished, queued, decided.meanMicros(), decided.count(), handOff.p50(), handOff.max(),
                scenario.cpuSeconds * 1000 / queued, idleCpu / idleMinutes);
    }



    // ------------------------------------------------------------------ helpers

    private void createNamespace(String namespace) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
    }


    private static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    void close() throws InterruptedException {
        rss.stop();
        tracker.close();
        kubelet.close();
        if (operator != null) {
            operator.stop();
        }
        client.close();
    }

    /** A scenario in {@code namespace} of {@code count} benchmarks, measured from now. */
    private Scenario scenario(String namespace, int count) {
        return new Scenario(namespace, count, tracker, () -> operator, rss);
    }

    /** Starts an operator process (see OperatorProcess.start); it is the one the scenarios measure from now on. */
    private OperatorProcess startOperator(String identity, String extraOptions) throws InterruptedException {
        operator = OperatorProcess.start(client, identity, extraOptions, rss);
        return operator;
    }
}
