package dev.keyrelay.operator.webhook;

import java.nio.file.Path;
import java.util.Map;

/**
 * How the webhook runs, read from the operator's environment.
 *
 * @param enabled whether this process serves the webhook at all
 * @param port the HTTPS port
 * @param namespace the operator's namespace: never injected, and home of the certificate Secret
 * @param service the webhook Service's name (the certificate's DNS names derive from it)
 * @param configuration the MutatingWebhookConfiguration whose caBundle is kept current
 * @param secret the Secret holding the self-managed certificate
 * @param certDir when set, tls.crt and tls.key are read from here (cert-manager) instead
 * @param nativeSidecarAuto whether native sidecars follow the nodes' kubelet versions ({@code
 *     KEYRELAY_NATIVE_SIDECAR=auto}, the default)
 */
public record WebhookSettings(
    boolean enabled,
    int port,
    String namespace,
    String service,
    String configuration,
    String secret,
    Path certDir,
    boolean nativeSidecarAuto) {

  public static WebhookSettings fromEnvironment(Map<String, String> env, String namespace) {
    String certDir = env.get("KEYRELAY_WEBHOOK_CERT_DIR");
    String port = env.getOrDefault("KEYRELAY_WEBHOOK_PORT", "8443").trim();
    int parsed;
    try {
      parsed = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "KEYRELAY_WEBHOOK_PORT: '" + port + "' is not a number", e);
    }
    return new WebhookSettings(
        !"false".equalsIgnoreCase(env.getOrDefault("KEYRELAY_WEBHOOK_ENABLED", "true").trim()),
        parsed,
        namespace,
        env.getOrDefault("KEYRELAY_WEBHOOK_SERVICE", "keyrelay-webhook"),
        env.getOrDefault("KEYRELAY_WEBHOOK_CONFIGURATION", "keyrelay-injector"),
        env.getOrDefault("KEYRELAY_WEBHOOK_SECRET", "keyrelay-webhook-tls"),
        certDir == null || certDir.isBlank() ? null : Path.of(certDir),
        env.getOrDefault("KEYRELAY_NATIVE_SIDECAR", "auto").trim().equals("auto"));
  }
}
