package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.files.FileStamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A secret held in a file, such as a key of a mounted Kubernetes Secret. Symlinks are followed, so
 * the kubelet's atomic {@code ..data} swaps are seen; the content is re-read only when the file's
 * identity, modification time or size changes.
 */
public final class FileSecretSource implements SecretSource {

  // A swap can delete the directory a lookup is walking through; a few fresh looks always settle.
  private static final int ATTEMPTS = 5;

  private final Path path;
  private final String description;
  private final SecretValue.Form form;
  // Learnt at the first read, which therefore runs on the blocking pool: finding the file system
  // reads the mount table, which may be long on a busy node.
  private volatile boolean inMemory;
  private volatile boolean fileSystemKnown;
  private volatile Snapshot last;

  /**
   * Creates a source for one file.
   *
   * @param description how the source is named in logs and errors, e.g. "file /etc/token"
   */
  public FileSecretSource(Path path, String description) {
    this(path, description, SecretValue.Form.LINE);
  }

  /** Creates a source for one file whose content may be a {@link SecretValue.Form#DOCUMENT}. */
  public FileSecretSource(Path path, String description, SecretValue.Form form) {
    this.path = path;
    this.description = description;
    this.form = form;
  }

  /** True on tmpfs or ramfs, once a read found out: a stat and a read there touch only memory. */
  @Override
  public boolean inMemory() {
    return inMemory;
  }

  @Override
  public SecretValue read() throws SecretUnavailableException {
    if (!fileSystemKnown) {
      inMemory = MemoryFileSystems.holds(path);
      fileSystemKnown = true;
    }
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        FileStamp before = FileStamp.of(path);
        Snapshot cached = last;
        if (cached != null && cached.stamp().equals(before)) {
          return cached.value();
        }
        // One read of the whole file, then proof that the file did not change meanwhile.
        byte[] content = Files.readAllBytes(path);
        if (content.length == before.size() && before.equals(FileStamp.of(path))) {
          SecretValue value = decode(content);
          last = new Snapshot(before, value);
          return value;
        }
      } catch (NoSuchFileException e) {
        if (attempt == ATTEMPTS) {
          throw notReadable(e);
        }
      } catch (IOException e) {
        throw notReadable(e);
      }
    }
    throw new SecretUnavailableException("file " + path + " kept changing while being read");
  }

  @Override
  public String describe() {
    return description;
  }

  private SecretUnavailableException notReadable(IOException cause) {
    return new SecretUnavailableException("file " + path + " is not readable", cause);
  }

  /** The content, checked; an empty file (or one holding only a newline) has no value. */
  private SecretValue decode(byte[] content) throws SecretUnavailableException {
    String raw = new String(content, StandardCharsets.UTF_8);
    Arrays.fill(content, (byte) 0);
    SecretValue value = SecretValue.checked(raw, "file " + path, form);
    if (value.reveal().isEmpty()) {
      throw new SecretUnavailableException("file " + path + " is empty");
    }
    return value;
  }

  private record Snapshot(FileStamp stamp, SecretValue value) {}
}
