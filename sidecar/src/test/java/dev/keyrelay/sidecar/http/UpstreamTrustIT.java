package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.sidecar.testing.KubeletVolume;
import dev.keyrelay.sidecar.testing.ProblemDetails;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route's upstream CA file as the kubelet delivers it (an optional ConfigMap volume, filled once
 * the ConfigMap exists, then updated by an atomic swap), with the packaged sidecar in front: no
 * exit while it is missing, no request sent without it, and a rotated CA trusted without a restart.
 */
class UpstreamTrustIT {

  private static final String KEY = "sk-trust-" + "k".repeat(32);
  // The sidecar looks at CA files every 5 s; a swap is seen within one look and a handshake.
  private static final Duration RECHECK = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void aMissingCaFileAnswers503UntilItAppearsAndARotatedOneIsTrustedWithoutARestart()
      throws Exception {
    TestPki first = TestPki.create("first upstream CA");
    TestPki second = TestPki.create("second upstream CA");
    try (RecordingUpstream oldUpstream =
            RecordingUpstream.https(TestPki.serverContext(first.serverCertificate()));
        RecordingUpstream newUpstream =
            RecordingUpstream.https(TestPki.serverContext(second.serverCertificate()))) {
      int proxyPort = SidecarProcess.freePort();
      int adminPort = SidecarProcess.freePort();
      Path config = dir.resolve("keyrelay.yaml");
      Files.writeString(
          config,
          """
          proxy: { listen: "127.0.0.1:%d" }
          admin: { listen: "127.0.0.1:%d" }
          ca: { dir: ca }
          routes:
            - name: api
              match: { host: localhost }
              upstream: { caFile: trust/ca.crt }
              auth: { type: header, headerName: x-api-key }
              secret: { env: API_KEY }
          """
              .formatted(proxyPort, adminPort));
      try (SidecarProcess sidecar =
          SidecarProcess.start(config, proxyPort, adminPort, Map.of("API_KEY", KEY))) {
        HttpClient client = sidecar.client(dir.resolve("ca/ca.crt"));

        HttpResponse<String> refused = get(client, oldUpstream);
        assertThat(refused.headers().firstValue("X-Keyrelay-Error"))
            .hasValue("upstream_trust_unavailable");
        assertThat(ProblemDetails.parse(refused.body(), 503).get("detail").asText())
            .isEqualTo("CA file " + dir.resolve("trust/ca.crt") + " does not exist");
        assertThat(oldUpstream.received()).as("nothing sent without trust").isEmpty();

        KubeletVolume trust = KubeletVolume.create(dir.resolve("trust"), "ca.crt", first.caPem());
        await()
            .atMost(RECHECK)
            .untilAsserted(() -> assertThat(get(client, oldUpstream).statusCode()).isEqualTo(200));
        assertThat(oldUpstream.last().header("x-api-key")).isEqualTo(KEY);
        assertThat(get(client, newUpstream).headers().firstValue("X-Keyrelay-Error"))
            .as("the second CA is not trusted yet")
            .hasValue("upstream_tls_failed");
        assertThat(newUpstream.received()).isEmpty();

        trust.swap(second.caPem());
        await()
            .atMost(RECHECK)
            .untilAsserted(() -> assertThat(get(client, newUpstream).statusCode()).isEqualTo(200));
        assertThat(newUpstream.last().header("x-api-key")).isEqualTo(KEY);
        assertThat(sidecar.isAlive()).isTrue();
        assertThat(sidecar.logs())
            .contains("does not exist; its upstreams are unavailable until that changes")
            .contains("changed; new upstream connections trust what it holds now")
            .doesNotContain(KEY);
      }
    }
  }

  private static HttpResponse<String> get(HttpClient client, RecordingUpstream upstream)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + upstream.port() + "/v1/models"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
