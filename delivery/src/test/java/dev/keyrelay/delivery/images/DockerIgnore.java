package dev.keyrelay.delivery.images;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The exclusions of a {@code .dockerignore}. Supports the plain patterns this repository uses
 * (names, globs, a leading double-star directory); refuses {@code !} re-inclusions, which it would
 * get wrong.
 */
record DockerIgnore(Path file, List<String> patterns) {

  static DockerIgnore read(Path file) throws IOException {
    List<String> patterns =
        Files.readAllLines(file).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    for (String p : patterns) {
      if (p.startsWith("!")) {
        throw new IllegalArgumentException(file + ": re-inclusion " + p + " is not supported here");
      }
    }
    return new DockerIgnore(file, patterns);
  }

  /** Whether a context path (relative, with forward slashes) is left out of the context. */
  boolean excludes(String path) {
    Path p = Path.of(path).normalize();
    for (Path prefix = p; prefix != null; prefix = prefix.getParent()) {
      for (String pattern : patterns) {
        if (matches(pattern, prefix)
            || (pattern.startsWith("**/") && matches(pattern.substring(3), prefix))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean matches(String pattern, Path path) {
    return FileSystems.getDefault().getPathMatcher("glob:" + pattern).matches(path);
  }
}
