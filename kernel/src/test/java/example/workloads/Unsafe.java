package example.workloads;

import java.util.function.IntFunction;

/**
 * Not thread-safe on purpose: a call keeps its state in a field of the one shared instance and
 * waits before reading it back, so that calls running at the same time overwrite each other's.
 */
public class Unsafe implements IntFunction<Integer> {

    private int last;

    @Override
    public Integer apply(int index) {
        last = index;
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return last;
    }
}
