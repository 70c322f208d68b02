package dev.concbench.kernel;

import java.util.List;

/**
 * One way to run a shard's tasks. {@link #run} runs every task once and returns the
 * checksum (sum of results mod 2^64); set-up and tear-down happen inside it, so they
 * are part of the timed region, as in the classic experiment.
 */
public interface Strategy {

    /** The strategy names, in the contract's order. */
    List<String> NAMES = List.of("sequential", "threads", "thread-pool", "processes", "process-pool");

    String name();

    long run(Workload workload, int[] tasks, int workers) throws Exception;

    static Strategy named(String name, ChildJvm childJvm) {
        return switch (name) {
            case "sequential" -> new SequentialStrategy();
            case "threads" -> new ThreadPerCallStrategy();
            case "thread-pool" -> new ThreadPoolStrategy();
            case "processes" -> new ProcessPerCallStrategy(childJvm);
            case "process-pool" -> new ProcessPoolStrategy(childJvm);
            default -> throw new IllegalArgumentException("unknown strategy " + name);
        };
    }
}
