package dev.keyrelay.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.operator.inject.InjectFixtures;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SubjectAccessReview warning, against fabric8's mock API server. */
@EnableKubernetesMockClient
class AdmissionSecretWarningTest {

  private static final String SAR_PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
  private static final ObjectMapper JSON = new ObjectMapper();

  KubernetesClient client;
  KubernetesMockServer server;

  private JsonNode admitAgentPod(Duration timeout) throws Exception {
    AdmissionReviewHandler handler =
        new AdmissionReviewHandler(
            ns -> InjectFixtures.routes(),
            () -> InjectFixtures.SETTINGS,
            Set.of(),
            new SimpleMeterRegistry(),
            new SecretAccessCheck(client, timeout),
            null);
    String answer =
        handler.handle(
            AdmissionReviews.review("CREATE", "agents", InjectFixtures.tree("agent-pod.yaml"), null)
                .toString());
    return JSON.readTree(answer).get("response");
  }

  private void answerAllowed(boolean allowed) {
    server
        .expect()
        .post()
        .withPath(SAR_PATH)
        .andReturn(
            201,
            new SubjectAccessReviewBuilder()
                .withNewStatus()
                .withAllowed(allowed)
                .endStatus()
                .build())
        .always();
  }

  @Test
  void warnsWhenThePodsServiceAccountCanReadARouteSecret() throws Exception {
    answerAllowed(true);
    JsonNode response = admitAgentPod(Duration.ofSeconds(5));
    assertThat(response.path("allowed").asBoolean()).isTrue();
    List<String> warnings =
        JSON.convertValue(
            response.path("warnings"),
            JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    assertThat(warnings)
        .contains(
            "service account coding-agent can get Secret anthropic itself: the agent could read"
                + " the real credential and bypass keyrelay",
            "service account coding-agent can get Secret internal-api itself: the agent could"
                + " read the real credential and bypass keyrelay");
    assertThat(server.getLastRequest().getBody().readUtf8())
        .contains("system:serviceaccount:agents:coding-agent", "\"verb\":\"get\"");
  }

  @Test
  void noWarningWhenItCannot() throws Exception {
    answerAllowed(false);
    assertThat(admitAgentPod(Duration.ofSeconds(5)).path("warnings").toString())
        .doesNotContain("can get Secret");
  }

  @Test
  void aFailingOrSlowApiServerDegradesToNoWarningAndStillInjects() throws Exception {
    server.expect().post().withPath(SAR_PATH).andReturn(500, "boom").always();
    JsonNode response = admitAgentPod(Duration.ofMillis(300));
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(response.path("warnings").toString()).doesNotContain("can get Secret");
  }
}
