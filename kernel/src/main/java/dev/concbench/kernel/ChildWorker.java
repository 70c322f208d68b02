package dev.concbench.kernel;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;

/**
 * The main class of a child JVM.
 *
 * <ul>
 *   <li>{@code ChildWorker cpu|io SIZE TASK}: one call (the {@code processes}
 *       strategy); prints the result and its run delay ({@code RESULT RUN_DELAY}) and exits.</li>
 *   <li>{@code ChildWorker cpu|io SIZE}: a pool worker (the {@code process-pool}
 *       strategy); reads one task index per line from stdin and answers one result
 *       per line on stdout, until stdin closes; then answers {@code end RUN_DELAY}.</li>
 * </ul>
 * Results are unsigned decimal; RUN_DELAY is the run-queue delay in ns of all the child's
 * threads (its schedstat is gone once it exits), {@code -} when unknown. Exit code 2 on bad
 * arguments or input.
 */
public final class ChildWorker {

    /** How a pool worker's last line starts. */
    static final String END = "end ";

    private ChildWorker() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2 && args.length != 3) {
            System.err.println("concbench-kernel: child: usage: ChildWorker cpu|io SIZE [TASK]");
            System.exit(2);
        }
        Workload workload;
        try {
            workload = new Workload(Workload.Kind.fromCliName(args[0]), Integer.parseInt(args[1]));
        } catch (UsageException | NumberFormatException e) {
            System.err.println("concbench-kernel: child: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (args.length == 3) {
            // no string concatenation in a child: its invokedynamic bootstrap costs tens of ms at every start
            System.out.print(Long.toUnsignedString(workload.call(Integer.parseInt(args[2]))));
            System.out.print(' ');
            System.out.println(CpuSources.ownRunDelay());
            System.out.flush();
            return;
        }
        serve(workload);
    }

    private static void serve(Workload workload) throws IOException, InterruptedException {
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
            out.write(Long.toUnsignedString(workload.call(task)));
            out.write('\n');
            out.flush();
        }
        out.write(END);
        out.write(CpuSources.ownRunDelay());
        out.write('\n');
        out.flush();
    }
}
