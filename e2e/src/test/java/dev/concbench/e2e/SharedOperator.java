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
 * The operator a test class uses: the release {@link OperatorE2eIT} installs when it is there, else one
 * installed the same way for the class (and uninstalled after it), so the class runs alone or in the suite.
 */
final class SharedOperator {

    private boolean installedHere;

    /** Installs the chart unless its release is there already. */
    void installIfMissing() {
        if (helm("status", RELEASE, "-n", SYSTEM_NS).ok()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("install", RELEASE, CHART, "-n", SYSTEM_NS, "--create-namespace",
                "--set", "httpPort=" + HTTP_PORT, "--wait", "--timeout", "3m"));
        args.addAll(OperatorE2eIT.imageValues());
        Cli.Result install = helm(args.toArray(String[]::new));
        assertThat(install.ok()).as(install.toString()).isTrue();
        installedHere = true;
    }

    /** Uninstalls the release if {@link #installIfMissing} installed it. */
    void uninstallIfInstalledHere() {
        if (installedHere) {
            Cli.Result uninstall = helm("uninstall", RELEASE, "-n", SYSTEM_NS, "--wait", "--timeout", "2m");
            assertThat(uninstall.ok()).as(uninstall.toString()).isTrue();
        }
    }
}
