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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pool of {@code workers} long-lived child JVMs, started and stopped inside the run.
 * Each child has a feeder thread here that hands it the next undone task over stdin
 * and reads the answer from stdout, so tasks go to whichever child is free.
 */
public record ProcessPoolStrategy(ChildJvm childJvm) implements Strategy.Body {

    @Override
    public long run(Workload workload, int[] tasks, int workers) throws Exception {
        List<Process> children = new ArrayList<>(workers);
        AtomicInteger next = new AtomicInteger();
        AtomicLong sum = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try {
            for (int i = 0; i < workers; i++) {
                children.add(childJvm.start(workload.kind().cliName(), Integer.toString(workload.size())));
            }
            List<Thread> feeders = new ArrayList<>(workers);
            for (Process child : children) {
                Thread feeder = new Thread(CpuMeter.recording(() -> {
                    try {
                        sum.addAndGet(feed(child, tasks, next, failure));
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
                throw e instanceof ChildFailedException ? e : new ChildFailedException("process-pool: " + e);
            }
            for (Process child : children) {
                int exitCode = child.waitFor();
                if (exitCode != 0) {
                    throw new ChildFailedException("process-pool: a worker exited with code " + exitCode);
                }
            }
            return sum.get();
        } catch (IOException e) {
            throw new ChildFailedException("process-pool: cannot start a child JVM: " + e.getMessage());
        } finally {
            children.forEach(ProcessPerCallStrategy::destroyIfAlive);
        }
    }

    /**
     * Feeds one child until the tasks run out (or another feeder failed); returns its sum. Then
     * closes the child's input, and the child answers with its run delay ({@code end RUN_DELAY}).
     */
    private static long feed(Process child, int[] tasks, AtomicInteger next, AtomicReference<Exception> failure)
            throws IOException, ChildFailedException {
        long sum = 0;
        try (BufferedReader fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            BufferedWriter toChild = new BufferedWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.US_ASCII));
            int i;
            while (failure.get() == null && (i = next.getAndIncrement()) < tasks.length) {
                toChild.write(Integer.toString(tasks[i]));
                toChild.write('\n');
                toChild.flush();
                String answer = fromChild.readLine();
                if (answer == null) {
                    throw new ChildFailedException("process-pool: a worker died during task " + tasks[i]);
                }
                try {
                    sum += Long.parseUnsignedLong(answer.trim());
                } catch (NumberFormatException e) {
                    throw new ChildFailedException("process-pool: a worker answered '" + answer + "'");
                }
            }
            toChild.close();
            String last = fromChild.readLine();
            if (last != null && last.startsWith(ChildWorker.END)) {
                CpuMeter.childReported(child.pid(), last.substring(ChildWorker.END.length()));
            }
        }
        return sum;
    }
}
