package dev.concbench.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JVM kernel's entry point: parse, count CPUs, wait for the common start, run the
 * strategies, print the JSON result (and write it to {@code --output}).
 * Exit codes: 0 success, 2 usage error, 3 checksum mismatch or failed child, 4 the user's code
 * failed (custom workloads: the error document goes to {@code --output}), 1 else.
 */
public final class Main {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_MISMATCH = 3;
    public static final int EXIT_WORKLOAD = 4;
    static final String PREFIX = "concbench-kernel: ";

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.getenv(), ChildJvm.current());
        System.out.flush();
        System.exit(code);
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, ChildJvm childJvm) {
        if (KernelOptions.wantsHelp(args)) {
            out.println(KernelOptions.USAGE);
            return EXIT_OK;
        }
        KernelOptions options;
        try {
            options = KernelOptions.parse(args);
        } catch (UsageException e) {
            return fail(err, e.getMessage(), EXIT_USAGE);
        }
        // a call that never returns: the error document, then this JVM ends (the stuck thread cannot be joined)
        CallWatch.setReporter(text -> {
            workloadFailed(options, err, text);
            Runtime.getRuntime().halt(EXIT_WORKLOAD);
        });
        try {
            CpuCounter counter = CpuCounter.fromEnvironment(env);
            CpuCount cpus = counter.count();
            CpuFacts facts = counter.facts();
            CpuMeter meter = new CpuMeter(counter.cgroup(), CpuCounter.HostFile.PROC_STAT.in(env));
            int workers = options.workers() > 0 ? options.workers() : cpus.cpus();
            int[] tasks = options.shard().taskIndices(options.tasks());
            List<Strategy> strategies = new ArrayList<>();
            options.strategies().forEach(name -> strategies.add(Strategy.named(name, childJvm)));

            Double setup = setUp(options.workload()); // before the common start: not timed with the calls
            StartGate.await(options.startAt(), options.startGate());
            BenchmarkRun.Outcome outcome = new BenchmarkRun(strategies, options.workload(), tasks, workers,
                    options.repetitions(), options.warmup(), meter).run();

            String document = ResultJson.write(new KernelResult(
                    Runtime.version().toString(), cpus, env.get("NODE_NAME"), env.get("POD_NAME"),
                    options.shard(), tasks.length, options.workload(), workers,
                    options.repetitions(), options.warmup(), outcome.checksum(),
                    outcome.start(), outcome.end(), outcome.nanos(), JvmInfo.current(), options.skipped(),
                    facts, outcome.cpu(), setup, outcome.differs(), outcome.lost()));
            if (options.output() != null) {
                Files.writeString(options.output(), document, StandardCharsets.US_ASCII);
            }
            out.println(document);
            out.flush();
            return EXIT_OK;
        } catch (WorkloadException e) {
            workloadFailed(options, err, e.getMessage());
            return EXIT_WORKLOAD;
        } catch (ChecksumMismatchException | ChildFailedException e) {
            return fail(err, e.getMessage(), EXIT_MISMATCH);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(err, "interrupted", EXIT_FAILURE);
        } catch (IOException e) {
            return fail(err, "I/O error: " + e.getMessage(), EXIT_FAILURE);
        } catch (Exception e) {
            return fail(err, e.toString(), EXIT_FAILURE);
        }
    }

    /** A custom workload's code loaded in this JVM (its seconds: the set-up), the hash buffer made; else null. */
    static Double setUp(Workload workload) throws WorkloadException {
        if (workload.kind() == Workload.Kind.HASH) {
            Workload.hashBuffer(workload.size());
        }
        if (workload.kind() != Workload.Kind.CUSTOM) {
            return null;
        }
        long began = System.nanoTime();
        CustomCode.of(workload);
        return (System.nanoTime() - began) / 1e9;
    }

    /** The user's code failed: the error document to --output, the text to stderr, the child JVMs ended. */
    private static void workloadFailed(KernelOptions options, PrintStream err, String text) {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            if (options.output() != null) {
                Files.writeString(options.output(), ResultJson.error(text), StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            err.println(PREFIX + "cannot write " + options.output() + ": " + e.getMessage());
        }
        err.println(PREFIX + "workload error: " + text);
        err.flush();
    }

    /** One line on stderr, starting with the program's prefix. */
    private static int fail(PrintStream err, String message, int code) {
        err.println(PREFIX + String.join(" ", String.valueOf(message).trim().split("\\s+")));
        err.flush();
        return code;
    }
}
