package dev.concbench.kernel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-call bound of custom code ({@code --call-timeout}) in one JVM: calls register around
 * the user's function; a daemon thread of its own reports the lowest task whose call runs longer
 * than the bound, with its thread's stack (where it is stuck), to the {@link #reporter}, which
 * ends the JVM: the kernel writes the error document and exits 4, a child JVM answers with it.
 */
final class CallWatch {

    /** Ends this JVM for a stuck call (never returns). Main and ChildWorker each set their own. */
    interface Reporter {
        void report(String text);
    }

    private record Call(int task, Thread thread, long started) {
    }

    private static volatile Reporter reporter = text -> {
        System.err.println(Main.PREFIX + "workload error: " + text);
        Runtime.getRuntime().halt(Main.EXIT_WORKLOAD);
    };
    private static volatile CallWatch current;

    private final int boundSeconds;
    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    private CallWatch(int boundSeconds) {
        this.boundSeconds = boundSeconds;
    }

    static void setReporter(Reporter r) {
        reporter = r;
    }

    /** This JVM's watch, null without a bound (0). One JVM runs one workload: the first bound is its bound. */
    static CallWatch of(int boundSeconds) {
        if (boundSeconds <= 0) {
            return null;
        }
        CallWatch watch = current;
        if (watch == null) {
            synchronized (CallWatch.class) {
                watch = current;
                if (watch == null) {
                    watch = new CallWatch(boundSeconds);
                    current = watch;
                    Thread thread = new Thread(watch::watch, "concbench-call-watch");
                    thread.setDaemon(true);
                    thread.start();
                }
            }
        }
        return watch;
    }

    long begin(int task) {
        long token = tokens.incrementAndGet();
        calls.put(token, new Call(task, Thread.currentThread(), System.nanoTime()));
        return token;
    }

    void end(long token) {
        calls.remove(token);
    }

    /** Until a call outlasts the bound: the report ends the JVM (or, should reporting fail, this watch does). */
    private void watch() {
        long boundNanos = boundSeconds * 1_000_000_000L;
        long periodMillis = Math.min(1000, boundSeconds * 250L);
        while (true) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            Call late = null;
            for (Call call : calls.values()) {
                if (now - call.started() > boundNanos && (late == null || call.task() < late.task())) {
                    late = call;
                }
            }
            if (late != null) {
                try {
                    reporter.report(WorkloadException.stuck(late.task(), boundSeconds, late.thread().getStackTrace()));
                } catch (Throwable e) { // the bound must hold even so: never leave the run hanging
                    System.err.println(Main.PREFIX + "workload error: task " + late.task() + " did not return within "
                            + boundSeconds + " s (" + e + " while reporting where)");
                }
                Runtime.getRuntime().halt(Main.EXIT_WORKLOAD);
            }
        }
    }
}
