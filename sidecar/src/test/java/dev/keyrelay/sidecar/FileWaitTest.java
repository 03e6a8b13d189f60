package dev.keyrelay.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWaitTest {

  @TempDir Path dir;

  @Test
  void returnsAsSoonAsTheFileHasContent() throws Exception {
    Path file = dir.resolve("ca-bundle.crt");
    CompletableFuture<Boolean> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return FileWait.await(file, Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(300);
    assertThat(waiting).isNotDone();
    Files.writeString(file, "-----BEGIN CERTIFICATE-----\n");

    assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anEmptyFileOrADirectoryIsNotEnoughAndTheTimeoutEndsTheWait() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty"));
    long start = System.nanoTime();

    assertThat(FileWait.await(empty, Duration.ofMillis(400))).isFalse();
    assertThat(FileWait.await(dir, Duration.ofMillis(100))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
  }
}
