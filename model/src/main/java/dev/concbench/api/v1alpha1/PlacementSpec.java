package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

import java.util.List;
import java.util.Map;

/** Where kernel pods may be scheduled: node labels, tolerated taints, one pod per node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class PlacementSpec {

    @JsonPropertyDescription("Node labels a kernel pod's node must have (label key to value), as a pod's "
            + "nodeSelector.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Taints of nodes the kernel pods may run on anyway, as a pod's tolerations "
            + "(key, operator Equal or Exists, value, effect NoSchedule, PreferNoSchedule or NoExecute). "
            + "At most 16.")
    @Size(max = 16)
    private List<KernelToleration> tolerations;

    @JsonPropertyDescription("Put every pod of a run on a distinct node (required pod anti-affinity on "
            + "the hostname), so pods do not share cores.")
    @Default("false")
    private Boolean spreadAcrossNodes = false;
}
