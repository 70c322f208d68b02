package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

/**
 * How much CPU a strategy really got in a run (summed over the run's pods and its measured
 * repetitions), from the kernel's result format 2. A figure the platform cannot measure is absent
 * (unknown), never 0. docs/contention.md explains each figure and the contended rule. A result row
 * adds the efficiency per CPU obtained ({@link RowCpuUsage}), a run the verdict ({@link RunCpuUsage}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@EqualsAndHashCode
@Getter
@Setter
public class CpuUsage {

    @JsonPropertyDescription("CPUs obtained: CPU time used (the kernel, its threads and children) / wall time, summed "
            + "over the pods. Compare it with parallelism: a process pool on 2 free CPUs obtains about 2, threads under "
            + "the GIL about 1.")
    private Double obtained;

    @JsonPropertyDescription("Time the strategy's threads and children were runnable but waiting for a CPU / (wall "
            + "time x the calls it had in flight). High for one process per call by design (80 children on 2 CPUs "
            + "wait for each other); low for threads waiting on the GIL (they sleep, not runnable).")
    private Double waitFraction;

    @JsonPropertyDescription("Time the pod's cgroup was held back by its CPU limit (CFS throttling) / (wall time x "
            + "the CPUs the strategy could keep busy).")
    private Double throttledFraction;

    @JsonPropertyDescription("The virtual machine's steal time (the hypervisor ran something else) / (wall time x the "
            + "machine's online CPUs).")
    private Double stealFraction;

    public CpuUsage() {
    }
}
