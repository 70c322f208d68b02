package dev.concbench.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A common start for all shards: wait for a wall-clock second ({@code --start-at}),
 * or first for a file that holds it ({@code --start-gate}). A gate file that is
 * missing, or still being written, is polled again.
 */
public final class StartGate {

    private static final long POLL_MILLIS = 50;

    private StartGate() {
    }

    public static void await(Double startAt, Path gateFile) throws InterruptedException {
        Double epoch = startAt;
        if (gateFile != null) {
            while ((epoch = readGate(gateFile)) == null) {
                Thread.sleep(POLL_MILLIS);
            }
        }
        if (epoch != null) {
            long target = (long) Math.ceil(epoch * 1000.0);
            long remaining;
            while ((remaining = target - System.currentTimeMillis()) > 0) {
                Thread.sleep(Math.min(remaining, 1000));
            }
        }
    }

    static Double readGate(Path gateFile) {
        try {
            return KernelOptions.parseEpoch(Files.readString(gateFile));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
