package dev.concbench.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardingTest {

    @Test
    void shardSizesMatchTheModuloSplit() {
        for (int tasks = 1; tasks <= 120; tasks++) {
            for (int shards = 1; shards <= 30; shards++) {
                int[] counted = new int[shards];
                for (int t = 0; t < tasks; t++) {
                    counted[t % shards]++;
                }
                int total = 0;
                for (int i = 0; i < shards; i++) {
                    int size = Sharding.tasksOfShard(tasks, i, shards);
                    assertThat(size).as("tasks=%d shard %d/%d", tasks, i, shards).isEqualTo(counted[i]);
                    total += size;
                }
                assertThat(total).as("tasks=%d shards=%d", tasks, shards).isEqualTo(tasks);
            }
        }
    }

    @Test
    void everyTaskIsInExactlyOneShard() {
        int[][] cases = {{1, 1}, {7, 3}, {80, 4}, {100, 100}, {101, 100}, {1000, 7}, {100_000, 100}};
        for (int[] c : cases) {
            int tasks = c[0];
            int shards = c[1];
            int[] owners = new int[tasks];
            for (int i = 0; i < shards; i++) {
                int seen = 0;
                for (int t = i; t < tasks; t += shards) {
                    owners[t]++;
                    seen++;
                }
                assertThat(seen).isEqualTo(Sharding.tasksOfShard(tasks, i, shards));
            }
            for (int t = 0; t < tasks; t++) {
                assertThat(owners[t]).as("task %d of %d over %d shards", t, tasks, shards).isEqualTo(1);
            }
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
