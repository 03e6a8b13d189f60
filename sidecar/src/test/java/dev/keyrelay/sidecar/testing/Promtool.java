package dev.keyrelay.sidecar.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own linter on a scrape ({@code promtool check metrics}): names, suffixes, units,
 * help texts and the exposition format are judged the way Prometheus users will judge them.
 */
public final class Promtool {

  private Promtool() {}

  public static void assertClean(String exposition) throws Exception {
    Prerequisites.require(onPath(), "promtool (Debian package prometheus; .ci/run installs it)");
    Process process =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    process.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as("promtool check metrics").isBlank();
    assertThat(process.exitValue()).as(output).isZero();
  }

  private static boolean onPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    return List.of(path.split(":")).stream()
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
  }
}
