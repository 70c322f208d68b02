package dev.concbench.kernel;

/**
 * The function every strategy calls, once per task index: {@code cpu} is the nested
 * multiply loop over n*n, {@code io} a blocking sleep of {@code size} milliseconds.
 */
public record Workload(Kind kind, int size) {

    public enum Kind {
        CPU("cpu", 1, 100_000),
        IO("io", 0, 600_000);

        private final String cliName;
        private final int minSize;
        private final int maxSize;

        Kind(String cliName, int minSize, int maxSize) {
            this.cliName = cliName;
            this.minSize = minSize;
            this.maxSize = maxSize;
        }

        public String cliName() {
            return cliName;
        }

        public int minSize() {
            return minSize;
        }

        public int maxSize() {
            return maxSize;
        }

        public static Kind fromCliName(String name) throws UsageException {
            for (Kind kind : values()) {
                if (kind.cliName.equals(name)) {
                    return kind;
                }
            }
            throw new UsageException("unknown workload '" + name + "' (known: cpu,io)");
        }
    }

    /** One call for task index {@code t}; the result is a value mod 2^64 (a Java long). */
    public long call(int t) throws InterruptedException {
        return switch (kind) {
            case CPU -> cpuCall(size, t);
            case IO -> ioCall(size, t);
        };
    }

    /**
     * {@code s = sum of x*y for x, y in 1..n}, plus t, mod 2^64. Long arithmetic wraps
     * mod 2^64, which is exactly the contract; callers add the result to the checksum,
     * so the JIT cannot drop the loop.
     */
    public static long cpuCall(int n, int t) {
        long s = 0;
        for (long x = 1; x <= n; x++) {
            for (long y = 1; y <= n; y++) {
                s += x * y;
            }
        }
        return s + t;
    }

    public static long ioCall(int milliseconds, int t) throws InterruptedException {
        Thread.sleep(milliseconds);
        return t;
    }
}
