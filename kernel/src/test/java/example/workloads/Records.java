package example.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/** Deterministic work: totals per user over records made once in the constructor (the set-up). */
public class Records implements IntFunction<String> {

    private final List<String[]> records = new ArrayList<>();

    public Records() {
        for (int i = 0; i < 2000; i++) {
            records.add(new String[] {"user-" + i % 97, Integer.toString(i * 7919 % 1000)});
        }
    }

    @Override
    public String apply(int index) {
        Map<String, Long> totals = new TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            String[] record = records.get((i + index) % records.size());
            totals.merge(record[0], Long.parseLong(record[1]), Long::sum);
        }
        return totals.toString();
    }
}
