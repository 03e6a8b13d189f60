package dev.keyrelay.operator.webhook;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the self-managed webhook certificate: one Secret shared by all replicas holds it; the first
 * replica to find it missing or close to expiry issues a new one (an update conflict means another
 * replica won, and its certificate is used); the MutatingWebhookConfiguration's caBundle is patched
 * to trust it. During a rotation the bundle trusts the old CA too, so replicas that still serve the
 * old certificate keep working until they pick up the new one.
 */
public final class WebhookCertificateManager implements Supplier<SslContext> {

  static final String CA_KEY = "ca.crt";
  static final String CERT_KEY = "tls.crt";
  static final String KEY_KEY = "tls.key";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookCertificateManager.class);

  /**
   * @param namespace where the Secret lives (the operator's own namespace)
   * @param secretName the shared Secret
   * @param webhookConfiguration the MutatingWebhookConfiguration whose caBundle is patched
   * @param dnsNames the webhook Service's names
   * @param validity how long an issued certificate is valid
   * @param renewBefore how long before expiry a new one is issued
   */
  public record Settings(
      String namespace,
      String secretName,
      String webhookConfiguration,
      List<String> dnsNames,
      Duration validity,
      Duration renewBefore) {}

  private final KubernetesClient client;
  private final Settings settings;
  private final Clock clock;
  private volatile ServingCertificate current;
  private volatile SslContext context;

  public WebhookCertificateManager(KubernetesClient client, Settings settings, Clock clock) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Makes sure a valid certificate is stored, served and trusted; call at start and periodically.
   */
  public synchronized ServingCertificate ensure() {
    Secret secret = secrets().withName(settings.secretName()).get();
    ServingCertificate stored = secret == null ? null : read(secret);
    ServingCertificate cert = stored;
    Instant renewAt = clock.instant().plus(settings.renewBefore());
    if (stored == null || stored.notAfter().isBefore(renewAt)) {
      cert = store(secret, stored);
    }
    // trusted first, served then: the bundle holds the previous CA too, so the certificate served
    // until now stays trusted while the API server learns the new bundle
    patchCaBundle(cert.caPem());
    if (!cert.equals(current)) {
      context = cert.toSslContext();
      current = cert;
      LOG.info("Serving webhook certificate valid until {}", cert.notAfter());
    }
    return cert;
  }

  /**
   * Watches the webhook configuration and runs {@link #ensure} whenever it changes: a {@code helm
   * upgrade} re-applies the manifest with an empty caBundle, a configuration may be created after
   * the operator started, and another replica may have rotated the certificate. {@code ensure}
   * rereads the shared Secret, so every replica then serves the Secret's certificate and writes the
   * Secret's bundle (the new CA and the previous one): replicas always agree on the bundle and none
   * undoes another's write. Patching in this replica's own bundle instead would make two replicas
   * that loaded different certificates overwrite each other on every change they see.
   */
  public SharedIndexInformer<MutatingWebhookConfiguration> watchConfiguration(Executor executor) {
    return client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(settings.webhookConfiguration())
        .inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(MutatingWebhookConfiguration config) {
                executor.execute(WebhookCertificateManager.this::ensureQuietly);
              }

              @Override
              public void onUpdate(
                  MutatingWebhookConfiguration before, MutatingWebhookConfiguration after) {
                executor.execute(WebhookCertificateManager.this::ensureQuietly);
              }

              @Override
              public void onDelete(
                  MutatingWebhookConfiguration config, boolean unknownFinalState) {}
            });
  }

  /** {@link #ensure}, logging a failure: the next change or periodic check tries again. */
  public void ensureQuietly() {
    try {
      ensure();
    } catch (RuntimeException e) {
      LOG.warn("Checking the webhook certificate failed; trying again at the next check", e);
    }
  }

  @Override
  public SslContext get() {
    return Objects.requireNonNull(context, "ensure() has not run");
  }

  private ServingCertificate store(Secret existing, ServingCertificate previous) {
    ServingCertificate fresh =
        CertificateIssuer.issue(settings.dnsNames(), settings.validity(), clock.instant());
    // Trust the previous CA as well while its certificate may still be served by other replicas.
    String bundle =
        previous != null && previous.notAfter().isAfter(clock.instant())
            ? fresh.caPem() + firstCa(previous.caPem())
            : fresh.caPem();
    ServingCertificate cert =
        new ServingCertificate(bundle, fresh.certPem(), fresh.keyPem(), fresh.notAfter());
    Secret desired =
        new SecretBuilder()
            .withNewMetadata()
            .withName(settings.secretName())
            .withNamespace(settings.namespace())
            .withResourceVersion(
                existing == null ? null : existing.getMetadata().getResourceVersion())
            .addToLabels("app.kubernetes.io/managed-by", "keyrelay-operator")
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(
                Map.of(
                    CA_KEY, b64(cert.caPem()),
                    CERT_KEY, b64(cert.certPem()),
                    KEY_KEY, b64(cert.keyPem())))
            .build();
    try {
      if (existing == null) {
        secrets().resource(desired).create();
      } else {
        secrets().resource(desired).update();
      }
      LOG.info(
          "Issued a new webhook certificate in Secret {}/{}",
          settings.namespace(),
          settings.secretName());
      return cert;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      LOG.info("Another replica stored the webhook certificate first; using it");
      return read(secrets().withName(settings.secretName()).get());
    }
  }

  private void patchCaBundle(String caPem) {
    Resource<MutatingWebhookConfiguration> resource =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(settings.webhookConfiguration());
    MutatingWebhookConfiguration config = resource.get();
    if (config == null) {
      LOG.warn(
          "MutatingWebhookConfiguration {} not found; caBundle not set",
          settings.webhookConfiguration());
      return;
    }
    String encoded = b64(caPem);
    if (config.getWebhooks().stream()
        .allMatch(w -> encoded.equals(w.getClientConfig().getCaBundle()))) {
      return;
    }
    resource.edit(
        c -> {
          for (MutatingWebhook w : c.getWebhooks()) {
            w.getClientConfig().setCaBundle(encoded);
          }
          return c;
        });
    LOG.info(
        "Patched the caBundle of MutatingWebhookConfiguration {}", settings.webhookConfiguration());
  }

  private NonNamespaceOperation<Secret, SecretList, Resource<Secret>> secrets() {
    return client.secrets().inNamespace(settings.namespace());
  }

  private static ServingCertificate read(Secret secret) {
    Map<String, String> data = Objects.requireNonNullElse(secret.getData(), Map.of());
    if (!data.containsKey(CA_KEY) || !data.containsKey(CERT_KEY) || !data.containsKey(KEY_KEY)) {
      return null;
    }
    String certPem = unb64(data.get(CERT_KEY));
    try {
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)));
      return new ServingCertificate(
          unb64(data.get(CA_KEY)),
          certPem,
          unb64(data.get(KEY_KEY)),
          cert.getNotAfter().toInstant());
    } catch (CertificateException e) {
      LOG.warn(
          "Secret {} holds no readable certificate; issuing a new one",
          secret.getMetadata().getName());
      return null;
    }
  }

  private static String firstCa(String bundle) {
    String end = "-----END CERTIFICATE-----";
    int i = bundle.indexOf(end);
    return i < 0 ? "" : bundle.substring(0, i + end.length()) + "\n";
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }
}
