package example.workloads;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** A different value on every call (this JVM's count of calls): not deterministic. */
public class Counter implements IntFunction<Integer> {

    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public Integer apply(int index) {
        return calls.getAndIncrement();
    }
}
