package dev.keyrelay.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.operator.route.RoutesConfig;
import dev.keyrelay.operator.route.TestingRoutes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the shaded jar as a process against the mock API server, as a cluster would run it. */
@EnableKubernetesMockClient(crud = true, https = false)
class OperatorJarIT {

  KubernetesClient client;
  KubernetesMockServer server;
  private Process process;
  private Path log;

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    if (log != null) {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void theJarElectsALeaderReconcilesAndServesItsEndpoints() throws Exception {
    try (InputStream crd =
        Files.newInputStream(Path.of("../crds/credentialroutes.keyrelay.dev.yaml"))) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
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
    int adminPort = freePort();
    log = Files.createTempFile("keyrelay-operator", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                "target/keyrelay-operator.jar")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBERNETES_MASTER", client.getConfiguration().getMasterUrl());
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("KUBERNETES_NAMESPACE", "keyrelay-system");
    env.put("KEYRELAY_ADMIN_PORT", String.valueOf(adminPort));
    env.put("POD_NAMESPACE", "keyrelay-system");
    env.put("POD_NAME", "keyrelay-operator-0");
    process = builder.start();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
              Lease lease =
                  client
                      .leases()
                      .inNamespace("keyrelay-system")
                      .withName("keyrelay-operator")
                      .get();
              assertThat(lease).isNotNull();
              assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("keyrelay-operator-0");
            });

    client
        .resource(TestingRoutes.headerRoute("agents", "anthropic", "api.anthropic.com", "s"))
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              ConfigMap cm =
                  client
                      .configMaps()
                      .inNamespace("agents")
                      .withName(RoutesConfig.CONFIG_MAP_NAME)
                      .get();
              assertThat(cm).as(Files.readString(log)).isNotNull();
              assertThat(cm.getData().get(RoutesConfig.ROUTES_KEY))
                  .contains("host: api.anthropic.com");
            });

    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + adminPort;
    await()
        .untilAsserted(() -> assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200));
    assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
    String metrics = get(http, base + "/metrics").body();
    assertThat(metrics)
        .contains("keyrelay_operator_configmap_publishes_total{outcome=\"created\"} 1.0")
        .contains("operator_sdk_reconciliations_started_total")
        .contains("jvm_memory_used_bytes");

    process.destroy();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
    assertThat(Files.readString(log)).contains("Shutting down").doesNotContain("Exception");
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
