package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's command-line arguments for one run (kernel/CONTRACT.md). The program in
 * front of them (python3 SCRIPT, or the kernel image's java -jar) is the caller's.
 */
public final class KernelCommand {

    private KernelCommand() {
    }

    /**
     * @param shard      e.g. {@code "0/4"}, or {@code "$(JOB_COMPLETION_INDEX)/4"} in a Job
     * @param startGate  file to wait on for a common start, or null
     * @param startAt    epoch second to start at, or null
     * @param output     file to write the result to, or null
     */
    public static List<String> args(ConcurrencyBenchmarkSpec spec, PlannedRun run, String shard,
                                    String startGate, Double startAt, String output) {
        List<String> args = new ArrayList<>(List.of(
                "--workload", spec.getWorkload().getType().value(),
                "--size", Integer.toString(spec.getWorkload().getSize()),
                "--tasks", Integer.toString(spec.getWorkload().getTasks()),
                "--strategies", String.join(",", run.strategyNames()),
                "--workers", Integer.toString(run.workers()),
                "--repetitions", Integer.toString(spec.getRepetitions()),
                "--warmup", Integer.toString(spec.getWarmup()),
                "--shard", shard,
                // A strategy this runtime's version cannot run is recorded as skipped, not a failed run.
                "--skip-unsupported"));
        if (spec.getStartMethod() != null) {
            args.add("--start-method");
            args.add(spec.getStartMethod().value());
        }
        if (startGate != null) {
            args.add("--start-gate");
            args.add(startGate);
        }
        if (startAt != null) {
            args.add("--start-at");
            args.add(String.format(java.util.Locale.ROOT, "%.3f", startAt));
        }
        if (output != null) {
            args.add("--output");
            args.add(output);
        }
        return args;
    }
}
