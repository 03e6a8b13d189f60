package dev.keyrelay.operator.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;

/**
 * Applies {@link PodInjector} to a Pod or to the pod template of a workload, given as a JSON tree;
 * other kinds come back untouched.
 */
public final class WorkloadInjector {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Where each workload kind keeps its pod template. */
  private static final Map<String, List<String>> TEMPLATE_PATHS =
      Map.of(
          "Deployment", List.of("spec", "template"),
          "StatefulSet", List.of("spec", "template"),
          "DaemonSet", List.of("spec", "template"),
          "ReplicaSet", List.of("spec", "template"),
          "Job", List.of("spec", "template"),
          "CronJob", List.of("spec", "jobTemplate", "spec", "template"));

  private WorkloadInjector() {}

  /**
   * @return the injection result of the pod or pod template, or null when the kind has none
   * @throws InjectionRefusedException as {@link PodInjector#inject} does
   */
  public static Result inject(
      JsonNode document, List<InjectionRoute> routes, InjectionSettings settings) {
    String kind = document.path("kind").asText();
    if (kind.equals("Pod")) {
      Pod pod = SERIALIZATION.convertValue(document, Pod.class);
      InjectionResult result = PodInjector.inject(pod, routes, settings);
      return new Result(SERIALIZATION.convertValue(result.pod(), JsonNode.class), result);
    }
    List<String> path = TEMPLATE_PATHS.get(kind);
    if (path == null || !(document.at(pointer(path)) instanceof ObjectNode template)) {
      return null;
    }
    ObjectNode podNode =
        SERIALIZATION.convertValue(Map.of("apiVersion", "v1", "kind", "Pod"), ObjectNode.class);
    podNode.set("metadata", template.path("metadata").deepCopy());
    podNode.set("spec", template.path("spec").deepCopy());
    Pod pod = SERIALIZATION.convertValue(podNode, Pod.class);
    InjectionResult result = PodInjector.inject(pod, routes, settings);
    ObjectNode out = document.deepCopy();
    ObjectNode outTemplate = (ObjectNode) out.at(pointer(path));
    JsonNode injected = SERIALIZATION.convertValue(result.pod(), JsonNode.class);
    outTemplate.set("metadata", injected.get("metadata"));
    outTemplate.set("spec", injected.get("spec"));
    return new Result(out, result);
  }

  private static String pointer(List<String> path) {
    return "/" + String.join("/", path);
  }

  /**
   * @param document the document with the injected pod or template
   * @param injection what the injector did
   */
  public record Result(JsonNode document, InjectionResult injection) {}
}
