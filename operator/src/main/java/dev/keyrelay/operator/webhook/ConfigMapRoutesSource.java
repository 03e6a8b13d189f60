package dev.keyrelay.operator.webhook;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.inject.InjectionRoute;
import dev.keyrelay.operator.inject.InjectionRoutes;
import dev.keyrelay.operator.route.RoutesConfig;
import dev.keyrelay.operator.route.RoutesConfigMapPublisher;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;

/**
 * Answers routes from an informer over the operator-managed {@code keyrelay-routes} ConfigMaps, so
 * an admission never waits on the API server. Every replica runs it, leader or not.
 */
public final class ConfigMapRoutesSource implements RoutesSource, AutoCloseable {

  private final SharedIndexInformer<ConfigMap> informer;

  public ConfigMapRoutesSource(KubernetesClient client) {
    this.informer =
        client
            .configMaps()
            .inAnyNamespace()
            .withLabel(
                RoutesConfigMapPublisher.MANAGED_BY_LABEL, RoutesConfigMapPublisher.MANAGED_BY)
            .inform();
  }

  @Override
  public List<InjectionRoute> routes(String namespace) {
    ConfigMap map =
        informer
            .getStore()
            .getByKey(Cache.namespaceKeyFunc(namespace, RoutesConfigMap.NAME));
    if (map == null || map.getData() == null) {
      return List.of();
    }
    return InjectionRoutes.parse(map.getData().get(RoutesConfigMap.INJECTION_KEY));
  }

  @Override
  public void close() {
    informer.close();
  }
}
