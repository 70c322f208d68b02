package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.api.v1alpha1.KernelResources;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.SweepSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;

import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The operator's second line of validation, after the CRD schema and its CEL rules: the
 * same limits, checked again for specs that did not pass through an API server's schema
 * (the local runner, a CRD installed without validation), each message naming its field.
 */
public final class SpecValidator {

    private SpecValidator() {
    }

    /** Problems with the spec, empty when it is valid. */
    public static List<String> validate(ConcurrencyBenchmarkSpec spec) {
        List<String> errors = new ArrayList<>();
        if (spec == null) {
            return List.of("spec is required");
        }
        if (spec.getRuntime() == null) {
            errors.add("spec.runtime is required: python or java");
        }
        WorkloadSpec w = spec.getWorkload();
        if (w == null || w.getType() == null || w.getTasks() == null
                || w.getSize() == null && w.getType() != WorkloadType.CUSTOM) {
            errors.add("spec.workload needs type, tasks and (but for custom) size");
            return errors;
        }
        workload(errors, spec, w);
        range(errors, "spec.workload.tasks", w.getTasks(), 1, WorkloadSpec.MAX_TASKS, "");
        if (spec.getStrategies() == null || spec.getStrategies().isEmpty()) {
            errors.add("spec.strategies must list at least one strategy");
        } else if (new HashSet<>(spec.getStrategies()).size() != spec.getStrategies().size()) {
            errors.add("spec.strategies must not repeat");
        } else if (spec.getStrategies().stream().anyMatch(Objects::isNull)) {
            // not contains(null): immutable lists (List.of) throw on a null query
            errors.add("spec.strategies: unknown strategy");
        }
        if (spec.getStrategies() != null && spec.getRuntime() != null) {
            // In a sweep over runtimes the runtimes that cannot run a strategy skip it; none may be refused only.
            List<Runtime> runtimes = BenchmarkPlanner.sweepRuntimes(spec).stream().filter(Objects::nonNull).toList();
            for (StrategyName s : spec.getStrategies()) {
                if (s != null && !runtimes.isEmpty() && runtimes.stream().noneMatch(s::runsOn)) {
                    errors.add("spec.strategies: " + s.value() + " cannot run on runtime "
                            + runtimes.stream().map(Runtime::value).collect(Collectors.joining(", ")));
                }
            }
        }
        range(errors, "spec.workers", spec.getWorkers(), 0, ConcurrencyBenchmarkSpec.MAX_WORKERS, "");
        range(errors, "spec.pods", spec.getPods(), 1, ConcurrencyBenchmarkSpec.MAX_PODS, "");
        range(errors, "spec.repetitions", spec.getRepetitions(), 1, ConcurrencyBenchmarkSpec.MAX_REPETITIONS, "");
        range(errors, "spec.warmup", spec.getWarmup(), 0, ConcurrencyBenchmarkSpec.MAX_WARMUP, "");
        range(errors, "spec.timeoutSeconds", spec.getTimeoutSeconds(), 10, 86400, "");
        range(errors, "spec.schedulingTimeoutSeconds", spec.getSchedulingTimeoutSeconds(), 10, 86400, "");
        range(errors, "spec.ttlSecondsAfterFinished", spec.getTtlSecondsAfterFinished(), 0, 604800, "");
        if (spec.getPods() != null && spec.getPods() > w.getTasks()) {
            errors.add("spec.pods (" + spec.getPods() + ") must not exceed spec.workload.tasks (" + w.getTasks()
                    + "): every pod needs at least one call");
        }
        if (w.getTasks() >= 1 && w.getTasks() <= WorkloadSpec.MAX_TASKS) {
            fanOut(errors, spec, StrategyName.PROCESSES, ConcurrencyBenchmarkSpec.MAX_PROCESSES_PER_POD, "child process");
            fanOut(errors, spec, StrategyName.THREADS, ConcurrencyBenchmarkSpec.MAX_THREADS_PER_POD, "thread");
        }
        if (spec.getResources() != null) {
            resources(errors, spec.getResources());
        }
        SweepSpec sweep = spec.getSweep();
        if (sweep != null) {
            list(errors, "spec.sweep.pods", sweep.getPods(), 1, Math.min(ConcurrencyBenchmarkSpec.MAX_PODS,
                    w.getTasks()));
            list(errors, "spec.sweep.workers", sweep.getWorkers(), 0, ConcurrencyBenchmarkSpec.MAX_WORKERS);
            List<Runtime> runtimes = sweep.getRuntimes();
            if (runtimes != null) {
                if (runtimes.isEmpty() || runtimes.size() > Runtime.values().length) {
                    errors.add("spec.sweep.runtimes must have 1 to " + Runtime.values().length + " entries");
                } else if (runtimes.stream().anyMatch(Objects::isNull)) {
                    errors.add("spec.sweep.runtimes: unknown runtime; the catalog has "
                            + Arrays.stream(Runtime.values()).map(Runtime::value).collect(Collectors.joining(", ")));
                } else if (new HashSet<>(runtimes).size() != runtimes.size()) {
                    errors.add("spec.sweep.runtimes must not repeat");
                }
                if (spec.getImage() != null) {
                    errors.add("spec.image cannot be combined with spec.sweep.runtimes: one image cannot be several "
                            + "runtimes");
                }
            }
            int points = size(runtimes) * size(sweep.getPods()) * size(sweep.getWorkers());
            if (points > ConcurrencyBenchmarkSpec.MAX_SWEEP_POINTS) {
                errors.add("spec.sweep has " + points + " points; at most " + ConcurrencyBenchmarkSpec.MAX_SWEEP_POINTS
                        + " are allowed");
            }
        }
        return errors;
    }

    /** As the schema's CEL rules of workload and workload.custom: the size of each type, the custom code's fields. */
    private static void workload(List<String> errors, ConcurrencyBenchmarkSpec spec, WorkloadSpec w) {
        switch (w.getType()) {
            case CPU, MIXED -> range(errors, "spec.workload.size", w.getSize(), 1, WorkloadSpec.MAX_CPU_SIZE,
                    " for a " + w.getType().value() + " workload");
            case IO -> range(errors, "spec.workload.size", w.getSize(), 0, WorkloadSpec.MAX_IO_MILLIS, " for an io workload");
            case HASH -> range(errors, "spec.workload.size", w.getSize(), 1, WorkloadSpec.MAX_HASH_KIB, " for a hash workload");
            case RACE -> range(errors, "spec.workload.size", w.getSize(), 1, WorkloadSpec.MAX_RACE_UPDATES,
                    " for a race workload");
            case CUSTOM -> {
                if (w.getSize() != null) {
                    errors.add("spec.workload.size: a custom workload has no size: its function decides the work of a call");
                }
            }
        }
        if (w.getIoFraction() != null && (w.getType() != WorkloadType.MIXED
                || w.getIoFraction() < 0 || w.getIoFraction() > WorkloadSpec.MAX_IO_FRACTION)) {
            errors.add("spec.workload.ioFraction is for the mixed workload only, 0 to " + WorkloadSpec.MAX_IO_FRACTION);
        }
        CustomWorkloadSpec c = w.getCustom();
        if ((w.getType() == WorkloadType.CUSTOM) != (c != null)) {
            errors.add("spec.workload.custom is set for type custom, and only then");
        }
        if (c == null) {
            return;
        }
        if ((c.getEntrypoint() == null) == (c.getClassName() == null)) {
            errors.add("spec.workload.custom: set entrypoint (Python, module:function) or className (Java), one of them");
            return;
        }
        List<Runtime> runtimes = BenchmarkPlanner.sweepRuntimes(spec).stream().filter(Objects::nonNull).toList();
        if (c.getEntrypoint() != null) {
            if (!c.getEntrypoint().matches(CustomWorkloadSpec.ENTRYPOINT_PATTERN)) {
                errors.add("spec.workload.custom.entrypoint must be module:function, e.g. records:work, got \""
                        + c.getEntrypoint() + "\"");
            }
            if ((c.getConfigMap() == null) == (c.getSource() == null)) {
                errors.add("spec.workload.custom: a Python entrypoint needs its code: configMap or source, one of them");
            }
            if (c.getSource() != null && c.getSource().length() > CustomWorkloadSpec.MAX_SOURCE_CHARS) {
                errors.add("spec.workload.custom.source may have at most " + CustomWorkloadSpec.MAX_SOURCE_CHARS
                        + " characters, got " + c.getSource().length() + " (a ConfigMap holds more)");
            }
            if (c.getSource() != null && c.getEntrypoint().startsWith("concbench_kernel:")) {
                errors.add("spec.workload.custom.entrypoint: with a source the module cannot be named concbench_kernel");
            }
            if (c.getConfigMap() != null && !c.getConfigMap().matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")) {
                errors.add("spec.workload.custom.configMap must be the name of a ConfigMap, got \"" + c.getConfigMap()
                        + "\"");
            }
            if (runtimes.stream().anyMatch(r -> !r.isPython())) {
                errors.add("spec.workload.custom.entrypoint (Python) runs on Python runtimes only, not "
                        + runtimes.stream().filter(r -> !r.isPython()).map(Runtime::value).collect(Collectors.joining(", ")));
            }
        } else {
            if (!c.getClassName().matches(CustomWorkloadSpec.CLASS_NAME_PATTERN)) {
                errors.add("spec.workload.custom.className must be a Java class's binary name, got \""
                        + c.getClassName() + "\"");
            }
            if (c.getConfigMap() != null || c.getSource() != null) {
                errors.add("spec.workload.custom: a Java class comes from spec.image; configMap and source are for Python");
            }
            if (spec.getImage() == null || runtimes.stream().anyMatch(Runtime::isPython)) {
                errors.add("spec.workload.custom.className runs on a java runtime from spec.image: an image built FROM "
                        + "the kernel image with your jar in /app/workloads/");
            }
        }
        range(errors, "spec.workload.custom.callTimeoutSeconds", c.getCallTimeoutSeconds(), 1,
                CustomWorkloadSpec.MAX_CALL_TIMEOUT_SECONDS, "");
        if (c.getCallTimeoutSeconds() != null && spec.getTimeoutSeconds() != null
                && c.getCallTimeoutSeconds() >= spec.getTimeoutSeconds()) {
            errors.add("spec.workload.custom.callTimeoutSeconds (" + c.getCallTimeoutSeconds()
                    + ") must be below spec.timeoutSeconds (" + spec.getTimeoutSeconds() + ")");
        }
    }

    /** As the schema's CEL rules: a per-call strategy starts all of a pod's calls at once, so they are bounded. */
    private static void fanOut(List<String> errors, ConcurrencyBenchmarkSpec spec, StrategyName strategy, int max,
                               String each) {
        if (spec.getStrategies() == null || !spec.getStrategies().contains(strategy)) {
            return;
        }
        List<Integer> pods = spec.getSweep() != null && spec.getSweep().getPods() != null
                ? spec.getSweep().getPods() : spec.getPods() == null ? List.of() : List.of(spec.getPods());
        int tasks = spec.getWorkload().getTasks();
        pods.stream().filter(p -> p != null && p > 0).map(p -> (tasks + p - 1) / p).filter(calls -> calls > max)
                .findFirst().ifPresent(calls -> errors.add("spec.workload.tasks: " + strategy.value() + " starts one "
                        + each + " per call, all of a pod's calls at once: " + calls + " calls per pod, at most " + max
                        + " allowed"));
    }

    /** As the schema's CEL rules: every value a quantity, no request above its limit. */
    private static void resources(List<String> errors, KernelResources resources) {
        Map<String, BigDecimal> requests = quantities(errors, "spec.resources.requests", resources.getRequests());
        Map<String, BigDecimal> limits = quantities(errors, "spec.resources.limits", resources.getLimits());
        requests.forEach((name, request) -> {
            BigDecimal limit = limits.get(name);
            if (limit != null && request.compareTo(limit) > 0) {
                errors.add("spec.resources.requests." + name + " must be less than or equal to limits." + name);
            }
        });
    }

    private static Map<String, BigDecimal> quantities(List<String> errors, String field, Map<String, Quantity> values) {
        Map<String, BigDecimal> parsed = new TreeMap<>();
        if (values == null) {
            return parsed;
        }
        if (values.size() > KernelResources.MAX_ENTRIES) {
            errors.add(field + " may have at most " + KernelResources.MAX_ENTRIES + " entries");
        }
        values.forEach((name, q) -> {
            try {
                parsed.put(name, Quantity.getAmountInBytes(q));
            } catch (RuntimeException e) {
                errors.add(field + ": value of " + name + " must be a quantity such as 500m, 2 or 1Gi, got \""
                        + (q == null ? null : q.toString()) + "\"");
            }
        });
        return parsed;
    }

    private static void range(List<String> errors, String field, Integer value, int min, int max, String context) {
        if (value == null) {
            errors.add(field + " is required");
        } else if (value < min || value > max) {
            errors.add(field + " must be between " + min + " and " + max + context + ", got " + value);
        }
    }

    private static void list(List<String> errors, String field, List<Integer> values, int min, int max) {
        if (values == null) {
            return;
        }
        if (values.isEmpty() || values.size() > 8) {
            errors.add(field + " must have 1 to 8 entries");
        }
        if (new HashSet<>(values).size() != values.size()) {
            errors.add(field + " must not repeat");
        }
        for (Integer v : values) {
            if (v == null || v < min || v > max) {
                errors.add(field + " entries must be between " + min + " and " + max + ", got " + v);
                break;
            }
        }
    }

    private static int size(List<?> values) {
        return values == null || values.isEmpty() ? 1 : values.size();
    }
}
