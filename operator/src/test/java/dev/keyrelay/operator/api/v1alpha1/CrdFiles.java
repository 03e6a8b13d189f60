package dev.keyrelay.operator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build writes the generated CRD and where the committed copy lives. */
final class CrdFiles {

  static final Path GENERATED =
      Path.of("target/classes/META-INF/fabric8/credentialroutes.keyrelay.dev-v1.yml");
  static final Path COMMITTED = Path.of("../crds/credentialroutes.keyrelay.dev.yaml");

  private CrdFiles() {}

  static CustomResourceDefinition load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }
}
