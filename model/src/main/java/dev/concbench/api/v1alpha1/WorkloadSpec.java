package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/** The benchmarked function and how many times a run calls it. */
@ValidationRule(value = "self.type != 'cpu' || !has(self.size) || self.size <= " + WorkloadSpec.MAX_CPU_SIZE,
        message = "for a cpu workload, size (n of the n*n loop) must be at most " + WorkloadSpec.MAX_CPU_SIZE,
        fieldPath = ".size", reason = "FieldValueInvalid")
@ValidationRule(value = "self.type != 'cpu' || !has(self.size) || self.size >= 1",
        message = "for a cpu workload, size (n of the n*n loop) must be at least 1",
        fieldPath = ".size", reason = "FieldValueInvalid")
@ValidationRule(value = "self.type == 'custom' || has(self.size)",
        message = "size is required (but for a custom workload): cpu and mixed n of the n*n loop, io milliseconds, "
                + "hash KiB per call, race updates per call",
        fieldPath = ".size", reason = "FieldValueRequired")
@ValidationRule(value = "self.type != 'custom' || !has(self.size)",
        message = "a custom workload has no size: its function decides the work of a call",
        fieldPath = ".size", reason = "FieldValueForbidden")
@ValidationRule(value = "self.type != 'io' || !has(self.size) || self.size <= " + WorkloadSpec.MAX_IO_MILLIS,
        message = "for an io workload, size (milliseconds) must be at most " + WorkloadSpec.MAX_IO_MILLIS,
        fieldPath = ".size", reason = "FieldValueInvalid")
@ValidationRule(value = "self.type != 'hash' || !has(self.size) || (self.size >= 1 && self.size <= " + WorkloadSpec.MAX_HASH_KIB + ")",
        message = "for a hash workload, size (KiB hashed per call) must be 1 to " + WorkloadSpec.MAX_HASH_KIB,
        fieldPath = ".size", reason = "FieldValueInvalid")
@ValidationRule(value = "self.type != 'mixed' || !has(self.size) || (self.size >= 1 && self.size <= " + WorkloadSpec.MAX_CPU_SIZE + ")",
        message = "for a mixed workload, size (n of the n*n loop) must be 1 to " + WorkloadSpec.MAX_CPU_SIZE,
        fieldPath = ".size", reason = "FieldValueInvalid")
@ValidationRule(value = "self.type != 'race' || !has(self.size) || self.size >= 1",
        message = "for a race workload, size (updates per call) must be at least 1",
        fieldPath = ".size", reason = "FieldValueInvalid")
@ValidationRule(value = "self.type == 'mixed' || !has(self.ioFraction)",
        message = "ioFraction is for the mixed workload only", fieldPath = ".ioFraction", reason = "FieldValueForbidden")
@ValidationRule(value = "(self.type == 'custom') == has(self.custom)",
        message = "workload.custom is set for type custom, and only then", fieldPath = ".custom",
        reason = "FieldValueInvalid")
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class WorkloadSpec {

    public static final int MAX_CPU_SIZE = 100_000;
    public static final int MAX_IO_MILLIS = 600_000;
    public static final int MAX_HASH_KIB = 65_536;
    public static final int MAX_RACE_UPDATES = 1_000_000;
    public static final int MAX_TASKS = 100_000;
    public static final double MAX_IO_FRACTION = 0.99;
    public static final double DEFAULT_IO_FRACTION = 0.5;

    @JsonPropertyDescription("cpu: the nested multiply loop (for x in 1..n: for y in 1..n: x*y), CPU-bound. "
            + "io: a blocking sleep, I/O-bound. hash: SHA-256 of a buffer (C code that releases CPython's GIL: "
            + "threads scale under it). mixed: the cpu loop then a sleep, ioFraction of each call waiting (a request "
            + "handler). race: the classic's unlocked shared-variable update, the lost updates counted per strategy. "
            + "custom: your own code (workload.custom).")
    @Required
    private WorkloadType type;

    @JsonPropertyDescription("cpu and mixed: n of the n*n loop (1 to " + MAX_CPU_SIZE + "). io: milliseconds each "
            + "call sleeps (0 to " + MAX_IO_MILLIS + "). hash: KiB hashed per call (1 to " + MAX_HASH_KIB + "). race: "
            + "updates of the shared variable per call (1 to " + MAX_RACE_UPDATES + "). custom: none (the function "
            + "decides).")
    @Min(0)
    @Max(MAX_RACE_UPDATES)
    private Integer size;

    @JsonPropertyDescription("Calls of the function in one run, 1 to " + MAX_TASKS + ", split across the run's pods.")
    @Required
    @Min(1)
    @Max(MAX_TASKS)
    private Integer tasks;

    @JsonPropertyDescription("mixed only: the share of each call spent waiting, 0 to " + MAX_IO_FRACTION + " (the "
            + "sleep after the loop is its CPU time x ioFraction / (1 - ioFraction)). Default: " + DEFAULT_IO_FRACTION
            + ".")
    @Min(0)
    @Max(MAX_IO_FRACTION)
    private Double ioFraction;

    @JsonPropertyDescription("custom only: your code, a Python function (entrypoint, from configMap or source) or a "
            + "Java class (className, on spec.image), called once per task under every strategy.")
    private CustomWorkloadSpec custom;

    public WorkloadSpec() {
    }

    public WorkloadSpec(WorkloadType type, int size, int tasks) {
        this.type = type;
        this.size = size;
        this.tasks = tasks;
    }
}
