package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

/** A strategy's CPU figures in a run, with the verdict its result row carries as contended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@EqualsAndHashCode(callSuper = true)
@Getter
@Setter
public class RunCpuUsage extends CpuUsage {

    @JsonPropertyDescription("Whether the strategy was contended in this run (results[].contended); absent when the "
            + "figures cannot tell.")
    private Boolean contended;

    @JsonPropertyDescription("Why contended fired (results[].contendedReason).")
    private String contendedReason;
}
