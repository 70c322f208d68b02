package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/** The benchmarked function and how many times a run calls it. */
@ValidationRule(value = "self.type != 'cpu' || self.size <= " + WorkloadSpec.MAX_CPU_SIZE,
        message = "for a cpu workload, size (n of the n*n loop) must be at most " + WorkloadSpec.MAX_CPU_SIZE,
        fieldPath = ".size", reason = "FieldValueInvalid")
@ValidationRule(value = "self.type != 'cpu' || self.size >= 1",
        message = "for a cpu workload, size (n of the n*n loop) must be at least 1",
        fieldPath = ".size", reason = "FieldValueInvalid")
@Getter
@Setter
public class WorkloadSpec {

    public static final int MAX_CPU_SIZE = 100_000;
    public static final int MAX_IO_MILLIS = 600_000;
    public static final int MAX_TASKS = 100_000;

    @JsonPropertyDescription("cpu: the nested multiply loop (for x in 1..n: for y in 1..n: x*y), "
            + "CPU-bound. io: a blocking sleep, I/O-bound.")
    @Required
    private WorkloadType type;

    @JsonPropertyDescription("cpu: n of the n*n loop (1 to 100000). io: milliseconds each call sleeps "
            + "(0 to 600000).")
    @Required
    @Min(0)
    @Max(MAX_IO_MILLIS)
    private Integer size;

    @JsonPropertyDescription("Calls of the function in one run, 1 to 100000, split across the run's pods.")
    @Required
    @Min(1)
    @Max(MAX_TASKS)
    private Integer tasks;

    public WorkloadSpec() {
    }

    public WorkloadSpec(WorkloadType type, int size, int tasks) {
        this.type = type;
        this.size = size;
        this.tasks = tasks;
    }
}
