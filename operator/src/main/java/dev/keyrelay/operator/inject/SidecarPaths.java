package dev.keyrelay.operator.inject;

import dev.keyrelay.contract.PodLayout;
import dev.keyrelay.contract.RoutesConfigMap;

/** Names and paths of what the injector adds to a pod, in one place for the tests and docs. */
public final class SidecarPaths {

  public static final String CONTAINER = "keyrelay-sidecar";
  public static final String CA_VOLUME = "keyrelay-ca";
  public static final String CONFIG_VOLUME = "keyrelay-config";
  public static final String PODINFO_VOLUME = "keyrelay-podinfo";
  public static final String TMP_VOLUME = "keyrelay-tmp";
  public static final String VAULT_TOKEN_VOLUME = "keyrelay-vault-token";
  public static final String CA_KEY_VOLUME = "keyrelay-ca-key";

  public static final String CONFIG_FILE = PodLayout.CONFIG_DIR + "/" + RoutesConfigMap.ROUTES_KEY;
  public static final String PODINFO_DIR = PodLayout.PODINFO_DIR;
  public static final String CA_CERT = PodLayout.CA_DIR + "/ca.crt";
  public static final String CA_BUNDLE = PodLayout.CA_DIR + "/ca-bundle.crt";
  public static final String TRUST_STORE = PodLayout.CA_DIR + "/ca-truststore.p12";
  public static final String VAULT_TOKEN_DIR = PodLayout.VAULT_TOKEN_DIR;
  public static final String VAULT_TOKEN_FILE = PodLayout.VAULT_TOKEN_NAME;
  public static final String VAULT_AUDIENCE = "vault";

  /**
   * The proxy port of the rendered config (the sidecar's default) unless a pod asks for another.
   */
  public static final int PROXY_PORT = 6790;

  public static final String PROXY_HOST = "127.0.0.1";

  /** What an app container of a run-to-completion pod posts to when its work is done. */
  public static final String SHUTDOWN_URL =
      "http://127.0.0.1:" + PodLayout.ADMIN_PORT + "/quitquitquit";

  /** The sidecar image's Java and jar (distroless: no shell). */
  public static final String JAVA = "/usr/bin/java";

  public static final String JAR = "/app/keyrelay-sidecar.jar";

  /** The non-root user of the restricted security context (distroless "nonroot"). */
  public static final long USER_ID = 65532;

  private SidecarPaths() {}
}
