package dev.keyrelay.operator.route;

import dev.keyrelay.contract.RoutesConfigMap;
import java.util.Map;

/**
 * The rendered contents of a namespace's {@code keyrelay-routes} ConfigMap.
 *
 * @param routesYaml the sidecar config ({@code routes:} and {@code listeners:}) of accepted routes
 * @param injectionYaml per route, the pod selector and agent environment the webhook applies
 */
public record RoutesConfig(String routesYaml, String injectionYaml) {

  public Map<String, String> data() {
    return Map.of(
        RoutesConfigMap.ROUTES_KEY, routesYaml, RoutesConfigMap.INJECTION_KEY, injectionYaml);
  }
}
