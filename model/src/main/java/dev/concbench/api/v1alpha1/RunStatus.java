package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run: one point of the sweep, one Indexed Job. Holds the measured makespans, so
 * results survive the Job's TTL and an operator restart never re-runs a finished run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@EqualsAndHashCode
@Getter
@Setter
public class RunStatus {

    @JsonPropertyDescription("Position in the plan, from 0.")
    private Integer index;

    @JsonPropertyDescription("Name of the run's Job.")
    private String jobName;

    @JsonPropertyDescription("In a sweep over runtimes: the runtime this run measured (its image and kernel).")
    private Runtime runtime;

    @JsonPropertyDescription("Pods of the run.")
    private Integer pods;

    @JsonPropertyDescription("Pool size requested for the run (0 = the pod's CPUs).")
    private Integer workers;

    @JsonPropertyDescription("Strategies the run measures.")
    private List<String> strategies = new ArrayList<>();

    @JsonPropertyDescription("Planned, Running, Succeeded or Failed.")
    private RunState state;

    @JsonPropertyDescription("Pods that finished successfully.")
    private Integer podsSucceeded;

    @JsonPropertyDescription("Pods that failed.")
    private Integer podsFailed;

    @JsonPropertyDescription("When the run's Job was created (RFC 3339, UTC).")
    private String startTime;

    @JsonPropertyDescription("When the run succeeded or failed (RFC 3339, UTC).")
    private String completionTime;

    @JsonPropertyDescription("Why the run failed, naming the pod.")
    private String message;

    @JsonPropertyDescription("Per strategy, the makespan (seconds) of every measured repetition: the slowest "
            + "pod's wall time for that repetition.")
    private Map<String, List<Double>> samples;

    @JsonPropertyDescription("Per strategy, how much CPU it really got, summed over the pods (kernel result format 2; "
            + "absent for an older kernel): CPUs obtained, wait, throttled and steal fractions, and whether it was "
            + "contended and why.")
    private Map<String, RunCpuUsage> cpu;

    @JsonPropertyDescription("The cgroup version of the pods' CPU controller (v1, v2; comma-separated when pods "
            + "differed); absent when none was readable.")
    private String cgroup;

    @JsonPropertyDescription("True when every pod's CPU affinity was narrower than its machine's CPUs (CPUs of its "
            + "own, e.g. the kubelet's static CPU manager), false when one spanned them all; absent when unknown.")
    private Boolean exclusiveCpus;

    @JsonPropertyDescription("The pods' QoS class (Guaranteed, Burstable, BestEffort) from their status; absent "
            + "locally.")
    private String qosClass;

    @JsonPropertyDescription("CPUs each pod saw, in shard order (workers 0 means this many).")
    private List<Integer> cpus;

    @JsonPropertyDescription("Nodes the pods ran on (distinct).")
    private List<String> nodes;

    @JsonPropertyDescription("Runtime version reported by the kernel.")
    private String runtimeVersion;

    @JsonPropertyDescription("Sum of the pods' checksums (mod 2^64): the same for every strategy.")
    private String checksum;

    @JsonPropertyDescription("custom workloads: seconds the code's set-up (its import, or its class's initialization "
            + "and constructor) took before the timed calls, in the slowest pod's kernel process.")
    private Double setupSeconds;

    @JsonPropertyDescription("custom workloads: per strategy whose values differed from sequential's, the task index "
            + "of the first (lowest) differing call over all pods.")
    private Map<String, Integer> differs;

    @JsonPropertyDescription("race workloads: per strategy, the updates of the shared variable lost over the measured "
            + "repetitions, all pods together.")
    private Map<String, Long> lostUpdates;

    public RunStatus() {
    }

    public void setSamples(Map<String, List<Double>> samples) {
        this.samples = samples == null ? null : new LinkedHashMap<>(samples);
    }

    @JsonPropertyDescription("Strategies this run's runtime could not run, each with the reason: the kernel's for "
            + "its version (interpreter-pool: needs CPython 3.14 or newer; this is 3.11.7), or, in a sweep over "
            + "runtimes, a strategy of the other kind (asyncio is a Python strategy; java-21 is a Java runtime).")
    private Map<String, String> skipped;

    @JsonPropertyDescription("What the kernel reported of its runtime: implementation (cpython, pypy, the JVM's "
            + "name), freeThreaded and gil (CPython: a build without the GIL, and whether it is on at run time), "
            + "jit, and the multiprocessing startMethod used.")
    private KernelInfo kernel;
}
