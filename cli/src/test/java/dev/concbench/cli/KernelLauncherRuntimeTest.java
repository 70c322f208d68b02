package dev.concbench.cli;

import dev.concbench.api.v1alpha1.Runtime;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local runner finds a named runtime's interpreter on this machine, or says how to get it. */
class KernelLauncherRuntimeTest {

    private static final KernelLauncher.RepositoryKernels KERNELS =
            new KernelLauncher.RepositoryKernels(TestPaths.repoRoot(), "python3", "java");

    @Test
    void namedRuntimesAreTheirVersionedInterpreters() {
        assertThat(KERNELS.program(Runtime.PYTHON)).isEqualTo("python3");
        assertThat(KERNELS.program(Runtime.CPYTHON_3_13T)).isEqualTo("python3.13t");
        assertThat(KERNELS.program(Runtime.CPYTHON_3_11)).isEqualTo("python3.11");
        assertThat(KERNELS.program(Runtime.PYPY_3_11)).isEqualTo("pypy3");
        assertThat(KernelLauncher.RepositoryKernels.environmentVariable(Runtime.CPYTHON_3_13T))
                .isEqualTo("CONCBENCH_RUNTIME_CPYTHON_3_13T");
        assertThat(KERNELS.command(Runtime.CPYTHON_3_14, java.util.List.of("--x")))
                .containsExactly("python3.14", TestPaths.repoRoot().resolve(KernelLauncher.PYTHON_KERNEL).toString(), "--x");
    }

    @Test
    void aMissingInterpreterIsNamedWithHowToGetIt() {
        // No machine here has an interpreter by this name unless it is configured for it.
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CONCBENCH_RUNTIME_CPYTHON_3_14T") == null);
        assertThatThrownBy(() -> KERNELS.check(Runtime.CPYTHON_3_14T))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("runtime cpython-3.14t: python3.14t is not on the PATH")
                .hasMessageContaining("CONCBENCH_RUNTIME_CPYTHON_3_14T");
    }

    @Test
    void theRunnersOwnInterpretersPass() {
        KERNELS.check(Runtime.PYTHON);
        assertThat(Path.of(KERNELS.kernelFile(Runtime.PYTHON).toString())).exists();
    }
}
