package dev.concbench.kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The function every strategy calls, once per task index (kernel/CONTRACT.md): {@code cpu} the
 * nested multiply loop over n*n, {@code io} a blocking sleep of {@code size} milliseconds,
 * {@code hash} SHA-256 of a {@code size}-KiB buffer, {@code mixed} the loop then a sleep that is
 * {@code ioFraction} of the call, {@code race} {@code size} unlocked updates of one shared
 * field, {@code custom} the user's class ({@link CustomCode}).
 *
 * @param ioFraction   mixed: the share of a call spent waiting (0 to 0.99); else 0
 * @param callTimeout  custom: seconds a call may run before the run fails naming where it is (0: no bound)
 * @param entrypoint   custom: the class's binary name; else null
 * @param codeDir      custom: the directory of its jars and classes ({@link CustomCode#defaultDirectory})
 * @param deterministic custom: compare every strategy's values with sequential's
 */
public record Workload(Kind kind, int size, double ioFraction, int callTimeout, String entrypoint, Path codeDir,
                       boolean deterministic) {

    public static final double DEFAULT_IO_FRACTION = 0.5;
    public static final double MAX_IO_FRACTION = 0.99;
    public static final int MAX_CALL_TIMEOUT = 86_400;

    public enum Kind {
        CPU("cpu", 1, 100_000),
        IO("io", 0, 600_000),
        HASH("hash", 1, 65_536),
        MIXED("mixed", 1, 100_000),
        RACE("race", 1, 1_000_000),
        CUSTOM("custom", 0, 0);

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

        /** Every call's value is known: a strategy that disagrees lost or repeated a call. */
        public boolean builtIn() {
            return this != CUSTOM;
        }

        public static Kind fromCliName(String name) throws UsageException {
            for (Kind kind : values()) {
                if (kind.cliName.equals(name)) {
                    return kind;
                }
            }
            throw new UsageException("unknown workload '" + name + "' (known: cpu,io,hash,mixed,race,custom)");
        }
    }

    /** A built-in workload with its defaults (mixed: half of each call waits). */
    public Workload(Kind kind, int size) {
        this(kind, size, kind == Kind.MIXED ? DEFAULT_IO_FRACTION : 0.0, 0, null, null, true);
    }

    /** The arguments a child JVM rebuilds this workload from ({@link #fromChildArgs}). */
    java.util.List<String> childArgs() {
        return java.util.List.of(kind.cliName(), Integer.toString(size), Double.toString(ioFraction),
                Integer.toString(callTimeout), entrypoint == null ? "-" : entrypoint,
                codeDir == null ? "-" : codeDir.toString());
    }

    /** The number of {@link #childArgs}. */
    static final int CHILD_ARGS = 6;

    /**
     * The workload of {@link #childArgs} from {@code args[from..]}. Runs in every child JVM: no string
     * concatenation (its bootstrap costs tens of ms at a start), a double parsed for mixed only.
     */
    static Workload fromChildArgs(String[] args, int from) throws UsageException {
        Kind kind = Kind.fromCliName(args[from]);
        String entrypoint = args[from + 4];
        String codeDir = args[from + 5];
        return new Workload(kind, Integer.parseInt(args[from + 1]),
                kind == Kind.MIXED ? Double.parseDouble(args[from + 2]) : 0.0, Integer.parseInt(args[from + 3]),
                "-".equals(entrypoint) ? null : entrypoint, "-".equals(codeDir) ? null : Path.of(codeDir), true);
    }

    /** One call for task index {@code t}; the result is a value mod 2^64 (a Java long). */
    public long call(int t) throws InterruptedException, WorkloadException {
        return switch (kind) {
            case CPU -> cpuCall(size, t);
            case IO -> ioCall(size, t);
            case HASH -> hashCall(size, t);
            case MIXED -> mixedCall(size, ioFraction, t);
            case RACE -> raceCall(size, t);
            case CUSTOM -> CustomCode.of(this).call(t);
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

    /** kib -> the buffer every hash call digests: the bytes 0..255 repeated (made once per process). */
    private static final ConcurrentHashMap<Integer, byte[]> HASH_BUFFERS = new ConcurrentHashMap<>();

    static byte[] hashBuffer(int kib) {
        return HASH_BUFFERS.computeIfAbsent(kib, k -> {
            byte[] buffer = new byte[k * 1024];
            for (int i = 0; i < buffer.length; i++) {
                buffer[i] = (byte) i;
            }
            return buffer;
        });
    }

    /** SHA-256 of a kib-KiB buffer: the digest's first 8 bytes as a big-endian number, plus t, mod 2^64. */
    public static long hashCall(int kib, int t) {
        return first8(sha256().digest(hashBuffer(kib))) + t;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    static long first8(byte[] digest) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (digest[i] & 0xff);
        }
        return value;
    }

    /**
     * A request handler's shape: the cpu loop, then a sleep, so that {@code ioFraction} of the call
     * waits (the sleep is the loop's own CPU time x ioFraction / (1 - ioFraction); where this thread's
     * CPU time cannot be read, as for a virtual thread, the loop's wall time).
     */
    public static long mixedCall(int n, double ioFraction, int t) throws InterruptedException {
        long cpuBefore = ThreadCpu.time();
        long wallBefore = System.nanoTime();
        long value = cpuCall(n, t);
        long cpuAfter = ThreadCpu.time();
        long spent = cpuBefore >= 0 && cpuAfter >= 0 ? cpuAfter - cpuBefore : System.nanoTime() - wallBefore;
        long waitNanos = mixedWaitNanos(spent, ioFraction);
        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        return value;
    }

    static long mixedWaitNanos(long cpuNanos, double ioFraction) {
        return Math.round(Math.max(0, cpuNanos) * ioFraction / (1.0 - ioFraction));
    }

    /** This thread's CPU time in ns, -1 where it cannot be read (a virtual thread). Loaded by mixed only. */
    static final class ThreadCpu {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        private ThreadCpu() {
        }

        static long time() {
            return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
        }
    }

    /**
     * The classic's shared-variable race: n read-modify-writes of one shared volatile field, no
     * lock (volatile: each read and write goes to memory, so the JIT cannot fold the loop into one
     * update). Two threads that read the same value lose one update; the run counts what arrived.
     */
    public static long raceCall(int n, int t) {
        for (int i = 0; i < n; i++) {
            Race.shared = Race.shared + 1;
        }
        return t;
    }

    /** The race's shared field (one per JVM: threads share it, child JVMs have their own). */
    static final class Race {
        static volatile long shared;
        /** Updates the child JVMs of this strategy run counted (each its own field). */
        static final AtomicLong COUNTED_BY_CHILDREN = new AtomicLong();

        private Race() {
        }

        static void reset() {
            shared = 0;
            COUNTED_BY_CHILDREN.set(0);
        }

        /** The updates that arrived in this strategy run: this JVM's and its children's. */
        static long counted() {
            return shared + COUNTED_BY_CHILDREN.get();
        }
    }
}
