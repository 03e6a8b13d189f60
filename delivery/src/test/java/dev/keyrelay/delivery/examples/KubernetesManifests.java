package dev.keyrelay.delivery.examples;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.inject.YamlDocuments;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Kubernetes YAML into fabric8's typed model (CredentialRoute into the operator's class),
 * strictly: a kind fabric8 does not know, or a field its class does not have, is an error naming
 * the file, the document and the field. fabric8's classes keep unknown fields in a catch-all map,
 * which would let a misspelled field through, so that map is switched off here.
 */
final class KubernetesManifests {

  private static final KubernetesSerialization KINDS = new KubernetesSerialization();
  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .registerModule(new SimpleModule().setDeserializerModifier(new NoCatchAll()));

  static {
    KINDS.registerKubernetesResource(CredentialRoute.class);
  }

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
      String where = file + " document " + (i + 1);
      String apiVersion = tree.path("apiVersion").asText();
      String kind = tree.path("kind").asText();
      Class<? extends KubernetesResource> type =
          KINDS.getRegisteredKubernetesResource(apiVersion, kind);
      if (type == null || !HasMetadata.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(
            where + ": " + apiVersion + " " + kind + " is not a Kubernetes kind fabric8 knows");
      }
      try {
        manifests.add(
            new Manifest(file, i + 1, tree, (HasMetadata) STRICT.treeToValue(tree, type)));
      } catch (IOException e) {
        throw new IllegalArgumentException(where + " (" + kind + "): " + e.getMessage(), e);
      }
    }
    return manifests;
  }

  /** Removes the {@code @JsonAnySetter} of every class and honours no {@code ignoreUnknown}. */
  private static final class NoCatchAll extends BeanDeserializerModifier {
    @Override
    public BeanDeserializerBuilder updateBuilder(
        DeserializationConfig config,
        BeanDescription description,
        BeanDeserializerBuilder builder) {
      builder.setAnySetter(null);
      builder.setIgnoreUnknownProperties(false);
      return builder;
    }
  }
}
