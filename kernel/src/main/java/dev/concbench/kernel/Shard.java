package dev.concbench.kernel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shard {@code index} of {@code count}: the tasks t with {@code t % count == index}. */
public record Shard(int index, int count) {

    public static final int MAX_COUNT = 100_000;
    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,9})/([0-9]{1,9})");

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("bad shard " + index + "/" + count);
        }
    }

    public static Shard parse(String text) throws UsageException {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new UsageException("argument --shard: expected I/N, got '" + text + "'");
        }
        int index = Integer.parseInt(m.group(1));
        int count = Integer.parseInt(m.group(2));
        if (count < 1 || count > MAX_COUNT) {
            throw new UsageException("argument --shard: shard count " + count + " is out of range 1.." + MAX_COUNT);
        }
        if (index >= count) {
            throw new UsageException("argument --shard: shard index " + index + " is not below the count " + count);
        }
        return new Shard(index, count);
    }

    /** The task indices of this shard, ascending, for a run of {@code tasks} tasks. */
    public int[] taskIndices(int tasks) {
        int size = index >= tasks ? 0 : (tasks - 1 - index) / count + 1;
        int[] indices = new int[size];
        for (int i = 0; i < size; i++) {
            indices[i] = index + i * count;
        }
        return indices;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
