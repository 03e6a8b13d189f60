package dev.keyrelay.contract;

/**
 * The ConfigMap the operator publishes per namespace and every injected sidecar mounts: its name
 * and keys.
 */
public final class RoutesConfigMap {

  public static final String NAME = "keyrelay-routes";

  /** The sidecar config: routes and listeners of the namespace. */
  public static final String ROUTES_KEY = "routes.yaml";

  /** Per route, the pod selector and agent environment the webhook applies. */
  public static final String INJECTION_KEY = "injection.yaml";

  private RoutesConfigMap() {}
}
