package dev.concbench.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * One new thread per call: all started, then all joined. {@code threads} uses platform
 * threads; {@code virtual-threads} virtual ones (Java 21+), reached through method
 * handles because the kernel is compiled for Java 17.
 */
public record ThreadPerCallStrategy(ThreadFactory factory) implements Strategy.Body {

    /** {@code Thread.ofVirtual().factory()} on Java 21+, else null. */
    static final ThreadFactory VIRTUAL_THREADS = virtualThreadFactory();

    public static ThreadPerCallStrategy platform() {
        return new ThreadPerCallStrategy(runnable -> new Thread(CpuMeter.recording(runnable), "concbench-call"));
    }

    /** Virtual threads do not record their run delay: their carrier threads, alive across intervals, are measured. */
    public static ThreadPerCallStrategy virtual() {
        if (VIRTUAL_THREADS == null) {
            throw new IllegalStateException("virtual threads need Java 21 or newer");
        }
        return new ThreadPerCallStrategy(VIRTUAL_THREADS);
    }

    private static ThreadFactory virtualThreadFactory() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            Object ofVirtual = lookup.findStatic(Thread.class, "ofVirtual",
                    MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual"))).invoke();
            return (ThreadFactory) lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class))
                    .invoke(ofVirtual);
        } catch (Throwable e) { // Java 17-20: no such class or method
            return null;
        }
    }


    @Override
    public long[] run(Workload workload, int[] tasks, int workers) throws Exception {
        long[] results = new long[tasks.length];
        Throwable[] failures = new Throwable[tasks.length];
        Thread[] threads = new Thread[tasks.length];
        for (int i = 0; i < tasks.length; i++) {
            int slot = i;
            threads[i] = factory.newThread(() -> {
                try {
                    results[slot] = workload.call(tasks[slot]);
                } catch (Throwable e) {
                    failures[slot] = e;
                }
            });
        }
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (Throwable failure : failures) { // the lowest task's
            if (failure instanceof WorkloadException e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("a call failed in its thread", failure);
            }
        }
        return results;
    }
}
