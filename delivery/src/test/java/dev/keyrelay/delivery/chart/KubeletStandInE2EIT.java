package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.KubeApiServerExtension;
import dev.keyrelay.operator.apiserver.TestNamespace;
import dev.keyrelay.operator.inject.SidecarPaths;
import dev.keyrelay.operator.kubelet.KubeletStandIn;
import dev.keyrelay.operator.kubelet.VolumeData;
import dev.keyrelay.operator.route.TestingRoutes;
import dev.keyrelay.sidecar.testing.Prerequisites;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on a real API server, with {@link KubeletStandIn} doing the kubelet's part: a pod
 * created through the API server and injected by the operator's webhook is read back as stored, its
 * volumes are filled from the API server's ConfigMaps, Secrets and the TokenRequest API, the
 * sidecar jar runs with its container's args and env, and curl and a Python client run with only
 * the agent container's env and mounts. The upstream gets the real key; the agent never holds it.
 */
@ExtendWith(KubeApiServerExtension.class)
class KubeletStandInE2EIT {

  private static final Path SIDECAR_JAR =
      Path.of("..", "sidecar", "target", "keyrelay-sidecar.jar");
  private static final String HOST = "api.keyrelay.test";
  private static final String ROUTE = "upstream-api";
  private static final String REAL_KEY = "sk-real-7d2e90";

  /** What the recording upstream answers to a request without a body. */
  private static final String RECORDED = "{\"ok\":true,\"bytes\":0}";

  private static final String PYTHON_CLIENT =
      """
      import os, sys, requests
      r = requests.get(sys.argv[1], headers={"X-Api-Key": os.environ["UPSTREAM_API_KEY"]}, timeout=30)
      print(r.status_code)
      print(r.text, end="")
      """;

  private static KubernetesClient admin;
  private static WebhookRelease webhook;

  @TempDir Path root;
  private RecordingUpstream upstream;
  private SidecarProcess sidecar;

  @BeforeAll
  static void installTheChartAndStartTheOperator(
      KubeApiServer server, TestNamespace releaseNamespace, @TempDir Path logs) throws Exception {
    admin = server.admin();
    webhook = WebhookRelease.start(server, releaseNamespace, logs);
  }

  @AfterAll
  static void removeTheClusterWideObjects() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (sidecar != null) {
      sidecar.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void curlAndPythonWithTheAgentContainersEnvReachTheUpstreamWithTheRealKey(TestNamespace ns)
      throws Exception {
    Prerequisites.require(
        Files.isRegularFile(SIDECAR_JAR), SIDECAR_JAR + " (built by mvn -B package)");
    TestPki pki = TestPki.create("upstream-ca");
    upstream = RecordingUpstream.https(TestPki.serverContext(pki.serverCertificate(HOST)));
    publishRoute(ns.name(), pki);
    int adminPort = SidecarProcess.freePort();
    int proxyPort = SidecarProcess.freePort();
    // the pod asks for its proxy port, so the sidecar and the agent's env both carry it as is
    Pod sent = pod(ns.name(), "agent", proxyPort);
    webhook.awaitInjection(pod(ns.name(), "probe", proxyPort), ROUTE);
    admin.resource(sent).create();

    Pod stored = admin.pods().inNamespace(ns.name()).withName("agent").get();
    KubeletStandIn kubelet =
        KubeletStandIn.materialise(
            stored,
            VolumeData.apiServer(admin, stored),
            root,
            Map.of(
                "0.0.0.0:9090",
                "127.0.0.1:" + adminPort,
                "127.0.0.1:9090",
                "127.0.0.1:" + adminPort));
    Container sidecarContainer = container(stored, SidecarPaths.CONTAINER);
    Container agent = container(stored, "agent");
    startSidecar(kubelet, sidecarContainer, adminPort);
    Map<String, String> agentEnv = kubelet.env(agent);
    assertThat(agentEnv)
        .containsEntry("HTTPS_PROXY", "http://127.0.0.1:" + proxyPort)
        .containsEntry("UPSTREAM_API_KEY", "placeholder");

    Run curl =
        run(
            agentEnv,
            List.of(
                "curl",
                "-sS",
                "-w",
                "\n%{http_code}",
                "-H",
                "X-Api-Key: " + agentEnv.get("UPSTREAM_API_KEY"),
                url("/v1/curl")));
    Run python = run(agentEnv, List.of("python3", "-c", PYTHON_CLIENT, url("/v1/python")));

    assertThat(curl.exitCode()).as(curl.errors() + sidecar.logs()).isZero();
    assertThat(curl.output()).as(sidecar.logs()).isEqualTo(RECORDED + "\n200");
    assertThat(python.exitCode()).as(python.errors() + sidecar.logs()).isZero();
    assertThat(python.output()).as(sidecar.logs()).isEqualTo("200\n" + RECORDED);
    assertThat(upstream.received())
        .extracting(RecordingUpstream.Received::uri, r -> r.header("X-Api-Key"))
        .containsExactly(tuple("/v1/curl", REAL_KEY), tuple("/v1/python", REAL_KEY));
    assertTheAgentHoldsNoSecret(stored, kubelet, agent, agentEnv);
  }

  /**
   * The stand-in's projected ServiceAccount token comes from the TokenRequest API: the API server
   * accepts it for the volume's audience only, as the pod's ServiceAccount, bound to the pod.
   */
  @Test
  void aProjectedTokenIsBoundToTheStoredPod(TestNamespace ns) throws Exception {
    admin
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("agent")
                .withNamespace(ns.name())
                .endMetadata()
                .build())
        .create();
    Pod stored =
        admin
            .resource(
                new PodBuilder(pod(ns.name(), "agent", SidecarProcess.freePort()))
                    .editMetadata()
                    .withAnnotations(Map.of())
                    .endMetadata()
                    .editSpec()
                    .withServiceAccountName("agent")
                    .addNewVolume()
                    .withName("token")
                    .withNewProjected()
                    .addNewSource()
                    .withNewServiceAccountToken()
                    .withAudience("vault")
                    .withExpirationSeconds(600L)
                    .withPath("token")
                    .endServiceAccountToken()
                    .endSource()
                    .endProjected()
                    .endVolume()
                    .endSpec()
                    .build())
            .create();

    KubeletStandIn kubelet =
        KubeletStandIn.materialise(stored, VolumeData.apiServer(admin, stored), root, Map.of());
    String token = Files.readString(kubelet.volume("token").resolve("token"));

    TokenReviewStatus forVault = review(token, "vault");
    assertThat(forVault.getAuthenticated()).as(forVault.getError()).isTrue();
    assertThat(forVault.getUser().getUsername())
        .isEqualTo("system:serviceaccount:" + ns.name() + ":agent");
    assertThat(forVault.getUser().getExtra().get("authentication.kubernetes.io/pod-uid"))
        .containsExactly(stored.getMetadata().getUid());
    assertThat(review(token, "https://kubernetes.default.svc").getAuthenticated())
        .as("another audience")
        .isNotEqualTo(Boolean.TRUE);
  }

  private static TokenReviewStatus review(String token, String audience) {
    return admin
        .resource(
            new TokenReviewBuilder()
                .withNewSpec()
                .withToken(token)
                .withAudiences(audience)
                .endSpec()
                .build())
        .create()
        .getStatus();
  }

  /**
   * Nothing the agent container has holds the key or the sidecar's CA key: its env, and every file
   * under its mounts (which must exist, so the walk checks something).
   */
  private static void assertTheAgentHoldsNoSecret(
      Pod pod, KubeletStandIn kubelet, Container agent, Map<String, String> agentEnv)
      throws Exception {
    assertThat(agentEnv.values()).noneMatch(v -> v.contains(REAL_KEY));
    Map<String, Volume> volumes = new HashMap<>();
    pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    assertThat(agent.getVolumeMounts())
        .isNotEmpty()
        .allSatisfy(
            m -> {
              Volume v = volumes.get(m.getName());
              assertThat(v.getSecret()).as(m.getName()).isNull();
              assertThat(v.getProjected()).as(m.getName()).isNull();
              assertThat(m.getReadOnly()).as(m.getName()).isTrue();
            });
    List<Path> files = new ArrayList<>();
    for (Path dir : kubelet.mounts(agent)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
    }
    assertThat(files).extracting(p -> p.getFileName().toString()).contains("ca-bundle.crt");
    for (Path file : files) {
      String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertThat(content).as(file.toString()).doesNotContain(REAL_KEY, "PRIVATE KEY");
    }
  }

  private void publishRoute(String ns, TestPki pki) throws Exception {
    admin
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("upstream-ca")
                .withNamespace(ns)
                .endMetadata()
                .addToData("ca.crt", pki.caPem())
                .build())
        .create();
    admin
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("upstream-key")
                .withNamespace(ns)
                .endMetadata()
                .addToStringData("key", REAL_KEY)
                .build())
        .create();
    admin
        .resource(
            TestingRoutes.route(
                ns,
                ROUTE,
                """
                http:
                  host: %s
                  port: %d
                  auth: { type: header, headerName: X-Api-Key }
                  upstreamCa: { configMapKeyRef: { name: upstream-ca, key: ca.crt } }
                secret: { kubernetes: { name: upstream-key, key: key } }
                agentEnv: { UPSTREAM_API_KEY: placeholder }
                """
                    .formatted(HOST, upstream.port())))
        .create();
  }

  private void startSidecar(KubeletStandIn kubelet, Container container, int adminPort)
      throws Exception {
    Map<String, String> env = kubelet.env(container);
    // stands in for cluster DNS: the upstream's name resolves to the local upstream
    Path hosts = Files.writeString(root.resolve("hosts"), "127.0.0.1 " + HOST + "\n");
    env.merge("JDK_JAVA_OPTIONS", "-Djdk.net.hosts.file=" + hosts, (a, b) -> a + " " + b);
    sidecar =
        SidecarProcess.startAsContainer(
            SIDECAR_JAR,
            kubelet.args(container),
            env,
            root.resolve("sidecar.log"),
            adminPort,
            container.getStartupProbe().getHttpGet().getPath());
  }

  /** Exit code, stdout and stderr of a client run. */
  private record Run(int exitCode, String output, String errors) {}

  /** Runs a client with nothing of this JVM's environment: only what the agent would have. */
  private Run run(Map<String, String> agentEnv, List<String> command) throws Exception {
    ProcessBuilder client = new ProcessBuilder(command);
    client.environment().clear();
    client.environment().put("PATH", System.getenv("PATH"));
    client.environment().putAll(agentEnv);
    Path errors = Files.createTempFile(root, "client", ".err");
    client.redirectError(errors.toFile());
    Process process = client.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output, Files.readString(errors));
  }

  private String url(String path) {
    return "https://" + HOST + ":" + upstream.port() + path;
  }

  private static Pod pod(String ns, String name, int proxyPort) {
    return AgentPods.pod(
        ns,
        name,
        Map.of(AgentPods.INJECT, "true", "keyrelay.dev/proxy-port", Integer.toString(proxyPort)));
  }

  private static Container container(Pod pod, String name) {
    return Stream.concat(
            pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name + " in " + pod));
  }
}
