package dev.keyrelay.sidecar.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Tells whether a path lives on a file system held in memory. */
final class MemoryFileSystems {

  private static final Set<String> TYPES = Set.of("tmpfs", "ramfs");

  private MemoryFileSystems() {}

  /**
   * Whether {@code path}, or the nearest existing directory above it (the file may appear later),
   * is on tmpfs or ramfs. False when that cannot be told.
   */
  static boolean holds(Path path) {
    for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        try {
          return isMemoryType(Files.getFileStore(p).type());
        } catch (IOException | SecurityException e) {
          return false;
        }
      }
    }
    return false;
  }

  static boolean isMemoryType(String fileSystemType) {
    return TYPES.contains(fileSystemType);
  }
}
