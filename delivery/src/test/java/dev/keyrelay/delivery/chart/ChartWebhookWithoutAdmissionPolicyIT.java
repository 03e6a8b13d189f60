package dev.keyrelay.delivery.chart;

import static dev.keyrelay.delivery.chart.AgentPods.INJECT;
import static dev.keyrelay.delivery.chart.AgentPods.labelled;
import static dev.keyrelay.delivery.chart.AgentPods.pod;
import static dev.keyrelay.delivery.chart.AgentPods.sidecar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.KubeApiServerExtension;
import dev.keyrelay.operator.apiserver.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart with {@code webhook.admissionPolicy.enabled=false}, for clusters without
 * ValidatingAdmissionPolicy, on a real API server that calls the operator's webhook: no policy is
 * installed, only pods labelled {@code keyrelay.dev/inject: "true"} reach the webhook, and the
 * webhook fails closed for them itself.
 */
@ExtendWith(KubeApiServerExtension.class)
class ChartWebhookWithoutAdmissionPolicyIT {

  private static KubernetesClient admin;
  private static WebhookRelease webhook;

  @BeforeAll
  static void installTheChartWithoutPolicies(
      KubeApiServer server, TestNamespace releaseNamespace, @TempDir Path logs) throws Exception {
    admin = server.admin();
    webhook =
        WebhookRelease.start(server, releaseNamespace, logs, Install.WITHOUT_ADMISSION_POLICY);
  }

  @AfterAll
  static void removeTheClusterWideObjects() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
  }

  @Test
  void onlyLabelledPodsReachTheWebhookWhichFailsClosedForThem(TestNamespace ns) throws Exception {
    assertThat(admin.admissionRegistration().v1().validatingAdmissionPolicies().list().getItems())
        .as("no admission policy installed")
        .isEmpty();
    String namespace = ns.name();
    webhook.publishRoute(namespace);

    Pod injected =
        admin.resource(labelled(pod(namespace, "labelled", Map.of(INJECT, "true")))).create();
    assertThat(sidecar(injected)).as("injected").isNotNull();
    Pod annotatedOnly =
        admin.resource(pod(namespace, "annotated", Map.of(INJECT, "true"))).create();
    assertThat(sidecar(annotatedOnly))
        .as("not labelled: never sent to the webhook, as the docs warn")
        .isNull();

    webhook.routeTheServiceTo(); // no ready endpoint, as when every replica is down
    try {
      assertThatThrownBy(
              () ->
                  admin
                      .resource(labelled(pod(namespace, "refused", Map.of(INJECT, "true"))))
                      .create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e ->
                  assertThat(e.getMessage())
                      .contains("failed calling webhook \"inject.keyrelay.dev\""));
      assertThat(admin.resource(pod(namespace, "plain", Map.of())).create())
          .as("a pod that did not opt in is admitted while the webhook is down")
          .isNotNull();
    } finally {
      webhook.routeTheServiceTo(webhook.webhookPort());
    }
  }
}
