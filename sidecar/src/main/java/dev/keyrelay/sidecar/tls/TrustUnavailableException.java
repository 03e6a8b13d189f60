package dev.keyrelay.sidecar.tls;

/**
 * An upstream's CA file is missing, unreadable or holds no certificate, so its certificate cannot
 * be checked and nothing may be sent to it. The message names the file, never any secret.
 */
public final class TrustUnavailableException extends RuntimeException {

  TrustUnavailableException(String message) {
    super(message, null, false, false);
  }
}
