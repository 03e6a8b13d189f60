package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.KeySource;

/**
 * Where injected sidecars find what the operator refers to; the webhook mounts volumes at these
 * paths, the rendered config names them.
 */
public final class SidecarMounts {

  /** Extra trust (upstream CA bundles) is mounted per route at {@code <root>/<route>/<key>}. */
  public static final String TRUST_ROOT = "/etc/keyrelay/trust";

  /** Listeners bind loopback only: the agent's containers share the pod's network namespace. */
  public static final String LISTEN_HOST = "127.0.0.1";

  private SidecarMounts() {}

  public static String trustFile(String routeName, KeySource source) {
    String key =
        source.getConfigMapKeyRef() != null
            ? source.getConfigMapKeyRef().getKey()
            : source.getSecretKeyRef().getKey();
    return TRUST_ROOT + "/" + routeName + "/" + key;
  }
}
