package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.api.v1alpha1.RunState;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The user's own code as the executors find it before a run: custom.configMap must exist, hold the
 * entrypoint's module and stay within {@link #MAX_CONFIG_MAP_BYTES}. A benchmark whose code is not
 * there ends Failed, {@link #REASON}, naming it, before any Job (or kernel process) exists.
 */
public final class WorkloadCode {

    /** The Failed reason of every problem of the user's code: missing, or failing in the kernel (exit code 4). */
    public static final String REASON = "WorkloadError";
    /** Code, not data: what a benchmark's pods mount beside the kernel. */
    public static final int MAX_CONFIG_MAP_BYTES = 512 * 1024;

    private WorkloadCode() {
    }

    /** The ConfigMap the spec's code comes from, empty for every other spec. */
    public static Optional<String> configMapName(ConcurrencyBenchmarkSpec spec) {
        CustomWorkloadSpec custom = spec == null || spec.getWorkload() == null ? null : spec.getWorkload().getCustom();
        return custom == null || custom.getEntrypoint() == null ? Optional.empty()
                : Optional.ofNullable(custom.getConfigMap());
    }

    /**
     * The ConfigMap of the benchmark's code to look at now: while no run of the current generation is running
     * (before the first, or the next) and the generation has not ended; empty otherwise, or when the spec
     * names none. A run's pods mount it as it is when they start: only then can it spoil the run.
     */
    public static Optional<String> toLookUp(ConcurrencyBenchmark cb) {
        ConcurrencyBenchmarkStatus status = cb.getStatus();
        if (StatusTransitions.ofCurrentGeneration(cb, status) && (StatusTransitions.phase(status).terminal()
                || status.getRuns().stream().anyMatch(r -> r.getState() == RunState.Running))) {
            return Optional.empty();
        }
        return configMapName(cb.getSpec());
    }

    /**
     * What is wrong with the code the spec names, empty when nothing is (or it names no ConfigMap).
     *
     * @param where      where the ConfigMap was looked for, e.g. {@code namespace benchmarks}
     * @param data       the ConfigMap's data, null when it does not exist
     * @param binaryData its binaryData (base64, as the API has it), or null
     */
    public static Optional<String> problem(ConcurrencyBenchmarkSpec spec, String where, Map<String, String> data,
                                           Map<String, String> binaryData) {
        Optional<String> name = configMapName(spec);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        String module = KernelCommand.sourceFile(spec.getWorkload().getCustom());
        if (data == null && binaryData == null) {
            return Optional.of("workload.custom.configMap: ConfigMap " + name.get() + " does not exist in " + where
                    + ": create it before the benchmark runs (e.g. kubectl create configmap " + name.get()
                    + " --from-file=" + module + ")");
        }
        long bytes = 0;
        TreeSet<String> keys = new TreeSet<>();
        for (Map<String, String> part : java.util.Arrays.asList(data, binaryData)) {
            if (part != null) {
                for (Map.Entry<String, String> e : part.entrySet()) {
                    keys.add(e.getKey());
                    bytes += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().getBytes(StandardCharsets.UTF_8).length);
                }
            }
        }
        if (bytes > MAX_CONFIG_MAP_BYTES) {
            return Optional.of("workload.custom.configMap: ConfigMap " + name.get() + " holds " + bytes
                    + " bytes, more than the " + MAX_CONFIG_MAP_BYTES + " a benchmark's code may have");
        }
        if (!keys.contains(module)) {
            return Optional.of("workload.custom.configMap: ConfigMap " + name.get() + " has no " + module
                    + ", the module of entrypoint " + spec.getWorkload().getCustom().getEntrypoint() + " (its keys: "
                    + (keys.isEmpty() ? "none" : String.join(", ", keys)) + ")");
        }
        return Optional.empty();
    }
}
