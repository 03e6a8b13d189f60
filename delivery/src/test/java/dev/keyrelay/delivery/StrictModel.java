package dev.keyrelay.delivery;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Turns one parsed Kubernetes document into fabric8's typed model class of its kind
 * (CredentialRoute and EgressPolicy into the operator's classes) and fails on any field the class
 * does not have, or a value of the wrong type, where fabric8 on its own would keep it quietly in
 * {@code additionalProperties}.
 */
public final class StrictModel {

  private static final KubernetesSerialization SERIALIZATION = strictSerialization();

  private StrictModel() {}

  /**
   * @param where the file and document, for the error message
   * @throws IllegalArgumentException naming {@code where}, the kind and the field
   */
  public static HasMetadata convert(JsonNode doc, String where) {
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
    serialization.registerKubernetesResource(CredentialRoute.class);
    serialization.registerKubernetesResource(EgressPolicy.class);
    return serialization;
  }
}
