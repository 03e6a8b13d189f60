package dev.keyrelay.sidecar.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Collects config problems so that one load reports all of them at once. */
final class Problems {

  private final Path file;
  private final List<String> lines = new ArrayList<>();

  Problems(Path file) {
    this.file = file;
  }

  void add(String fieldPath, String reason) {
    lines.add(file + ": " + fieldPath + ": " + reason);
  }

  /**
   * Runs one conversion; an {@link IllegalArgumentException} becomes a problem at {@code fieldPath}
   * (its message is the reason) and the result is null.
   */
  <T> T attempt(String fieldPath, Supplier<T> conversion) {
    try {
      return conversion.get();
    } catch (IllegalArgumentException e) {
      add(fieldPath, e.getMessage());
      return null;
    }
  }

  /** How many problems so far; compare before and after a block to know whether it was clean. */
  int count() {
    return lines.size();
  }

  void throwIfAny() throws ConfigException {
    if (!lines.isEmpty()) {
      throw toException();
    }
  }

  ConfigException toException() {
    return new ConfigException(lines);
  }
}
