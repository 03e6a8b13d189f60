package dev.keyrelay.operator.route;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a namespace's {@code keyrelay-routes} ConfigMap equal to the rendered config: creates,
 * updates or (when no route is left) deletes it. The ConfigMap is shared by every route of the
 * namespace, so it carries no owner reference; writes are guarded by the cached resourceVersion,
 * and a conflicting concurrent write fails the reconcile, which is then retried.
 */
public final class RoutesConfigMapPublisher {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "keyrelay-operator";
  public static final String SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;

  /** What a publish did; {@code UNCHANGED} means the cached ConfigMap already matched. */
  public enum Outcome {
    CREATED,
    UPDATED,
    DELETED,
    UNCHANGED
  }

  private static final Logger LOG = LoggerFactory.getLogger(RoutesConfigMapPublisher.class);
  private static final Map<String, String> LABELS =
      Map.of(
          MANAGED_BY_LABEL,
          MANAGED_BY,
          "app.kubernetes.io/name",
          "keyrelay",
          "app.kubernetes.io/component",
          "routes");

  private final KubernetesClient client;

  public RoutesConfigMapPublisher(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @param config the rendered config, or empty when the namespace has no accepted route
   * @param current the ConfigMap as the informer cache last saw it
   */
  public Outcome publish(
      String namespace, Optional<RoutesConfig> config, Optional<ConfigMap> current) {
    if (config.isEmpty()) {
      if (current.isEmpty()) {
        return Outcome.UNCHANGED;
      }
      client
          .configMaps()
          .inNamespace(namespace)
          .resource(current.get())
          .lockResourceVersion(current.get().getMetadata().getResourceVersion())
          .delete();
      LOG.info(
          "Deleted ConfigMap {}/{}: no accepted route left",
          namespace,
          RoutesConfig.CONFIG_MAP_NAME);
      return Outcome.DELETED;
    }
    Map<String, String> data = config.get().data();
    if (current.isPresent()
        && data.equals(current.get().getData())
        && current.get().getMetadata().getLabels() != null
        && current.get().getMetadata().getLabels().entrySet().containsAll(LABELS.entrySet())) {
      return Outcome.UNCHANGED;
    }
    ConfigMap desired =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(RoutesConfig.CONFIG_MAP_NAME)
            .withNamespace(namespace)
            .withLabels(LABELS)
            .withResourceVersion(
                current.map(c -> c.getMetadata().getResourceVersion()).orElse(null))
            .endMetadata()
            .withData(data)
            .build();
    if (current.isEmpty()) {
      client.configMaps().inNamespace(namespace).resource(desired).create();
      LOG.info("Created ConfigMap {}/{}", namespace, RoutesConfig.CONFIG_MAP_NAME);
      return Outcome.CREATED;
    }
    client.configMaps().inNamespace(namespace).resource(desired).update();
    LOG.info("Updated ConfigMap {}/{}", namespace, RoutesConfig.CONFIG_MAP_NAME);
    return Outcome.UPDATED;
  }
}
