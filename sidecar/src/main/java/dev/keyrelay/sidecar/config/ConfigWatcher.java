package dev.keyrelay.sidecar.config;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the config file, and the pod's label and annotation files it names, and hands every
 * valid, different config to a callback: a label change that makes a route apply or stop applying
 * is a config change like any other.
 *
 * <p>It watches the files' directories rather than the files, because Kubernetes ConfigMap and
 * downward-API volumes update by swapping the directory's {@code ..data} symlink, which never
 * touches the file itself. The file may not exist yet (an optional ConfigMap volume stays an empty
 * directory until the ConfigMap is created): it is read when it appears.
 */
public final class ConfigWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
  private static final long DEBOUNCE_MILLIS = 100;

  private final Path file;
  private final Map<Path, Set<Path>> watched;
  private final ConfigOverrides overrides;
  private final Consumer<SidecarConfig> onChange;
  private volatile SidecarConfig current;
  private volatile Reload lastReload = new Reload("none", Instant.now(), List.of());
  private WatchService watchService;
  private Thread thread;

  /**
   * @param file the config file, as given to {@link ConfigLoader#load}
   * @param current the config already in use
   * @param overrides applied to every version of the file, as they were to {@code current}
   * @param onChange called on the watcher thread with each new valid config
   */
  public ConfigWatcher(
      Path file,
      SidecarConfig current,
      ConfigOverrides overrides,
      Consumer<SidecarConfig> onChange) {
    this.file = file.toAbsolutePath();
    this.watched = watchedFiles(this.file, current.pod());
    this.current = current;
    this.overrides = overrides;
    this.onChange = onChange;
  }

  /** Starts watching on a daemon thread; a change made since {@code current} was loaded is seen. */
  public synchronized void start() throws IOException {
    if (watchService != null) {
      throw new IllegalStateException("already started");
    }
    watchService = file.getFileSystem().newWatchService();
    for (Path dir : watched.keySet()) {
      register(dir);
    }
    thread = new Thread(this::run, "keyrelay-config-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The file names to watch by directory. The pod files are those of the config at start, or of the
   * first one that names them: the injector always renders the same paths.
   */
  private static Map<Path, Set<Path>> watchedFiles(Path file, PodSettings pod) {
    Map<Path, Set<Path>> byDir = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>(List.of(file));
    if (pod != null) {
      files.add(pod.labelsFile().toAbsolutePath());
      files.add(pod.annotationsFile().toAbsolutePath());
    }
    for (Path f : files) {
      byDir.computeIfAbsent(f.getParent(), d -> new HashSet<>()).add(f.getFileName());
    }
    return byDir;
  }

  private void register(Path dir) throws IOException {
    dir.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
  }

  /**
   * Starts watching the pod files of a config that names them when the config at start did not (it
   * was the defaults of a file that did not exist yet).
   */
  private void watchPodFiles(PodSettings pod) {
    if (pod == null) {
      return;
    }
    for (Map.Entry<Path, Set<Path>> entry : watchedFiles(file, pod).entrySet()) {
      try {
        if (!watched.containsKey(entry.getKey())) {
          register(entry.getKey());
        }
        watched.computeIfAbsent(entry.getKey(), d -> new HashSet<>()).addAll(entry.getValue());
      } catch (IOException e) {
        log.warn("Cannot watch {}: pod label changes are not picked up: {}", entry.getKey(), e);
      }
    }
  }

  /**
   * What happened the last time the file changed: {@code none} (not since start), {@code missing}
   * (the file does not exist), {@code applied}, {@code unchanged}, {@code rejected} (with the
   * problems) or {@code failed}.
   */
  public record Reload(String outcome, Instant at, List<String> problems) {}

  public Reload lastReload() {
    return lastReload;
  }

  /** The config most recently applied (or the one given at construction). */
  public SidecarConfig current() {
    return current;
  }

  @Override
  public synchronized void close() throws IOException {
    if (watchService == null) {
      return;
    }
    watchService.close();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    try {
      reload();
      while (true) {
        boolean relevant = drain(watchService.take());
        // Editors and the kubelet change several entries in a burst; read once it settles.
        for (WatchKey key = watchService.poll(DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
            key != null;
            key = watchService.poll(DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS)) {
          relevant |= drain(key);
        }
        if (relevant) {
          reload();
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      log.debug("Stopped watching {}", file);
    }
  }

  private boolean drain(WatchKey key) {
    boolean relevant = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      relevant |=
          event.kind() == OVERFLOW
              || concernsWatchedFile(watched.get((Path) key.watchable()), event.context());
    }
    if (!key.reset()) {
      log.warn("{} is gone; config changes are no longer picked up", key.watchable());
      throw new ClosedWatchServiceException(); // ends run() the same way close() does
    }
    return relevant;
  }

  /** A watched file itself, or the kubelet's {@code ..data} link and timestamped directories. */
  private static boolean concernsWatchedFile(Set<Path> names, Object context) {
    return context instanceof Path name
        && names != null
        && (names.contains(name) || name.toString().startsWith(".."));
  }

  private void reload() {
    if (Files.notExists(file)) {
      lastReload = new Reload("missing", Instant.now(), List.of(file + " does not exist"));
      log.info("{} does not exist; keeping the running config until it appears", file);
      return;
    }
    SidecarConfig next;
    try {
      next = ConfigLoader.load(file, overrides);
    } catch (ConfigException e) {
      log.warn(
          "Ignoring the changed config in {}, keeping the running one:\n{}", file, e.getMessage());
      lastReload = new Reload("rejected", Instant.now(), e.problems());
      return;
    }
    if (next.equals(current)) {
      log.debug("Re-read {}: unchanged", file);
      lastReload = new Reload("unchanged", Instant.now(), List.of());
      return;
    }
    try {
      onChange.accept(next);
    } catch (RuntimeException e) {
      log.error("Could not apply the changed config in {}, keeping the running one", file, e);
      lastReload = new Reload("failed", Instant.now(), List.of(e.toString()));
      return;
    }
    current = next;
    watchPodFiles(next.pod());
    lastReload = new Reload("applied", Instant.now(), List.of());
    log.info("Applied the changed config in {}: {} routes", file, next.routes().size());
  }
}
