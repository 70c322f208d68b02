package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/** What the kernels reported about where they ran. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnvironmentStatus {

    @JsonPropertyDescription("python or java.")
    private String runtime;

    @JsonPropertyDescription("The interpreter's or JVM's version, as the kernel reported it.")
    private String runtimeVersion;

    @JsonPropertyDescription("Distinct CPU counts the pods saw (cgroup quota and affinity, not the host's count).")
    private List<Integer> cpus;

    @JsonPropertyDescription("Distinct nodes the pods ran on.")
    private List<String> nodes;

    public String getRuntime() {
        return runtime;
    }

    public void setRuntime(String runtime) {
        this.runtime = runtime;
    }

    public String getRuntimeVersion() {
        return runtimeVersion;
    }

    public void setRuntimeVersion(String runtimeVersion) {
        this.runtimeVersion = runtimeVersion;
    }

    public List<Integer> getCpus() {
        return cpus;
    }

    public void setCpus(List<Integer> cpus) {
        this.cpus = cpus;
    }

    public List<String> getNodes() {
        return nodes;
    }

    public void setNodes(List<String> nodes) {
        this.nodes = nodes;
    }
}
