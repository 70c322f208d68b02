package dev.concbench.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One new child JVM per call: all started, then all awaited. */
public record ProcessPerCallStrategy(ChildJvm childJvm) implements Strategy.Body {

    @Override
    public long[] run(Workload workload, int[] tasks, int workers) throws Exception {
        List<String> args = new ArrayList<>(List.of("call"));
        args.addAll(workload.childArgs());
        args.add(null); // the task
        List<Process> children = new ArrayList<>(tasks.length);
        try {
            for (int t : tasks) {
                args.set(args.size() - 1, Integer.toString(t));
                Process child = childJvm.start(args.toArray(String[]::new));
                child.getOutputStream().close();
                children.add(child);
            }
            long[] values = new long[tasks.length];
            for (int i = 0; i < children.size(); i++) {
                values[i] = awaitResult(children.get(i), tasks[i]);
            }
            return values;
        } catch (IOException e) {
            throw new ChildFailedException("processes: cannot start a child JVM: " + e.getMessage());
        } finally {
            children.forEach(ProcessPerCallStrategy::destroyIfAlive);
        }
    }

    private static long awaitResult(Process child, int task)
            throws IOException, InterruptedException, ChildFailedException, WorkloadException {
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        int exitCode = child.waitFor();
        throwIfError(output);
        if (exitCode != 0) {
            throw new ChildFailedException("processes: the child for task " + task + " exited with code " + exitCode);
        }
        String[] answer = output.split(" ", 3); // RESULT RUN_DELAY COUNTED (ChildWorker)
        try {
            long result = Long.parseUnsignedLong(answer[0]);
            CpuMeter.childReported(child.pid(), answer.length > 1 ? answer[1] : "-");
            Workload.Race.COUNTED_BY_CHILDREN.addAndGet(answer.length > 2 ? Long.parseLong(answer[2]) : 0);
            return result;
        } catch (NumberFormatException e) {
            throw new ChildFailedException("processes: the child for task " + task + " answered '" + output + "'");
        }
    }

    /** A child's answer {@code error TEXT}: the user's code failed there. */
    static void throwIfError(String answer) throws WorkloadException {
        if (answer != null && answer.startsWith(ChildWorker.ERROR)) {
            throw new WorkloadException(WorkloadException.unescape(answer.substring(ChildWorker.ERROR.length())));
        }
    }

    static void destroyIfAlive(Process process) {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
