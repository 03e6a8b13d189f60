package dev.keyrelay.sidecar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a file to exist and be non-empty. The fallback postStart hook runs it in the sidecar
 * image, which has no shell, so it touches nothing but the file system: no Netty, no config, no
 * logging framework, to start in a fraction of a second with a tiny heap.
 */
final class FileWait {

  private static final long POLL_MILLIS = 100;

  private FileWait() {}

  /**
   * True as soon as {@code file} is a non-empty regular file; false once {@code timeout} passed.
   */
  static boolean await(Path file, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!nonEmpty(file)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
    }
    return true;
  }

  private static boolean nonEmpty(Path file) {
    try {
      return Files.isRegularFile(file) && Files.size(file) > 0;
    } catch (IOException e) {
      return false; // removed between the two checks: not there yet
    }
  }
}
