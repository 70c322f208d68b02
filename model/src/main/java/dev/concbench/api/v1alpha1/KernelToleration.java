package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import lombok.Getter;
import lombok.Setter;

/**
 * A toleration of the kernel pods: the core type's fields with its operators and effects as
 * enums, so a misspelt one is refused at {@code kubectl apply}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class KernelToleration {

    /** How the key's value is matched. */
    public enum Operator { Equal, Exists }

    /** The taint effect tolerated. */
    public enum Effect { NoSchedule, PreferNoSchedule, NoExecute }

    @JsonPropertyDescription("The taint key this toleration matches; empty with operator Exists matches "
            + "every taint.")
    private String key;

    @JsonPropertyDescription("Equal (the taint's value must equal value) or Exists (any value; value "
            + "must then be empty). Default: Equal.")
    private Operator operator;

    @JsonPropertyDescription("The taint value to match when operator is Equal.")
    private String value;

    @JsonPropertyDescription("NoSchedule, PreferNoSchedule or NoExecute; empty tolerates every effect.")
    private Effect effect;

    @JsonPropertyDescription("With effect NoExecute only: seconds the pod stays bound after the taint "
            + "appears; unset means forever.")
    private Long tolerationSeconds;

    public KernelToleration() {
    }

    public KernelToleration(String key, Operator operator, String value, Effect effect) {
        this.key = key;
        this.operator = operator;
        this.value = value;
        this.effect = effect;
    }

    /** The pod template's toleration. */
    public Toleration toToleration() {
        return new TolerationBuilder()
                .withKey(key)
                .withOperator(operator == null ? null : operator.name())
                .withValue(value)
                .withEffect(effect == null ? null : effect.name())
                .withTolerationSeconds(tolerationSeconds)
                .build();
    }
}
