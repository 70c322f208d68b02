package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.experimental.Accessors;

/** How CPython's multiprocessing starts its children (processes, process-pool). */
@Getter
@Accessors(fluent = true)
@RequiredArgsConstructor
public enum StartMethod {
    FORK("fork"),
    FORKSERVER("forkserver"),
    SPAWN("spawn");

    @JsonValue
    private final String value;

}
