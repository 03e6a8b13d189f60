package dev.keyrelay.delivery.chart;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Kubernetes YAML into fabric8's typed model classes and fails on any field the model does
 * not know, where fabric8 on its own would keep it quietly in {@code additionalProperties}.
 */
final class StrictKubernetesYaml {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization SERIALIZATION = strictSerialization();

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
          objects.add(parse(doc, source + " document " + index));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": not YAML: " + e.getMessage(), e);
    }
    return objects;
  }

  private static HasMetadata parse(JsonNode doc, String where) {
    String apiVersion = doc.path("apiVersion").asText();
    String kind = doc.path("kind").asText();
    String name = doc.path("metadata").path("name").asText();
    Class<? extends KubernetesResource> type =
        SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kind);
    if (type == null || !HasMetadata.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(
          where + ": no fabric8 model class for " + apiVersion + " " + kind + " " + name);
    }
    try {
      return (HasMetadata) SERIALIZATION.convertValue(doc, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + " (" + kind + " " + name + "): " + e.getMessage(), e);
    }
  }

  private static KubernetesSerialization strictSerialization() {
    SimpleModule noCatchAll = new SimpleModule("keyrelay-strict");
    noCatchAll.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public BeanDeserializerBuilder updateBuilder(
              DeserializationConfig config,
              BeanDescription description,
              BeanDeserializerBuilder builder) {
            // the @JsonAnySetter of every model class is what swallows unknown fields
            builder.setAnySetter(null);
            builder.setIgnoreUnknownProperties(false);
            return builder;
          }
        });
    ObjectMapper mapper = new ObjectMapper().registerModule(noCatchAll);
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, true);
    // a value of the wrong type fails too, instead of moving to additionalProperties
    serialization.getUnmatchedFieldTypeModule().setRestrictToTemplates(true);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    return serialization;
  }
}
