package dev.keyrelay.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrelay.operator.inject.InjectFixtures;
import io.fabric8.zjsonpatch.JsonPatch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Posts AdmissionReviews, shaped as the API server sends them, to the webhook over real HTTPS. */
class WebhookServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrometheusMeterRegistry REGISTRY =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private static WebhookServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    ServingCertificate cert =
        CertificateIssuer.issue(
            List.of("keyrelay-webhook.keyrelay-system.svc", "localhost"),
            Duration.ofDays(1),
            Instant.now());
    AdmissionReviewHandler handler =
        new AdmissionReviewHandler(
            ns -> ns.equals("agents") ? InjectFixtures.routes() : List.of(),
            () -> InjectFixtures.SETTINGS,
            Set.of("kube-system", "keyrelay-system"),
            REGISTRY,
            null,
            null);
    server = WebhookServer.start(0, cert::toSslContext, handler);
    client = HttpClient.newBuilder().sslContext(WebhookClients.trusting(cert.caPem())).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode admit(ObjectNode review) throws Exception {
    HttpResponse<String> response = post(WebhookServer.PATH, review.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(answer.at("/response/uid").asText())
        .isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    return answer.get("response");
  }

  @Test
  void createOfAnOptedInPodGetsAJsonPatchThatYieldsTheGoldenPod() throws Exception {
    JsonNode pod = InjectFixtures.tree("agent-pod.yaml");
    JsonNode response = admit(AdmissionReviews.review("CREATE", "agents", pod, null));

    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    assertThat(patch.findValuesAsText("op")).doesNotContain("move", "copy");
    JsonNode patched = JsonPatch.apply(patch, pod);
    assertThat(patched).isEqualTo(InjectFixtures.tree("agent-pod.expected.yaml"));
    assertThat(response.path("warnings").toString()).contains("HTTPS_PROXY");
  }

  @Test
  void unannotatedPodsUpdatesAndExcludedNamespacesGetNoPatch() throws Exception {
    JsonNode optedIn = InjectFixtures.tree("agent-pod.yaml");
    List<ObjectNode> reviews =
        List.of(
            AdmissionReviews.review(
                "CREATE", "agents", InjectFixtures.tree("plain-pod.yaml"), null),
            AdmissionReviews.review("UPDATE", "agents", optedIn, optedIn),
            AdmissionReviews.review("CREATE", "kube-system", optedIn, null),
            AdmissionReviews.review("CREATE", "keyrelay-system", optedIn, null));
    for (ObjectNode review : reviews) {
      JsonNode response = admit(review);
      assertThat(response.path("allowed").asBoolean()).isTrue();
      assertThat(response.has("patch")).isFalse();
      assertThat(response.has("patchType")).isFalse();
    }
  }

  @Test
  void anInvalidAnnotationIsRefusedWithItsReason() throws Exception {
    ObjectNode pod = (ObjectNode) InjectFixtures.tree("agent-pod.yaml");
    ((ObjectNode) pod.at("/metadata/annotations")).put("keyrelay.dev/log-level", "chatty");
    JsonNode response = admit(AdmissionReviews.review("CREATE", "agents", pod, null));
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.at("/status/code").asInt()).isEqualTo(403);
    assertThat(response.at("/status/message").asText())
        .isEqualTo(
            "keyrelay: keyrelay.dev/log-level: \"chatty\" is not valid; expected one of TRACE,"
                + " DEBUG, INFO, WARN, ERROR");
  }

  @Test
  void malformedBodiesGet400AndTheServerKeepsServing() throws Exception {
    assertThat(post(WebhookServer.PATH, "{not json").statusCode()).isEqualTo(400);
    assertThat(post(WebhookServer.PATH, "{\"kind\":\"AdmissionReview\"}").statusCode())
        .isEqualTo(400);
    assertThat(post("/elsewhere", "{}").statusCode()).isEqualTo(404);
    assertThat(
            client
                .send(
                    HttpRequest.newBuilder(
                            URI.create("https://localhost:" + server.port() + WebhookServer.PATH))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
    admit(AdmissionReviews.review("CREATE", "agents", InjectFixtures.tree("plain-pod.yaml"), null));
  }

  @Test
  void admissionsAreCountedByOutcome() throws Exception {
    admit(AdmissionReviews.review("CREATE", "agents", InjectFixtures.tree("plain-pod.yaml"), null));
    assertThat(REGISTRY.scrape())
        .containsPattern("keyrelay_webhook_admissions_total\\{outcome=\"not_opted_in\"} [1-9]")
        .contains("keyrelay_webhook_admission_duration_seconds_count");
  }
}
