package dev.concbench.kernel;

/** Two strategies (or two repetitions) computed different sums: exit code 3. */
public final class ChecksumMismatchException extends Exception {
    public ChecksumMismatchException(String message) {
        super(message);
    }
}
