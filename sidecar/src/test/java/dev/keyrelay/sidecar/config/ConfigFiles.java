package dev.keyrelay.sidecar.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Test helpers that put config files and their companions on disk. */
final class ConfigFiles {

  private ConfigFiles() {}

  static Path write(Path dir, String name, String yaml) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      return Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the test CA certificate (PEM) to {@code target}. */
  static Path testCa(Path target) {
    try (InputStream in = ConfigFiles.class.getResourceAsStream("test-ca.pem")) {
      Files.createDirectories(target.getParent());
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
