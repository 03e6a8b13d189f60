package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams that hand the credential back (echo endpoints, error messages, debug headers), through
 * the packaged jar and curl: what the agent reads never holds the route's secret, in any of the
 * forms a server puts it in, however the body is cut into pieces.
 */
class ScrubbingIT {

  private static final String KEY = "sk-echo-real-9f8e7d6c5b";

  @TempDir static Path dir;
  static HttpsServer echo;
  static HttpsServer echoUnscrubbed;
  static SidecarProcess sidecar;
  static Path bundle;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("echo upstream CA");
    echo = echoServer(pki);
    echoUnscrubbed = echoServer(pki);
    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    Files.writeString(dir.resolve("key"), KEY);
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        routes:
          - name: echo
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: key }
          - name: echo-unscrubbed
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: key }
            scrub: false
        """
            .formatted(
                proxyPort,
                adminPort,
                echo.getAddress().getPort(),
                echoUnscrubbed.getAddress().getPort());
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(file, config);
    sidecar =
        SidecarProcess.start(
            file, proxyPort, adminPort, Map.of(), "-Dio.netty.leakDetection.level=paranoid");
    bundle = dir.resolve("ca/ca-bundle.crt");
  }

  @AfterAll
  static void stop() throws Exception {
    if (sidecar != null) {
      String everything = sidecar.closeAndCollectOutput();
      assertThat(everything).doesNotContain(KEY).doesNotContain("LEAK:");
    }
    echo.stop(0);
    echoUnscrubbed.stop(0);
  }

  /** Echoes the key it received in the ways real servers do. */
  private static HttpsServer echoServer(TestPki pki) throws Exception {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(
        new HttpsConfigurator(TestPki.serverContext(pki.serverCertificate())));
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/json",
        e -> {
          String key = e.getRequestHeaders().getFirst("x-api-key");
          String b64 =
              Base64.getEncoder()
                  .encodeToString(("{\"k\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
          e.getResponseHeaders().set("X-Debug-Key", "received " + key);
          e.getResponseHeaders().set("X-Debug-B64", b64);
          send(
              e,
              "{\"headers\":{\"x-api-key\":\""
                  + key
                  + "\"},\"error\":\"invalid key "
                  + key
                  + "\"}");
        });
    server.createContext(
        "/chunks",
        e -> {
          String key = e.getRequestHeaders().getFirst("x-api-key");
          e.sendResponseHeaders(200, 0);
          try (OutputStream out = e.getResponseBody()) {
            int half = key.length() / 2;
            for (String piece :
                new String[] {
                  "data: " + key.substring(0, half), key.substring(half) + "\n\n", "data: end\n\n"
                }) {
              out.write(piece.getBytes(StandardCharsets.UTF_8));
              out.flush();
              sleep();
            }
          }
        });
    server.createContext(
        "/gzip",
        e -> {
          String key = e.getRequestHeaders().getFirst("x-api-key");
          e.getResponseHeaders().set("Content-Encoding", "gzip");
          java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
          try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(key.getBytes(StandardCharsets.UTF_8));
          }
          e.sendResponseHeaders(200, zipped.size());
          try (OutputStream out = e.getResponseBody()) {
            out.write(zipped.toByteArray());
          }
        });
    server.start();
    return server;
  }

  private static void send(HttpExchange e, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    e.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Clients.Run curl(HttpsServer upstream, String path) throws Exception {
    return Clients.curl(
        sidecar.proxyUrl(),
        "--cacert",
        bundle.toString(),
        "-D",
        "-",
        "-H",
        "x-api-key: placeholder",
        "https://localhost:" + upstream.getAddress().getPort() + path);
  }

  @Test
  void anEchoedKeyIsMaskedInHeadersAndBodyWithTheBodyLengthKept() throws Exception {
    Clients.Run run = curl(echo, "/json");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .doesNotContain(KEY)
        .contains("x-debug-key: received " + "*".repeat(KEY.length()));
    String b64 =
        Base64.getEncoder()
            .encodeToString(("{\"k\":\"" + KEY + "\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(run.stdout()).doesNotContain(b64.substring(8, 24));
    assertThat(run.stdout()).contains("\"error\":\"invalid key " + "*".repeat(KEY.length()) + "\"");
    String metrics = sidecar.scrapeMetrics();
    assertThat(metrics)
        .containsPattern("keyrelay_responses_scrubbed_total\\{route=\"echo\"\\} [1-9]");
    assertThat(sidecar.logsOnceThey(l -> l.contains("\"scrubbed\":true")))
        .contains("\"scrubbed\":true");
  }

  @Test
  void aKeySplitAcrossChunksIsStillMasked() throws Exception {
    Clients.Run run = curl(echo, "/chunks");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .doesNotContain(KEY)
        .contains("data: " + "*".repeat(KEY.length()) + "\n\ndata: end");
  }

  @Test
  void anEncodedResponseThatCannotBeSearchedIsRefused() throws Exception {
    Clients.Run run = curl(echo, "/gzip");

    assertThat(run.stdout())
        .contains("HTTP/2 502")
        .contains("cannot be scrubbed")
        .doesNotContain(KEY);
  }

  @Test
  void aRouteThatOptsOutPassesTheEchoOnAsDocumented() throws Exception {
    Clients.Run run = curl(echoUnscrubbed, "/json");

    assertThat(run.stdout()).contains("invalid key " + KEY);
  }
}
