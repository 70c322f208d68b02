package dev.concbench.domain;

import dev.concbench.api.v1alpha1.WorkloadType;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checksum a whole run of a built-in workload must produce (kernel/CONTRACT.md): per call
 * with task index t, cpu and mixed return (sum_{x,y in 1..n} x*y + t) mod 2^64, io and race
 * return t, hash returns (D + t) mod 2^64 with D the first 8 bytes of the SHA-256 of the bytes
 * 0..255 repeated to size KiB; a run's checksum is the sum over all calls mod 2^64. Matching it
 * proves every task ran exactly once. Custom code's values are the user's: it has none.
 */
public final class Checksums {

    static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);
    /** size (KiB) -> D: hashing up to 64 MiB once per size, not once per run. */
    private static final Map<Long, BigInteger> HASH_DIGESTS = new ConcurrentHashMap<>();

    private Checksums() {
    }

    /** The checksum of a built-in's run; a custom workload has none (IllegalArgumentException). */
    public static BigInteger expected(WorkloadType type, long size, long tasks) {
        BigInteger t = BigInteger.valueOf(tasks);
        BigInteger indexSum = t.multiply(t.subtract(BigInteger.ONE)).shiftRight(1);
        BigInteger perCall = switch (type) {
            case IO, RACE -> BigInteger.ZERO;
            case CPU, MIXED -> {
                BigInteger n = BigInteger.valueOf(size);
                BigInteger triangle = n.multiply(n.add(BigInteger.ONE)).shiftRight(1);
                yield triangle.multiply(triangle).mod(MOD);
            }
            case HASH -> HASH_DIGESTS.computeIfAbsent(size, Checksums::hashDigest);
            case CUSTOM -> throw new IllegalArgumentException("custom code has no known checksum");
        };
        return perCall.multiply(t).add(indexSum).mod(MOD);
    }

    /** D of the hash workload: the first 8 bytes (big-endian) of the SHA-256 of 0..255 repeated to kib KiB. */
    static BigInteger hashDigest(long kib) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] pattern = new byte[256];
            for (int i = 0; i < pattern.length; i++) {
                pattern[i] = (byte) i;
            }
            for (long i = 0; i < kib * 4; i++) {
                sha256.update(pattern);
            }
            return new BigInteger(1, Arrays.copyOf(sha256.digest(), 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    public static BigInteger sum(Iterable<String> checksums) {
        BigInteger total = BigInteger.ZERO;
        for (String c : checksums) {
            total = total.add(new BigInteger(c));
        }
        return total.mod(MOD);
    }
}
