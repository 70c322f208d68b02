package dev.concbench.e2e;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.LinkedHashMap;
import java.util.Map;

/** Prints how long every e2e test took, and a table at the end. */
public final class Timings implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private final Map<String, String> rows = new LinkedHashMap<>();
    private long start;
    private long suiteStart;

    @Override
    public void beforeEach(ExtensionContext context) {
        start = System.nanoTime();
        if (suiteStart == 0) {
            suiteStart = start;
        }
        System.out.printf("%n[e2e] >>> %s%n", context.getDisplayName());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        double seconds = (System.nanoTime() - start) / 1e9;
        // An assumption not met (org.opentest4j.TestAbortedException) skips the test: it did not fail.
        boolean skipped = context.getExecutionException().filter(e -> e instanceof org.opentest4j.TestAbortedException)
                .isPresent();
        boolean failed = context.getExecutionException().isPresent() && !skipped;
        String result = failed ? "FAILED" : skipped ? "skipped: " + context.getExecutionException().get().getMessage()
                : "ok";
        rows.put(context.getDisplayName(), String.format("%6.1f s  %s", seconds, failed || !skipped ? result : "skipped"));
        System.out.printf("[e2e] <<< %s: %s in %.1f s%n", context.getDisplayName(), result, seconds);
        if (failed) {
            // What the cluster looked like when the test failed.
            System.out.println(Commands.kubectl("get", "cb,jobs,pods", "-A", "-o", "wide"));
            CommandResult events = Commands.kubectl("get", "events", "-A", "--sort-by=.lastTimestamp");
            String[] lines = events.out().split("\n");
            System.out.println("[e2e] last events:");
            for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
                System.out.println(lines[i]);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.out.printf("%n[e2e] timings%n");
        rows.forEach((name, row) -> System.out.printf("[e2e]   %s  %s%n", row, name));
        System.out.printf("[e2e]   %6.1f s  total%n", (System.nanoTime() - suiteStart) / 1e9);
    }
}
