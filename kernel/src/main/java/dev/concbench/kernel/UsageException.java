package dev.concbench.kernel;

/** A bad command line: the kernel prints one line and exits with code 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
