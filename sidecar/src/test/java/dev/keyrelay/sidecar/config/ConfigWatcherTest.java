package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.keyrelay.sidecar.testing.KubeletVolume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ConfigWatcherTest {

  private static final long WAIT_SECONDS = 10;

  @TempDir Path dir;

  private final BlockingQueue<SidecarConfig> applied = new LinkedBlockingQueue<>();
  private final BlockingQueue<ILoggingEvent> logged = new LinkedBlockingQueue<>();
  private final Logger watcherLog = (Logger) LoggerFactory.getLogger(ConfigWatcher.class);
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          logged.add(event);
        }
      };
  private ConfigWatcher watcher;

  @BeforeEach
  void captureLogs() {
    appender.start();
    watcherLog.addAppender(appender);
    watcherLog.setLevel(Level.DEBUG);
  }

  @AfterEach
  void stop() throws Exception {
    if (watcher != null) {
      watcher.close();
    }
    watcherLog.detachAppender(appender);
    watcherLog.setLevel(null);
  }

  private static String routes(String... names) {
    StringBuilder yaml = new StringBuilder("routes:\n");
    for (String name : names) {
      yaml.append("  - name: ")
          .append(name)
          .append("\n    match: { host: ")
          .append(name)
          .append(".example }\n    auth: { type: header, headerName: x-key }\n")
          .append("    secret: { env: KEY }\n");
    }
    return yaml.toString();
  }

  private void watch(Path file) throws Exception {
    watch(file, ConfigOverrides.NONE);
  }

  private void watch(Path file, ConfigOverrides overrides) throws Exception {
    watcher = new ConfigWatcher(file, ConfigLoader.load(file, overrides), overrides, applied::add);
    watcher.start();
    // The initial re-read of this file (not another test's): the watcher is now listening.
    awaitLog(Level.DEBUG, file + ": unchanged");
  }

  private ILoggingEvent awaitLog(Level level, String fragment) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      ILoggingEvent event = logged.poll(100, TimeUnit.MILLISECONDS);
      if (event != null
          && event.getLevel() == level
          && event.getFormattedMessage().contains(fragment)) {
        return event;
      }
    }
    throw new AssertionError("no " + level + " log containing '" + fragment + "'");
  }

  @Test
  void appliesAValidEdit() throws Exception {
    Path file = ConfigFiles.write(dir, "keyrelay.yaml", routes("a"));
    watch(file);

    Files.writeString(file, routes("a", "b"));

    SidecarConfig next = applied.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).isNotNull();
    assertThat(next.routes()).extracting(Route::name).containsExactly("a", "b");
    awaitLog(Level.INFO, "2 routes"); // logged once current() has moved on
    assertThat(watcher.current()).isEqualTo(next);
  }

  @Test
  void ignoresAnInvalidEditAndKeepsTheOldConfig() throws Exception {
    Path file = ConfigFiles.write(dir, "keyrelay.yaml", routes("a"));
    watch(file);
    SidecarConfig before = watcher.current();

    Files.writeString(file, routes("a", "Not_Valid"));

    ILoggingEvent warning = awaitLog(Level.WARN, "routes[1].name");
    assertThat(warning.getFormattedMessage()).contains(file.toString());
    assertThat(applied).isEmpty();
    assertThat(watcher.current()).isEqualTo(before);

    Files.writeString(file, routes("c"));
    SidecarConfig next = applied.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).isNotNull();
    assertThat(next.routes()).extracting(Route::name).containsExactly("c");
  }

  @Test
  void theCommandLineProxyPortStillWinsAfterAReload() throws Exception {
    Path file =
        ConfigFiles.write(
            dir, "keyrelay.yaml", "proxy: { listen: \"127.0.0.1:6790\" }\n" + routes("a"));
    watch(file, new ConfigOverrides(OptionalInt.of(7123)));
    assertThat(watcher.current().proxy().listen()).isEqualTo(new HostPort("127.0.0.1", 7123));

    Files.writeString(file, "proxy: { listen: \"[::1]:6000\" }\n" + routes("a", "b"));

    SidecarConfig next = applied.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).isNotNull();
    assertThat(next.routes()).extracting(Route::name).containsExactly("a", "b");
    assertThat(next.proxy().listen()).isEqualTo(new HostPort("::1", 7123));
  }

  @Test
  void doesNotReapplyAnUnchangedFile() throws Exception {
    Path file = ConfigFiles.write(dir, "keyrelay.yaml", routes("a"));
    watch(file);

    Files.writeString(file, "# same routes, new comment\n" + routes("a"));

    awaitLog(Level.DEBUG, "unchanged");
    assertThat(applied).isEmpty();
  }

  @Test
  void followsAKubeletStyleSymlinkSwap() throws Exception {
    Path first =
        ConfigFiles.write(dir, "..2026_11_23_09_00_00.000000001/keyrelay.yaml", routes("a"));
    Files.createSymbolicLink(dir.resolve("..data"), first.getParent().getFileName());
    Path file = dir.resolve("keyrelay.yaml");
    Files.createSymbolicLink(file, Path.of("..data", "keyrelay.yaml"));
    watch(file);

    Path second =
        ConfigFiles.write(dir, "..2026_11_23_09_05_00.000000002/keyrelay.yaml", routes("a", "b"));
    Path tmpLink =
        Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getParent().getFileName());
    Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    Files.delete(first);
    Files.delete(first.getParent());

    SidecarConfig next = applied.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).isNotNull();
    assertThat(next.source()).isEqualTo(file);
    assertThat(next.routes()).extracting(Route::name).containsExactly("a", "b");
  }

  @Test
  void aLabelChangeInAKubeletStyleDownwardApiVolumeIsAReload() throws Exception {
    Path podinfo = dir.resolve("podinfo");
    Path firstData = ConfigFiles.write(podinfo, "..v1/labels", "app=\"agent\"\n").getParent();
    ConfigFiles.write(podinfo, "..v1/annotations", "");
    Files.createSymbolicLink(podinfo.resolve("..data"), firstData.getFileName());
    for (String name : new String[] {"labels", "annotations"}) {
      Files.createSymbolicLink(podinfo.resolve(name), Path.of("..data", name));
    }
    Path file =
        ConfigFiles.write(
            dir,
            "keyrelay.yaml",
            "pod: { labelsFile: podinfo/labels, annotationsFile: podinfo/annotations }\n"
                + routes("a")
                + "    podSelector: { matchLabels: { tier: gold } }\n");
    watch(file);
    assertThat(watcher.current().routes()).isEmpty();

    Path secondData =
        ConfigFiles.write(podinfo, "..v2/labels", "app=\"agent\"\ntier=\"gold\"\n").getParent();
    ConfigFiles.write(podinfo, "..v2/annotations", "");
    Path tmp = podinfo.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, secondData.getFileName());
    Files.move(tmp, podinfo.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

    SidecarConfig next = applied.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).isNotNull();
    assertThat(next.routes()).extracting(Route::name).containsExactly("a");
  }

  @Test
  void aFileThatAppearsLaterIsAppliedAndItsPodFilesAreWatchedFromThen() throws Exception {
    Path podinfo = dir.resolve("podinfo");
    Path firstLabels = ConfigFiles.write(podinfo, "..v1/labels", "app=\"agent\"\n");
    ConfigFiles.write(podinfo, "..v1/annotations", "");
    Files.createSymbolicLink(podinfo.resolve("..data"), firstLabels.getParent().getFileName());
    for (String name : new String[] {"labels", "annotations"}) {
      Files.createSymbolicLink(podinfo.resolve(name), Path.of("..data", name));
    }
    Path volume = Files.createDirectory(dir.resolve("config"));
    Path file = volume.resolve("routes.yaml");
    watcher =
        new ConfigWatcher(
            file,
            ConfigLoader.loadOrDefaults(file, ConfigOverrides.NONE),
            ConfigOverrides.NONE,
            applied::add);
    watcher.start();
    awaitLog(Level.INFO, file + " does not exist");
    assertThat(watcher.lastReload().outcome()).isEqualTo("missing");

    KubeletVolume.create(
        volume,
        "routes.yaml",
        "pod: { labelsFile: ../podinfo/labels, annotationsFile: ../podinfo/annotations }\n"
            + routes("a", "b")
            + "    podSelector: { matchLabels: { tier: gold } }\n");

    SidecarConfig first = applied.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.routes()).extracting(Route::name).containsExactly("a");
    awaitLog(Level.INFO, "1 routes");

    Path secondLabels = ConfigFiles.write(podinfo, "..v2/labels", "app=\"agent\"\ntier=\"gold\"\n");
    ConfigFiles.write(podinfo, "..v2/annotations", "");
    Path tmp = podinfo.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, secondLabels.getParent().getFileName());
    Files.move(tmp, podinfo.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

    SidecarConfig second = applied.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(second).isNotNull();
    assertThat(second.routes()).extracting(Route::name).containsExactly("a", "b");
  }
}
