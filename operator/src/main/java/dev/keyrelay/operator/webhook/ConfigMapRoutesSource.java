package dev.keyrelay.operator.webhook;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.inject.InjectionRefusedException;
import dev.keyrelay.operator.inject.InjectionRoute;
import dev.keyrelay.operator.inject.InjectionRoutes;
import dev.keyrelay.operator.route.RoutesConfigMapPublisher;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Map;

/**
 * Answers routes from an informer over the {@code keyrelay-routes} ConfigMaps, so an admission
 * never waits on the API server. Every replica runs it, leader or not. It watches every ConfigMap
 * of that name, not only the operator's, so that it can refuse a namespace where someone else's
 * ConfigMap would feed routes to the sidecars.
 */
public final class ConfigMapRoutesSource implements RoutesSource, AutoCloseable {

  private final SharedIndexInformer<ConfigMap> informer;

  public ConfigMapRoutesSource(KubernetesClient client) {
    this.informer =
        client
            .configMaps()
            .inAnyNamespace()
            .withField("metadata.name", RoutesConfigMap.NAME)
            .inform();
  }

  @Override
  public List<InjectionRoute> routes(String namespace) {
    ConfigMap map =
        informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, RoutesConfigMap.NAME));
    if (map == null) {
      return List.of();
    }
    Map<String, String> labels = map.getMetadata().getLabels();
    if (labels == null
        || !RoutesConfigMapPublisher.MANAGED_BY.equals(
            labels.get(RoutesConfigMapPublisher.MANAGED_BY_LABEL))) {
      throw new InjectionRefusedException(
          "ConfigMap "
              + namespace
              + "/"
              + RoutesConfigMap.NAME
              + " is not managed by the keyrelay operator (it lacks the label "
              + RoutesConfigMapPublisher.SELECTOR
              + "), so its routes cannot be trusted; delete it and let the operator publish the"
              + " namespace's CredentialRoutes");
    }
    if (map.getData() == null) {
      return List.of();
    }
    return InjectionRoutes.parse(map.getData().get(RoutesConfigMap.INJECTION_KEY));
  }

  @Override
  public void close() {
    informer.close();
  }
}
