package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.KeyRef;
import dev.keyrelay.operator.api.v1alpha1.SecretReference;
import dev.keyrelay.operator.api.v1alpha1.StoredSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What a route's secret reference needs from its namespace and the sidecar: the Secret keys to
 * mount (a stored secret, or the credentials an issued token is obtained with) and whether Vault is
 * read.
 */
final class SecretKeys {

  private SecretKeys() {}

  /** Every Kubernetes Secret key the reference names, in field order. */
  static List<KeyRef> of(SecretReference secret) {
    List<KeyRef> keys = new ArrayList<>();
    if (secret == null) {
      return keys;
    }
    if (secret.getKubernetes() != null) {
      keys.add(secret.getKubernetes());
    }
    stored(secret).map(StoredSecret::getKubernetes).filter(Objects::nonNull).forEach(keys::add);
    return keys;
  }

  /** Whether the sidecar reads any part of the reference from Vault. */
  static boolean usesVault(SecretReference secret) {
    return secret != null
        && (secret.getVault() != null
            || secret.getVaultDatabase() != null
            || stored(secret).anyMatch(s -> s.getVault() != null));
  }

  /** Whether the login comes from Vault's database secrets engine. */
  static boolean vaultDatabase(SecretReference secret) {
    return secret != null && secret.getVaultDatabase() != null;
  }

  /** Whether the value is a token the sidecar obtains rather than a stored one. */
  static boolean issued(SecretReference secret) {
    return secret != null
        && (secret.getOauth2() != null
            || secret.getGithubApp() != null
            || secret.getAwsWebIdentity() != null);
  }

  /** Whether the reference holds AWS credentials, which only sign (auth type awsSigV4). */
  static boolean aws(SecretReference secret) {
    return secret != null && (secret.getAws() != null || secret.getAwsWebIdentity() != null);
  }

  private static Stream<StoredSecret> stored(SecretReference secret) {
    Stream<StoredSecret> oauth2 =
        secret.getOauth2() == null
            ? Stream.empty()
            : Stream.of(secret.getOauth2().getClientSecret(), secret.getOauth2().getRefreshToken());
    Stream<StoredSecret> app =
        secret.getGithubApp() == null
            ? Stream.empty()
            : Stream.of(secret.getGithubApp().getPrivateKey());
    Stream<StoredSecret> aws =
        secret.getAws() == null
            ? Stream.empty()
            : Stream.of(
                secret.getAws().getAccessKeyId(),
                secret.getAws().getSecretAccessKey(),
                secret.getAws().getSessionToken());
    return Stream.of(oauth2, app, aws).flatMap(s -> s).filter(Objects::nonNull);
  }
}
