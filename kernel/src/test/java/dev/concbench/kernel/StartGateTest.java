package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartGateTest {

    @TempDir
    Path dir;

    @Test
    void waitsForTheStartSecond() throws Exception {
        double startAt = System.currentTimeMillis() / 1000.0 + 0.3;
        StartGate.await(startAt, null);
        assertThat(System.currentTimeMillis() / 1000.0).isGreaterThanOrEqualTo(startAt);
    }

    @Test
    void aPastStartDoesNotWait() throws Exception {
        long before = System.nanoTime();
        StartGate.await(1.0, null);
        assertThat(System.nanoTime() - before).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void waitsForTheGateFileThenForItsEpoch() throws Exception {
        Path gate = dir.resolve("gate");
        long opened = System.currentTimeMillis() + 300;
        double startAt = (opened + 200) / 1000.0;
        CompletableFuture<Void> opener = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(Math.max(0, opened - System.currentTimeMillis()));
                Files.writeString(dir.resolve("gate.tmp"), "garbage");
                Files.writeString(gate, "");   // present but empty: keep waiting
                Thread.sleep(100);
                Files.writeString(gate, String.format(java.util.Locale.ROOT, "%.3f%n", startAt));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        StartGate.await(null, gate);
        assertThat(System.currentTimeMillis() / 1000.0).isGreaterThanOrEqualTo(startAt);
        opener.join();
    }

    @Test
    void readsOnlyWellFormedEpochs() throws Exception {
        assertThat(StartGate.readGate(dir.resolve("absent"))).isNull();
        assertThat(StartGate.readGate(Files.writeString(dir.resolve("a"), "1764070000.5\n"))).isEqualTo(1764070000.5);
        assertThat(StartGate.readGate(Files.writeString(dir.resolve("b"), "17640"))).isEqualTo(17640.0);
        assertThat(StartGate.readGate(Files.writeString(dir.resolve("c"), "1764070000."))).isNull();
        assertThat(StartGate.readGate(Files.writeString(dir.resolve("d"), "NaN"))).isNull();
    }
}
