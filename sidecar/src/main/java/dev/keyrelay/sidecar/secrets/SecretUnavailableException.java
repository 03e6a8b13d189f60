package dev.keyrelay.sidecar.secrets;

/**
 * A secret could not be read; the message says why in words safe to show to the agent and never
 * contains the value.
 */
public class SecretUnavailableException extends Exception {

  public SecretUnavailableException(String reason) {
    super(reason);
  }

  public SecretUnavailableException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
