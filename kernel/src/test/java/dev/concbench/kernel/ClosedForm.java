package dev.concbench.kernel;

import java.math.BigInteger;

/** The expected checksums, computed independently of the kernel with big integers. */
final class ClosedForm {

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private ClosedForm() {
    }

    /** cpu: ((n(n+1)/2)^2 * tasks + sum of task indices) mod 2^64, as unsigned decimal. */
    static String cpuChecksum(int n, int[] tasks) {
        BigInteger bn = BigInteger.valueOf(n);
        BigInteger perCall = bn.multiply(bn.add(BigInteger.ONE)).shiftRight(1).pow(2);
        return perCall.multiply(BigInteger.valueOf(tasks.length)).add(indexSum(tasks)).mod(TWO_TO_64).toString();
    }

    /** io: the sum of the task indices. */
    static String ioChecksum(int[] tasks) {
        return indexSum(tasks).mod(TWO_TO_64).toString();
    }

    /** hash: (D * tasks + sum of task indices) mod 2^64, D the first 8 bytes of the SHA-256 of 0..255 repeated to kib KiB. */
    static String hashChecksum(int kib, int[] tasks) throws Exception {
        byte[] buffer = new byte[kib * 1024];
        for (int i = 0; i < buffer.length; i++) {
            buffer[i] = (byte) (i % 256);
        }
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(buffer);
        BigInteger d = new BigInteger(1, java.util.Arrays.copyOf(digest, 8));
        return d.multiply(BigInteger.valueOf(tasks.length)).add(indexSum(tasks)).mod(TWO_TO_64).toString();
    }

    /** The contract's checksum of a built-in workload (checksums.json's comment). */
    static String checksum(Workload.Kind kind, int size, int[] tasks) throws Exception {
        return switch (kind) {
            case CPU, MIXED -> cpuChecksum(size, tasks);
            case HASH -> hashChecksum(size, tasks);
            case IO, RACE -> ioChecksum(tasks);
            case CUSTOM -> throw new IllegalArgumentException("custom code has no closed form");
        };
    }

    static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    private static BigInteger indexSum(int[] tasks) {
        BigInteger sum = BigInteger.ZERO;
        for (int t : tasks) {
            sum = sum.add(BigInteger.valueOf(t));
        }
        return sum;
    }
}
