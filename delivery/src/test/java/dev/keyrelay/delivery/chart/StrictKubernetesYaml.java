package dev.keyrelay.delivery.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keyrelay.delivery.StrictModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads rendered multi-document YAML into fabric8's typed model classes, strictly. */
final class StrictKubernetesYaml {

  private static final YAMLMapper YAML = new YAMLMapper();

  private StrictKubernetesYaml() {}

  /** Every document of a multi-document YAML stream, each as the model class of its kind. */
  static List<HasMetadata> parseAll(String yaml, String source) {
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      int index = 0;
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        index++;
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          objects.add(StrictModel.convert(doc, source + " document " + index));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": not YAML: " + e.getMessage(), e);
    }
    return objects;
  }
}
