package dev.keyrelay.operator.config;

/**
 * How injected sidecars reach Vault, rendered into the routes ConfigMap as the sidecar's {@code
 * vault:} block when a published route reads a secret from Vault. The sidecar logs in with the
 * Kubernetes auth method and the projected token the injector mounts.
 *
 * @param address the Vault server, such as {@code https://vault.vault.svc:8200}
 * @param role the Vault Kubernetes-auth role
 */
public record VaultConnection(String address, String role) {

  public static final String DEFAULT_ROLE = "keyrelay-agent";
}
