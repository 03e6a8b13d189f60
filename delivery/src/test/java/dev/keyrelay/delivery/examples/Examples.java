package dev.keyrelay.delivery.examples;

import dev.keyrelay.delivery.examples.KubernetesManifests.Manifest;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files under {@code examples/}: Kubernetes manifests, except the laptop sidecar config. */
final class Examples {

  static final Path DIR = Path.of("../examples");
  static final Path LOCAL_SIDECAR_CONFIG = DIR.resolve("local/keyrelay.yaml");

  private Examples() {}

  /** Every YAML file under a directory, sorted. */
  static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().matches(".*\\.ya?ml$")).sorted().toList();
    }
  }

  /** Every document of every Kubernetes example. */
  static List<Manifest> manifests() throws IOException {
    List<Manifest> all = new ArrayList<>();
    for (Path file : yamlFiles(DIR)) {
      if (!file.startsWith(LOCAL_SIDECAR_CONFIG.getParent())) {
        all.addAll(KubernetesManifests.read(file));
      }
    }
    return all;
  }

  static List<Manifest> routes() throws IOException {
    return manifests().stream().filter(m -> m.object() instanceof CredentialRoute).toList();
  }

  static List<Manifest> egressPolicies() throws IOException {
    return manifests().stream().filter(m -> m.object() instanceof EgressPolicy).toList();
  }
}
