package dev.keyrelay.sidecar.secrets;

/**
 * A secret was read but its value cannot be used as it is (a control character inside it, or a
 * character the route's header cannot carry). Like its parent, the message never holds the value.
 */
public final class SecretInvalidException extends SecretUnavailableException {

  public SecretInvalidException(String reason) {
    super(reason);
  }
}
