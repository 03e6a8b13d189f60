package dev.keyrelay.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.inject.InjectionRoute;
import dev.keyrelay.operator.inject.InjectionRoutes;
import dev.keyrelay.operator.route.NamespaceRoutes;
import dev.keyrelay.operator.route.RouteVerdict;
import dev.keyrelay.operator.route.RoutesConfigRenderer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The routes the offline command injects: CredentialRoutes (validated and rendered exactly as the
 * operator publishes them) or a published {@code keyrelay-routes} ConfigMap. Other documents, such
 * as the Secret a route file usually carries next to its route, are skipped.
 */
public final class OfflineRoutes {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private OfflineRoutes() {}

  /**
   * @throws IllegalArgumentException naming the route and its problems when a route is refused, or
   *     when the documents hold no route at all
   */
  public static List<InjectionRoute> from(List<JsonNode> documents) {
    List<CredentialRoute> credentialRoutes = new ArrayList<>();
    List<InjectionRoute> out = new ArrayList<>();
    boolean publishedConfigMap = false;
    for (JsonNode doc : documents) {
      String kind = doc.path("kind").asText();
      JsonNode published = doc.path("data").path(RoutesConfigMap.INJECTION_KEY);
      if (kind.equals("CredentialRoute")) {
        credentialRoutes.add(SERIALIZATION.convertValue(doc, CredentialRoute.class));
      } else if (kind.equals("ConfigMap") && published.isTextual()) {
        out.addAll(InjectionRoutes.parse(published.asText()));
        publishedConfigMap = true;
      }
    }
    if (credentialRoutes.isEmpty() && !publishedConfigMap) {
      throw new IllegalArgumentException(
          "no CredentialRoute and no published keyrelay-routes ConfigMap (with "
              + RoutesConfigMap.INJECTION_KEY
              + ") among the documents");
    }
    Map<String, RouteVerdict> verdicts = NamespaceRoutes.evaluate(credentialRoutes);
    for (RouteVerdict verdict : verdicts.values()) {
      if (!verdict.accepted()) {
        throw new IllegalArgumentException(
            "CredentialRoute "
                + verdict.name()
                + " is refused: "
                + (verdict.valid() ? verdict.conflict() : verdict.violations()));
      }
    }
    out.addAll(
        InjectionRoutes.parse(RoutesConfigRenderer.render(credentialRoutes).injectionYaml()));
    return out;
  }
}
