package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.sidecar.testing.KubeletVolume;
import dev.keyrelay.sidecar.testing.ProblemDetails;
import dev.keyrelay.sidecar.testing.RawProxyConnection;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sidecar started as the injector starts it, before the namespace's routes ConfigMap
 * exists: its optional volume is an empty directory until the kubelet fills it.
 */
class OptionalConfigIT {

  private static final String KEY = "k".repeat(32) + "-optional-config-key";

  @TempDir Path dir;

  @Test
  void startsWithoutRoutesThenInjectsOnceTheConfigMapAppearsWithoutARestart() throws Exception {
    TestPki pki = TestPki.create("optional config CA");
    try (RecordingUpstream upstream =
        RecordingUpstream.https(TestPki.serverContext(pki.serverCertificate()))) {
      pki.writeCaPem(dir.resolve("upstream-ca.pem"));
      KubeletVolume.create(dir.resolve("secrets/api-token"), "token", KEY);
      Files.createDirectories(dir.resolve("secrets/not-created-yet")); // an unfilled optional one
      Path volume = Files.createDirectory(dir.resolve("config"));
      int proxyPort = SidecarProcess.freePort();
      int adminPort = SidecarProcess.freePort();
      SidecarProcess sidecar =
          SidecarProcess.startAsContainer(
              SidecarProcess.JAR,
              List.of(
                  "--config",
                  volume.resolve("routes.yaml").toString(),
                  "--config-optional",
                  "--proxy-port",
                  Integer.toString(proxyPort),
                  "--admin-listen",
                  "127.0.0.1:" + adminPort,
                  "--ca-dir",
                  dir.resolve("ca").toString()),
              Map.of(),
              dir.resolve("sidecar.log"),
              adminPort,
              "/readyz");
      try {
        // No routes yet: the egress guard alone decides, and it refuses loopback.
        RawProxyConnection.Response refused = connect(proxyPort, "localhost", upstream.port());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.headers()).containsEntry("x-keyrelay-error", "policy_denied");

        KubeletVolume.create(
            volume,
            "routes.yaml",
            """
            secrets: { kubernetesMountRoot: ../secrets }
            routes:
              - name: api
                match: { host: localhost, port: %d }
                upstream: { caFile: ../upstream-ca.pem }
                auth: { type: header, headerName: x-api-key }
                secret: { kubernetes: { name: api-token, key: token } }
              - name: awaiting-secret
                match: { host: 127.0.0.1, port: %d }
                upstream: { caFile: ../upstream-ca.pem }
                auth: { type: header, headerName: x-api-key }
                secret: { kubernetes: { name: not-created-yet, key: token } }
            """
                .formatted(upstream.port(), upstream.port()));

        X509Certificate ca = TestPki.readCertificate(dir.resolve("ca/ca.crt"));
        HttpClient client =
            HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
                .sslContext(TestPki.trusting(ca))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpResponse<String> injected = sendOnceRouted(client, upstream.port());
        assertThat(injected.statusCode()).isEqualTo(200);
        assertThat(upstream.last().header("x-api-key")).isEqualTo(KEY);
        assertThat(sidecar.isAlive()).isTrue();

        RawProxyConnection.Response unavailable;
        try (RawProxyConnection tunnel =
            RawProxyConnection.intercepted(proxyPort, "127.0.0.1", upstream.port(), ca)) {
          unavailable =
              tunnel
                  .send("GET /v1/x HTTP/1.1\r\nHost: 127.0.0.1:" + upstream.port() + "\r\n\r\n")
                  .response();
        }
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.headers()).containsEntry("x-keyrelay-error", "secret_unavailable");
        JsonNode problem = ProblemDetails.parse(unavailable.body(), 503);
        assertThat(problem.path("route").asText()).isEqualTo("awaiting-secret");
        assertThat(upstream.received()).hasSize(1);
      } finally {
        assertThat(sidecar.closeAndCollectOutput()).doesNotContain(KEY);
      }
    }
  }

  @Test
  void withoutTheFlagAMissingConfigFileStillStopsTheStart() throws Exception {
    Path volume = Files.createDirectory(dir.resolve("config"));
    Path file = volume.resolve("routes.yaml");

    SidecarProcess.Result result =
        SidecarProcess.run(
            dir.resolve("run.log"),
            Duration.ofSeconds(60),
            List.of(),
            List.of("--config", file.toString()));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output())
        .contains("keyrelay: invalid configuration")
        .contains(file + ": (file): cannot be read (NoSuchFileException)");
  }

  private static RawProxyConnection.Response connect(int proxyPort, String host, int port)
      throws Exception {
    String authority = host + ":" + port;
    try (RawProxyConnection proxy = RawProxyConnection.plain(proxyPort)) {
      return proxy
          .send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
          .response();
    }
  }

  /** The kubelet's swap is seen within the watcher's debounce; allow a slow machine 15 s. */
  private static HttpResponse<String> sendOnceRouted(HttpClient client, int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      try {
        return client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/x"))
                .header("x-api-key", "placeholder")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException refusedTunnel) {
        if (System.nanoTime() > deadline) {
          throw refusedTunnel;
        }
        Thread.sleep(100);
      }
    }
  }
}
