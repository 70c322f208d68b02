package dev.concbench.domain;

import dev.concbench.api.v1alpha1.WorkloadType;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChecksumsTest {

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    /** The contract's cpu function for one call, literally: two nested loops, wrapping at 2^64. */
    private static long cpuCallByLoops(int n, long t) {
        long s = 0;
        for (long x = 1; x <= n; x++) {
            for (long y = 1; y <= n; y++) {
                s += x * y;
            }
        }
        return s + t;
    }

    /** The checksum of the calls with indices in [0, tasks) with t % shards == shard, long arithmetic wraps mod 2^64. */
    private static long cpuShardByLoops(int n, int tasks, int shard, int shards) {
        long sum = 0;
        for (int t = shard; t < tasks; t += shards) {
            sum += cpuCallByLoops(n, t);
        }
        return sum;
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    @Test
    void cpuClosedFormMatchesTheLoopForSmallSizes() {
        for (int n : new int[] {1, 2, 3, 7, 10, 50, 200}) {
            for (int tasks : new int[] {1, 2, 5, 17}) {
                assertThat(Checksums.expected(WorkloadType.CPU, n, tasks))
                        .as("n=%d tasks=%d", n, tasks)
                        .isEqualTo(unsigned(cpuShardByLoops(n, tasks, 0, 1)));
            }
        }
    }

    @Test
    void cpuKnownValue() {
        // n = 10: (sum 1..10)^2 = 55^2 = 3025 per call; 5 calls: 5 * 3025 + (0+1+2+3+4)
        assertThat(Checksums.expected(WorkloadType.CPU, 10, 5)).isEqualTo(BigInteger.valueOf(15135));
    }

    @Test
    void cpuWrapsModulo2To64ForLargeSizes() {
        int n = 100_000;
        int tasks = 100_000;
        // Brute force over the calls, the per-call loop reduced to one dimension:
        // sum_x sum_y x*y = sum_x x * (sum_y y), in wrapping long arithmetic.
        long innerSum = 0;
        for (long y = 1; y <= n; y++) {
            innerSum += y;
        }
        long perCall = 0;
        for (long x = 1; x <= n; x++) {
            perCall += x * innerSum;
        }
        long wrapping = 0;
        BigInteger exact = BigInteger.ZERO;
        BigInteger triangle = BigInteger.valueOf(n).multiply(BigInteger.valueOf(n + 1L)).divide(BigInteger.TWO);
        BigInteger perCallExact = triangle.pow(2);
        for (int t = 0; t < tasks; t++) {
            wrapping += perCall + t;
            exact = exact.add(perCallExact.add(BigInteger.valueOf(t)).mod(TWO_64));
        }

        BigInteger expected = Checksums.expected(WorkloadType.CPU, n, tasks);

        // the per-call value really exceeds 2^64, so this case exercises the reduction
        assertThat(perCallExact).isGreaterThan(TWO_64);
        assertThat(unsigned(perCall)).isEqualTo(perCallExact.mod(TWO_64));
        assertThat(expected).isEqualTo(exact.mod(TWO_64));
        assertThat(expected).isEqualTo(unsigned(wrapping));
        assertThat(expected.signum()).isGreaterThanOrEqualTo(0);
        assertThat(expected).isLessThan(TWO_64);
    }

    @Test
    void ioIsTheSumOfTaskIndices() {
        for (int tasks : new int[] {1, 2, 3, 80, 1000, 100_000}) {
            long sum = 0;
            for (int t = 0; t < tasks; t++) {
                sum += t;
            }
            assertThat(Checksums.expected(WorkloadType.IO, 2000, tasks)).as("tasks=%d", tasks)
                    .isEqualTo(BigInteger.valueOf(sum));
        }
        // the sleep length does not enter
        assertThat(Checksums.expected(WorkloadType.IO, 0, 10)).isEqualTo(BigInteger.valueOf(45));
    }

    @Test
    void shardChecksumsAddUpToTheRunChecksum() {
        int n = 13;
        int tasks = 23;
        for (int shards = 1; shards <= 7; shards++) {
            List<String> perShard = new ArrayList<>();
            for (int i = 0; i < shards; i++) {
                perShard.add(Long.toUnsignedString(cpuShardByLoops(n, tasks, i, shards)));
            }
            assertThat(Checksums.sum(perShard)).as("%d shards", shards)
                    .isEqualTo(Checksums.expected(WorkloadType.CPU, n, tasks));
        }
    }

    /** Every case of the kernels' contract that is a whole run (shard 0/1): each built-in's closed form. */
    @Test
    void theContractsWholeRunsAreTheClosedForms() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(Path.of("..", "kernel", "contract", "checksums.json").toFile())
                .get("cases");
        java.util.Set<String> covered = new java.util.TreeSet<>();
        for (JsonNode c : cases) {
            if (c.get("shard").asText().equals("0/1")) {
                WorkloadType type = WorkloadType.valueOf(c.get("workload").asText().toUpperCase(java.util.Locale.ROOT));
                assertThat(Checksums.expected(type, c.get("size").asLong(), c.get("tasks").asLong()).toString())
                        .as(c.toString()).isEqualTo(c.get("checksum").asText());
                covered.add(type.value());
            }
        }
        assertThat(covered).containsExactlyInAnyOrder("cpu", "io", "hash", "mixed", "race");
    }

    @Test
    void customCodeHasNoKnownChecksum() {
        assertThatThrownBy(() -> Checksums.expected(WorkloadType.CUSTOM, 0, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(WorkloadType.CUSTOM.builtIn()).isFalse();
    }

    @Test
    void sumWrapsModulo2To64() {
        String max = TWO_64.subtract(BigInteger.ONE).toString();
        assertThat(Checksums.sum(List.of(max, "1"))).isEqualTo(BigInteger.ZERO);
        assertThat(Checksums.sum(List.of(max, "5"))).isEqualTo(BigInteger.valueOf(4));
        assertThat(Checksums.sum(List.of())).isEqualTo(BigInteger.ZERO);
        assertThat(Checksums.sum(List.of("7", "8", "9"))).isEqualTo(BigInteger.valueOf(24));
    }
}
