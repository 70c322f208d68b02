package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import lombok.Getter;
import lombok.Setter;

import java.util.Map;

/**
 * Requests and limits of each kernel pod: the core type's two maps, validated in the schema
 * as the API server would validate the pod (quantities, requests not above limits), so a bad
 * value is refused at {@code kubectl apply} instead of when the operator creates the Job.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Over the three standard resources, not over the maps' keys: the API server bounds a rule's
// estimated cost, and quantities as int-or-string values have no length bound.
@ValidationRule(value = "!has(self.requests) || !has(self.limits) || " + KernelResources.STANDARD
        + ".all(k, !(k in self.requests) || !(k in self.limits)"
        + " || !isQuantity(string(self.requests[k])) || !isQuantity(string(self.limits[k]))"
        + " || quantity(string(self.requests[k])).compareTo(quantity(string(self.limits[k]))) <= 0)",
        message = "each of requests.cpu, requests.memory and requests.ephemeral-storage must be less than or "
                + "equal to the same limit",
        fieldPath = ".requests", reason = "FieldValueInvalid")
@Getter
@Setter
public class KernelResources {

    /** Resource names per map: cpu, memory, ephemeral-storage and a few extended resources. */
    public static final int MAX_ENTRIES = 8;
    static final String STANDARD = "['cpu', 'memory', 'ephemeral-storage']";
    private static final String QUANTITIES = "self.all(k, isQuantity(string(self[k])))";
    /** CEL message naming the first value of the map that is not a quantity. */
    private static final String NOT_A_QUANTITY = "'value of ' + self.filter(k, !isQuantity(string(self[k])))[0]"
            + " + ' must be a quantity such as 500m, 2 or 1Gi'";

    @JsonPropertyDescription("Minimum resources per kernel pod, used by the scheduler to pick a node: "
            + "resource name (cpu, memory, ...) to quantity (for example cpu: 500m or 2, memory: 1Gi). "
            + "Each must not exceed the same resource's limit. At most " + MAX_ENTRIES + " entries.")
    @Size(max = MAX_ENTRIES)
    @ValidationRule(value = QUANTITIES, messageExpression = NOT_A_QUANTITY, reason = "FieldValueInvalid")
    private Map<String, Quantity> requests;

    @JsonPropertyDescription("Maximum resources per kernel pod: resource name to quantity. A CPU limit "
            + "becomes the pod's cgroup CPU quota, which caps the CPUs the kernel sees and so the default "
            + "pool size (workers: 0). A memory limit too small for the runtime gets the pod OOMKilled. "
            + "At most " + MAX_ENTRIES + " entries.")
    @Size(max = MAX_ENTRIES)
    @ValidationRule(value = QUANTITIES, messageExpression = NOT_A_QUANTITY, reason = "FieldValueInvalid")
    private Map<String, Quantity> limits;

    public KernelResources() {
    }

    public KernelResources(Map<String, Quantity> requests, Map<String, Quantity> limits) {
        this.requests = requests;
        this.limits = limits;
    }

    /** The container's resources, as the pod template takes them. */
    public ResourceRequirements toResourceRequirements() {
        return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
    }
}
