package dev.keyrelay.sidecar.secrets;

import io.github.jopenlibs.vault.VaultException;

/**
 * Turns a failed Vault call into the reason the agent reads. The driver's own messages quote
 * response bodies, so only the status code and the kind of I/O failure are used.
 */
final class VaultFailures {

  private VaultFailures() {}

  /** Whether a status means Vault could not answer (down, sealed, overloaded) rather than "no". */
  static boolean isOutage(int status) {
    return status == 0 || status == 429 || status >= 500;
  }

  /**
   * @param doing what was attempted, e.g. "reading secret/data/x"
   */
  static SecretUnavailableException of(VaultException e, String doing) {
    int status = e.getHttpStatusCode();
    if (status == 0) {
      return new SecretStoreDownException(
          "vault could not be reached while " + doing + " (" + rootCause(e) + ")");
    }
    if (isOutage(status)) {
      return new SecretStoreDownException("vault failed while " + doing + " (HTTP " + status + ")");
    }
    return new SecretUnavailableException("vault refused " + doing + " (HTTP " + status + ")");
  }

  private static String rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }
}
