package dev.keyrelay.operator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the committed CredentialRoute CRD lives, next to the other CRDs of crds/. */
final class CrdFiles {

  static final Path COMMITTED = Path.of("../crds/credentialroutes.keyrelay.dev.yaml");

  private CrdFiles() {}

  static CustomResourceDefinition load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }
}
