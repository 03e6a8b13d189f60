package dev.keyrelay.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicySpec;
import dev.keyrelay.operator.config.Yaml;
import dev.keyrelay.operator.egress.EgressRules;
import dev.keyrelay.operator.route.RoutesConfigRenderer;
import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.KubeletVolume;
import dev.keyrelay.sidecar.testing.Prerequisites;
import dev.keyrelay.sidecar.testing.ProblemDetails;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The egress rules the operator renders reach a running sidecar through the routes ConfigMap: the
 * packaged sidecar jar reads {@code routes.yaml} from a volume laid out as the kubelet lays out a
 * ConfigMap, curl goes through its proxy, and a policy change swaps the volume under it, as a
 * ConfigMap update does, with no restart. Names resolve through a test hosts file.
 */
class EgressPolicySidecarIT {

  private static final Path SIDECAR_JAR = Path.of("../sidecar/target/keyrelay-sidecar.jar");

  /** The cluster-wide default: open, with pastebin blocked everywhere. */
  private static final EgressRules CLUSTER =
      new EgressRules(EgressMode.OPEN, List.of(), List.of("*.pastebin.test"), List.of());

  @TempDir Path dir;

  @Test
  void aConfigMapDeliveredPolicyBlocksThroughTheProxyAndAChangeAppliesWithoutRestart()
      throws Exception {
    Prerequisites.require(
        Files.isRegularFile(SIDECAR_JAR), SIDECAR_JAR + " (built by mvn -B package)");
    Path hosts =
        Files.writeString(
            dir.resolve("hosts"),
            """
            127.0.0.1 api.allowed.test
            127.0.0.1 blocked.test
            127.0.0.1 paste.pastebin.test
            127.0.0.3 other.test
            """);
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    EgressPolicySpec open = new EgressPolicySpec();
    open.setMode(EgressMode.OPEN);
    open.setBlock(List.of("blocked.test"));
    // loopback stands in for in-cluster services; the wide link-local exception must still not
    // reach the metadata address
    open.setExceptions(List.of("127.0.0.0/8", "169.254.0.0/16"));
    KubeletVolume configMap =
        KubeletVolume.create(
            dir.resolve("config"),
            RoutesConfigMap.ROUTES_KEY,
            sidecarConfig(open, proxyPort, adminPort));

    try (RecordingUpstream upstream = RecordingUpstream.http();
        SidecarProcess sidecar =
            SidecarProcess.startAsContainer(
                SIDECAR_JAR,
                List.of("--config", configMap.keyPath().toString()),
                Map.of("JDK_JAVA_OPTIONS", "-Djdk.net.hosts.file=" + hosts),
                dir.resolve("sidecar.log"),
                adminPort,
                "/readyz")) {
      String proxy = "http://127.0.0.1:" + proxyPort;
      int port = upstream.port();

      assertThat(status(proxy, "api.allowed.test", port)).isEqualTo("200");
      assertThat(upstream.received()).hasSize(1);
      assertRefused(proxy, "blocked.test", port, "host is on the block list");
      assertRefused(proxy, "paste.pastebin.test", port, "host is on the block list");
      assertRefused(
          proxy, "169.254.169.254", 80, "169.254.169.254 is in a range on the block list");
      assertThat(upstream.received()).as("nothing refused reached the upstream").hasSize(1);

      EgressPolicySpec allowList = new EgressPolicySpec();
      allowList.setMode(EgressMode.ALLOW_LIST);
      allowList.setAllow(List.of("*.allowed.test"));
      allowList.setExceptions(List.of("127.0.0.1/32"));
      configMap.swap(sidecarConfig(allowList, proxyPort, adminPort));

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> assertRefused(proxy, "other.test", port, "host is not on the allow list"));
      assertThat(status(proxy, "api.allowed.test", port)).isEqualTo("200");
      assertRefused(proxy, "paste.pastebin.test", port, "host is on the block list");
      assertThat(sidecar.isAlive()).as("reloaded, not restarted").isTrue();
      assertThat(upstream.received()).hasSize(2);
    }
  }

  /**
   * What the operator publishes for a namespace with this policy over {@link #CLUSTER}, with the
   * pod's fixed addresses and paths moved to this machine.
   */
  private String sidecarConfig(EgressPolicySpec spec, int proxyPort, int adminPort)
      throws Exception {
    EgressRules rules = CLUSTER.overriddenBy(EgressRules.of(spec));
    String published = RoutesConfigRenderer.render(List.of(), null, rules).routesYaml();
    ObjectNode config = (ObjectNode) Yaml.MAPPER.readTree(published);
    config.remove(List.of("pod", "secrets"));
    config.set("admin", Yaml.MAPPER.valueToTree(Map.of("listen", "127.0.0.1:" + adminPort)));
    config.set("proxy", Yaml.MAPPER.valueToTree(Map.of("listen", "127.0.0.1:" + proxyPort)));
    config.set("ca", Yaml.MAPPER.valueToTree(Map.of("dir", dir.resolve("ca").toString())));
    return Yaml.MAPPER.writeValueAsString(config);
  }

  private static String status(String proxy, String host, int port) throws Exception {
    Clients.Run run = Clients.curl(proxy, "-o", "/dev/null", "-w", "%{http_code}", url(host, port));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    return run.stdout();
  }

  private static void assertRefused(String proxy, String host, int port, String detail)
      throws Exception {
    Clients.Run run = Clients.curl(proxy, "-w", "\n%{http_code}", url(host, port));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    List<String> lines = run.stdout().lines().toList();
    assertThat(lines.get(lines.size() - 1)).as(host).isEqualTo("403");
    var problem = ProblemDetails.parse(lines.get(0), 403);
    assertThat(problem.get("type").asText()).isEqualTo(ProblemDetails.type("policy_denied"));
    assertThat(problem.get("detail").asText()).as(host).isEqualTo(detail);
  }

  private static String url(String host, int port) {
    return "http://" + host + ":" + port + "/probe";
  }
}
