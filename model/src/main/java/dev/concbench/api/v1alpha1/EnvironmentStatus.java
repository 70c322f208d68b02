package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

import java.util.List;
import java.util.Map;

/** What the kernels reported about where they ran. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@EqualsAndHashCode
@Getter
@Setter
public class EnvironmentStatus {

    @JsonPropertyDescription("The runtime measured (spec.runtime); in a sweep over runtimes their names, "
            + "comma-separated, and runtimes has each one's facts.")
    private String runtime;

    @JsonPropertyDescription("The interpreter's or JVM's version, as the kernel reported it.")
    private String runtimeVersion;

    @JsonPropertyDescription("Distinct CPU counts the pods saw (cgroup quota and affinity, not the host's count).")
    private List<Integer> cpus;

    @JsonPropertyDescription("Distinct nodes the pods ran on.")
    private List<String> nodes;

    @JsonPropertyDescription("The cgroup version of the pods' CPU controller (v1, v2; comma-separated when they "
            + "differed); absent when none was readable.")
    private String cgroup;

    @JsonPropertyDescription("True when every pod had CPUs of its own (an affinity narrower than the machine's CPUs: "
            + "Guaranteed QoS with whole CPUs under the kubelet's static CPU manager policy), false when one shared "
            + "the machine's CPUs; absent when unknown.")
    private Boolean exclusiveCpus;

    @JsonPropertyDescription("The pods' QoS class (Guaranteed, Burstable, BestEffort; comma-separated when runs "
            + "differed); absent locally.")
    private String qosClass;

    @JsonPropertyDescription("What the kernel reported of its runtime: implementation, free-threaded build, GIL at "
            + "run time, JIT, start method.")
    private KernelInfo kernel;

    @JsonPropertyDescription("Strategies the runtime could not run, with the kernel's reason (they have no rows); "
            + "in a sweep over runtimes keyed runtime/strategy.")
    private Map<String, String> skipped;

    @JsonPropertyDescription("In a sweep over runtimes: one entry per runtime measured, in the sweep's order.")
    private List<RuntimeEnvironment> runtimes;
}
