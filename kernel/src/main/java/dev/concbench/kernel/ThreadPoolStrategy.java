package dev.concbench.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A fixed pool of {@code workers} threads, created and shut down inside the run. */
public final class ThreadPoolStrategy implements Strategy.Body {

    @Override
    public long[] run(Workload workload, int[] tasks, int workers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers,
                runnable -> new Thread(CpuMeter.recording(runnable), "concbench-pool"));
        try {
            List<Future<Long>> futures = new ArrayList<>(tasks.length);
            for (int t : tasks) {
                futures.add(pool.submit(() -> workload.call(t)));
            }
            long[] values = new long[tasks.length];
            for (int i = 0; i < values.length; i++) {
                try {
                    values[i] = futures.get(i).get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof WorkloadException w ? w : e;
                }
            }
            return values;
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }
}
