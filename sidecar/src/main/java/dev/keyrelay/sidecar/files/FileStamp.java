package dev.keyrelay.sidecar.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What identifies one version of the file behind a path, symlinks followed: the kubelet's atomic
 * {@code ..data} swap of a ConfigMap or Secret volume changes it, and so does an edit in place.
 */
public record FileStamp(Object fileKey, FileTime modified, long size) {

  public static FileStamp of(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    return new FileStamp(a.fileKey(), a.lastModifiedTime(), a.size());
  }

  /** The stamp, or null when the file cannot be looked at (missing, or not readable). */
  public static FileStamp ofOrNull(Path path) {
    try {
      return of(path);
    } catch (IOException e) {
      return null;
    }
  }
}
