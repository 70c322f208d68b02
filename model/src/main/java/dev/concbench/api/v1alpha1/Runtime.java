package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.experimental.Accessors;

/**
 * Which runtime runs the kernel: a name of the operator's runtime catalog (each an image, set in
 * the chart's values, and a kernel kind), or {@code python} / {@code java}, the operator's default
 * Python and Java images.
 */
@Getter
@Accessors(fluent = true)
@RequiredArgsConstructor
public enum Runtime {
    /** The operator's default Python image (concbench.python-image). */
    PYTHON("python", Kind.PYTHON, "python3"),
    /** The operator's default Java kernel image (concbench.kernel-image). */
    JAVA("java", Kind.JAVA, null),
    CPYTHON_3_11("cpython-3.11", Kind.PYTHON, "python3"),
    CPYTHON_3_13("cpython-3.13", Kind.PYTHON, "python3"),
    /** Free-threaded CPython 3.13 (built with --disable-gil: no GIL, threads run in parallel). */
    CPYTHON_3_13T("cpython-3.13t", Kind.PYTHON, "python3"),
    CPYTHON_3_14("cpython-3.14", Kind.PYTHON, "python3"),
    /** Free-threaded CPython 3.14 (PEP 779: supported). */
    CPYTHON_3_14T("cpython-3.14t", Kind.PYTHON, "python3"),
    /** PyPy (its JIT; Python 3.11 language level). */
    PYPY_3_11("pypy-3.11", Kind.PYTHON, "pypy3"),
    JAVA_17("java-17", Kind.JAVA, null),
    JAVA_21("java-21", Kind.JAVA, null),
    JAVA_25("java-25", Kind.JAVA, null);

    /** What kind of kernel the runtime's image runs: the Python script, or the Java kernel jar. */
    public enum Kind { PYTHON, JAVA }

    /** The name used in YAML and in the chart's runtimes values. */
    @JsonValue
    private final String value;
    private final Kind kind;
    /** The command that runs the Python kernel script in this runtime's image; null for java. */
    private final String interpreter;

    public boolean isPython() {
        return kind == Kind.PYTHON;
    }
}
