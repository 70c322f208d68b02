package dev.concbench.kernel;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start a child JVM running {@link ChildWorker}: the same {@code java} binary
 * and the same jar (or classes directory) as this process. The children keep the full
 * JIT, so CPU timings are fair; serial GC, a small heap and no perf-data file keep a
 * spawn cheap (and writable-filesystem free).
 */
public final class ChildJvm {

    static final List<String> JVM_OPTIONS = List.of(
            "-Xshare:auto", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xms8m", "-Xmx64m");

    private final String javaBinary;
    private final String classPath;
    private final ProcessBuilder.Redirect childErrors;

    /** Children write their stderr to this process's stderr. */
    public ChildJvm(String javaBinary, String classPath) {
        this(javaBinary, classPath, ProcessBuilder.Redirect.INHERIT);
    }

    public ChildJvm(String javaBinary, String classPath, ProcessBuilder.Redirect childErrors) {
        this.javaBinary = javaBinary;
        this.classPath = classPath;
        this.childErrors = childErrors;
    }

    /** A launcher for the JVM and the code this process runs. */
    public static ChildJvm current() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ChildJvm(java, codeLocation());
    }

    static String codeLocation() {
        try {
            var source = ChildWorker.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                return Path.of(source.getLocation().toURI()).toString();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the class path below
        }
        return System.getProperty("java.class.path");
    }

    /** The command line of a child: {@code java OPTIONS -cp CP ChildWorker ARGS}. */
    public List<String> command(String... workerArgs) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(classPath);
        command.add(ChildWorker.class.getName());
        command.addAll(List.of(workerArgs));
        return command;
    }

    public Process start(String... workerArgs) throws java.io.IOException {
        return new ProcessBuilder(command(workerArgs))
                .redirectError(childErrors)
                .start();
    }
}
