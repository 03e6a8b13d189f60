package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.config.VaultConnection;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Withholds the routes that read their secret from Vault while the operator has no Vault address.
 * The sidecar refuses a config with Vault secrets and no {@code vault:} block, so publishing such a
 * route would break every sidecar of its namespace; withheld, it only fails itself.
 */
final class VaultRequirement {

  static final Withheld NOT_CONFIGURED =
      new Withheld(
          "VaultNotConfigured",
          "The secret comes from Vault, but the operator has no Vault address: set"
              + " KEYRELAY_VAULT_ADDRESS on the operator. The namespace's other routes are"
              + " published.");

  private VaultRequirement() {}

  /** The verdicts, with every accepted Vault route withheld when {@code vault} is null. */
  static Map<String, RouteVerdict> apply(
      Map<String, RouteVerdict> verdicts,
      Collection<CredentialRoute> routes,
      VaultConnection vault) {
    if (vault != null) {
      return verdicts;
    }
    Map<String, RouteVerdict> out = new LinkedHashMap<>(verdicts);
    for (CredentialRoute route : routes) {
      RouteVerdict verdict = out.get(route.getMetadata().getName());
      if (verdict != null
          && verdict.accepted()
          && SecretKeys.usesVault(route.getSpec().getSecret())) {
        out.put(verdict.name(), verdict.withheld(NOT_CONFIGURED));
      }
    }
    return out;
  }
}
