package dev.keyrelay.delivery.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operator's golden pods (src/test/resources/inject/ of the operator module): pods before
 * injection and exactly as the injector leaves them, kept current by its golden tests.
 */
final class GoldenPods {

  private static final Path DIR = Path.of("../operator/src/test/resources/inject");

  private GoldenPods() {}

  static JsonNode tree(String name) {
    try {
      return new YAMLMapper().readTree(Files.readString(DIR.resolve(name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Pod pod(String name) {
    try {
      return (Pod) StrictKubernetesYaml.parseAll(Files.readString(DIR.resolve(name)), name).get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
