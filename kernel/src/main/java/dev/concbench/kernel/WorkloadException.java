package dev.concbench.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * The user's code failed (exit code 4): the message names the file, line and exception, the last
 * lines of the stack trace, never the kernel's own frames (kernel/CONTRACT.md, exit codes).
 */
public final class WorkloadException extends Exception {

    /** A text's bound: the error document must fit the termination message. */
    static final int MAX_TEXT = 2000;
    private static final int MAX_LINE = 300;
    private static final int FRAMES_SHOWN = 4;
    private static final String KERNEL_PACKAGE = WorkloadException.class.getPackageName() + ".";

    public WorkloadException(String text) {
        super(text);
    }

    /**
     * What a throwable of the user's code says: prefix, exception and message, the user's innermost
     * frame, then the last frames as Java prints them. Reflection's and initialization's wrappers are
     * unwrapped to what the user's code threw.
     */
    static WorkloadException of(String prefix, Throwable error) {
        Throwable thrown = unwrap(error);
        String summary = thrown.toString();
        return new WorkloadException(framesText(prefix + ": " + summary, thrown.getStackTrace(), summary));
    }

    /** A call of task that ran longer than the bound, and where it is (its thread's stack, innermost first). */
    static String stuck(int task, int boundSeconds, StackTraceElement[] stack) {
        String prefix = "task " + task + " did not return within " + boundSeconds + " s";
        if (stack == null || stack.length == 0) {
            return prefix + " (where it is stuck cannot be read)";
        }
        return framesText(prefix + ": it is stuck", stack, null);
    }

    static Throwable unwrap(Throwable error) {
        Throwable thrown = error;
        while ((thrown instanceof java.lang.reflect.InvocationTargetException
                || thrown instanceof ExceptionInInitializerError
                || thrown instanceof java.lang.reflect.UndeclaredThrowableException)
                && thrown.getCause() != null) {
            thrown = thrown.getCause();
        }
        return thrown;
    }

    /**
     * prefix with the user's innermost frame, then a line (summary, when not null) and the frames from
     * the innermost to the first of the kernel's (which called the user's code), at most four.
     */
    private static String framesText(String prefix, StackTraceElement[] stack, String summary) {
        List<StackTraceElement> frames = new ArrayList<>();
        for (StackTraceElement frame : stack) {
            String className = frame.getClassName();
            if (className.startsWith(KERNEL_PACKAGE)) {
                break;
            }
            if (!className.startsWith("jdk.internal.reflect.") && !className.startsWith("java.lang.reflect.")) {
                frames.add(frame);
            }
        }
        StackTraceElement at = frames.stream().filter(WorkloadException::isUsers).findFirst()
                .orElse(frames.isEmpty() ? null : frames.get(0));
        List<String> lines = new ArrayList<>();
        lines.add(at == null ? prefix : prefix + " (" + at + ")");
        if (summary != null) {
            lines.add(summary);
        }
        // from the library call the user's innermost frame made (Thread.sleep, say) outwards
        int from = at == null ? 0 : Math.max(0, frames.indexOf(at) - 1);
        frames.stream().skip(from).limit(FRAMES_SHOWN).forEach(frame -> lines.add("    at " + frame));
        return bounded(lines);
    }

    private static boolean isUsers(StackTraceElement frame) {
        String name = frame.getClassName();
        return !name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.");
    }

    static String bounded(List<String> lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(text.length() == 0 ? "" : "\n")
                    .append(line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE - 3) + "...");
        }
        return text.length() <= MAX_TEXT ? text.toString() : text.substring(0, MAX_TEXT - 3) + "...";
    }

    /** The text on one line, for a child JVM's answer: backslash and newline escaped. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String unescape(String line) {
        StringBuilder text = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char next = line.charAt(++i);
                text.append(next == 'n' ? '\n' : next);
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
