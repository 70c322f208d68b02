package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.experimental.Accessors;

/** What the kernel pods may reach on the network (spec.network), as the operator's NetworkPolicy says. */
@Getter
@Accessors(fluent = true)
@RequiredArgsConstructor
public enum Network {
    /** No connection in or out: the built-in workloads need none. */
    NONE("none"),
    /** Connections out (a custom workload that calls a service); still none in. */
    ALLOW("allow");

    @JsonValue
    private final String value;
}
