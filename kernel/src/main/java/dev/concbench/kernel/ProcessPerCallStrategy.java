package dev.concbench.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One new child JVM per call: all started, then all awaited. */
public record ProcessPerCallStrategy(ChildJvm childJvm) implements Strategy.Body {

    @Override
    public long run(Workload workload, int[] tasks, int workers) throws Exception {
        String kind = workload.kind().cliName();
        String size = Integer.toString(workload.size());
        List<Process> children = new ArrayList<>(tasks.length);
        try {
            for (int t : tasks) {
                Process child = childJvm.start(kind, size, Integer.toString(t));
                child.getOutputStream().close();
                children.add(child);
            }
            long sum = 0;
            for (int i = 0; i < children.size(); i++) {
                sum += awaitResult(children.get(i), tasks[i]);
            }
            return sum;
        } catch (IOException e) {
            throw new ChildFailedException("processes: cannot start a child JVM: " + e.getMessage());
        } finally {
            children.forEach(ProcessPerCallStrategy::destroyIfAlive);
        }
    }

    private static long awaitResult(Process child, int task) throws IOException, InterruptedException, ChildFailedException {
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        int exitCode = child.waitFor();
        if (exitCode != 0) {
            throw new ChildFailedException("processes: the child for task " + task + " exited with code " + exitCode);
        }
        String[] answer = output.split(" ", 2); // RESULT RUN_DELAY (ChildWorker)
        try {
            long result = Long.parseUnsignedLong(answer[0]);
            CpuMeter.childReported(child.pid(), answer.length > 1 ? answer[1] : "-");
            return result;
        } catch (NumberFormatException e) {
            throw new ChildFailedException("processes: the child for task " + task + " answered '" + output + "'");
        }
    }

    static void destroyIfAlive(Process process) {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
