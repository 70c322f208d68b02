package dev.concbench.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated command line (see kernel/CONTRACT.md). Accepts {@code --name value}
 * and {@code --name=value}; a repeated option takes its last value.
 *
 * @param strategies  the strategies to run, in order (the skipped ones removed)
 * @param startAt     epoch seconds to wait for, or null
 * @param startGate   a file holding that epoch, or null
 * @param output      a file to write the result to as well, or null
 * @param startMethod the {@code --start-method} given (validated, else ignored: child
 *                    JVMs are always new processes), or null
 * @param skipped     with {@code --skip-unsupported}: each strategy this JVM cannot run, with why
 */
public record KernelOptions(
        Workload workload,
        int tasks,
        List<String> strategies,
        int workers,
        int repetitions,
        int warmup,
        Shard shard,
        Double startAt,
        Path startGate,
        Path output,
        String startMethod,
        Map<String, String> skipped) {

    public static final int MAX_TASKS = 100_000;
    /** Not bounded by the contract; 1024 keeps a typo from starting thousands of JVMs. */
    public static final int MAX_WORKERS = 1024;
    public static final int MAX_REPETITIONS = 20;
    public static final int MAX_WARMUP = 10;
    public static final int DEFAULT_REPETITIONS = 5;
    public static final int DEFAULT_WARMUP = 1;
    public static final List<String> START_METHODS = List.of("fork", "forkserver", "spawn");

    public static final String USAGE = String.join("\n",
            "usage: concbench-kernel --workload cpu|io|hash|mixed|race --size N --tasks N [OPTIONS]",
            "       concbench-kernel --workload custom --entrypoint CLASS --tasks N [OPTIONS]",
            "OPTIONS: [--strategies LIST] [--workers N] [--repetitions N] [--warmup N] [--shard I/N]",
            "                        [--start-at EPOCH | --start-gate FILE] [--output FILE]",
            "                        [--skip-unsupported] [--start-method fork|forkserver|spawn]",
            "                        [--io-fraction F] [--code-dir DIR] [--call-timeout S] [--nondeterministic]",
            "",
            "Runs a workload under concurrency strategies and prints one JSON result.",
            "  --workload W          cpu: the n*n multiply loop; io: a blocking sleep; hash: SHA-256 of a buffer;",
            "                        mixed: the loop then a sleep; race: unlocked updates of a shared field;",
            "                        custom: your class (an IntFunction), called as apply(task index)",
            "  --size N              cpu, mixed: n (1..100000); io: milliseconds (0..600000);",
            "                        hash: KiB per call (1..65536); race: updates per call (1..1000000)",
            "  --tasks N             calls over all shards (1..100000)",
            "  --strategies LIST     any of " + String.join(",", Strategy.NAMES),
            "                        (default: " + String.join(",", Strategy.DEFAULTS) + ")",
            "  --skip-unsupported    skip (and record) strategies this JVM cannot run, instead of exiting 2",
            "  --start-method M      Python's multiprocessing start method: checked, then ignored here",
            "  --workers N           pool size; 0 = the CPUs this process may use (default 0)",
            "  --repetitions N       measured repetitions, 1..20 (default 5)",
            "  --warmup N            unmeasured repetitions first, 0..10 (default 1)",
            "  --shard I/N           run shard I of N (default 0/1)",
            "  --start-at EPOCH      wait for this wall-clock second before starting",
            "  --start-gate FILE     wait until FILE holds an epoch, then as --start-at",
            "  --output FILE         also write the result to FILE",
            "  --io-fraction F       mixed: the share of a call spent waiting, 0..0.99 (default 0.5)",
            "  --entrypoint CLASS    custom: the class's binary name",
            "  --code-dir DIR        custom: where its jars are (default: workloads/ beside the kernel jar)",
            "  --call-timeout S      custom: a call running longer fails the run naming where it is (0: none)",
            "  --nondeterministic    custom: its values may differ between calls; strategies are not compared");

    private static final Pattern NON_NEGATIVE_INT = Pattern.compile("[0-9]{1,9}");
    private static final Pattern EPOCH = Pattern.compile("[0-9]{1,15}(\\.[0-9]{1,15})?");
    private static final Pattern FRACTION = Pattern.compile("0(\\.[0-9]{1,6})?");
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final List<String> NAMES = List.of("--workload", "--size", "--tasks", "--strategies",
            "--workers", "--repetitions", "--warmup", "--shard", "--start-at", "--start-gate", "--output",
            "--start-method", "--io-fraction", "--entrypoint", "--code-dir", "--call-timeout");
    private static final String SKIP_UNSUPPORTED = "--skip-unsupported";
    private static final String NONDETERMINISTIC = "--nondeterministic";

    /** True when the arguments ask for help ({@code -h}, {@code --help}). */
    public static boolean wantsHelp(String[] args) {
        return List.of(args).contains("-h") || List.of(args).contains("--help");
    }

    public static KernelOptions parse(String[] args) throws UsageException {
        String[] values = new String[NAMES.size()];
        boolean skipUnsupported = false;
        boolean nondeterministic = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals(SKIP_UNSUPPORTED) || name.equals(NONDETERMINISTIC)) {
                if (value != null) {
                    throw new UsageException("argument " + name + ": ignored explicit argument '" + value + "'");
                }
                skipUnsupported |= name.equals(SKIP_UNSUPPORTED);
                nondeterministic |= name.equals(NONDETERMINISTIC);
                continue;
            }
            int slot = NAMES.indexOf(name);
            if (slot < 0) {
                throw new UsageException("unrecognized argument: " + arg);
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("-") && !args[i + 1].matches("-[0-9.]+")) {
                    throw new UsageException("argument " + name + ": expected one argument");
                }
                value = args[++i];
            }
            values[slot] = value;
        }

        String workloadText = require(values, "--workload");
        Workload.Kind kind;
        try {
            kind = Workload.Kind.fromCliName(workloadText);
        } catch (UsageException e) {
            throw new UsageException("argument --workload: invalid choice: '" + workloadText
                    + "' (choose from 'cpu', 'io', 'hash', 'mixed', 'race', 'custom')");
        }
        if (kind == Workload.Kind.CUSTOM && value(values, "--size") != null) {
            if (value(values, "--tasks") == null) {
                require(values, "--tasks");
            }
            throw new UsageException("argument --size: not for workload custom (its function decides the work)");
        }
        int size = kind == Workload.Kind.CUSTOM ? 0 : intIn(values, "--size", null, kind.minSize(), kind.maxSize());
        int tasks = intIn(values, "--tasks", null, 1, MAX_TASKS);
        Double ioFraction = ioFraction(value(values, "--io-fraction"));
        int callTimeout = intIn(values, "--call-timeout", 0, 0, Workload.MAX_CALL_TIMEOUT);
        String entrypoint = value(values, "--entrypoint");
        if (entrypoint != null && !CLASS_NAME.matcher(entrypoint).matches()) {
            throw new UsageException("argument --entrypoint: expected a class name, got '" + entrypoint + "'");
        }
        onlyFor(ioFraction != null, "--io-fraction", kind, Workload.Kind.MIXED);
        onlyFor(entrypoint != null, "--entrypoint", kind, Workload.Kind.CUSTOM);
        onlyFor(value(values, "--code-dir") != null, "--code-dir", kind, Workload.Kind.CUSTOM);
        onlyFor(callTimeout != 0, "--call-timeout", kind, Workload.Kind.CUSTOM);
        onlyFor(nondeterministic, NONDETERMINISTIC, kind, Workload.Kind.CUSTOM);
        if (kind == Workload.Kind.CUSTOM && entrypoint == null) {
            throw new UsageException("the following arguments are required for workload custom: --entrypoint");
        }
        Path codeDir = kind != Workload.Kind.CUSTOM ? null
                : value(values, "--code-dir") == null ? CustomCode.defaultDirectory()
                : path(values, "--code-dir").toAbsolutePath();
        Workload workload = new Workload(kind, size, ioFraction != null ? ioFraction
                : kind == Workload.Kind.MIXED ? Workload.DEFAULT_IO_FRACTION : 0.0,
                callTimeout, entrypoint, codeDir, !nondeterministic);
        List<String> strategies = strategies(value(values, "--strategies"));
        int workers = intIn(values, "--workers", 0, 0, MAX_WORKERS);
        int repetitions = intIn(values, "--repetitions", DEFAULT_REPETITIONS, 1, MAX_REPETITIONS);
        int warmup = intIn(values, "--warmup", DEFAULT_WARMUP, 0, MAX_WARMUP);
        String shardText = value(values, "--shard");
        Shard shard = shardText == null ? new Shard(0, 1) : Shard.parse(shardText);
        Double startAt = null;
        String startAtText = value(values, "--start-at");
        if (startAtText != null) {
            startAt = parseEpoch(startAtText);
            if (startAt == null) {
                throw new UsageException("argument --start-at: not an epoch in seconds: '" + startAtText + "'");
            }
        }
        Path startGate = path(values, "--start-gate");
        if (startAt != null && startGate != null) {
            throw new UsageException("--start-at and --start-gate exclude each other");
        }
        String startMethod = value(values, "--start-method");
        if (startMethod != null && !START_METHODS.contains(startMethod)) {
            throw new UsageException("argument --start-method: invalid choice: '" + startMethod
                    + "' (choose from 'fork', 'forkserver', 'spawn')");
        }
        Map<String, String> skipped = Strategy.skipped(strategies, skipUnsupported);
        List<String> runnable = new ArrayList<>(strategies);
        runnable.removeAll(skipped.keySet());
        return new KernelOptions(workload, tasks, List.copyOf(runnable), workers, repetitions,
                warmup, shard, startAt, startGate, path(values, "--output"), startMethod, skipped);
    }

    private static Double ioFraction(String text) throws UsageException {
        if (text == null) {
            return null;
        }
        if (!FRACTION.matcher(text).matches()) {
            throw new UsageException("argument --io-fraction: not a fraction 0..0.99: '" + text + "'");
        }
        double value = Double.parseDouble(text);
        if (value > Workload.MAX_IO_FRACTION) {
            throw new UsageException("argument --io-fraction: " + text + " is out of range 0..0.99");
        }
        return value;
    }

    private static void onlyFor(boolean given, String option, Workload.Kind kind, Workload.Kind only)
            throws UsageException {
        if (given && kind != only) {
            throw new UsageException("argument " + option + ": only for workload " + only.cliName());
        }
    }

    /** Epoch seconds from text such as {@code 1764070000.25}, or null when malformed. */
    public static Double parseEpoch(String text) {
        String trimmed = text.trim();
        return EPOCH.matcher(trimmed).matches() ? Double.valueOf(trimmed) : null;
    }

    private static String value(String[] values, String name) {
        return values[NAMES.indexOf(name)];
    }

    private static String require(String[] values, String name) throws UsageException {
        String value = value(values, name);
        if (value == null) {
            List<String> missing = new ArrayList<>();
            boolean custom = "custom".equals(value(values, "--workload"));
            for (String required : List.of("--workload", "--size", "--tasks")) {
                if (value(values, required) == null && !(custom && required.equals("--size"))) {
                    missing.add(required);
                }
            }
            throw new UsageException("the following arguments are required: " + String.join(", ", missing));
        }
        return value;
    }

    private static int intIn(String[] values, String name, Integer defaultValue, int min, int max)
            throws UsageException {
        String text = defaultValue == null ? require(values, name) : value(values, name);
        if (text == null) {
            return defaultValue;
        }
        if (!NON_NEGATIVE_INT.matcher(text).matches()) {
            throw new UsageException("argument " + name + ": not a non-negative integer: '" + text + "'");
        }
        int value = Integer.parseInt(text);
        if (value < min || value > max) {
            throw new UsageException("argument " + name + ": " + value + " is out of range " + min + ".." + max);
        }
        return value;
    }

    private static List<String> strategies(String text) throws UsageException {
        if (text == null) {
            return Strategy.DEFAULTS;
        }
        List<String> names = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String name = part.trim();
            if (!Strategy.NAMES.contains(name)) {
                throw new UsageException("argument --strategies: unknown strategy '" + name
                        + "' (known: " + String.join(",", Strategy.NAMES) + ")");
            }
            if (names.contains(name)) {
                throw new UsageException("argument --strategies: duplicate strategy '" + name + "'");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    private static Path path(String[] values, String name) throws UsageException {
        String text = value(values, name);
        if (text == null) {
            return null;
        }
        if (text.isEmpty()) {
            throw new UsageException("argument " + name + ": empty file name");
        }
        return Path.of(text);
    }
}
