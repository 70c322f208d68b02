package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.OperatorBench.LEASE;
import static dev.concbench.e2e.OperatorBench.RELEASE;
import static dev.concbench.e2e.OperatorBench.SYSTEM_NS;

/**
 * One operator JVM of OperatorBench, run as the chart's Deployment would run its pod (the chart is installed
 * with 0 replicas: a pod on a simulated node would run nothing): its start, the moments it led and got ready,
 * its /proc figures, its admission timer, the ERROR lines of its log.
 */
final class OperatorProcess {

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
            Commands.run(null, List.of(jcmd.toString(), Long.toString(pid()), "GC.run"));
            CommandResult info = Commands.run(null, List.of(jcmd.toString(), Long.toString(pid()), "GC.heap_info"));
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

    // ------------------------------------------------------------------ starting one

    /** The chart with 0 replicas: its CRD, RBAC, ServiceAccount and the Deployment whose environment the process gets. */
    static void installChart(int limit) {
        boolean installed = Commands.helm("status", RELEASE, "-n", SYSTEM_NS).ok();
        CommandResult r = Commands.helm(installed ? "upgrade" : "install", RELEASE,
                Commands.REPO.resolve("charts/concbench-operator").toString(), "-n", SYSTEM_NS, "--create-namespace",
                "--set", "replicaCount=0",
                "--set", "kernel.pythonImage=python:3.11-slim",
                "--set", "maxConcurrentBenchmarks=" + limit,
                "--set-json", "extraEnv=" + javaToolOptions(),
                "--wait", "--timeout", "3m");
        if (!r.ok()) {
            throw new IllegalStateException("helm failed:\n" + r);
        }
        System.out.printf("%noperator: helm %s with maxConcurrentBenchmarks=%d (replicaCount=0: the operator runs as a "
                + "local process)%n", installed ? "upgrade" : "install", limit);
    }

    /** BENCH_OPERATOR_JAVA_OPTS (e.g. a JFR recording) reach the operator's JVM as JAVA_TOOL_OPTIONS. */
    private static String javaToolOptions() {
        String options = System.getenv("BENCH_OPERATOR_JAVA_OPTS");
        if (options == null || options.isBlank()) {
            return "[]";
        }
        return Commands.JSON.createArrayNode().add(Commands.JSON.createObjectNode().put("name", "JAVA_TOOL_OPTIONS")
                .put("value", options.trim())).toString();
    }

    /**
     * Starts the operator as the Deployment's pod would run: its container's env (downward-API
     * fields filled in), the image's ENV and ENTRYPOINT from the Dockerfile, the ServiceAccount's
     * token; {@code extraOptions} are added to JAVA_TOOL_OPTIONS. Waits until it leads and is ready.
     */
    static OperatorProcess start(KubernetesClient client, String identity, String extraOptions, RssSampler rss)
            throws InterruptedException {
        JsonNode deployment = Commands.json("-n", SYSTEM_NS, "get", "deployment", RELEASE, "-o", "json");
        JsonNode podSpec = deployment.path("spec").path("template").path("spec");
        JsonNode container = podSpec.path("containers").get(0);
        Path app = Commands.STATE.resolve("artifacts/operator/target/quarkus-app");
        Dockerfile image = Dockerfile.read(Commands.REPO.resolve("operator/src/main/docker/Dockerfile.jvm"), app);

        Map<String, String> env = new LinkedHashMap<>();
        for (String keep : List.of("PATH", "LANG", "JAVA_HOME", "TZ")) {
            if (System.getenv(keep) != null) {
                env.put(keep, System.getenv(keep));
            }
        }
        env.putAll(image.env());
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
        CommandResult token = kubectl("-n", SYSTEM_NS, "create", "token", account, "--duration", "24h");
        if (!token.ok()) {
            throw new IllegalStateException("kubectl create token failed: " + token);
        }
        env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", client.getConfiguration().getMasterUrl());
        env.put("QUARKUS_KUBERNETES_CLIENT_TOKEN", token.out().trim());
        env.put("QUARKUS_KUBERNETES_CLIENT_CA_CERT_FILE", caFile(client).toString());
        env.put("QUARKUS_KUBERNETES_CLIENT_NAMESPACE", SYSTEM_NS);
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("KUBECONFIG", "/nonexistent/kubeconfig");

        // "@/path/to/java more options": another JVM for this process (a takeover variant).
        String java = Objects.toString(System.getenv("BENCH_OPERATOR_JAVA"), image.entrypoint().get(0));
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
        command.addAll(image.entrypoint().subList(1, image.entrypoint().size()));
        Path log = Commands.STATE.resolve("operator-" + identity + ".log");
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
        System.out.printf("operator: process %d (%s), %s%s; leader after %.0f ms, ready after %.0f ms (%.1f CPU s); log %s%n",
                p.pid(), identity, String.join(" ", command), extraOptions.isBlank() ? "" : " + JAVA_TOOL_OPTIONS "
                        + extraOptions, p.msTo(p.leader), p.msTo(p.ready), p.cpuAtReady, log);
        return p;
    }

    /** The cluster CA of this machine's kubeconfig, as a file the operator can read. */
    private static Path caFile(KubernetesClient client) {
        String file = client.getConfiguration().getCaCertFile();
        if (file != null && !file.isBlank()) {
            return Path.of(file);
        }
        Path ca = Commands.STATE.resolve("operator-ca.crt");
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
                        for (JsonNode w : Commands.JSON.readTree(l.substring("ENTRYPOINT ".length()))) {
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

    /** The ERROR lines of the operator's log: how many, the first three. */
    record OperatorLog(long errors, List<String> firstErrors) {
    }

    OperatorLog logErrors() {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> errors = lines.filter(l -> l.contains(" ERROR ")).toList();
            return new OperatorLog(errors.size(), errors.stream().limit(3).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
