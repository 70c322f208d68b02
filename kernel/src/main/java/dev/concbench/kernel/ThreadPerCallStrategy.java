package dev.concbench.kernel;

import java.util.concurrent.atomic.AtomicReference;

/** One new platform thread per call: all started, then all joined. */
public final class ThreadPerCallStrategy implements Strategy {

    @Override
    public String name() {
        return "threads";
    }

    @Override
    public long run(Workload workload, int[] tasks, int workers) throws Exception {
        long[] results = new long[tasks.length];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[tasks.length];
        for (int i = 0; i < tasks.length; i++) {
            int slot = i;
            threads[i] = new Thread(() -> {
                try {
                    results[slot] = workload.call(tasks[slot]);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "concbench-call-" + tasks[i]);
        }
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a call failed in its thread", failure.get());
        }
        long sum = 0;
        for (long result : results) {
            sum += result;
        }
        return sum;
    }
}
