package dev.keyrelay.operator.api.v1alpha1;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Creates every committed CRD of {@code crds/} on a mock API server, as an install would. */
public final class TestingCrds {

  private TestingCrds() {}

  public static void create(KubernetesClient client) throws IOException {
    try (Stream<Path> files = Files.list(CrdFiles.COMMITTED.getParent())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream crd = Files.newInputStream(file)) {
          // createOr: a POST retried after a client timeout on a loaded machine finds it there
          client
              .resource(client.apiextensions().v1().customResourceDefinitions().load(crd).item())
              .createOr(NonDeletingOperation::update);
        }
      }
    }
  }
}
