package dev.keyrelay.delivery.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.delivery.StrictModel;
import dev.keyrelay.operator.inject.YamlDocuments;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the documents of a file into fabric8's typed model strictly ({@link StrictModel}): a kind
 * fabric8 does not know, or a field its class does not have, is an error naming the file, the
 * document and the field.
 */
final class KubernetesManifests {

  /**
   * One document of a file.
   *
   * @param index its position in the file, from 1
   * @param tree the document as parsed YAML
   * @param object the document as its typed class
   */
  record Manifest(Path file, int index, JsonNode tree, HasMetadata object) {

    String kind() {
      return object.getKind();
    }

    @Override
    public String toString() {
      return file
          + " document "
          + index
          + " ("
          + kind()
          + " "
          + object.getMetadata().getName()
          + ")";
    }
  }

  private KubernetesManifests() {}

  static List<Manifest> read(Path file) throws IOException {
    List<Manifest> manifests = new ArrayList<>();
    List<YamlDocuments.Document> documents = YamlDocuments.split(Files.readString(file));
    for (int i = 0; i < documents.size(); i++) {
      JsonNode tree = documents.get(i).tree();
      manifests.add(
          new Manifest(
              file, i + 1, tree, StrictModel.convert(tree, file + " document " + (i + 1))));
    }
    return manifests;
  }
}
