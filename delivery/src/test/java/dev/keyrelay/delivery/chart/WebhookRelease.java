package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.OperatorProcess;
import dev.keyrelay.operator.apiserver.TestNamespace;
import dev.keyrelay.operator.route.TestingRoutes;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart's admission objects on a real API server, which calls the operator's webhook itself:
 * the MutatingWebhookConfiguration, Service and both ValidatingAdmissionPolicies exactly as the
 * chart renders them, and the operator jar running as the chart's ServiceAccount with its
 * self-managed certificate. The API server reaches the Service through {@link
 * dev.keyrelay.operator.apiserver.ServiceProxy} (a kube-proxy stand-in, since Endpoints cannot hold
 * loopback addresses). Closing it removes the cluster-wide objects, which would otherwise judge the
 * pods of every later test class.
 */
final class WebhookRelease implements AutoCloseable {

  private final KubeApiServer server;
  private final ChartRelease release;
  private final Service service;
  private final List<HasMetadata> clusterObjects;
  private final OperatorProcess operator;
  private final int webhookPort;

  private WebhookRelease(
      KubeApiServer server,
      ChartRelease release,
      Service service,
      List<HasMetadata> clusterObjects,
      OperatorProcess operator,
      int webhookPort) {
    this.server = server;
    this.release = release;
    this.service = service;
    this.clusterObjects = clusterObjects;
    this.operator = operator;
    this.webhookPort = webhookPort;
  }

  /** Installs the chart into {@code releaseNamespace} and waits for the webhook's caBundle. */
  static WebhookRelease start(KubeApiServer server, TestNamespace releaseNamespace, Path logs)
      throws Exception {
    return start(server, releaseNamespace, logs, Install.DEFAULTS);
  }

  /** The same with the admission objects of {@code install}, which must keep the defaults' RBAC. */
  static WebhookRelease start(
      KubeApiServer server, TestNamespace releaseNamespace, Path logs, Install install)
      throws Exception {
    KubernetesClient admin = server.admin();
    ChartRelease release = ChartRelease.install(server, releaseNamespace);
    Manifests chart =
        install == Install.DEFAULTS
            ? release.manifests()
            : install.manifestsIn(release.namespace());
    Service service = admin.resource(chart.one(Service.class)).forceConflicts().serverSideApply();
    List<HasMetadata> clusterObjects = new ArrayList<>();
    Stream.of(
            chart.all(MutatingWebhookConfiguration.class),
            chart.all(ValidatingAdmissionPolicy.class),
            chart.all(ValidatingAdmissionPolicyBinding.class))
        .flatMap(List::stream)
        .forEach(o -> clusterObjects.add(admin.resource(o).forceConflicts().serverSideApply()));

    int webhookPort = SidecarProcess.freePort();
    Map<String, String> env = new HashMap<>(release.operatorEnvironment(server));
    env.put("KEYRELAY_WEBHOOK_PORT", String.valueOf(webhookPort));
    OperatorProcess operator =
        OperatorProcess.start("webhook-" + releaseNamespace.name(), env, logs);
    WebhookRelease started =
        new WebhookRelease(server, release, service, clusterObjects, operator, webhookPort);
    started.routeTheServiceTo(webhookPort);
    String configuration = chart.one(MutatingWebhookConfiguration.class).getMetadata().getName();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(operator.isAlive()).as(operator.output()).isTrue();
              MutatingWebhookConfiguration stored =
                  admin
                      .admissionRegistration()
                      .v1()
                      .mutatingWebhookConfigurations()
                      .withName(configuration)
                      .get();
              assertThat(stored.getWebhooks())
                  .as("the operator wrote its CA into the caBundle")
                  .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNotBlank());
            });
    return started;
  }

  ChartRelease release() {
    return release;
  }

  OperatorProcess operator() {
    return operator;
  }

  Service service() {
    return service;
  }

  int webhookPort() {
    return webhookPort;
  }

  /** Points the webhook Service at these local ports; none: no ready endpoint. */
  void routeTheServiceTo(Integer... ports) {
    server.serviceProxy().forward(service.getSpec().getClusterIP(), 443, List.of(ports));
  }

  /** A Secret and a route selecting every pod, published by the operator into the namespace. */
  void publishRoute(String ns) {
    KubernetesClient admin = server.admin();
    admin
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("anthropic-key")
                .withNamespace(ns)
                .endMetadata()
                .addToStringData("token", "sk-test")
                .build())
        .create();
    admin
        .resource(TestingRoutes.headerRoute(ns, "anthropic", "api.anthropic.com", "anthropic-key"))
        .create();
    // labelled too, so that the chart without admission policies sends it to the webhook
    awaitInjection(
        AgentPods.labelled(
            AgentPods.restricted(AgentPods.pod(ns, "probe", Map.of(AgentPods.INJECT, "true")))),
        "anthropic");
  }

  /**
   * Waits until the operator published {@code route} into {@code probe}'s namespace and its webhook
   * injects it: the webhook's own informer sees the ConfigMap a moment after the reconciler wrote
   * it, and the first admissions of a cold JVM on a loaded machine may pass the chart's 5 s
   * timeout. {@code probe} is created as a dry run only.
   */
  void awaitInjection(Pod probe, String route) {
    KubernetesClient admin = server.admin();
    String ns = probe.getMetadata().getNamespace();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(operator.isAlive()).as(operator.output()).isTrue();
              ConfigMap cm =
                  admin.configMaps().inNamespace(ns).withName(RoutesConfigMap.NAME).get();
              assertThat(cm).isNotNull();
              assertThat(cm.getData().get(RoutesConfigMap.INJECTION_KEY)).contains(route);
            });
    await()
        .atMost(Duration.ofSeconds(30))
        // a webhook call that timed out is refused by the require-sidecar policy: try again
        .ignoreException(KubernetesClientException.class)
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .resource(probe)
                            .dryRun()
                            .create()
                            .getMetadata()
                            .getAnnotations()
                            .get("keyrelay.dev/injected"))
                    .contains(route));
  }

  @Override
  public void close() throws Exception {
    for (HasMetadata o : clusterObjects) {
      server.admin().resource(o).delete();
    }
    operator.close();
    assertThat(operator.output()).doesNotContain("Forbidden");
  }
}
