package dev.keyrelay.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.inject.InjectFixtures;
import dev.keyrelay.operator.inject.InjectionRefusedException;
import dev.keyrelay.operator.inject.InjectionRoute;
import dev.keyrelay.operator.route.RoutesConfigMapPublisher;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook trusts only the operator's {@code keyrelay-routes}: in a namespace where someone else
 * created one, opted-in pods are refused with a message that says why (fabric8 mock API server).
 */
@EnableKubernetesMockClient(crud = true)
class ConfigMapRoutesSourceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INJECTION =
      """
      routes:
        - name: anthropic
          podSelector: {}
          agentEnv: { ANTHROPIC_API_KEY: placeholder }
          secretName: anthropic
      """;

  KubernetesClient client;
  private ConfigMapRoutesSource source;

  @BeforeEach
  void publish() {
    create(
        "managed",
        Map.of(RoutesConfigMapPublisher.MANAGED_BY_LABEL, RoutesConfigMapPublisher.MANAGED_BY));
    create("forged", Map.of("app.kubernetes.io/name", "keyrelay"));
    client
        .configMaps()
        .inNamespace("managed")
        .resource(new ConfigMapBuilder().withNewMetadata().withName("other").endMetadata().build())
        .create();
    source = new ConfigMapRoutesSource(client);
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> !source.routes("managed").isEmpty());
  }

  @AfterEach
  void close() {
    source.close();
  }

  private void create(String namespace, Map<String, String> labels) {
    client
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(RoutesConfigMap.NAME)
                .withLabels(labels)
                .endMetadata()
                .withData(Map.of(RoutesConfigMap.INJECTION_KEY, INJECTION))
                .build())
        .create();
  }

  @Test
  void answersTheOperatorsRoutesAndNothingForANamespaceWithoutAny() {
    assertThat(source.routes("managed"))
        .extracting(InjectionRoute::name)
        .containsExactly("anthropic");
    assertThat(source.routes("empty")).isEmpty();
  }

  @Test
  void refusesANamespaceWhoseRoutesConfigMapIsNotTheOperators() {
    assertThatThrownBy(() -> source.routes("forged"))
        .isInstanceOf(InjectionRefusedException.class)
        .hasMessageContaining(
            "ConfigMap forged/keyrelay-routes is not managed by the keyrelay operator")
        .hasMessageContaining(RoutesConfigMapPublisher.SELECTOR);
  }

  @Test
  void theWebhookRefusesOptedInPodsThereWithThatMessageAndLeavesOthersAlone() throws Exception {
    AdmissionReviewHandler handler =
        new AdmissionReviewHandler(
            source, () -> InjectFixtures.SETTINGS, Set.of(), new SimpleMeterRegistry(), null, null);
    ObjectNode agent = (ObjectNode) InjectFixtures.tree("agent-pod.yaml");

    JsonNode refused = admit(handler, agent);
    assertThat(refused.path("allowed").asBoolean()).isFalse();
    assertThat(refused.path("status").path("message").asText())
        .startsWith("keyrelay: ConfigMap forged/keyrelay-routes is not managed");
    assertThat(refused.has("patch")).isFalse();

    ((ObjectNode) agent.path("metadata").path("annotations")).put("keyrelay.dev/inject", "false");
    JsonNode untouched = admit(handler, agent);
    assertThat(untouched.path("allowed").asBoolean()).isTrue();
    assertThat(untouched.has("patch")).isFalse();
  }

  private static JsonNode admit(AdmissionReviewHandler handler, JsonNode pod) throws Exception {
    String answer =
        handler.handle(AdmissionReviews.review("CREATE", "forged", pod, null).toString());
    return JSON.readTree(answer).get("response");
  }
}
