package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How CPython's multiprocessing starts its children (processes, process-pool). */
public enum StartMethod {
    @JsonProperty("fork")
    FORK("fork"),
    @JsonProperty("forkserver")
    FORKSERVER("forkserver"),
    @JsonProperty("spawn")
    SPAWN("spawn");

    private final String value;

    StartMethod(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
