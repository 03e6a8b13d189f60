package dev.keyrelay.sidecar.secrets;

/**
 * A remote secret store could not be asked (unreachable, timed out, failing): an outage, during
 * which a recently fetched value may still be served. A store that answers "no" (403, 404) throws a
 * plain {@link SecretUnavailableException} instead.
 */
public class SecretStoreDownException extends SecretUnavailableException {

  public SecretStoreDownException(String reason) {
    super(reason);
  }
}
