package dev.keyrelay.operator.route;

import java.util.Map;

/**
 * The rendered contents of a namespace's {@code keyrelay-routes} ConfigMap.
 *
 * @param routesYaml the sidecar config ({@code routes:} and {@code listeners:}) of accepted routes
 * @param injectionYaml per route, the pod selector and agent environment the webhook applies
 */
public record RoutesConfig(String routesYaml, String injectionYaml) {

  public static final String CONFIG_MAP_NAME = "keyrelay-routes";
  public static final String ROUTES_KEY = "routes.yaml";
  public static final String INJECTION_KEY = "injection.yaml";

  public Map<String, String> data() {
    return Map.of(ROUTES_KEY, routesYaml, INJECTION_KEY, injectionYaml);
  }
}
