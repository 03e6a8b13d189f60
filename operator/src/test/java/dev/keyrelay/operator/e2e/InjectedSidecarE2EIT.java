package dev.keyrelay.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.inject.InjectionResult;
import dev.keyrelay.operator.inject.InjectionRoutes;
import dev.keyrelay.operator.inject.InjectionSettings;
import dev.keyrelay.operator.inject.PodInjector;
import dev.keyrelay.operator.kubelet.KubeletStandIn;
import dev.keyrelay.operator.kubelet.VolumeData;
import dev.keyrelay.operator.route.RoutesConfig;
import dev.keyrelay.operator.route.RoutesConfigRenderer;
import dev.keyrelay.operator.route.TestingRoutes;
import dev.keyrelay.sidecar.testing.Prerequisites;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Injects a pod, then runs the real sidecar jar with exactly the files its volumes would hold and
 * the env its container would get, and real clients (curl, a JVM) with only the agent container's
 * injected env, laid out by {@link KubeletStandIn} from the objects the operator would publish.
 */
class InjectedSidecarE2EIT {

  private static final Path SIDECAR_JAR = Path.of("../sidecar/target/keyrelay-sidecar.jar");
  private static final String HOST = "api.keyrelay.test";
  private static final String REAL_KEY = "sk-real-4f9a1c";

  /** What the recording upstream answers to a request without a body. */
  private static final String RECORDED = "{\"ok\":true,\"bytes\":0}";

  @TempDir Path root;
  private KubeletStandIn kubelet;
  private SidecarProcess sidecar;
  private final int adminPort;
  private final int proxyPort;

  /** Whether the pod names its proxy port, so the config file must not. */
  private boolean perPodProxyPort;

  InjectedSidecarE2EIT() throws IOException {
    adminPort = SidecarProcess.freePort();
    proxyPort = SidecarProcess.freePort();
  }

  @AfterEach
  void stopSidecar() throws Exception {
    if (sidecar != null) {
      sidecar.close();
    }
  }

  @Test
  void aClientWithOnlyTheInjectedEnvGetsTheRealCredentialInjectedUpstream() throws Exception {
    Prerequisites.require(
        Files.isRegularFile(SIDECAR_JAR), SIDECAR_JAR + " (built by mvn -B package)");
    try (Scenario scenario = start(agentPod(Map.of()))) {
      Run curl = scenario.curl();

      assertThat(curl.exitCode()).as(curl.errors() + sidecarOutput()).isZero();
      assertThat(curl.output()).isEqualTo(RECORDED);
      assertThat(scenario.upstream.received())
          .singleElement()
          .satisfies(r -> assertThat(r.header("X-Api-Key")).isEqualTo(REAL_KEY));
    }
  }

  /**
   * The opt-in JAVA_TOOL_OPTIONS on a per-pod proxy port: the sidecar takes the port from its
   * command line (the namespace's config file does not name it), and a JVM with nothing but the
   * injected JAVA_TOOL_OPTIONS goes through it and trusts its certificate.
   */
  @Test
  void aJvmWithOnlyTheInjectedJavaToolOptionsGetsTheRealCredentialOnAPerPodProxyPort()
      throws Exception {
    Prerequisites.require(
        Files.isRegularFile(SIDECAR_JAR), SIDECAR_JAR + " (built by mvn -B package)");
    perPodProxyPort = true;
    Map<String, String> annotations =
        Map.of(
            "keyrelay.dev/java-tool-options",
            "true",
            "keyrelay.dev/proxy-port",
            Integer.toString(proxyPort));
    try (Scenario scenario = start(agentPod(annotations))) {
      assertThat(scenario.sidecarArgs).containsSequence("--proxy-port", "" + proxyPort);
      assertThat(scenario.agentEnv)
          .containsEntry("HTTPS_PROXY", "http://127.0.0.1:" + proxyPort)
          .containsKey("JAVA_TOOL_OPTIONS");

      Run jvm =
          scenario.run(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  Path.of("target", "test-classes").toString(),
                  JvmAgent.class.getName(),
                  scenario.url("/v1/jvm")));

      assertThat(jvm.exitCode()).as(jvm.errors() + sidecarOutput()).isZero();
      assertThat(jvm.output()).isEqualTo("200\n" + RECORDED);
      Run curl = scenario.curl();
      assertThat(curl.exitCode()).as(curl.errors() + sidecarOutput()).isZero();
      assertThat(scenario.upstream.received())
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.header("X-Api-Key")).isEqualTo(REAL_KEY));
    }
  }

  /** Exit code, stdout and stderr of a client run. */
  private record Run(int exitCode, String output, String errors) {}

  /** The upstream, the running sidecar, and the agent container's injected env. */
  private final class Scenario implements AutoCloseable {
    final RecordingUpstream upstream;
    final Map<String, String> agentEnv;
    final List<String> sidecarArgs;

    Scenario(RecordingUpstream upstream, Map<String, String> agentEnv, List<String> sidecarArgs) {
      this.upstream = upstream;
      this.agentEnv = agentEnv;
      this.sidecarArgs = sidecarArgs;
    }

    String url(String path) {
      return "https://" + HOST + ":" + upstream.port() + path;
    }

    Run curl() throws Exception {
      return run(
          List.of(
              "curl",
              "-sS",
              "--fail",
              "-H",
              "X-Api-Key: " + agentEnv.get("UPSTREAM_API_KEY"),
              url("/v1/messages")));
    }

    /** Runs a client with nothing of this JVM's environment: only what the agent would have. */
    Run run(List<String> command) throws Exception {
      ProcessBuilder client = new ProcessBuilder(command);
      client.environment().clear();
      client.environment().put("PATH", System.getenv("PATH"));
      client.environment().putAll(agentEnv);
      client.redirectError(root.resolve("client.err").toFile());
      Process process = client.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Run(process.exitValue(), output, Files.readString(root.resolve("client.err")));
    }

    @Override
    public void close() {
      upstream.close();
    }
  }

  /**
   * Publishes a route to a recording upstream, injects {@code pod}, and starts the sidecar with
   * what its volumes and env would hold.
   */
  private Scenario start(Pod pod) throws Exception {
    TestPki upstreamPki = TestPki.create("upstream-ca");
    RecordingUpstream upstream =
        RecordingUpstream.https(TestPki.serverContext(upstreamPki.serverCertificate(HOST)));
    CredentialRoute route =
        TestingRoutes.route(
            "agents",
            "upstream-api",
            """
            http:
              host: %s
              port: %d
              auth: { type: header, headerName: X-Api-Key }
              upstreamCa: { configMapKeyRef: { name: test-ca, key: ca.crt } }
            secret: { kubernetes: { name: upstream-key, key: key } }
            agentEnv: { UPSTREAM_API_KEY: placeholder }
            """
                .formatted(HOST, upstream.port()));
    RoutesConfig published = RoutesConfigRenderer.render(List.of(route));
    InjectionResult result =
        PodInjector.inject(
            pod, InjectionRoutes.parse(published.injectionYaml()), InjectionSettings.defaults());
    Pod injected = result.pod();
    Container sidecarContainer = injected.getSpec().getInitContainers().get(0);
    Container agent = injected.getSpec().getContainers().get(0);

    Map<String, String> config = new HashMap<>(published.data());
    if (!perPodProxyPort) {
      // the rendered config leaves the proxy at its default port; pin the mapped one
      config.merge(
          RoutesConfigMap.ROUTES_KEY,
          "proxy:\n  listen: 127.0.0.1:" + proxyPort + "\n",
          String::concat);
    }
    kubelet =
        KubeletStandIn.materialise(
            injected,
            VolumeData.of(
                Map.of(
                    RoutesConfigMap.NAME, config, "test-ca", Map.of("ca.crt", upstreamPki.caPem())),
                Map.of("upstream-key", Map.of("key", REAL_KEY))),
            root,
            Map.of(
                "0.0.0.0:9090", "127.0.0.1:" + adminPort,
                "127.0.0.1:6790", "127.0.0.1:" + proxyPort));
    startSidecar(sidecarContainer);

    Map<String, String> agentEnv = kubelet.env(agent);
    assertThat(agentEnv.values()).noneMatch(v -> v.contains(REAL_KEY));
    return new Scenario(upstream, agentEnv, sidecarContainer.getArgs());
  }

  private Pod agentPod(Map<String, String> annotations) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("agent")
        .withNamespace("agents")
        .addToLabels("app", "agent")
        .addToAnnotations("keyrelay.dev/inject", "true")
        .addToAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage("ghcr.io/example/agent:1")
        .endContainer()
        .endSpec()
        .build();
  }

  private void startSidecar(Container container) throws Exception {
    Path hosts = Files.writeString(root.resolve("hosts"), "127.0.0.1 " + HOST + "\n");
    Map<String, String> env = kubelet.env(container);
    // Stands in for cluster DNS: the test host resolves to the local upstream.
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

  private String sidecarOutput() {
    try {
      return sidecar == null ? "" : "\nsidecar output:\n" + sidecar.logs();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
