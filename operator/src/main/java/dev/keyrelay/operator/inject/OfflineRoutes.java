package dev.keyrelay.operator.inject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.route.NamespaceRoutes;
import dev.keyrelay.operator.route.RouteVerdict;
import dev.keyrelay.operator.route.RoutesConfig;
import dev.keyrelay.operator.route.RoutesConfigRenderer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The routes the offline command injects: CredentialRoutes (validated and rendered exactly as the
 * operator publishes them) or a published {@code keyrelay-routes} ConfigMap.
 */
public final class OfflineRoutes {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private OfflineRoutes() {}

  /**
   * @throws IllegalArgumentException naming the route and its problems when a route is refused
   */
  public static List<InjectionRoute> from(List<JsonNode> documents) {
    List<CredentialRoute> credentialRoutes = new ArrayList<>();
    List<InjectionRoute> out = new ArrayList<>();
    for (JsonNode doc : documents) {
      String kind = doc.path("kind").asText();
      if (kind.equals("CredentialRoute")) {
        credentialRoutes.add(SERIALIZATION.convertValue(doc, CredentialRoute.class));
      } else if (kind.equals("ConfigMap")) {
        out.addAll(
            InjectionRoutes.parse(doc.path("data").path(RoutesConfig.INJECTION_KEY).asText()));
      } else {
        throw new IllegalArgumentException(
            "expected CredentialRoute or ConfigMap documents, found kind '" + kind + "'");
      }
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
