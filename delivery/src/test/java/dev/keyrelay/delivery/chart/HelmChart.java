package dev.keyrelay.delivery.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The keyrelay chart, linted and rendered in-process by helm-java (Helm 3 as a native library). */
final class HelmChart {

  static final Path SOURCE = Path.of("../charts/keyrelay");
  static final Path PROFILES = Path.of("../helm");
  static final String RELEASE = "keyrelay";
  static final String NAMESPACE = "keyrelay-system";
  static final String KUBE_VERSION = ">=1.30.0-0";

  /*
   * helm-java renders with Helm's built-in capabilities, Kubernetes v1.20.0, and has no
   * --kube-version option, so the chart's kubeVersion constraint refuses every render. Templates
   * are therefore rendered from a copy under target/ that differs only in that constraint;
   * ChartLintTest shows that the chart itself is refused there.
   */
  private static final Path RENDERABLE = Path.of("target/chart-under-test/keyrelay");
  private static final Pattern KUBE_VERSION_LINE = Pattern.compile("(?m)^kubeVersion: .*$");

  private static boolean copied;

  private HelmChart() {}

  static LintResult lint() {
    return new Helm(SOURCE).lint().call();
  }

  /** Renders the chart itself, kubeVersion constraint included. */
  static String templateUnmodified() {
    return new Helm(SOURCE).template().withName(RELEASE).withNamespace(NAMESPACE).call();
  }

  /**
   * Renders like {@code helm template keyrelay charts/keyrelay -n NAMESPACE [-f VALUES] [--set
   * K=V]...}.
   *
   * @param values a values file, or null
   */
  static String template(String namespace, Path values, Map<String, String> settings) {
    TemplateCommand command =
        new Helm(renderable()).template().withName(RELEASE).withNamespace(namespace);
    if (values != null) {
      command = command.withValuesFile(values.toAbsolutePath());
    }
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      command = command.set(setting.getKey(), setting.getValue());
    }
    return command.call();
  }

  /** The NOTES.txt Helm prints after an install, from a client-only dry run. */
  static String installNotes(Map<String, String> settings) {
    InstallCommand command =
        new Helm(renderable()).install().withName(RELEASE).withNamespace(NAMESPACE).dryRun();
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      command = command.set(setting.getKey(), setting.getValue());
    }
    String output = command.clientOnly().call().getOutput();
    return output.substring(output.indexOf("NOTES:"));
  }

  private static synchronized Path renderable() {
    if (!copied) {
      try {
        copyTree(SOURCE, RENDERABLE);
        Path chartYaml = RENDERABLE.resolve("Chart.yaml");
        Matcher line = KUBE_VERSION_LINE.matcher(Files.readString(chartYaml));
        if (!line.find()) {
          throw new IllegalStateException(SOURCE.resolve("Chart.yaml") + ": no kubeVersion line");
        }
        Files.writeString(chartYaml, line.replaceFirst("kubeVersion: \">=1.20.0-0\""));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      copied = true;
    }
    return RENDERABLE;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      try (Stream<Path> old = Files.walk(to)) {
        for (Path p : old.sorted((a, b) -> b.compareTo(a)).toList()) {
          Files.delete(p);
        }
      }
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
