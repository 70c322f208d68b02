package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

import java.util.Map;

/** What the kernels of one runtime of a sweep over runtimes reported. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@EqualsAndHashCode
@Getter
@Setter
public class RuntimeEnvironment {

    @JsonPropertyDescription("The runtime's name in the catalog, e.g. cpython-3.13t.")
    private String runtime;

    @JsonPropertyDescription("The interpreter's or JVM's version, as the kernel reported it.")
    private String runtimeVersion;

    @JsonPropertyDescription("What the kernel reported of this runtime: implementation, free-threaded build, GIL "
            + "at run time, JIT, start method.")
    private KernelInfo kernel;

    @JsonPropertyDescription("Strategies this runtime could not run, with the reason (they have no rows).")
    private Map<String, String> skipped;
}
