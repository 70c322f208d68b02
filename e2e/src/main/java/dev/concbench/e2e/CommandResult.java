package dev.concbench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A finished command: exit code, stdout, stderr. {@link #of} runs one: the one way the test tiers that drive
 * real binaries (kubectl, helm, bin/concbench, e2e/install-tools) start a process; also used by the API-server
 * tier (apiserver-tests).
 */
public record CommandResult(List<String> command, int exit, String out, String err, Duration took) {

    public boolean ok() {
        return exit == 0;
    }

    public String all() {
        return out + err;
    }

    @Override
    public String toString() {
        return "$ " + String.join(" ", command) + "\n(exit " + exit + ", " + took.toMillis() + " ms)\n" + out
                + (err.isEmpty() ? "" : "[stderr]\n" + err);
    }

    /**
     * Runs {@code command} to its end, with {@code stdin} (may be null) on its standard input; a command
     * still running after {@code timeout} is killed and fails the test.
     */
    public static CommandResult of(String stdin, List<String> command, Duration timeout) {
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(command).start();
            CompletableFuture<String> out = read(p.getInputStream());
            CompletableFuture<String> err = read(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + command);
            }
            return new CommandResult(command, p.exitValue(), out.join(), err.join(),
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
