package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/**
 * The user's own code (workload.type custom): a Python function from a ConfigMap or a few inline
 * lines, or a Java class on an image built FROM the kernel image. Which runtime goes with which is
 * checked on the whole spec (ConcurrencyBenchmarkSpec).
 */
@ValidationRule(value = "has(self.entrypoint) != has(self.className)",
        message = "set custom.entrypoint (Python, module:function) or custom.className (Java), one of them",
        reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.entrypoint) || self.entrypoint.matches('" + CustomWorkloadSpec.ENTRYPOINT_PATTERN + "')",
        message = "custom.entrypoint must be module:function, e.g. records:work: a module (a file module.py of the "
                + "configMap or the source) and a function of it",
        fieldPath = ".entrypoint", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.className) || self.className.matches('" + CustomWorkloadSpec.CLASS_NAME_PATTERN + "')",
        message = "custom.className must be a Java class's binary name, e.g. com.example.Work",
        fieldPath = ".className", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.entrypoint) || has(self.configMap) != has(self.source)",
        message = "a Python entrypoint needs its code: custom.configMap (a ConfigMap of this namespace whose keys are "
                + "files) or custom.source (a few inline lines), one of them",
        fieldPath = ".entrypoint", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.className) || (!has(self.configMap) && !has(self.source))",
        message = "a Java class comes from spec.image (an image built FROM the kernel image with your jar in "
                + "/app/workloads/): custom.configMap and custom.source are for Python",
        fieldPath = ".className", reason = "FieldValueForbidden")
@ValidationRule(value = "!has(self.source) || !has(self.entrypoint) || !self.entrypoint.startsWith('concbench_kernel:')",
        message = "with custom.source the module cannot be named concbench_kernel: that is the kernel's own file",
        fieldPath = ".entrypoint", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.configMap) || self.configMap.matches('^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$')",
        message = "custom.configMap must be the name of a ConfigMap of this namespace",
        fieldPath = ".configMap", reason = "FieldValueInvalid")
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class CustomWorkloadSpec {

    /** At most this many characters of inline source: a few lines (a ConfigMap holds more). */
    public static final int MAX_SOURCE_CHARS = 16_384;
    public static final int MAX_CALL_TIMEOUT_SECONDS = 86_400;
    public static final int DEFAULT_CALL_TIMEOUT_SECONDS = 60;
    /** CEL (RE2) and Java: module:function, the module one file (a ConfigMap's keys have no directories). */
    public static final String ENTRYPOINT_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*:[A-Za-z_][A-Za-z0-9_]*$";
    /** CEL (RE2) and Java: a class's binary name. */
    public static final String CLASS_NAME_PATTERN = "^[A-Za-z_$][A-Za-z0-9_$]*([.][A-Za-z_$][A-Za-z0-9_$]*)*$";

    @JsonPropertyDescription("Python: module:function, e.g. records:work. The module is a file of configMap (or "
            + "the source), imported once per process (and per subinterpreter), timed apart as the setup; the "
            + "function is called as function(task index) for every call, and its return value hashed. A coroutine "
            + "function (async def) is awaited by asyncio.")
    @Size(max = 255)
    private String entrypoint;

    @JsonPropertyDescription("Java: the binary name of a public class with a public no-argument constructor that "
            + "implements java.util.function.IntFunction, called as apply(task index); one instance per JVM, shared by "
            + "its threads. It is loaded from the jars in /app/workloads/ of spec.image, an image built FROM the "
            + "kernel image (the cluster's policy must allow spec.image).")
    @Size(max = 255)
    private String className;

    @JsonPropertyDescription("Python: a ConfigMap of this namespace whose keys are the files of your code (one of "
            + "them entrypoint's module.py), mounted read-only beside the kernel. It must exist before the benchmark "
            + "runs, and hold at most 512 KiB.")
    @Size(max = 253)
    private String configMap;

    @JsonPropertyDescription("Python: the module's source, for a few lines (at most " + MAX_SOURCE_CHARS
            + " characters), in place of configMap.")
    @Size(max = MAX_SOURCE_CHARS)
    private String source;

    @JsonPropertyDescription("Every strategy must give the same values as sequential: a strategy whose values differ "
            + "is marked resultsDiffer in its row, with the first call that differed (the code is not thread-safe, "
            + "or not deterministic). false for code whose values may differ from call to call (random, time). "
            + "Default: true.")
    @Default("true")
    private Boolean deterministic = true;

    @JsonPropertyDescription("Seconds one call may run, 1 to " + MAX_CALL_TIMEOUT_SECONDS + " and below "
            + "timeoutSeconds: a call running longer fails the benchmark (WorkloadError) naming the file and line where "
            + "it is stuck. Default: " + DEFAULT_CALL_TIMEOUT_SECONDS + ".")
    @Default("" + DEFAULT_CALL_TIMEOUT_SECONDS)
    @Min(1)
    @Max(MAX_CALL_TIMEOUT_SECONDS)
    private Integer callTimeoutSeconds = DEFAULT_CALL_TIMEOUT_SECONDS;
}
