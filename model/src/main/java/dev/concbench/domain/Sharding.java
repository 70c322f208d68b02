package dev.concbench.domain;

/** The kernel's task split (kernel/CONTRACT.md): shard i of n runs the tasks t with t % n == i. */
public final class Sharding {

    private Sharding() {
    }

    /** How many of {@code tasks} calls shard {@code index} of {@code shards} runs. */
    public static int tasksOfShard(int tasks, int index, int shards) {
        if (shards < 1 || index < 0 || index >= shards) {
            throw new IllegalArgumentException("shard " + index + "/" + shards + " out of range");
        }
        return tasks / shards + (index < tasks % shards ? 1 : 0);
    }
}
