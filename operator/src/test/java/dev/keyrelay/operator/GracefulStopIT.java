package dev.keyrelay.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.operator.admin.AdminServer;
import dev.keyrelay.operator.admin.OperatorHealth;
import dev.keyrelay.operator.admin.StoppableHealth;
import dev.keyrelay.operator.inject.InjectFixtures;
import dev.keyrelay.operator.webhook.AdmissionReviewHandler;
import dev.keyrelay.operator.webhook.AdmissionReviews;
import dev.keyrelay.operator.webhook.CertificateIssuer;
import dev.keyrelay.operator.webhook.ServingCertificate;
import dev.keyrelay.operator.webhook.WebhookClients;
import dev.keyrelay.operator.webhook.WebhookServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A rollout stops a replica while the API server waits on it: the replica turns not-ready, refuses
 * new connections, and still answers the admission it is working on before its server closes.
 */
class GracefulStopIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OperatorHealth READY =
      new OperatorHealth() {
        @Override
        public boolean live() {
          return true;
        }

        @Override
        public Optional<String> notReadyReason() {
          return Optional.empty();
        }
      };

  private final HttpClient plain = HttpClient.newHttpClient();

  @Test
  void stoppingTurnsReadyzTo503AndTheAdmissionInFlightStillCompletes() throws Exception {
    ServingCertificate cert =
        CertificateIssuer.issue(List.of("localhost"), Duration.ofDays(1), Instant.now());
    CountDownLatch admitting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AdmissionReviewHandler handler =
        new AdmissionReviewHandler(
            namespace -> {
              // the admission is in flight until the test lets it finish
              admitting.countDown();
              awaitQuietly(release);
              return InjectFixtures.routes();
            },
            () -> InjectFixtures.SETTINGS,
            Set.of("kube-system"),
            registry,
            null,
            null);
    WebhookServer webhook = WebhookServer.start(0, cert::toSslContext, handler);
    StoppableHealth health = new StoppableHealth(READY);
    AdminServer admin = AdminServer.start(0, health, registry);
    int webhookPort = webhook.port();
    int adminPort = admin.port();
    assertThat(readyz(adminPort).statusCode()).isEqualTo(200);

    HttpClient apiServer =
        HttpClient.newBuilder().sslContext(WebhookClients.trusting(cert.caPem())).build();
    CompletableFuture<HttpResponse<String>> admission =
        apiServer.sendAsync(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + webhookPort + WebhookServer.PATH))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        AdmissionReviews.review(
                                "CREATE", "agents", InjectFixtures.tree("agent-pod.yaml"), null)
                            .toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(admitting.await(10, TimeUnit.SECONDS)).as("admission reached the handler").isTrue();

    Thread stop = new Thread(new GracefulStop(health, List.of(webhook, admin)), "test-stop");
    stop.start();
    try {
      // The stop runs on its own thread: readiness turns as soon as it starts.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(readyz(adminPort).statusCode()).isEqualTo(503));
      assertThat(readyz(adminPort).body()).isEqualTo("stopping\n");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertRefused(webhookPort));
      // still draining: the admission holds the stop, and the admin port still answers 503
      assertThat(stop.isAlive()).isTrue();
      assertThat(admission).isNotDone();
      assertThat(readyz(adminPort).statusCode()).isEqualTo(503);
    } finally {
      release.countDown();
    }

    HttpResponse<String> answered = admission.get(10, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).isEqualTo(200);
    JsonNode response = JSON.readTree(answered.body()).path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    stop.join(Duration.ofSeconds(10).toMillis());
    assertThat(stop.isAlive()).as("stop finished after the drain").isFalse();
    assertRefused(adminPort);
  }

  private HttpResponse<String> readyz(int port) throws IOException, InterruptedException {
    return plain.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRefused(int port) {
    assertThatThrownBy(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
