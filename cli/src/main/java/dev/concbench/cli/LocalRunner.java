package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.domain.Action;
import dev.concbench.domain.Decision;
import dev.concbench.domain.KernelCommand;
import dev.concbench.domain.ShardResult;
import dev.concbench.domain.Lifecycle;
import dev.concbench.domain.Observation;
import dev.concbench.domain.PlannedRun;
import dev.concbench.domain.ResultFormatException;
import dev.concbench.domain.RunObservation;
import dev.concbench.domain.WorkloadCode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a benchmark on this machine, no cluster: every planned run's pods become local
 * kernel processes (the shards of a run in parallel, from a common start; runs one after
 * another), and the status is built by the operator's own lifecycle ({@link Lifecycle}), so
 * {@code bin/concbench run -o json} prints what the operator would write.
 */
public final class LocalRunner {

    /** The benchmark's generation as the runner reports it: a freshly created resource. */
    public static final long GENERATION = 1;
    /** Env the kernels see in place of the downward API's spec.nodeName. */
    public static final String NODE_NAME = "local";
    /** The kernel's exit code when the user's code failed (kernel/CONTRACT.md). */
    static final int WORKLOAD_ERROR_EXIT_CODE = 4;
    /** Seconds from launch to the common start of a multi-pod run: room for the interpreters to start. */
    static final double START_DELAY_SECONDS = 1.0;

    private final KernelLauncher launcher;
    private final PrintStream progress;
    private final Clock clock;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    /**
     * @param launcher how to start a kernel process
     * @param progress where progress lines go (stderr in the CLI); null for none
     */
    public LocalRunner(KernelLauncher launcher, PrintStream progress) {
        this(launcher, progress, Clock.systemUTC());
    }

    LocalRunner(KernelLauncher launcher, PrintStream progress, Clock clock) {
        this.launcher = launcher;
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * Runs every planned run of {@code cb} and returns its final status: Succeeded with the
     * results, or Failed with the first failure in the Failed condition (later runs are not
     * started). An invalid spec gives Failed with an InvalidSpec condition and runs nothing.
     *
     * <p>The steps are the operator's ({@link Lifecycle#decide}); this runner executes their
     * actions on this machine: a Job becomes its pods' kernel processes, run to the end.
     */
    public ConcurrencyBenchmarkStatus run(ConcurrencyBenchmark cb) {
        return run(cb, Map.of());
    }

    /**
     * {@link #run(ConcurrencyBenchmark)} with the ConfigMaps of the manifest: a custom workload's code
     * (workload.custom.configMap) is a ConfigMap document of the same file, written to a directory of
     * its own for the kernels; one that is missing, too big or without the entrypoint's module ends the
     * benchmark Failed, WorkloadError, before any kernel runs, as in the cluster.
     */
    public ConcurrencyBenchmarkStatus run(ConcurrencyBenchmark cb, Map<String, ConfigMap> configMaps) {
        ConcurrencyBenchmark current = local(cb);
        String problem = WorkloadCode.configMapName(cb.getSpec()).flatMap(name -> {
            ConfigMap code = configMaps.get(name);
            return WorkloadCode.problem(cb.getSpec(), "the manifest", code == null ? null
                    : Optional.ofNullable(code.getData()).orElse(Map.of()), code == null ? null : code.getBinaryData());
        }).orElse(null);
        Path codeDir = null;
        try {
            codeDir = problem == null ? codeDirectory(cb.getSpec(), configMaps) : null;
            return runWithCode(current, codeDir, problem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the workload's code to a temporary directory", e);
        } finally {
            deleteQuietly(codeDir);
        }
    }

    /** @param problem what is wrong with the workload's code (the lifecycle fails the benchmark on it), or null */
    private ConcurrencyBenchmarkStatus runWithCode(ConcurrencyBenchmark current, Path codeDir, String problem) {
        List<Observation.JobSeen> jobs = new ArrayList<>();
        Map<String, RunObservation> runs = new HashMap<>();
        while (true) {
            // No other benchmark competes for this machine: a slot is always free.
            Decision decision = Lifecycle.decide(current,
                    new Observation(new Observation.Admission(true, 1), jobs, runs).withWorkloadCode(problem), now());
            current.setStatus(decision.status());
            for (Action action : decision.actions()) {
                if (action instanceof Action.Event event) {
                    // What kubectl describe shows of the same benchmark on a cluster (told before a run blocks).
                    progress(current.getMetadata().getName() + ": " + event.reason() + ": " + event.message());
                }
            }
            boolean started = false;
            for (Action action : decision.actions()) {
                if (action instanceof Action.CreateJob create) {
                    runs.put(create.jobName(), execute(current, create.run(), create.jobName(),
                            decision.status().getRuns().size(), codeDir));
                    jobs.add(new Observation.JobSeen(create.jobName(), GENERATION, true, now()));
                    started = true;
                }
            }
            if (decision.status().getPhase().terminal()) {
                return decision.status();
            }
            if (!started) {
                throw new IllegalStateException("the lifecycle neither ended nor started a run: " + decision.actions());
            }
        }
    }

    /** A copy of {@code cb} as a freshly created resource: generation 1, no status. */
    private static ConcurrencyBenchmark local(ConcurrencyBenchmark cb) {
        ConcurrencyBenchmark copy = new ConcurrencyBenchmark();
        copy.setMetadata(new ObjectMetaBuilder(cb.getMetadata()).withGeneration(GENERATION).build());
        copy.setSpec(cb.getSpec());
        copy.setStatus(null);
        return copy;
    }

    /** Kills the kernel processes still running (the CLI calls this on Ctrl-C). */
    public void abort() {
        for (Process p : live) {
            destroy(p);
        }
    }

    /**
     * A custom Python workload's files in a new temporary directory (the ConfigMap's keys, or the inline
     * source as the entrypoint's module), as a pod's mount has them; null for every other workload.
     */
    static Path codeDirectory(ConcurrencyBenchmarkSpec spec, Map<String, ConfigMap> configMaps) throws IOException {
        CustomWorkloadSpec custom = spec.getWorkload().getCustom();
        if (custom == null || custom.getEntrypoint() == null) {
            return null;
        }
        Path dir = Files.createTempDirectory("concbench-workload-");
        if (custom.getSource() != null) {
            Files.writeString(dir.resolve(KernelCommand.sourceFile(custom)), custom.getSource());
            return dir;
        }
        ConfigMap code = configMaps.get(custom.getConfigMap());
        if (code.getData() != null) {
            for (Map.Entry<String, String> file : code.getData().entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
        }
        if (code.getBinaryData() != null) {
            for (Map.Entry<String, String> file : code.getBinaryData().entrySet()) {
                Files.write(dir.resolve(file.getKey()), Base64.getDecoder().decode(file.getValue()));
            }
        }
        return dir;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the system cleans it up eventually
        }
    }

    /** One run: its pods as processes, all started, then all awaited; the first failure stops the rest. */
    private RunObservation execute(ConcurrencyBenchmark cb, PlannedRun planned, String jobName, int runs,
                                   Path codeDir) {
        String name = cb.getMetadata().getName();
        progress(String.format(Locale.ROOT, "%s: run %d/%d: %spods=%d workers=%d strategies=%s (job %s)",
                name, planned.index() + 1, runs,
                planned.runtime() == null ? "" : "runtime=" + planned.runtime().value() + " ",
                planned.pods(), planned.workers(),
                String.join(",", planned.strategyNames()), jobName));
        long started = System.nanoTime();
        RunObservation outcome = executePods(cb.getSpec(), planned, jobName, codeDir);
        if (outcome.state() != RunState.Failed) { // a failure is the next step's events' to tell
            progress(String.format(Locale.ROOT, "%s: run %d/%d done in %.1f s", name, planned.index() + 1, runs,
                    (System.nanoTime() - started) / 1e9));
        }
        return outcome;
    }

    private RunObservation executePods(ConcurrencyBenchmarkSpec spec, PlannedRun planned, String jobName, Path codeDir) {
        Double startAt = planned.pods() > 1
                ? clock.millis() / 1000.0 + START_DELAY_SECONDS : null;
        List<Pod> pods = new ArrayList<>();
        Path outputs;
        try {
            outputs = Files.createTempDirectory("concbench-run-");
        } catch (IOException e) {
            return RunObservation.failed(0, 0, "PodFailed", "job " + jobName + ": no temporary directory: " + e.getMessage());
        }
        try {
            for (int i = 0; i < planned.pods(); i++) {
                String shard = i + "/" + planned.pods();
                String podName = jobName + "-" + i;
                // Each pod's result file, as its termination message: what the user's code prints cannot mix into it.
                Path output = outputs.resolve(podName);
                List<String> command = launcher.command(planned.runtimeOf(spec),
                        KernelCommand.args(spec, planned, shard, null, startAt, output.toString(),
                                codeDir == null ? null : codeDir.toString()));
                try {
                    pods.add(Pod.start(podName, command, live, output));
                } catch (IOException e) {
                    return RunObservation.failed(0, 1, "PodFailed", "pod " + podName + " could not start: "
                            + e.getMessage());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(spec.getTimeoutSeconds());
            List<Pod> pending = new ArrayList<>(pods);
            int succeeded = 0;
            while (!pending.isEmpty()) {
                Pod finished = null;
                for (Pod pod : pending) {
                    if (!pod.process().isAlive()) {
                        finished = pod;
                        break;
                    }
                }
                if (finished == null) {
                    if (System.nanoTime() > deadline) {
                        return RunObservation.failed(succeeded, 0, "DeadlineExceeded", "job " + jobName
                                + " was active longer than the specified deadline (" + spec.getTimeoutSeconds()
                                + " s)");
                    }
                    pending.get(0).process().waitFor(20, TimeUnit.MILLISECONDS);
                    continue;
                }
                pending.remove(finished);
                int exit = finished.process().waitFor();
                if (exit != 0) {
                    // Stop the siblings (and the failed kernel's children) before reading what it said.
                    pods.forEach(p -> destroy(p.process()));
                    if (exit == WORKLOAD_ERROR_EXIT_CODE) {
                        return RunObservation.failed(succeeded, 1, WorkloadCode.REASON, "pod " + finished.name() + ": "
                                + ShardResult.workloadError(finished.result()).orElse(finished.stderrLastLine()));
                    }
                    String detail = finished.stderrLastLine();
                    return RunObservation.failed(succeeded, 1, "PodFailed", "pod " + finished.name() + " failed: exit code "
                            + exit + (detail.isEmpty() ? "" : ": " + detail));
                }
                succeeded++;
            }
            List<ShardResult> results = new ArrayList<>();
            for (Pod pod : pods) {
                try {
                    results.add(ShardResult.parse(pod.result()));
                } catch (ResultFormatException e) {
                    return RunObservation.failed(succeeded, 0, "ResultUnreadable", "pod " + pod.name() + ": "
                            + e.getMessage());
                }
            }
            return RunObservation.succeeded(succeeded, results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RunObservation.failed(0, 0, "Interrupted", "job " + jobName + " was interrupted");
        } finally {
            // A failed pod spoils the run's common start: stop its siblings (the operator deletes the Job).
            pods.forEach(p -> destroy(p.process()));
            pods.forEach(Pod::awaitStreams);
            pods.forEach(p -> live.remove(p.process()));
            deleteQuietly(outputs);
        }
    }

    private static void destroy(Process process) {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private void progress(String line) {
        if (progress != null) {
            progress.println(line);
            progress.flush();
        }
    }

    /** A kernel process standing in for one pod of a run's Indexed Job, its output collected. */
    private record Pod(String name, Process process, Thread stdoutReader, Thread stderrReader,
                       ByteArrayOutputStream out, ByteArrayOutputStream err, Path output) {

        static Pod start(String name, List<String> command, Set<Process> live, Path output) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("NODE_NAME", NODE_NAME);
            pb.environment().put("POD_NAME", name);
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            pb.environment().put("PYTHONUNBUFFERED", "1");
            pb.redirectInput(ProcessBuilder.Redirect.PIPE);
            Process process = pb.start();
            live.add(process);
            process.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = drain(process.getInputStream(), out, name + "-stdout");
            Thread e = drain(process.getErrorStream(), err, name + "-stderr");
            return new Pod(name, process, o, e, out, err, output);
        }

        private static Thread drain(InputStream in, ByteArrayOutputStream sink, String threadName) {
            Thread t = new Thread(() -> {
                try (in) {
                    in.transferTo(sink);
                } catch (IOException e) {
                    // The process was killed: what was read so far is all there is.
                }
            }, threadName);
            t.setDaemon(true);
            t.start();
            return t;
        }

        void awaitStreams() {
            try {
                stdoutReader.join(5000);
                stderrReader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * What the kernel wrote to --output (its termination message in a pod); its stdout where it wrote no
         * such file (as a pod's FallbackToLogsOnError).
         */
        String result() {
            awaitStreams();
            try {
                if (Files.exists(output)) {
                    return Files.readString(output);
                }
            } catch (IOException e) {
                // as if not written
            }
            return out.toString(StandardCharsets.UTF_8);
        }

        /** The kernel's last stderr line: its one-line reason on a failure. */
        String stderrLastLine() {
            awaitStreams();
            String text = err.toString(StandardCharsets.UTF_8);
            List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
            return last.length() > 300 ? last.substring(0, 300) + "..." : last;
        }
    }

}
