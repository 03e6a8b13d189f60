package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.KeyRef;
import dev.keyrelay.operator.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Optional;
import java.util.function.Function;

/** Decides the SecretResolved condition from the route's secret reference and the Secret cache. */
final class SecretCondition {

  private SecretCondition() {}

  /** {@code secrets} looks a Secret up by name in the route's namespace; values are never read. */
  static Condition resolve(SecretReference source, Function<String, Optional<Secret>> secrets) {
    if (source == null || (source.getKubernetes() == null) == (source.getVault() == null)) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          Conditions.UNKNOWN,
          "NoSecretReference",
          "spec.secret does not name exactly one secret source");
    }
    if (source.getVault() != null) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          Conditions.UNKNOWN,
          "NotChecked",
          "Vault secret "
              + source.getVault().getPath()
              + "#"
              + source.getVault().getField()
              + " is read by the sidecar; the operator does not check Vault");
    }
    KeyRef ref = source.getKubernetes();
    if (ref.getName() == null || ref.getKey() == null) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          Conditions.UNKNOWN,
          "NoSecretReference",
          "spec.secret.kubernetes needs both name and key");
    }
    Optional<Secret> secret = secrets.apply(ref.getName());
    if (secret.isEmpty()) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          false,
          "SecretNotFound",
          "Secret '" + ref.getName() + "' does not exist in this namespace");
    }
    if (!hasKey(secret.get(), ref.getKey())) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          false,
          "KeyNotFound",
          "Secret '" + ref.getName() + "' has no key '" + ref.getKey() + "'");
    }
    return Conditions.of(
        Conditions.SECRET_RESOLVED,
        true,
        "Found",
        "Secret '" + ref.getName() + "' has key '" + ref.getKey() + "'");
  }

  private static boolean hasKey(Secret secret, String key) {
    return (secret.getData() != null && secret.getData().containsKey(key))
        || (secret.getStringData() != null && secret.getStringData().containsKey(key));
  }
}
