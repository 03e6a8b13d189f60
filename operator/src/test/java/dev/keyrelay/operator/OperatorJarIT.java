package dev.keyrelay.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.TestingCrds;
import dev.keyrelay.operator.apiserver.OperatorProcess;
import dev.keyrelay.operator.route.TestingRoutes;
import dev.keyrelay.sidecar.testing.Promtool;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the shaded jar as processes against the mock API server, as a cluster would run it. */
@EnableKubernetesMockClient(crud = true, https = false)
class OperatorJarIT {

  private static final String SYSTEM_NS = "keyrelay-system";

  KubernetesClient client;
  KubernetesMockServer server;
  private final List<OperatorProcess> replicas = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path logs;

  @BeforeEach
  void installCrdAndRbacAnswer() throws Exception {
    TestingCrds.create(client);
    // java-operator-sdk checks its Lease permissions before electing; the mock answers for RBAC
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .endStatus()
                .build())
        .always();
  }

  @AfterEach
  void stopReplicas() throws Exception {
    for (OperatorProcess r : replicas) {
      r.close();
    }
  }

  @Test
  void theJarElectsALeaderReconcilesAndServesItsEndpoints() throws Exception {
    OperatorProcess replica = start("keyrelay-operator-0");
    awaitLeader(replica);

    createRoute("agents", "anthropic", "api.anthropic.com");
    awaitPublished(replica, "agents", "api.anthropic.com");

    String base = "http://127.0.0.1:" + replica.adminPort();
    await()
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(get(base + "/readyz").statusCode()).isEqualTo(200));
    assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
    String metrics = get(base + "/metrics").body();
    assertThat(metrics)
        .contains("keyrelay_operator_configmap_publishes_total{outcome=\"created\"} 1.0")
        .contains("operator_sdk_reconciliations_started_total")
        .contains("jvm_memory_used_bytes");
    Promtool.assertClean(metrics);

    assertThat(replica.stop()).as("exits on SIGTERM").isTrue();
    String output = replica.output();
    assertThat(output).contains("Shutting down");
    // A lease renewal cut short by the shutdown itself may log an InterruptedException; any
    // other exception means the run or the shutdown went wrong.
    assertThat(Arrays.stream(output.split("\n(?=\\d{4}-\\d{2}-\\d{2} )")))
        .as("log records, each with its stack trace")
        .filteredOn(record -> record.contains("Exception"))
        .allMatch(record -> record.contains("InterruptedException"));
  }

  @Test
  void onlyTheLeaderReconcilesAndAStandbyTakesOver() throws Exception {
    OperatorProcess first = start("keyrelay-operator-0");
    awaitLeader(first);
    OperatorProcess second = start("keyrelay-operator-1");
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(get("http://127.0.0.1:" + second.adminPort() + "/readyz").statusCode())
                      .as("a standby is ready, so every replica can serve the webhook")
                      .isEqualTo(200));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the standby never got ready; its output:\n" + second.output(), e);
    }

    createRoute("team-a", "api", "a.example");
    awaitPublished(first, "team-a", "a.example");
    await().untilAsserted(() -> assertThat(first.output()).contains("CredentialRoute team-a/api"));
    assertThat(get("http://127.0.0.1:" + first.adminPort() + "/metrics").body())
        .contains("operator_sdk_reconciliations_started_total");
    assertThat(get("http://127.0.0.1:" + second.adminPort() + "/metrics").body())
        .as("the standby reconciles nothing")
        .doesNotContain("operator_sdk_reconciliations_started_total");

    assertThat(first.stop()).isTrue();
    awaitLeader(second);
    createRoute("team-b", "api", "b.example");
    awaitPublished(second, "team-b", "b.example");
    await().untilAsserted(() -> assertThat(second.output()).contains("CredentialRoute team-b/api"));
  }

  @Test
  void aBadSettingExitsWithStatusTwoAndOneLineNamingIt() throws Exception {
    OperatorProcess replica =
        start("misconfigured", Map.of("KEYRELAY_NATIVE_SIDECAR", "sometimes"));

    assertThat(replica.awaitExit(30)).isEqualTo(2);
    assertThat(replica.output())
        .contains(
            "keyrelay-operator: KEYRELAY_NATIVE_SIDECAR: \"sometimes\" is not valid; expected"
                + " auto, true or false")
        .doesNotContain("\tat ");
  }

  private OperatorProcess start(String name) throws IOException {
    return start(name, Map.of());
  }

  private OperatorProcess start(String name, Map<String, String> settings) throws IOException {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KUBERNETES_MASTER",
                client.getConfiguration().getMasterUrl(),
                "KUBERNETES_AUTH_TRYKUBECONFIG",
                "false",
                "KUBERNETES_AUTH_TRYSERVICEACCOUNT",
                "false",
                "KUBERNETES_NAMESPACE",
                SYSTEM_NS,
                "KEYRELAY_WEBHOOK_PORT",
                "0",
                "POD_NAMESPACE",
                SYSTEM_NS));
    env.putAll(settings);
    OperatorProcess replica = OperatorProcess.start(name, env, logs);
    replicas.add(replica);
    return replica;
  }

  private void awaitLeader(OperatorProcess replica) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(replica.isAlive()).as(replica.output()).isTrue();
              Lease lease =
                  client.leases().inNamespace(SYSTEM_NS).withName("keyrelay-operator").get();
              assertThat(lease).isNotNull();
              assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(replica.name());
            });
  }

  private void createRoute(String ns, String name, String host) {
    client.resource(TestingRoutes.headerRoute(ns, name, host, "s")).create();
  }

  private void awaitPublished(OperatorProcess replica, String ns, String host) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              ConfigMap cm =
                  client.configMaps().inNamespace(ns).withName(RoutesConfigMap.NAME).get();
              assertThat(cm).as(replica.output()).isNotNull();
              assertThat(cm.getData().get(RoutesConfigMap.ROUTES_KEY)).contains("host: " + host);
            });
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
