package dev.concbench.kernel;

/** A child JVM of a process strategy died or answered nonsense: exit code 3. */
public final class ChildFailedException extends Exception {
    public ChildFailedException(String message) {
        super(message);
    }
}
