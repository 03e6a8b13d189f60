package dev.keyrelay.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrelay.operator.inject.InjectFixtures;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Injected and InjectionSkipped events on the pod's owner, against the mock API server. */
@EnableKubernetesMockClient(crud = true)
class InjectionEventsTest {

  KubernetesClient client;
  private InjectionEvents events;
  private AdmissionReviewHandler handler;

  @BeforeEach
  void handler() {
    events = new InjectionEvents(client);
    handler =
        new AdmissionReviewHandler(
            ns -> InjectFixtures.routes(),
            () -> InjectFixtures.SETTINGS,
            Set.of(),
            new SimpleMeterRegistry(),
            null,
            events);
  }

  @AfterEach
  void close() {
    events.close();
  }

  private static ObjectNode ownedPod() {
    ObjectNode pod = (ObjectNode) InjectFixtures.tree("agent-pod.yaml");
    ObjectNode owner = ((ObjectNode) pod.get("metadata")).putArray("ownerReferences").addObject();
    owner.put("apiVersion", "apps/v1").put("kind", "ReplicaSet").put("name", "coding-agent-7d9f");
    owner.put("uid", "1b2c").put("controller", true);
    return pod;
  }

  private List<Event> events() {
    return client.v1().events().inNamespace("agents").list().getItems();
  }

  @Test
  void injectionIsRecordedOnTheOwner() {
    handler.handle(AdmissionReviews.review("CREATE", "agents", ownedPod(), null, false).toString());
    await().until(() -> !events().isEmpty());
    Event event = events().get(0);
    assertThat(event.getReason()).isEqualTo("Injected");
    assertThat(event.getType()).isEqualTo("Normal");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("coding-agent-7d9f");
    assertThat(event.getMessage()).contains("anthropic", "github-api", "internal-api");
  }

  @Test
  void aRefusalIsRecordedAsInjectionSkippedWithTheReason() {
    ObjectNode pod = ownedPod();
    ((ObjectNode) pod.at("/metadata/annotations")).put("keyrelay.dev/native-sidecar", "perhaps");
    handler.handle(AdmissionReviews.review("CREATE", "agents", pod, null, false).toString());
    await().until(() -> !events().isEmpty());
    Event event = events().get(0);
    assertThat(event.getReason()).isEqualTo("InjectionSkipped");
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage()).contains("keyrelay.dev/native-sidecar: \"perhaps\"");
  }

  @Test
  void dryRunRecordsNothing() throws Exception {
    handler.handle(AdmissionReviews.review("CREATE", "agents", ownedPod(), null, true).toString());
    events.close();
    Thread.sleep(300);
    assertThat(events()).isEmpty();
  }
}
