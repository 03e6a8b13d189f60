package dev.keyrelay.sidecar.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * How the sidecar reaches HashiCorp Vault.
 *
 * @param address the server's base URL, e.g. {@code https://vault.vault.svc:8200}
 * @param namespace the Vault Enterprise namespace, or null
 * @param caFile extra trust for the server's certificate besides the system roots, or null
 */
public record VaultSettings(URI address, String namespace, Path caFile, Auth auth) {

  /** How the sidecar logs in to Vault. */
  public sealed interface Auth {}

  /**
   * Vault's Kubernetes auth method: the projected service-account token in {@code tokenFile} is
   * exchanged for a Vault token of {@code role}.
   */
  public record Kubernetes(String role, Path tokenFile) implements Auth {}

  /** A Vault token kept current in a file by something else (e.g. Vault Agent). */
  public record TokenFile(Path tokenFile) implements Auth {}
}
