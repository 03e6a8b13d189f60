package dev.keyrelay.delivery.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The CredentialRoute field reference in docs/ says what the CRD says: one row per field of the
 * committed CRD's spec, with the description the Java model gives it (the model is the one place it
 * is written; the CRD is generated from it and CrdDriftTest keeps the two equal).
 */
class CredentialRouteDocsTest {

  private static final Path CRD = Path.of("../crds/credentialroutes.keyrelay.dev.yaml");
  private static final Path DOC = Path.of("../docs/operator/credentialroute.md");

  /** A standard Kubernetes label selector: its inner fields are Kubernetes', not keyrelay's. */
  private static final String LABEL_SELECTOR = "spec.podSelector";

  @Test
  void theFieldTableHasEveryFieldOfTheCrdWithItsDescription() throws IOException {
    Map<String, String> documented = documentedFields();

    assertThat(documented).containsExactlyInAnyOrderEntriesOf(crdFields());
  }

  /** Field path → description, for every field under the CRD's spec. */
  private static Map<String, String> crdFields() throws IOException {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(CRD)) {
      crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
    JSONSchemaProps root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    JSONSchemaProps spec = root.getProperties().get("spec");
    Map<String, String> fields = new LinkedHashMap<>();
    collect(spec, "spec", fields);
    return fields;
  }

  private static void collect(JSONSchemaProps schema, String path, Map<String, String> fields) {
    if (path.equals(LABEL_SELECTOR) || schema.getProperties() == null) {
      return;
    }
    schema
        .getProperties()
        .forEach(
            (name, child) -> {
              String field = path + "." + name;
              fields.put(field, Objects.requireNonNullElse(child.getDescription(), ""));
              collect(child, field, fields);
            });
  }

  /** Field path → description, from the rows of the doc's table that start with a spec field. */
  private static Map<String, String> documentedFields() throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : Files.readAllLines(DOC)) {
      if (!line.startsWith("| `spec.")) {
        continue;
      }
      // cells: field, type, description, notes; "\|" is a pipe inside a cell
      String[] cells = line.substring(1).split("(?<!\\\\)\\|");
      String field = cells[0].strip().replace("`", "");
      String description = cells[2].strip().replace("\\|", "|");
      assertThat(fields.put(field, description)).as("a second row for %s", field).isNull();
    }
    return fields;
  }
}
