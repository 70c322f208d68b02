package dev.concbench.cli;

import dev.concbench.api.v1alpha1.Runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the local runner starts a kernel: the program in front of the kernel's arguments
 * (kernel/CONTRACT.md). The local stand-in for a pod's container command.
 */
@FunctionalInterface
public interface KernelLauncher {

    /** System property holding the repository root; {@code bin/concbench} sets it. */
    String HOME_PROPERTY = "concbench.home";
    /** System property naming the Python interpreter; default {@code python3} from PATH. */
    String PYTHON_PROPERTY = "concbench.python";

    String PYTHON_KERNEL = "kernel/python/concbench_kernel.py";
    String JAVA_KERNEL = "kernel/target/concbench-kernel.jar";

    /** The full command line of a kernel process with the given kernel arguments. */
    List<String> command(Runtime runtime, List<String> kernelArgs);

    /** Checks, before anything runs, that the kernel for {@code runtime} can be started; throws if not. */
    default void check(Runtime runtime) {
    }

    /** The repository's kernels: {@code python3 ROOT/kernel/python/...} and {@code java -jar ROOT/kernel/target/...}. */
    static KernelLauncher forHome(Path home) {
        return new RepositoryKernels(home.toAbsolutePath().normalize(),
                System.getProperty(PYTHON_PROPERTY, "python3"), currentJava());
    }

    /** {@link #forHome} of the {@code concbench.home} system property (the working directory when unset). */
    static KernelLauncher fromSystemProperties() {
        return forHome(Path.of(System.getProperty(HOME_PROPERTY, ".")));
    }

    /** The java executable of this JVM, so kernels run on the same JDK as the runner. */
    private static String currentJava() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    /** The kernels of a repository checkout. */
    record RepositoryKernels(Path home, String python, String java) implements KernelLauncher {

        @Override
        public List<String> command(Runtime runtime, List<String> kernelArgs) {
            List<String> command = new ArrayList<>();
            if (runtime == Runtime.JAVA) {
                command.addAll(List.of(java, "-jar", kernelFile(runtime).toString()));
            } else {
                command.addAll(List.of(python, kernelFile(runtime).toString()));
            }
            command.addAll(kernelArgs);
            return command;
        }

        @Override
        public void check(Runtime runtime) {
            Path file = kernelFile(runtime);
            if (!Files.isRegularFile(file)) {
                String hint = runtime == Runtime.JAVA
                        ? "build it with: mvn -B -q -DskipTests -pl kernel package (bin/concbench does this)"
                        : "is " + HOME_PROPERTY + " (" + home + ") the repository root?";
                throw new IllegalStateException("the " + runtime.value() + " kernel is missing: " + file + "; " + hint);
            }
        }

        Path kernelFile(Runtime runtime) {
            return home.resolve(runtime == Runtime.JAVA ? JAVA_KERNEL : PYTHON_KERNEL);
        }
    }
}
