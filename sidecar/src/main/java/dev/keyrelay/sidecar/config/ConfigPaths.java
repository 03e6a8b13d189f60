package dev.keyrelay.sidecar.config;

import java.nio.file.Path;

/** Resolves paths written in the config file: relative ones against the file's directory. */
final class ConfigPaths {

  private ConfigPaths() {}

  /**
   * @throws IllegalArgumentException when the text is empty or not a path
   */
  static Path resolve(Path configDir, String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return configDir.resolve(text);
  }
}
