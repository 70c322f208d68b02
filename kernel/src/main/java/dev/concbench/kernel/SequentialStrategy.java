package dev.concbench.kernel;

/** A plain loop over the tasks: the baseline. */
public final class SequentialStrategy implements Strategy.Body {

    @Override
    public long run(Workload workload, int[] tasks, int workers) throws InterruptedException {
        long sum = 0;
        for (int t : tasks) {
            sum += workload.call(t);
        }
        return sum;
    }
}
