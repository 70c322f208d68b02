package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.experimental.Accessors;

/** How CPython's multiprocessing starts its children (processes, process-pool). */
@Getter
@Accessors(fluent = true)
@RequiredArgsConstructor
public enum StartMethod {
    @JsonProperty("fork")
    FORK("fork"),
    @JsonProperty("forkserver")
    FORKSERVER("forkserver"),
    @JsonProperty("spawn")
    SPAWN("spawn");

    private final String value;

}
