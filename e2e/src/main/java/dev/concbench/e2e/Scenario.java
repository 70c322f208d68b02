package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concbench.e2e.ClusterTracker.Track;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One scenario of OperatorBench (latency, long runs, spread, load, takeover, history): its namespace, its
 * benchmarks, its window, and what the operator did in it (API requests from the audit log, CPU, RSS, ERROR
 * lines, restarts).
 */
final class Scenario {

    final String namespace;
    final int count;
    final long started = System.nanoTime();
    final String startedAt = Instant.now().toString();
    final OperatorProcess process;
    final double cpuAtStart;
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

    private final ClusterTracker tracker;
    private final Supplier<OperatorProcess> operator;
    private final OperatorProcess.RssSampler rss;

    Scenario(String namespace, int count, ClusterTracker tracker, Supplier<OperatorProcess> operator,
             OperatorProcess.RssSampler rss) {
        this.namespace = namespace;
        this.count = count;
        this.tracker = tracker;
        this.operator = operator;
        this.rss = rss;
        this.process = operator.get();
        this.cpuAtStart = process.cpuSeconds();
        rss.resetPeak();
    }

    List<Track> tracks() {
        return tracker.tracksIn(namespace);
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
        return BenchReport.maxOverlap(tracks().stream().filter(t -> t.firstJobRv > 0 && t.terminalRv > 0)
                .map(t -> new long[] {t.firstJobRv, t.terminalRv}).toList());
    }

    /** The most runs executing at once: first Job seen .. last pod seen done, by arrival time. */
    int maxRunningByWatch() {
        return BenchReport.maxOverlap(tracks().stream().filter(t -> t.firstJob > 0 && t.lastPodDone() > 0)
                .map(t -> new long[] {t.firstJob, t.lastPodDone()}).toList());
    }

    void finished() {
        endedAt = Instant.now().toString();
        peakRssMb = rss.peakMb();
        OperatorProcess now = operator.get();
        endRssMb = now.rssMb();
        cpuSeconds = now.cpuSeconds() - cpuAtStart;
        countRequests();
        OperatorProcess.OperatorLog log = now.logErrors();
        errors = log.errors();
        errorLines = log.firstErrors();
        restarts = process == now && process.alive() ? 0 : 1;
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
                tracker.tracks().size(), rss.highWaterMb(), BenchReport.TARGET_RSS_MB,
                BenchReport.verdict(Math.max(peakRssMb, rss.highWaterMb()) <= BenchReport.TARGET_RSS_MB));
        System.out.printf("  operator log ERROR lines so far: %d%s; restarts: %d: %s%n", errors,
                errorLines.isEmpty() ? "" : " " + errorLines, restarts, BenchReport.verdict(errors == 0 && restarts == 0));
    }

    /** Counts the operator's requests in the phase's namespace (and elsewhere in its window) from the audit log. */
    private void countRequests() {
        String account = Commands.json("-n", OperatorBench.SYSTEM_NS, "get", "deployment", OperatorBench.RELEASE, "-o", "json")
                .path("spec").path("template").path("spec").path("serviceAccountName").asText();
        String user = "system:serviceaccount:" + OperatorBench.SYSTEM_NS + ":" + account;
        Path audit = Commands.STATE.resolve("audit.log");
        Map<String, Long> byKind = new TreeMap<>();
        long inNamespace = 0;
        long other = 0;
        try (BufferedReader in = Files.newBufferedReader(audit, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.contains(user) || !line.contains("\"ResponseComplete\"")) {
                    continue;
                }
                JsonNode e = Commands.JSON.readTree(line);
                if (!user.equals(e.path("user").path("username").asText())) {
                    continue;
                }
                JsonNode ref = e.path("objectRef");
                if (namespace.equals(ref.path("namespace").asText())) {
                    inNamespace++;
                    String kind = e.path("verb").asText() + " " + ref.path("resource").asText()
                            + (ref.has("subresource") ? "/" + ref.path("subresource").asText() : "");
                    byKind.merge(kind, 1L, Long::sum);
                } else {
                    String at = e.path("requestReceivedTimestamp").asText();
                    if (at.compareTo(startedAt) >= 0 && at.compareTo(endedAt) <= 0) {
                        other++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        requests = inNamespace;
        requestsByKind = byKind;
        otherRequests = other;
    }
}
