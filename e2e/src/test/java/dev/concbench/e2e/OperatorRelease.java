package dev.concbench.e2e;

import java.util.ArrayList;
import java.util.List;

import static dev.concbench.e2e.Cli.helm;
import static dev.concbench.e2e.OperatorE2eIT.CHART;
import static dev.concbench.e2e.OperatorE2eIT.HTTP_PORT;
import static dev.concbench.e2e.OperatorE2eIT.RELEASE;
import static dev.concbench.e2e.OperatorE2eIT.SYSTEM_NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator a test class needs: the one {@link OperatorE2eIT} installs when it is there, else the
 * chart installed the same way (the images e2e/run pushed), and uninstalled by the class that installed it.
 */
final class OperatorRelease {

    private OperatorRelease() {
    }

    /** Installs the chart unless a release is there; whether it did (then the caller uninstalls it). */
    static boolean installIfAbsent() {
        if (helm("status", RELEASE, "-n", SYSTEM_NS).ok()) {
            return false;
        }
        List<String> args = new ArrayList<>(List.of("install", RELEASE, CHART, "-n", SYSTEM_NS, "--create-namespace",
                "--set", "httpPort=" + HTTP_PORT, "--wait", "--timeout", "3m"));
        args.addAll(OperatorE2eIT.imageValues());
        Cli.Result install = helm(args.toArray(String[]::new));
        assertThat(install.ok()).as(install.toString()).isTrue();
        return true;
    }

    static void uninstall() {
        Cli.Result uninstall = helm("uninstall", RELEASE, "-n", SYSTEM_NS, "--wait", "--timeout", "2m");
        assertThat(uninstall.ok()).as(uninstall.toString()).isTrue();
    }
}
