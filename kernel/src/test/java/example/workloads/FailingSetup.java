package example.workloads;

import java.util.function.IntFunction;

/** The constructor (the set-up) fails at line 10. */
public class FailingSetup implements IntFunction<Integer> {

    public FailingSetup() {
        String records = System.getProperty("no.such.records.file");
        if (records == null) throw new IllegalStateException("no records file");
    }

    @Override
    public Integer apply(int index) {
        return index;
    }
}
