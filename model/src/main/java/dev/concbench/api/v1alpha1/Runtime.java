package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which kernel implementation runs in the pods. */
public enum Runtime {
    /** CPython, stdlib-only kernel script on a stock python image (the GIL applies). */
    @JsonProperty("python")
    PYTHON("python"),
    /** The plain-Java kernel on the project's kernel image (threads are not serialized). */
    @JsonProperty("java")
    JAVA("java");

    private final String value;

    Runtime(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
