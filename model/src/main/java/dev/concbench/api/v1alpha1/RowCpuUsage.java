package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

/** A result row's CPU figures: its run's, and the efficiency against the CPUs it obtained. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@EqualsAndHashCode(callSuper = true)
@Getter
@Setter
public class RowCpuUsage extends CpuUsage {

    @JsonPropertyDescription("speedup / CPUs obtained: how well the strategy turned the CPUs it really got into "
            + "speed (efficiency is against the parallelism available).")
    private Double efficiency;
}
