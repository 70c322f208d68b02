package example.workloads;

import java.util.function.IntFunction;

/** Throws in the call of task 3, from a helper: the error names Raises.java, line 9. */
public class Raises implements IntFunction<Integer> {

    static int parse(int index) {
        if (index == 3) throw new IllegalArgumentException("bad record " + index);
        return index;
    }

    @Override
    public Integer apply(int index) {
        return parse(index);
    }
}
