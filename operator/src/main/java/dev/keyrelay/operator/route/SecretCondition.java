package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.KeyRef;
import dev.keyrelay.operator.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Decides the SecretResolved condition from the route's secret reference and its Secret's keys. */
final class SecretCondition {

  private SecretCondition() {}

  /**
   * {@code keyNames} gives the key names of a Secret of the route's namespace by its name, empty
   * when it does not exist; values are never looked at.
   */
  static Condition resolve(
      SecretReference source, Function<String, Optional<Set<String>>> keyNames) {
    long kinds =
        source == null
            ? 0
            : Stream.of(
                    source.getKubernetes(),
                    source.getVault(),
                    source.getOauth2(),
                    source.getGithubApp(),
                    source.getVaultDatabase())
                .filter(Objects::nonNull)
                .count();
    if (kinds != 1) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          Conditions.UNKNOWN,
          "NoSecretReference",
          "spec.secret does not name exactly one secret source");
    }
    List<KeyRef> keys = SecretKeys.of(source);
    if (keys.isEmpty()) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          Conditions.UNKNOWN,
          "NotChecked",
          source.getVault() != null
              ? "Vault secret "
                  + source.getVault().getPath()
                  + "#"
                  + source.getVault().getField()
                  + " is read by the sidecar; the operator does not check Vault"
              : source.getVaultDatabase() != null
                  ? "Vault database credentials are issued to the sidecar; the operator does not"
                      + " check Vault"
                  : "The credentials come from Vault and the token from its issuer; the operator"
                      + " checks neither");
    }
    for (KeyRef ref : keys) {
      Condition missing = missing(ref, keyNames);
      if (missing != null) {
        return missing;
      }
    }
    KeyRef ref = keys.get(0);
    String names = keys.stream().map(KeyRef::getKey).distinct().collect(Collectors.joining("', '"));
    return Conditions.of(
        Conditions.SECRET_RESOLVED,
        true,
        "Found",
        "Secret '"
            + ref.getName()
            + "' has "
            + (keys.size() == 1 ? "key" : "keys")
            + " '"
            + names
            + "'");
  }

  /** The condition for a key that cannot be found, or null when it is there. */
  private static Condition missing(KeyRef ref, Function<String, Optional<Set<String>>> keyNames) {
    if (ref.getName() == null || ref.getKey() == null) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          Conditions.UNKNOWN,
          "NoSecretReference",
          "a kubernetes reference of spec.secret needs both name and key");
    }
    Optional<Set<String>> secret = keyNames.apply(ref.getName());
    if (secret.isEmpty()) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          false,
          "SecretNotFound",
          "Secret '" + ref.getName() + "' does not exist in this namespace");
    }
    if (!secret.get().contains(ref.getKey())) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          false,
          "KeyNotFound",
          "Secret '" + ref.getName() + "' has no key '" + ref.getKey() + "'");
    }
    return null;
  }
}
