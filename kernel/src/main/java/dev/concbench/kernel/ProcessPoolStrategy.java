package dev.concbench.kernel;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pool of {@code workers} long-lived child JVMs, started and stopped inside the run.
 * Each child has a feeder thread here that hands it the next undone task over stdin
 * and reads the answer from stdout, so tasks go to whichever child is free.
 */
public record ProcessPoolStrategy(ChildJvm childJvm) implements Strategy.Body {

    @Override
    public long[] run(Workload workload, int[] tasks, int workers) throws Exception {
        List<Process> children = new ArrayList<>(workers);
        AtomicInteger next = new AtomicInteger();
        long[] values = new long[tasks.length];
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<String> args = new ArrayList<>(List.of("serve"));
        args.addAll(workload.childArgs());
        try {
            for (int i = 0; i < workers; i++) {
                children.add(childJvm.start(args.toArray(String[]::new)));
            }
            List<Thread> feeders = new ArrayList<>(workers);
            for (Process child : children) {
                Thread feeder = new Thread(CpuMeter.recording(() -> {
                    try {
                        feed(child, tasks, values, next, failure);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }), "concbench-feeder-" + child.pid());
                feeder.start();
                feeders.add(feeder);
            }
            for (Thread feeder : feeders) {
                feeder.join();
            }
            if (failure.get() != null) {
                Exception e = failure.get();
                throw e instanceof ChildFailedException || e instanceof WorkloadException ? e
                        : new ChildFailedException("process-pool: " + e);
            }
            for (Process child : children) {
                int exitCode = child.waitFor();
                if (exitCode != 0) {
                    throw new ChildFailedException("process-pool: a worker exited with code " + exitCode);
                }
            }
            return values;
        } catch (IOException e) {
            throw new ChildFailedException("process-pool: cannot start a child JVM: " + e.getMessage());
        } finally {
            children.forEach(ProcessPerCallStrategy::destroyIfAlive);
        }
    }

    /**
     * Feeds one child until the tasks run out (or another feeder failed), its values into theirs
     * tasks' places. Then closes the child's input, and the child answers with its run delay and the
     * race's updates it counted ({@code end RUN_DELAY COUNTED}).
     */
    private static void feed(Process child, int[] tasks, long[] values, AtomicInteger next,
                             AtomicReference<Exception> failure)
            throws IOException, ChildFailedException, WorkloadException {
        try (BufferedReader fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            BufferedWriter toChild = new BufferedWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.US_ASCII));
            int i;
            while (failure.get() == null && (i = next.getAndIncrement()) < tasks.length) {
                toChild.write(Integer.toString(tasks[i]));
                toChild.write('\n');
                toChild.flush();
                String answer = fromChild.readLine();
                ProcessPerCallStrategy.throwIfError(answer);
                if (answer == null) {
                    throw new ChildFailedException("process-pool: a worker died during task " + tasks[i]);
                }
                try {
                    values[i] = Long.parseUnsignedLong(answer.trim());
                } catch (NumberFormatException e) {
                    throw new ChildFailedException("process-pool: a worker answered '" + answer + "'");
                }
            }
            toChild.close();
            String last = fromChild.readLine();
            if (last != null && last.startsWith(ChildWorker.END)) {
                String[] figures = last.substring(ChildWorker.END.length()).split(" ", 2); // RUN_DELAY COUNTED
                CpuMeter.childReported(child.pid(), figures[0]);
                if (figures.length > 1) {
                    Workload.Race.COUNTED_BY_CHILDREN.addAndGet(Long.parseLong(figures[1].trim()));
                }
            }
        }
    }
}
