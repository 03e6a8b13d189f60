package dev.keyrelay.sidecar.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A Secret or ConfigMap volume laid out and updated the way the kubelet's atomic writer does it:
 * the data lives in a timestamped directory, {@code ..data} links to it, each key links to {@code
 * ..data/<key>}, and an update writes a new directory, renames a fresh link over {@code ..data} and
 * then deletes the old directory.
 */
public final class KubeletVolume {

  private final Path root;
  private final String key;
  private int generation;
  private Path current;

  private KubeletVolume(Path root, String key) {
    this.root = root;
    this.key = key;
  }

  /** Creates {@code root} holding one key with {@code value} as its content. */
  public static KubeletVolume create(Path root, String key, String value) throws IOException {
    KubeletVolume volume = new KubeletVolume(root, key);
    Files.createDirectories(root);
    volume.current = volume.writeGeneration(value);
    Files.createSymbolicLink(root.resolve("..data"), root.relativize(volume.current));
    Files.createSymbolicLink(root.resolve(key), Path.of("..data", key));
    return volume;
  }

  public Path keyPath() {
    return root.resolve(key);
  }

  /** Atomically replaces the key's content, as a Secret or ConfigMap update does. */
  public void swap(String value) throws IOException {
    Path previous = current;
    current = writeGeneration(value);
    Path link = root.resolve("..data_tmp");
    Files.createSymbolicLink(link, root.relativize(current));
    Files.move(link, root.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    try (Stream<Path> files = Files.walk(previous)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private Path writeGeneration(String value) throws IOException {
    generation++;
    Path dir =
        root.resolve(
            String.format("..2026_11_23_10_%02d_%02d.%03d", generation / 60, generation % 60, 123));
    Files.createDirectory(dir);
    Files.writeString(dir.resolve(key), value, StandardCharsets.UTF_8);
    return dir;
  }
}
