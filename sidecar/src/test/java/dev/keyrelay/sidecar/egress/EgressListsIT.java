package dev.keyrelay.sidecar.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.ProblemDetails;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Egress lists with {@code *.domain} patterns and CIDR ranges, through the packaged jar with curl.
 * The sidecar resolves names from a hosts file of the test ({@code -Djdk.net.hosts.file}), so every
 * name below points at a chosen loopback address without DNS.
 */
class EgressListsIT {

  @TempDir static Path dir;
  static RecordingUpstream plain;
  static RecordingUpstream tls;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() throws Exception {
    plain = RecordingUpstream.http();
    TestPki pki = TestPki.create("egress upstream CA");
    tls = RecordingUpstream.https(TestPki.serverContext(pki.serverCertificate()));
    Path hosts =
        Files.writeString(
            dir.resolve("hosts"),
            """
            127.0.0.1 api.allowed.test
            127.0.0.1 deep.api.allowed.test
            127.0.0.1 by-range.test
            127.0.0.2 blocked.allowed.test
            127.0.0.5 other.test
            127.0.0.6 allowed.test
            127.0.0.9 private.allowed.test
            """);
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(
        file,
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        egress:
          exceptions: [ "127.0.0.0/29" ]
          allowList: [ "*.allowed.test", "127.0.0.0/30" ]
          blockList: [ "127.0.0.2/32" ]
        """
            .formatted(proxyPort, adminPort));
    sidecar =
        SidecarProcess.start(file, proxyPort, adminPort, Map.of(), "-Djdk.net.hosts.file=" + hosts);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sidecar != null) {
      sidecar.close();
    }
    plain.close();
    tls.close();
  }

  @BeforeEach
  void forget() {
    plain.clear();
    tls.clear();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "api.allowed.test, 200, ",
    "deep.api.allowed.test, 200, ",
    "by-range.test, 200, ",
    "allowed.test, 403, host is not on the allow list",
    "other.test, 403, host is not on the allow list",
    "blocked.allowed.test, 403, 127.0.0.2 is in a range on the block list",
    "private.allowed.test, 403, 127.0.0.9 is loopback",
  })
  void plainHttpIsJudgedByNamePatternsAndAddressRanges(String host, int status, String reason)
      throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "-w",
            "\n%{http_code}",
            "http://" + host + ":" + plain.port() + "/probe");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    List<String> lines = run.stdout().lines().toList();
    assertThat(lines.get(lines.size() - 1)).isEqualTo(Integer.toString(status));
    if (status == 200) {
      assertThat(plain.last().uri()).isEqualTo("/probe");
      assertThat(plain.last().header("host")).isEqualTo(host + ":" + plain.port());
    } else {
      String body = lines.get(0);
      var problem = ProblemDetails.parse(body, status);
      assertThat(problem.get("type").asText()).isEqualTo(ProblemDetails.type("policy_denied"));
      assertThat(problem.get("detail").asText()).isEqualTo(reason);
      assertThat(plain.received()).isEmpty();
    }
  }

  @Test
  void aTunnelFollowsTheSameLists() throws Exception {
    var allowed =
        Clients.curl(
            sidecar.proxyUrl(),
            "-k",
            "-w",
            "\n%{http_connect} %{http_code}",
            "https://deep.api.allowed.test:" + tls.port() + "/tunnelled");
    assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
    assertThat(allowed.stdout()).endsWith("\n200 200");
    assertThat(tls.last().uri()).isEqualTo("/tunnelled");

    var refused =
        Clients.curl(
            sidecar.proxyUrl(),
            "-k",
            "-w",
            "\n%{http_connect}",
            "https://other.test:" + tls.port() + "/tunnelled");
    assertThat(refused.stdout()).endsWith("\n403");
    assertThat(tls.received()).hasSize(1);
  }
}
