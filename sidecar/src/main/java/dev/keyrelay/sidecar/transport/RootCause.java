package dev.keyrelay.sidecar.transport;

/** The innermost cause of a failure, as text for error messages (never carries secret values). */
public final class RootCause {

  private RootCause() {}

  public static String message(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
