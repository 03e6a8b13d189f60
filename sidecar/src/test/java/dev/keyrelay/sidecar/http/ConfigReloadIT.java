package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Secret rotation and config edits reach a running sidecar without a restart. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigReloadIT {

  @TempDir static Path dir;
  static RecordingUpstream first;
  static RecordingUpstream second;
  static SidecarProcess sidecar;
  static Path config;
  static Path bundle;
  static String baseConfig;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("reload CA");
    var context = TestPki.serverContext(pki.serverCertificate());
    first = RecordingUpstream.https(context);
    second = RecordingUpstream.https(context);
    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    Files.writeString(dir.resolve("token"), "first-secret-value");
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    baseConfig =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        routes:
          - name: first
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: token }
        """
            .formatted(proxyPort, adminPort, first.port());
    config = dir.resolve("keyrelay.yaml");
    Files.writeString(config, baseConfig);
    sidecar = SidecarProcess.start(config, proxyPort, adminPort, Map.of());
    bundle = dir.resolve("ca/ca-bundle.crt");
  }

  @AfterAll
  static void stop() throws Exception {
    String everything = sidecar.closeAndCollectOutput();
    assertThat(everything).doesNotContain("first-secret-value").doesNotContain("rotated-secret");
    first.close();
    second.close();
  }

  private static Clients.Run get(RecordingUpstream upstream) throws Exception {
    return Clients.curl(
        sidecar.proxyUrl(),
        "--cacert",
        bundle.toString(),
        "-w",
        "\n%{http_code}",
        "https://localhost:" + upstream.port() + "/");
  }

  @Test
  @Order(1)
  void rewrittenSecretFileIsUsedByTheVeryNextRequest() throws Exception {
    assertThat(get(first).stdout()).endsWith("200");
    assertThat(first.last().header("x-api-key")).isEqualTo("first-secret-value");

    Files.writeString(dir.resolve("token"), "rotated-secret\n");

    assertThat(get(first).stdout()).endsWith("200");
    assertThat(first.last().header("x-api-key")).isEqualTo("rotated-secret");
  }

  @Test
  @Order(2)
  void addedRouteWorksWithoutRestart() throws Exception {
    assertThat(get(second).exitCode())
        .as("unrouted localhost is denied before the edit")
        .isNotZero();

    Files.writeString(
        config,
        baseConfig
            + """
              - name: second
                match: { host: localhost, port: %d }
                upstream: { caFile: upstream-ca.pem }
                auth: { type: header, headerName: Authorization, scheme: Bearer }
                secret: { file: token }
            """
                .formatted(second.port()));

    awaitTrue(() -> get(second).stdout().endsWith("200"));
    assertThat(second.last().header("authorization")).isEqualTo("Bearer rotated-secret");
  }

  @Test
  @Order(3)
  void invalidEditIsIgnoredAndOldRoutesKeepWorking() throws Exception {
    Files.writeString(config, baseConfig.replace("headerName: x-api-key", "headerName: Host"));

    awaitTrue(() -> sidecar.logs().contains("routes[0].auth.headerName"));
    assertThat(get(first).stdout()).endsWith("200");
    assertThat(first.last().header("x-api-key")).isEqualTo("rotated-secret");
    assertThat(get(second).stdout()).endsWith("200");
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      if (check.ok()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("condition not met within 15 s; sidecar log:\n" + sidecar.logs());
  }
}
