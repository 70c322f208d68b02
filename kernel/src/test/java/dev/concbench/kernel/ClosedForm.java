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
