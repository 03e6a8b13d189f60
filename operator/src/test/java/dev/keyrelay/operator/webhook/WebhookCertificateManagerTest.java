package dev.keyrelay.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class WebhookCertificateManagerTest {

  private static final String NS = "keyrelay-system";
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  KubernetesClient client;

  private final WebhookCertificateManager.Settings settings =
      new WebhookCertificateManager.Settings(
          NS,
          "keyrelay-webhook-tls",
          "keyrelay-injector",
          List.of("keyrelay-webhook.keyrelay-system.svc"),
          Duration.ofDays(365),
          Duration.ofDays(30));

  @BeforeEach
  void webhookConfiguration() {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName("keyrelay-injector")
                .endMetadata()
                .addNewWebhook()
                .withName("inject.keyrelay.dev")
                .withNewClientConfig()
                .withNewService()
                .withName("keyrelay-webhook")
                .withNamespace(NS)
                .withPath(WebhookServer.PATH)
                .endService()
                .endClientConfig()
                .endWebhook()
                .build())
        .create();
  }

  private WebhookCertificateManager manager(Instant at) {
    return new WebhookCertificateManager(client, settings, Clock.fixed(at, ZoneOffset.UTC));
  }

  private String caBundle() {
    return client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName("keyrelay-injector")
        .get()
        .getWebhooks()
        .get(0)
        .getClientConfig()
        .getCaBundle();
  }

  private static List<X509Certificate> certificates(String pem) throws Exception {
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
        .stream()
        .map(X509Certificate.class::cast)
        .toList();
  }

  @Test
  void issuesStoresAndPatchesTheCaBundleThatVerifiesTheServedCertificate() throws Exception {
    ServingCertificate cert = manager(NOW).ensure();

    Secret secret = client.secrets().inNamespace(NS).withName("keyrelay-webhook-tls").get();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsKeys("ca.crt", "tls.crt", "tls.key");
    String bundle = new String(Base64.getDecoder().decode(caBundle()), StandardCharsets.US_ASCII);
    X509Certificate leaf = certificates(cert.certPem()).get(0);
    leaf.verify(certificates(bundle).get(0).getPublicKey());
    assertThat(leaf.getSubjectAlternativeNames())
        .anySatisfy(n -> assertThat(n.get(1)).isEqualTo("keyrelay-webhook.keyrelay-system.svc"));
    assertThat(cert.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void aSecondReplicaServesTheStoredCertificate() {
    ServingCertificate first = manager(NOW).ensure();
    ServingCertificate second = manager(NOW.plus(Duration.ofDays(10))).ensure();
    assertThat(second.certPem()).isEqualTo(first.certPem());
  }

  @Test
  void rotatesBeforeExpiryAndTrustsBothCasDuringTheChange() throws Exception {
    ServingCertificate first = manager(NOW).ensure();
    WebhookCertificateManager later = manager(NOW.plus(Duration.ofDays(340)));
    ServingCertificate rotated = later.ensure();

    assertThat(rotated.certPem()).isNotEqualTo(first.certPem());
    assertThat(rotated.notAfter()).isAfter(first.notAfter());
    String bundle = new String(Base64.getDecoder().decode(caBundle()), StandardCharsets.US_ASCII);
    List<X509Certificate> cas = certificates(bundle);
    assertThat(cas).hasSize(2);
    certificates(rotated.certPem()).get(0).verify(cas.get(0).getPublicKey());
    certificates(first.certPem()).get(0).verify(cas.get(1).getPublicKey());
    assertThat(later.get()).isNotNull();
  }

  @Test
  void aReappliedConfigurationGetsTheCaBundleBackAtOnce() {
    WebhookCertificateManager certs = manager(NOW);
    certs.ensure();
    String trusted = caBundle();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (var watch = certs.watchConfiguration(executor)) {
      // What `helm upgrade` does: the manifest comes back with an empty caBundle.
      client
          .admissionRegistration()
          .v1()
          .mutatingWebhookConfigurations()
          .withName("keyrelay-injector")
          .edit(
              c -> {
                c.getWebhooks().get(0).getClientConfig().setCaBundle(null);
                return c;
              });

      await().atMost(Duration.ofSeconds(10)).until(() -> trusted.equals(caBundle()));
    } finally {
      executor.shutdownNow();
    }
  }
}
