package dev.keyrelay.operator.inject;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Map;

/**
 * What the injector needs to know about one published route (from {@code injection.yaml}).
 *
 * @param name the route (or listener) name
 * @param podSelector which opted-in pods get it; null or empty selects all
 * @param agentEnv placeholder variables for the agent containers
 * @param secretName the Kubernetes Secret mounted into the sidecar, or null
 * @param vault whether the sidecar reads the secret from Vault (needs the projected token)
 * @param trustConfigMap the ConfigMap holding the route's extra upstream CA, or null
 * @param trustSecret the Secret holding the route's extra upstream CA, or null
 */
public record InjectionRoute(
    String name,
    LabelSelector podSelector,
    Map<String, String> agentEnv,
    String secretName,
    boolean vault,
    String trustConfigMap,
    String trustSecret) {

  public InjectionRoute {
    agentEnv = agentEnv == null ? Map.of() : Map.copyOf(agentEnv);
  }
}
