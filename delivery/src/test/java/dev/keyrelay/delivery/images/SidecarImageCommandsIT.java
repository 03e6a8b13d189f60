package dev.keyrelay.delivery.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the sidecar image's own commands, read from Dockerfile.sidecar, on this machine's JVM with
 * the packaged jar in place of /app: the class-data-sharing training run writes an archive, and the
 * image's ENTRYPOINT maps it ({@code -Xshare:on} refuses to start otherwise) and gets ready. No
 * container engine is needed; the image's own JVM is checked by its build step instead.
 */
class SidecarImageCommandsIT {

  private static final Path ROOT = Path.of("..");

  @TempDir static Path app;
  private static Stage cds;
  private static Stage runtime;

  @BeforeAll
  static void layOutAppLikeTheImage() throws Exception {
    Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile.sidecar"));
    cds = dockerfile.stage("cds");
    runtime = dockerfile.image();
    // The same files the cds stage copies, at paths that differ only in their root.
    copy(ROOT.resolve("sidecar/target/keyrelay-sidecar.jar"), "keyrelay-sidecar.jar");
    copy(ROOT.resolve("sidecar/jvm.options"), "jvm.options");
    // The training config writes its CA under /tmp, which is the build container's own; here it
    // writes under this test's directory instead.
    Files.writeString(
        app.resolve("cds-training.yaml"),
        Files.readString(ROOT.resolve("sidecar/cds-training.yaml"))
            .replace("/tmp/keyrelay-cds", app.resolve("training").toString()));
  }

  @Test
  void trainingWritesAnArchiveThatTheEntrypointMapsAndStartsWith() throws Exception {
    Process training = start(local(cds.last("RUN").execArguments()), "training");
    assertThat(training.waitFor(120, TimeUnit.SECONDS)).as("training run ends").isTrue();
    assertThat(training.exitValue()).as(output("training")).isZero();
    Path archive = app.resolve("keyrelay-sidecar.jsa");
    assertThat(archive).isNotEmptyFile();

    List<String> entrypoint = new ArrayList<>(local(runtime.last("ENTRYPOINT").execArguments()));
    // -Xshare:on makes an unusable archive fatal instead of silently ignored.
    entrypoint.add(1, "-Xshare:on");
    entrypoint.add(1, "-Xlog:class+load=info:file=" + app.resolve("classes.log"));
    entrypoint.addAll(
        List.of("--config", app.resolve("cds-training.yaml").toString(), "--exit-when-ready"));
    Process run = start(entrypoint, "entrypoint");
    assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("entrypoint run ends").isTrue();
    assertThat(run.exitValue()).as(output("entrypoint")).isZero();

    assertThat(Files.readAllLines(app.resolve("classes.log")))
        .as("the sidecar's own classes come from the archive")
        .anyMatch(
            line ->
                line.contains("dev.keyrelay.sidecar.Sidecar ")
                    && line.contains("shared objects file (top)"));
  }

  /** The image's command with /app replaced by the local directory and java by this JVM's. */
  private static List<String> local(List<String> command) {
    List<String> out = new ArrayList<>();
    for (String arg : command) {
      out.add(arg.replace("/app/", app.toString() + "/"));
    }
    assertThat(out.get(0)).isEqualTo("java");
    out.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return out;
  }

  private static Process start(List<String> command, String name) throws IOException {
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(app.resolve(name + ".out").toFile())
        .start();
  }

  private static String output(String name) throws IOException {
    return Files.readString(app.resolve(name + ".out"));
  }

  private static void copy(Path source, String name) throws IOException {
    // COPY_ATTRIBUTES keeps the modification time, as the image's COPY does: the archive records
    // it.
    Files.copy(
        source,
        app.resolve(name),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES);
  }
}
