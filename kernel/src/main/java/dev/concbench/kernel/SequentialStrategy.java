package dev.concbench.kernel;

/** A plain loop over the tasks: the baseline. */
public final class SequentialStrategy implements Strategy.Body {

    @Override
    public long[] run(Workload workload, int[] tasks, int workers) throws InterruptedException, WorkloadException {
        long[] values = new long[tasks.length];
        for (int i = 0; i < tasks.length; i++) {
            values[i] = workload.call(tasks[i]);
        }
        return values;
    }
}
