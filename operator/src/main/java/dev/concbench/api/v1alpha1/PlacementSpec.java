package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.List;
import java.util.Map;

/** Where kernel pods may be scheduled. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlacementSpec {

    @JsonPropertyDescription("Node labels a kernel pod's node must have.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Tolerations of the kernel pods.")
    private List<Toleration> tolerations;

    @JsonPropertyDescription("Put every pod of a run on a distinct node (required pod anti-affinity on "
            + "the hostname), so pods do not share cores.")
    @Default("false")
    private Boolean spreadAcrossNodes = false;

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public Boolean getSpreadAcrossNodes() {
        return spreadAcrossNodes;
    }

    public void setSpreadAcrossNodes(Boolean spreadAcrossNodes) {
        this.spreadAcrossNodes = spreadAcrossNodes;
    }
}
