package dev.keyrelay.sidecar.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
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
    return create(root, key, Map.of(key, value));
  }

  /** Creates {@code root} holding every file of {@code files} (key to content). */
  public static KubeletVolume create(Path root, Map<String, String> files) throws IOException {
    return create(root, null, files);
  }

  private static KubeletVolume create(Path root, String key, Map<String, String> files)
      throws IOException {
    KubeletVolume volume = new KubeletVolume(root, key);
    Files.createDirectories(root);
    volume.current = volume.writeGeneration(files);
    Files.createSymbolicLink(root.resolve("..data"), root.relativize(volume.current));
    for (String name : new TreeMap<>(files).keySet()) {
      Files.createSymbolicLink(root.resolve(name), Path.of("..data", name));
    }
    return volume;
  }

  public Path keyPath() {
    return root.resolve(key);
  }

  /** Atomically replaces the key's content, as a Secret or ConfigMap update does. */
  public void swap(String value) throws IOException {
    if (key == null) {
      throw new IllegalStateException("swap replaces the one key of a single-key volume");
    }
    Path previous = current;
    current = writeGeneration(Map.of(key, value));
    Path link = root.resolve("..data_tmp");
    Files.createSymbolicLink(link, root.relativize(current));
    Files.move(link, root.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    try (Stream<Path> files = Files.walk(previous)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private Path writeGeneration(Map<String, String> files) throws IOException {
    generation++;
    Path dir =
        root.resolve(
            String.format("..2026_11_23_10_%02d_%02d.%03d", generation / 60, generation % 60, 123));
    Files.createDirectory(dir);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
    }
    return dir;
  }
}
