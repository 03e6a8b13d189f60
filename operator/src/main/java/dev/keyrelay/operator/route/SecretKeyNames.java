package dev.keyrelay.operator.route;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The key names of the Secrets one route references, each read with a {@code get} by name when the
 * route is reconciled. Nothing is watched or cached, so the operator needs no {@code list} or
 * {@code watch} on Secrets and never holds the Secrets of the cluster; the values arrive with the
 * response and are dropped here, only the key names are kept.
 */
final class SecretKeyNames implements Function<String, Optional<Set<String>>> {

  private final KubernetesClient client;
  private final String namespace;
  // a route's keys live in one Secret: one get per reconcile, however many keys it names
  private final Map<String, Optional<Set<String>>> read = new HashMap<>();

  SecretKeyNames(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The Secret's key names, or empty when it does not exist. */
  @Override
  public Optional<Set<String>> apply(String name) {
    return read.computeIfAbsent(name, this::get);
  }

  private Optional<Set<String>> get(String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return Optional.empty();
    }
    Set<String> keys = new TreeSet<>();
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    // the API server folds stringData into data; a mock server or a client-side object may not
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    return Optional.of(keys);
  }
}
