package dev.keyrelay.contract;

/** Pod annotations that both the injector and the sidecar read. */
public final class PodAnnotations {

  /**
   * A comma-separated subset of the routes that select the pod: the injector mounts only theirs,
   * the sidecar applies only them.
   */
  public static final String ROUTES = "keyrelay.dev/routes";

  private PodAnnotations() {}
}
