package example.workloads;

/** Does not implement IntFunction. */
public class NotAFunction {

    public Integer apply(int index) {
        return index;
    }
}
