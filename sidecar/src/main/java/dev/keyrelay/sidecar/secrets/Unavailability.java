package dev.keyrelay.sidecar.secrets;

/** Words for a source that failed in an unexpected way; never the exception's own message. */
final class Unavailability {

  private Unavailability() {}

  static SecretUnavailableException of(SecretSource source, Exception cause) {
    return new SecretUnavailableException(
        source.describe() + " could not be read (" + cause.getClass().getSimpleName() + ")");
  }
}
