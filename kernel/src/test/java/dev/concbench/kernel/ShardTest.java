package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShardTest {

    @Test
    void everyTaskRunsExactlyOnceOverAllShards() {
        for (int tasks = 1; tasks <= 64; tasks++) {
            for (int count = 1; count <= 70; count++) {
                int[] seen = new int[tasks];
                for (int index = 0; index < count; index++) {
                    for (int t : new Shard(index, count).taskIndices(tasks)) {
                        assertThat(t % count).isEqualTo(index);
                        seen[t]++;
                    }
                }
                for (int t = 0; t < tasks; t++) {
                    assertThat(seen[t]).as("task %d of %d over %d shards", t, tasks, count).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void largestShardings() {
        assertThat(new Shard(99_999, 100_000).taskIndices(100_000)).containsExactly(99_999);
        assertThat(new Shard(0, 1).taskIndices(100_000)).hasSize(100_000);
        assertThat(new Shard(5, 10).taskIndices(3)).isEmpty();
    }

    @Test
    void parsesAndPrints() throws UsageException {
        assertThat(Shard.parse("3/4")).isEqualTo(new Shard(3, 4));
        assertThat(Shard.parse("3/4")).hasToString("3/4");
        for (String bad : new String[] {"4/4", "0/0", "1", "-1/2", "a/b", "1/100001", "1/2/3"}) {
            assertThatThrownBy(() -> Shard.parse(bad)).as(bad).isInstanceOf(UsageException.class);
        }
    }
}
