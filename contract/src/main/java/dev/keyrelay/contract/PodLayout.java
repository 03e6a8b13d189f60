package dev.keyrelay.contract;

/**
 * Where things are in an injected pod: the paths the webhook mounts and the rendered config names,
 * the sidecar's ports and the files it writes. The sidecar's own defaults are the same values, so a
 * config without them behaves as in a pod.
 */
public final class PodLayout {

  /** The forward proxy's port on loopback. */
  public static final int PROXY_PORT = 6790;

  /** /healthz, /readyz and /metrics; reachable by the kubelet and Prometheus. */
  public static final int ADMIN_PORT = 9090;

  /**
   * Where enforced egress redirects the agent's outbound TCP 443 and 80: the sidecar's transparent
   * listeners on loopback.
   */
  public static final int TRANSPARENT_HTTPS_PORT = 15443;

  public static final int TRANSPARENT_HTTP_PORT = 15080;

  /** Listeners and the proxy bind loopback: the agent shares the pod's network namespace. */
  public static final String LOOPBACK = "127.0.0.1";

  /** The emptyDir the sidecar writes its CA files into, shared read-only with the agent. */
  public static final String CA_DIR = "/var/run/keyrelay";

  public static final String CA_CERT_FILE = "ca.crt";

  /** The system roots and the pod CA, one PEM file. */
  public static final String CA_BUNDLE_FILE = "ca-bundle.crt";

  /** The same as a PKCS#12 trust store without a password, for JVMs. */
  public static final String TRUST_STORE_FILE = "ca-truststore.p12";

  /** Each Kubernetes Secret a route uses is mounted at {@code <root>/<name>}. */
  public static final String SECRETS_ROOT = "/etc/keyrelay/secrets";

  /** Extra trust (upstream CA bundles) is mounted per route at {@code <root>/<route>/<key>}. */
  public static final String TRUST_ROOT = "/etc/keyrelay/trust";

  /** The routes ConfigMap, mounted as a directory so that updates reach the sidecar. */
  public static final String CONFIG_DIR = "/etc/keyrelay/config";

  public static final String CONFIG_FILE = CONFIG_DIR + "/" + RoutesConfigMap.ROUTES_KEY;

  /** The projected service-account token (audience vault) the sidecar logs in to Vault with. */
  public static final String VAULT_TOKEN_DIR = "/var/run/secrets/keyrelay";

  public static final String VAULT_TOKEN_NAME = "vault-token";

  public static final String VAULT_TOKEN_FILE = VAULT_TOKEN_DIR + "/" + VAULT_TOKEN_NAME;

  /**
   * The downward-API volume with the pod's own labels and annotations, mounted into the sidecar
   * only: it decides which of the namespace's routes apply to this pod.
   */
  public static final String PODINFO_DIR = "/etc/keyrelay/podinfo";

  public static final String LABELS_FILE = PODINFO_DIR + "/labels";

  public static final String ANNOTATIONS_FILE = PODINFO_DIR + "/annotations";

  /**
   * A memory-backed emptyDir, mounted into the sidecar only, where the CA's certificate and key
   * outlive a sidecar restart (but not the pod).
   */
  public static final String CA_KEY_DIR = "/var/run/keyrelay-ca-key";

  public static final String CA_KEY_FILE = CA_KEY_DIR + "/ca.pem";

  private PodLayout() {}

  public static String trustFile(String routeName, String key) {
    return TRUST_ROOT + "/" + routeName + "/" + key;
  }
}
