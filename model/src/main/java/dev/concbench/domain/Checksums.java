package dev.concbench.domain;

import dev.concbench.api.v1alpha1.WorkloadType;

import java.math.BigInteger;

/**
 * The checksum a whole run must produce (kernel/CONTRACT.md): per call with task index t,
 * cpu returns (sum_{x,y in 1..n} x*y + t) mod 2^64 and io returns t; a run's checksum is
 * the sum over all calls mod 2^64. Matching it proves every task ran exactly once.
 */
public final class Checksums {

    static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);

    private Checksums() {
    }

    public static BigInteger expected(WorkloadType type, long size, long tasks) {
        BigInteger t = BigInteger.valueOf(tasks);
        BigInteger indexSum = t.multiply(t.subtract(BigInteger.ONE)).shiftRight(1);
        if (type == WorkloadType.IO) {
            return indexSum.mod(MOD);
        }
        BigInteger n = BigInteger.valueOf(size);
        BigInteger triangle = n.multiply(n.add(BigInteger.ONE)).shiftRight(1);
        BigInteger perCall = triangle.multiply(triangle).mod(MOD);
        return perCall.multiply(t).add(indexSum).mod(MOD);
    }

    public static BigInteger sum(Iterable<String> checksums) {
        BigInteger total = BigInteger.ZERO;
        for (String c : checksums) {
            total = total.add(new BigInteger(c));
        }
        return total.mod(MOD);
    }

    /**
     * The checksum of one pod's shard: shard {@code index} of {@code shards} runs the tasks t with
     * t % shards == index (Sharding). What a simulated kubelet writes for the pod; the shards add up to
     * {@link #expected}.
     */
    public static BigInteger ofShard(WorkloadType type, long size, int tasks, int index, int shards) {
        BigInteger calls = BigInteger.valueOf(Sharding.tasksOfShard(tasks, index, shards));
        // expected() numbers these calls 0..calls-1; the shard's indices are index + j * shards
        BigInteger pairs = calls.multiply(calls.subtract(BigInteger.ONE)).shiftRight(1);
        BigInteger offset = calls.multiply(BigInteger.valueOf(index)).add(pairs.multiply(BigInteger.valueOf(shards - 1L)));
        return expected(type, size, calls.longValueExact()).add(offset).mod(MOD);
    }
}
