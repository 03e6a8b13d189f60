package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.KeyRef;
import dev.keyrelay.operator.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Decides the SecretResolved condition from the route's secret reference and the Secret cache. */
final class SecretCondition {

  private SecretCondition() {}

  /** {@code secrets} looks a Secret up by name in the route's namespace; values are never read. */
  static Condition resolve(SecretReference source, Function<String, Optional<Secret>> secrets) {
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
      Condition missing = missing(ref, secrets);
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
  private static Condition missing(KeyRef ref, Function<String, Optional<Secret>> secrets) {
    if (ref.getName() == null || ref.getKey() == null) {
      return Conditions.of(
          Conditions.SECRET_RESOLVED,
          Conditions.UNKNOWN,
          "NoSecretReference",
          "a kubernetes reference of spec.secret needs both name and key");
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
    return null;
  }

  private static boolean hasKey(Secret secret, String key) {
    return (secret.getData() != null && secret.getData().containsKey(key))
        || (secret.getStringData() != null && secret.getStringData().containsKey(key));
  }
}
