package dev.concbench.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Runs the command line in-process and keeps what it printed. */
record CliHarness(int exitCode, String out, String err) {

    static CliHarness run(Supplier<KernelLauncher> launcher, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = ConcbenchCli.execute(args, launcher, o, e);
        }
        return new CliHarness(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A ConcurrencyBenchmark manifest with this name and spec (YAML lines of the spec, unindented). */
    static String manifest(String name, String spec) {
        return "apiVersion: concbench.dev/v1alpha1\nkind: ConcurrencyBenchmark\nmetadata:\n  name: " + name
                + "\nspec:\n" + spec.indent(2);
    }
}
