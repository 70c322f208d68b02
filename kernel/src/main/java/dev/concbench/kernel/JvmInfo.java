package dev.concbench.kernel;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * What the JVM is, for the result: the VM's name, version and vendor, whether the JIT
 * is on and which compiler it is, the garbage collectors in effect (their MXBeans), and
 * the {@code -X}/{@code -XX} options it was started with. Bounded so that the result
 * always fits the termination message.
 */
public record JvmInfo(String implementation, String implementationVersion, String vendor, boolean jit,
                      String jitCompiler, List<String> gc, List<String> jvmFlags) {

    /** 32 since issue 21 (40 before): the optional keys of custom and race need those bytes. */
    static final int MAX_TEXT = 32;
    static final int MAX_GCS = 4;
    /**
     * Flags are kept in order until they would pass this many characters as written (each with its
     * quotes and comma: short flags cost more than their length); then one "..." stands for the rest.
     */
    static final int MAX_FLAG_CHARS = 128;

    public JvmInfo {
        implementation = clip(implementation);
        implementationVersion = clip(implementationVersion);
        vendor = clip(vendor);
        jitCompiler = clip(jitCompiler);
        gc = gc.stream().limit(MAX_GCS).map(JvmInfo::clip).toList();
        jvmFlags = boundedFlags(jvmFlags);
    }

    public static JvmInfo current() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        boolean interpreted = System.getProperty("java.vm.info", "").contains("interpreted mode");
        List<String> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.add(bean.getName());
        }
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("-X")).toList();
        return new JvmInfo(System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                System.getProperty("java.vm.vendor"), compiler != null && !interpreted,
                compiler == null ? null : compiler.getName(), gcs, flags);
    }

    static String clip(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 3) + "...";
    }

    private static List<String> boundedFlags(List<String> flags) {
        List<String> kept = new ArrayList<>();
        int chars = 0;
        for (String flag : flags) {
            String clipped = clip(flag);
            int written = clipped.length() + 3; // "flag",
            if (chars + written > MAX_FLAG_CHARS) {
                kept.add("...");
                break;
            }
            kept.add(clipped);
            chars += written;
        }
        return List.copyOf(kept);
    }
}
