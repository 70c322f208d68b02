package dev.concbench.e2e;

import static dev.concbench.e2e.Cli.helm;
import static dev.concbench.e2e.OperatorE2eIT.CHART;
import static dev.concbench.e2e.OperatorE2eIT.HTTP_PORT;
import static dev.concbench.e2e.OperatorE2eIT.IMAGE_TAG;
import static dev.concbench.e2e.OperatorE2eIT.JAVA_IMAGE;
import static dev.concbench.e2e.OperatorE2eIT.PYTHON_IMAGE;
import static dev.concbench.e2e.OperatorE2eIT.REGISTRY;
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
        Cli.Result install = helm("install", RELEASE, CHART, "-n", SYSTEM_NS, "--create-namespace",
                "--set", "image.repository=" + REGISTRY + "/concbench/concbench-operator",
                "--set", "image.tag=" + IMAGE_TAG,
                "--set", "kernel.pythonImage=" + PYTHON_IMAGE,
                "--set", "kernel.javaImage=" + JAVA_IMAGE,
                "--set", "httpPort=" + HTTP_PORT,
                "--wait", "--timeout", "3m");
        assertThat(install.ok()).as(install.toString()).isTrue();
        return true;
    }

    static void uninstall() {
        Cli.Result uninstall = helm("uninstall", RELEASE, "-n", SYSTEM_NS, "--wait", "--timeout", "2m");
        assertThat(uninstall.ok()).as(uninstall.toString()).isTrue();
    }
}
