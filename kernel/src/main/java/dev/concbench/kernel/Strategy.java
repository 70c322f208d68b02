package dev.concbench.kernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One way to run a shard's tasks. {@link #run} runs every task once and returns the values
 * in task order; set-up and tear-down happen inside it, so they are part of the timed region,
 * as in the classic experiment.
 */
public record Strategy(String name, Body body) {

    /** What a strategy does with a shard's tasks: run each once, return the values in task order. */
    @FunctionalInterface
    public interface Body {
        long[] run(Workload workload, int[] tasks, int workers) throws Exception;
    }

    /** Every strategy name of the contract, in its order (kernel/contract/strategies.json). */
    public static final List<String> NAMES = List.of("sequential", "threads", "thread-pool", "processes", "process-pool",
            "asyncio", "interpreter-pool", "virtual-threads");

    /** Run when {@code --strategies} is absent: the classic five. */
    public static final List<String> DEFAULTS = NAMES.subList(0, 5);

    public long[] run(Workload workload, int[] tasks, int workers) throws Exception {
        return body.run(workload, tasks, workers);
    }

    /** The sum of values mod 2^64: a run's checksum. */
    public static long checksum(long[] values) {
        long sum = 0;
        for (long value : values) {
            sum += value;
        }
        return sum;
    }

    public static Strategy named(String name, ChildJvm childJvm) {
        return new Strategy(name, switch (name) {
            case "sequential" -> new SequentialStrategy();
            case "threads" -> ThreadPerCallStrategy.platform();
            case "thread-pool" -> new ThreadPoolStrategy();
            case "processes" -> new ProcessPerCallStrategy(childJvm);
            case "process-pool" -> new ProcessPoolStrategy(childJvm);
            case "virtual-threads" -> ThreadPerCallStrategy.virtual();
            default -> throw new IllegalArgumentException("strategy " + name + " does not run on the JVM");
        });
    }

    /**
     * Null when this JVM can run the strategy, else why not: one line, without the
     * strategy's name. {@code feature} and {@code version} describe the JVM (tests pass others).
     */
    public static String unsupportedReason(String name, int feature, String version) {
        return switch (name) {
            case "asyncio" -> "needs CPython or PyPy; this is Java " + version;
            case "interpreter-pool" -> "needs CPython 3.14 or newer; this is Java " + version;
            case "virtual-threads" -> feature >= 21 ? null : "needs Java 21 or newer; this is " + version;
            default -> null;
        };
    }

    public static String unsupportedReason(String name) {
        return unsupportedReason(name, Runtime.version().feature(), System.getProperty("java.version"));
    }

    /**
     * The strategies this JVM can't run, each with its reason, in the given order.
     * One of them is a usage error unless {@code skipUnsupported}; so is skipping them all.
     */
    public static Map<String, String> skipped(List<String> names, boolean skipUnsupported) throws UsageException {
        Map<String, String> skipped = new LinkedHashMap<>();
        for (String name : names) {
            String reason = unsupportedReason(name);
            if (reason != null) {
                skipped.put(name, reason);
            }
        }
        if (!skipped.isEmpty() && (!skipUnsupported || skipped.size() == names.size())) {
            Map.Entry<String, String> first = skipped.entrySet().iterator().next();
            throw new UsageException(first.getKey() + " " + first.getValue());
        }
        return skipped;
    }
}
