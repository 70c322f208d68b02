package example.workloads;

import java.util.function.IntFunction;

/** The call of task 2 never returns (line 12): the call bound reports where it is. */
public class Stuck implements IntFunction<Integer> {

    @Override
    public Integer apply(int index) {
        while (index == 2) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return index;
    }
}
