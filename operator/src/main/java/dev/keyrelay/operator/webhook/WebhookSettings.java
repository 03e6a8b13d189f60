package dev.keyrelay.operator.webhook;

import dev.keyrelay.operator.config.Environment;
import dev.keyrelay.operator.inject.NativeSidecarMode;
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

  public static WebhookSettings fromEnvironment(Map<String, String> variables, String namespace) {
    Environment env = new Environment(variables);
    String certDir = env.optional("KEYRELAY_WEBHOOK_CERT_DIR");
    return new WebhookSettings(
        env.flag("KEYRELAY_WEBHOOK_ENABLED", true),
        env.port("KEYRELAY_WEBHOOK_PORT", 8443),
        namespace,
        env.string("KEYRELAY_WEBHOOK_SERVICE", "keyrelay-webhook"),
        env.string("KEYRELAY_WEBHOOK_CONFIGURATION", "keyrelay-injector"),
        env.string("KEYRELAY_WEBHOOK_SECRET", "keyrelay-webhook-tls"),
        certDir == null ? null : Path.of(certDir),
        NativeSidecarMode.fromEnvironment(variables) == NativeSidecarMode.AUTO);
  }
}
