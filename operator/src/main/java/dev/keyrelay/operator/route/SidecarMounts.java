package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.KeySource;

/**
 * Where injected sidecars find what the operator refers to; the webhook mounts volumes at these
 * paths, the rendered config names them.
 */
public final class SidecarMounts {

  /** Extra trust (upstream CA bundles) is mounted per route at {@code <root>/<route>/<key>}. */
  public static final String TRUST_ROOT = "/etc/keyrelay/trust";

  /**
   * The admin port (/readyz for the startup probe, /metrics for scraping), reachable by the
   * kubelet.
   */
  public static final int ADMIN_PORT = 9090;

  public static final String ADMIN_LISTEN = "0.0.0.0:" + ADMIN_PORT;

  /** The emptyDir the sidecar writes ca.crt and ca-bundle.crt into, shared read-only with apps. */
  public static final String CA_DIR = "/var/run/keyrelay";

  /** Each Kubernetes Secret a route uses is mounted at {@code <root>/<name>}. */
  public static final String SECRETS_ROOT = "/etc/keyrelay/secrets";

  /** The routes ConfigMap is mounted here as a directory, so that updates reach the sidecar. */
  public static final String CONFIG_DIR = "/etc/keyrelay/config";

  /** The projected service-account token (audience vault) the sidecar logs in to Vault with. */
  public static final String VAULT_TOKEN_DIR = "/var/run/secrets/keyrelay";

  public static final String VAULT_TOKEN_NAME = "vault-token";

  public static final String VAULT_TOKEN_FILE = VAULT_TOKEN_DIR + "/" + VAULT_TOKEN_NAME;

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
