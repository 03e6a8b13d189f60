package dev.keyrelay.operator.route;

import dev.keyrelay.contract.RoutesConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a namespace's {@code keyrelay-routes} ConfigMap equal to the rendered config: creates,
 * updates or (when no route is left) deletes it. The ConfigMap is shared by every route of the
 * namespace, so it carries no owner reference; writes are guarded by the cached resourceVersion.
 * The routes of one namespace are reconciled one after another, each right after the other's write,
 * when the informer cache may not show that write yet: a conflict is therefore answered by reading
 * the ConfigMap from the API server and, unless it already holds the config, writing once more.
 * Only a second conflict fails the reconcile, which is then retried with backoff.
 */
public final class RoutesConfigMapPublisher {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "keyrelay-operator";
  public static final String SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;

  /**
   * What a publish did. {@code UNCHANGED}: the cached ConfigMap already matched. {@code
   * NOT_MANAGED}: a ConfigMap of that name exists without our label, so it was left alone.
   */
  public enum Outcome {
    CREATED,
    UPDATED,
    DELETED,
    UNCHANGED,
    NOT_MANAGED
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
      LOG.info("Deleted ConfigMap {}/{}: no accepted route left", namespace, RoutesConfigMap.NAME);
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
            .withName(RoutesConfigMap.NAME)
            .withNamespace(namespace)
            .withLabels(LABELS)
            .withResourceVersion(
                current.map(c -> c.getMetadata().getResourceVersion()).orElse(null))
            .endMetadata()
            .withData(data)
            .build();
    if (current.isEmpty()) {
      return create(namespace, desired);
    }
    try {
      client.configMaps().inNamespace(namespace).resource(desired).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return writeOverFresh(namespace, desired, e);
    }
    LOG.info("Updated ConfigMap {}/{}", namespace, RoutesConfigMap.NAME);
    return Outcome.UPDATED;
  }

  /** After a conflict: the ConfigMap as the API server has it now decides. */
  private Outcome writeOverFresh(
      String namespace, ConfigMap desired, KubernetesClientException conflict) {
    ConfigMap fresh =
        client.configMaps().inNamespace(namespace).withName(RoutesConfigMap.NAME).get();
    if (fresh == null) {
      throw conflict; // deleted meanwhile: the next reconcile creates it
    }
    if (!isManaged(fresh)) {
      LOG.warn(
          "ConfigMap {}/{} exists but is not labelled {}; leaving it alone",
          namespace,
          RoutesConfigMap.NAME,
          SELECTOR);
      return Outcome.NOT_MANAGED;
    }
    if (desired.getData().equals(fresh.getData())) {
      return Outcome.UNCHANGED;
    }
    desired.getMetadata().setResourceVersion(fresh.getMetadata().getResourceVersion());
    client.configMaps().inNamespace(namespace).resource(desired).update();
    LOG.info("Updated ConfigMap {}/{}", namespace, RoutesConfigMap.NAME);
    return Outcome.UPDATED;
  }

  /**
   * The informer sees only labelled ConfigMaps, so "absent" may mean someone else's object of the
   * same name: that one is never overwritten. Otherwise an existing one is cache lag.
   */
  private Outcome create(String namespace, ConfigMap desired) {
    try {
      client.configMaps().inNamespace(namespace).resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return writeOverFresh(namespace, desired, e);
    }
    LOG.info("Created ConfigMap {}/{}", namespace, RoutesConfigMap.NAME);
    return Outcome.CREATED;
  }

  private static boolean isManaged(ConfigMap cm) {
    Map<String, String> labels = cm.getMetadata().getLabels();
    return labels != null && MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL));
  }
}
