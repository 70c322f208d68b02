package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.Setter;

/** The runtime a run's kernel reported (its first pod's; the pods of a run share an image). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@NoArgsConstructor
@AllArgsConstructor
@EqualsAndHashCode
public class KernelInfo {

    @JsonPropertyDescription("cpython, pypy, or the JVM's name.")
    private String implementation;

    @JsonPropertyDescription("The implementation's own version (PyPy's, the JVM's).")
    private String implementationVersion;

    @JsonPropertyDescription("CPython: built without the GIL (free-threaded).")
    private Boolean freeThreaded;

    @JsonPropertyDescription("CPython: whether the GIL was enabled at run time (an extension can turn it back on).")
    private Boolean gil;

    @JsonPropertyDescription("Whether a JIT compiled the code (PyPy, the JVM).")
    private Boolean jit;

    @JsonPropertyDescription("The multiprocessing start method used by processes and process-pool (python).")
    private String startMethod;
}
