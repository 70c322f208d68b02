package dev.concbench.kernel;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The main class of a child JVM. WORKLOAD is {@link Workload#childArgs} (KIND SIZE IOFRACTION
 * CALLTIMEOUT ENTRYPOINT CODEDIR).
 *
 * <ul>
 *   <li>{@code ChildWorker call WORKLOAD TASK}: one call (the {@code processes} strategy); prints
 *       {@code RESULT RUN_DELAY COUNTED} and exits.</li>
 *   <li>{@code ChildWorker serve WORKLOAD}: a pool worker (the {@code process-pool} strategy);
 *       reads one task index per line from stdin and answers one result per line on stdout,
 *       until stdin closes; then answers {@code end RUN_DELAY COUNTED}.</li>
 * </ul>
 * Results are unsigned decimal; RUN_DELAY is the run-queue delay in ns of all the child's threads
 * (its schedstat is gone once it exits), {@code -} when unknown; COUNTED the race's updates that
 * arrived in this JVM's own shared field. The user's code failing (or a call outlasting its bound)
 * answers {@code error TEXT} ({@link WorkloadException#escape}) instead and exits 4. Exit code 2 on
 * bad arguments or input.
 */
public final class ChildWorker {

    /** How a pool worker's last line starts. */
    static final String END = "end ";
    /** How an answer of the user's code failing starts. */
    static final String ERROR = "error ";

    private ChildWorker() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        boolean call = args.length == Workload.CHILD_ARGS + 2 && "call".equals(args[0]);
        if (!call && !(args.length == Workload.CHILD_ARGS + 1 && "serve".equals(args[0]))) {
            System.err.println("concbench-kernel: child: usage: ChildWorker call|serve KIND SIZE IOFRACTION "
                    + "CALLTIMEOUT ENTRYPOINT CODEDIR [TASK]");
            System.exit(2);
        }
        Workload workload;
        try {
            workload = Workload.fromChildArgs(args, 1);
        } catch (UsageException | RuntimeException e) {
            System.err.println("concbench-kernel: child: " + e.getMessage());
            System.exit(2);
            return;
        }
        CallWatch.setReporter(ChildWorker::answerError);
        try {
            if (call) {
                // no string concatenation in a child: its invokedynamic bootstrap costs tens of ms at every start
                System.out.print(Long.toUnsignedString(workload.call(Integer.parseInt(args[args.length - 1]))));
                System.out.print(' ');
                System.out.print(CpuSources.ownRunDelay());
                System.out.print(' ');
                System.out.println(Workload.Race.shared);
                System.out.flush();
                return;
            }
            serve(workload);
        } catch (WorkloadException e) {
            answerError(e.getMessage());
        }
    }

    /** The user's code failed: {@code error TEXT} on stdout (the parent's channel), exit 4. */
    private static void answerError(String text) {
        PrintStream out = System.out;
        synchronized (out) {
            out.print(ERROR);
            out.println(WorkloadException.escape(text));
            out.flush();
        }
        Runtime.getRuntime().halt(Main.EXIT_WORKLOAD);
    }

    private static void serve(Workload workload) throws IOException, InterruptedException, WorkloadException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            int task;
            try {
                task = Integer.parseInt(line.trim());
            } catch (NumberFormatException e) {
                System.err.println("concbench-kernel: child: bad task line '" + line + "'");
                System.exit(2);
                return;
            }
            long value = workload.call(task);
            synchronized (System.out) {
                out.write(Long.toUnsignedString(value));
                out.write('\n');
                out.flush();
            }
        }
        synchronized (System.out) {
            out.write(END);
            out.write(CpuSources.ownRunDelay());
            out.write(' ');
            out.write(Long.toString(Workload.Race.shared));
            out.write('\n');
            out.flush();
        }
    }
}
