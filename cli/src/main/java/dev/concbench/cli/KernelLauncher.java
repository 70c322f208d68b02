package dev.concbench.cli;

import dev.concbench.api.v1alpha1.Runtime;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
            if (!runtime.isPython()) {
                command.addAll(List.of(program(runtime), "-jar", kernelFile(runtime).toString()));
            } else {
                command.addAll(List.of(program(runtime), kernelFile(runtime).toString()));
            }
            command.addAll(kernelArgs);
            return command;
        }

        /**
         * The local program of a runtime: {@code CONCBENCH_RUNTIME_<NAME>} (e.g.
         * CONCBENCH_RUNTIME_CPYTHON_3_13T=/opt/python3.13t/bin/python3) when set; else python and java
         * are the runner's own, a named Python runtime its versioned interpreter on the PATH
         * (python3.13, python3.13t, pypy3), a named Java runtime this JVM when its version matches.
         */
        String program(Runtime runtime) {
            String override = System.getenv(environmentVariable(runtime));
            if (override != null && !override.isBlank()) {
                return override;
            }
            return switch (runtime) {
                case PYTHON -> python;
                case JAVA -> java;
                case PYPY_3_11 -> "pypy3";
                case JAVA_17, JAVA_21, JAVA_25 -> java;
                default -> "python" + runtime.value().substring("cpython-".length());
            };
        }

        static String environmentVariable(Runtime runtime) {
            return "CONCBENCH_RUNTIME_" + runtime.value().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        }

        @Override
        public void check(Runtime runtime) {
            String program = program(runtime);
            if (runtime.isPython() && !onPath(program)) {
                throw new IllegalStateException("runtime " + runtime.value() + ": " + program + " is not on the PATH; "
                        + "install it (a distribution package or pyenv) or set " + environmentVariable(runtime)
                        + " to its path");
            }
            if (!runtime.isPython() && runtime != Runtime.JAVA) {
                int wanted = Integer.parseInt(runtime.value().substring("java-".length()));
                int running = Integer.parseInt(System.getProperty("java.specification.version"));
                if (System.getenv(environmentVariable(runtime)) == null && running != wanted) {
                    throw new IllegalStateException("runtime " + runtime.value() + ": the runner's JVM is Java "
                            + running + "; set " + environmentVariable(runtime)
                            + " to the java of a Java " + wanted);
                }
            }
            Path file = kernelFile(runtime);
            if (!Files.isRegularFile(file)) {
                String hint = !runtime.isPython()
                        ? "build it with: mvn -B -q -DskipTests -pl kernel package (bin/concbench does this)"
                        : "is " + HOME_PROPERTY + " (" + home + ") the repository root?";
                throw new IllegalStateException("the " + runtime.value() + " kernel is missing: " + file + "; " + hint);
            }
        }

        private static boolean onPath(String program) {
            if (program.contains("/")) {
                return Files.isExecutable(Path.of(program));
            }
            String path = System.getenv().getOrDefault("PATH", "");
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                    return true;
                }
            }
            return false;
        }

        Path kernelFile(Runtime runtime) {
            return home.resolve(!runtime.isPython() ? JAVA_KERNEL : PYTHON_KERNEL);
        }
    }
}
