package dev.concbench.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardingTest {

    @Test
    void shardSizesMatchTheModuloSplit() {
        for (int tasks = 1; tasks <= 120; tasks++) {
            for (int shards = 1; shards <= 30; shards++) {
                assertModuloSplit(tasks, shards);
            }
        }
        // beyond the loops, up to the largest run the API allows (100,000 tasks on 100 pods)
        for (int[] c : new int[][] {{100, 100}, {101, 100}, {1000, 7}, {100_000, 100}}) {
            assertModuloSplit(c[0], c[1]);
        }
    }

    /** Shard i of {@code shards} has as many tasks as there are t < tasks with t % shards == i: each task in one shard. */
    private static void assertModuloSplit(int tasks, int shards) {
        int[] counted = new int[shards];
        for (int t = 0; t < tasks; t++) {
            counted[t % shards]++;
        }
        for (int i = 0; i < shards; i++) {
            assertThat(Sharding.tasksOfShard(tasks, i, shards)).as("tasks=%d shard %d/%d", tasks, i, shards)
                    .isEqualTo(counted[i]);
        }
    }

    @Test
    void shardsDifferByAtMostOneTask() {
        assertThat(Sharding.tasksOfShard(10, 0, 4)).isEqualTo(3);
        assertThat(Sharding.tasksOfShard(10, 1, 4)).isEqualTo(3);
        assertThat(Sharding.tasksOfShard(10, 2, 4)).isEqualTo(2);
        assertThat(Sharding.tasksOfShard(10, 3, 4)).isEqualTo(2);
    }

    @Test
    void outOfRangeShardsAreRejected() {
        assertThatThrownBy(() -> Sharding.tasksOfShard(10, 4, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4/4");
        assertThatThrownBy(() -> Sharding.tasksOfShard(10, -1, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sharding.tasksOfShard(10, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
