package dev.concbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is, wherever Maven runs the tests from. */
final class TestPaths {

    private TestPaths() {
    }

    static Path repoRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("kernel/CONTRACT.md")) && Files.isDirectory(p.resolve("operator"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found above " + dir);
    }

    static Path example(String name) {
        return repoRoot().resolve("examples").resolve(name);
    }
}
