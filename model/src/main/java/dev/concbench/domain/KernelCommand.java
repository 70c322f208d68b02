package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;

import java.math.BigDecimal;
import java.math.RoundingMode;
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
     * @param codeDir    where a custom Python workload's files are (a pod's mount, a local directory); null
     *                   for the others (a Java class comes from the jars beside the kernel in its image)
     */
    public static List<String> args(ConcurrencyBenchmarkSpec spec, PlannedRun run, String shard,
                                    String startGate, Double startAt, String output, String codeDir) {
        WorkloadSpec workload = spec.getWorkload();
        List<String> args = new ArrayList<>(List.of("--workload", workload.getType().value()));
        if (workload.getType() != WorkloadType.CUSTOM) {
            args.add("--size");
            args.add(Integer.toString(workload.getSize()));
        }
        args.addAll(List.of(
                "--tasks", Integer.toString(workload.getTasks()),
                "--strategies", String.join(",", run.strategyNames()),
                "--workers", Integer.toString(run.workers()),
                "--repetitions", Integer.toString(spec.getRepetitions()),
                "--warmup", Integer.toString(spec.getWarmup()),
                "--shard", shard,
                // A strategy this runtime's version cannot run is recorded as skipped, not a failed run.
                "--skip-unsupported"));
        if (workload.getIoFraction() != null) {
            args.add("--io-fraction");
            // at most 6 decimals, as the kernel reads it
            args.add(BigDecimal.valueOf(workload.getIoFraction()).setScale(6, RoundingMode.HALF_UP)
                    .stripTrailingZeros().toPlainString());
        }
        CustomWorkloadSpec custom = workload.getCustom();
        if (custom != null) {
            args.add("--entrypoint");
            args.add(custom.getEntrypoint() != null ? custom.getEntrypoint() : custom.getClassName());
            if (custom.getEntrypoint() != null && codeDir != null) {
                args.add("--code-dir");
                args.add(codeDir);
            }
            args.add("--call-timeout");
            args.add(Integer.toString(custom.getCallTimeoutSeconds()));
            if (Boolean.FALSE.equals(custom.getDeterministic())) {
                args.add("--nondeterministic");
            }
        }
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

    /** The file name of a custom workload's inline source: the entrypoint's module, as the kernel imports it. */
    public static String sourceFile(CustomWorkloadSpec custom) {
        return custom.getEntrypoint().substring(0, custom.getEntrypoint().indexOf(':')) + ".py";
    }
}
