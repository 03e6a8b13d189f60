package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.DefaultTrustJdkClient;
import dev.keyrelay.sidecar.testing.Promtool;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients (curl, Python requests, Node, the JDK HttpClient) through the packaged sidecar to
 * real local upstreams that record what they received.
 */
class ProxyClientsIT {

  private static final String API_KEY = "sk-real-api-key-7f3a9c1e";
  private static final String BEARER = "ghp-real-bearer-0b8d2e44";
  private static final String GIT_TOKEN = "real-git-token-5c6a7b8d";
  private static final List<String> SECRETS = List.of(API_KEY, BEARER, GIT_TOKEN);

  @TempDir static Path dir;
  static TestPki pki;
  static RecordingUpstream api;
  static RecordingUpstream bearer;
  static RecordingUpstream basic;
  static RecordingUpstream untrusted;
  static RecordingUpstream plain;
  static RecordingUpstream plainRefused;
  static RecordingUpstream direct;

  /** Accepts connections and reads, but never answers. */
  static ServerSocket silent;

  static SidecarProcess sidecar;
  static Path bundle;
  static Path caCert;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create("test upstream CA");
    var sslContext = TestPki.serverContext(pki.serverCertificate());
    api = RecordingUpstream.https(sslContext);
    bearer = RecordingUpstream.https(sslContext);
    basic = RecordingUpstream.https(sslContext);
    direct = RecordingUpstream.https(sslContext);
    untrusted =
        RecordingUpstream.https(
            TestPki.serverContext(TestPki.create("some other CA").serverCertificate()));
    plain = RecordingUpstream.http();
    plainRefused = RecordingUpstream.http();
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(ProxyClientsIT::acceptSilently, "silent-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
    Path upstreamCa = pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/api-key"), API_KEY + "\n");
    Files.writeString(dir.resolve("secrets/git-token"), GIT_TOKEN);

    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d", idleTimeout: 2s }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        egress:
          exceptions: [ "127.0.0.1:%d" ]
        routes:
          - name: api
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: secrets/api-key }
          - name: bearer
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: Authorization, scheme: Bearer }
            secret: { env: TEST_BEARER_TOKEN }
          - name: git
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: basic, username: x-access-token }
            secret: { file: secrets/git-token }
          - name: untrusted
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: secrets/api-key }
          - name: plain
            match: { host: localhost, port: %d }
            auth: { type: header, headerName: x-api-key }
            secret: { file: secrets/api-key }
            allowInsecureHttp: true
          - name: plain-refused
            match: { host: localhost, port: %d }
            auth: { type: header, headerName: x-api-key }
            secret: { file: secrets/api-key }
          - name: silent
            match: { host: localhost, port: %d }
            auth: { type: header, headerName: x-api-key }
            secret: { file: secrets/api-key }
            allowInsecureHttp: true
        """
            .formatted(
                proxyPort,
                adminPort,
                direct.port(),
                api.port(),
                bearer.port(),
                basic.port(),
                untrusted.port(),
                plain.port(),
                plainRefused.port(),
                silent.getLocalPort());
    Path configFile = dir.resolve("keyrelay.yaml");
    Files.writeString(configFile, config);
    // A small heap proves bodies are streamed, not held (the 200 MB upload below). The image runs
    // without Netty's leak detector; here it tracks every buffer, and stop() fails on a report.
    sidecar =
        SidecarProcess.start(
            configFile,
            proxyPort,
            adminPort,
            Map.of("TEST_BEARER_TOKEN", BEARER),
            "-Xmx64m",
            "-Dio.netty.leakDetection.level=paranoid");
    bundle = dir.resolve("ca/ca-bundle.crt");
    caCert = dir.resolve("ca/ca.crt");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (sidecar != null) {
        String everything = sidecar.closeAndCollectOutput();
        for (String secret : SECRETS) {
          assertThat(everything)
              .as("logs and metrics must not contain a secret")
              .doesNotContain(secret);
          assertThat(everything)
              .doesNotContain(
                  Base64.getEncoder()
                      .encodeToString(
                          ("x-access-token:" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(everything).as("Netty's leak detector, at paranoid").doesNotContain("LEAK:");
      }
    } finally {
      silent.close();
      for (RecordingUpstream u :
          List.of(api, bearer, basic, untrusted, plain, plainRefused, direct)) {
        u.close();
      }
    }
  }

  private static String url(RecordingUpstream upstream, String path) {
    return "https://localhost:" + upstream.port() + path;
  }

  private static void assertNoPlaceholder(RecordingUpstream.Received received) {
    assertThat(received.headers().toString()).doesNotContain("placeholder");
    assertThat(received.header("proxy-authorization")).isNull();
  }

  @Test
  void curlGetsTheRealCredentialInjected() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "--cacert",
            bundle.toString(),
            "-H",
            "x-api-key: placeholder",
            "-H",
            "Authorization: Bearer placeholder",
            url(api, "/v1/messages?beta=true"));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("\"ok\":true");
    RecordingUpstream.Received received = api.last();
    assertThat(received.uri()).isEqualTo("/v1/messages?beta=true");
    assertThat(received.header("x-api-key")).isEqualTo(API_KEY);
    assertThat(received.header("authorization")).isNull();
    assertNoPlaceholder(received);
  }

  @Test
  void curlOverHttp2GetsInjectedAndTheUpstreamSpeaksHttp11() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "--http2",
            "--cacert",
            bundle.toString(),
            "-w",
            "\n%{http_version}",
            "-H",
            "x-api-key: placeholder",
            "--data-binary",
            "h2 body",
            url(api, "/v1/h2"),
            url(api, "/v1/h2-again"));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).endsWith("\n2");
    List<RecordingUpstream.Received> last = api.received();
    RecordingUpstream.Received received = last.get(last.size() - 1);
    assertThat(received.uri()).isEqualTo("/v1/h2-again");
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.bodyBytes()).isEqualTo("h2 body".length());
    assertThat(received.header("x-api-key")).isEqualTo(API_KEY);
    assertThat(received.header("host")).isEqualTo("localhost:" + api.port());
    assertThat(received.headers().keySet()).noneMatch(name -> name.startsWith("x-http2"));
    assertNoPlaceholder(received);
  }

  @Test
  void pythonRequestsTrustsTheBundleAndGetsInjected() throws Exception {
    String script =
        """
        import sys, requests
        r = requests.post(sys.argv[1], json={"model": "x"},
                          headers={"Authorization": "Bearer placeholder"},
                          proxies={"https": sys.argv[2]})
        print(r.status_code)
        """;
    var run =
        Clients.run(
            List.of(Clients.python(), "-c", script, url(bearer, "/repos"), sidecar.proxyUrl()),
            Map.of("REQUESTS_CA_BUNDLE", bundle.toString()));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout().trim()).isEqualTo("200");
    RecordingUpstream.Received received = bearer.last();
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.header("authorization")).isEqualTo("Bearer " + BEARER);
    assertNoPlaceholder(received);
  }

  @Test
  void nodeThroughAProxyAgentTrustsTheCaCertificate() throws Exception {
    Path nodeDir = Path.of("src", "test", "node");
    var run =
        Clients.run(
            List.of(
                "node",
                "request.js",
                sidecar.proxyUrl(),
                url(api, "/v1/models"),
                "x-api-key: placeholder"),
            Map.of("NODE_EXTRA_CA_CERTS", caCert.toAbsolutePath().toString()),
            nodeDir);

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("\"status\":200");
    RecordingUpstream.Received received = api.last();
    assertThat(received.uri()).isEqualTo("/v1/models");
    assertThat(received.header("x-api-key")).isEqualTo(API_KEY);
    assertNoPlaceholder(received);
  }

  @Test
  void jdkHttpClientKeepsItsConnectionAndTheUpstreamConnectionIsReused() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", sidecar.proxyPort())))
            .sslContext(TestPki.trusting(TestPki.readCertificate(caCert)))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    basic.clear();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(url(basic, "/info/refs?service=git-upload-pack")))
                  .header("Authorization", "Basic cGxhY2Vob2xkZXI6cGxhY2Vob2xkZXI=")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }

    List<RecordingUpstream.Received> received = basic.received();
    assertThat(received).hasSize(3);
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("x-access-token:" + GIT_TOKEN).getBytes(StandardCharsets.UTF_8));
    assertThat(received).allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo(expected));
    assertThat(received.stream().map(RecordingUpstream.Received::remotePort).distinct())
        .as("one upstream connection serves all three requests")
        .hasSize(1);
  }

  @Test
  void jdkInItsOwnJvmTrustsTheMintedCertificateWithOnlyTheTrustStoreFile() throws Exception {
    Path trustStore = dir.resolve("ca/ca-truststore.p12");
    var run =
        Clients.run(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // no password: the store loads without one
                "-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-cp",
                Path.of("target", "test-classes").toString(),
                DefaultTrustJdkClient.class.getName(),
                "" + sidecar.proxyPort(),
                url(api, "/v1/jvm"),
                "x-api-key",
                "placeholder"),
            Map.of());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).startsWith("200\n").contains("\"ok\":true");
    RecordingUpstream.Received received = api.last();
    assertThat(received.uri()).isEqualTo("/v1/jvm");
    assertThat(received.header("x-api-key")).isEqualTo(API_KEY);
    assertNoPlaceholder(received);
  }

  @Test
  void largeUploadIsStreamedThroughASmallHeap() throws Exception {
    Path file = dir.resolve("upload.bin");
    byte[] block = new byte[1024 * 1024];
    new Random(42).nextBytes(block);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 200; i++) {
        out.write(block);
        sha.update(block);
      }
    }
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "--cacert",
            bundle.toString(),
            "-T",
            file.toString(),
            url(api, "/upload"));
    Files.delete(file);

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    RecordingUpstream.Received received = api.last();
    assertThat(received.bodyBytes()).isEqualTo(200L * 1024 * 1024);
    assertThat(received.bodySha256()).isEqualTo(HexFormat.of().formatHex(sha.digest()));
    assertThat(received.header("x-api-key")).isEqualTo(API_KEY);
  }

  @Test
  void chunkedUploadArrivesWhole() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "--cacert",
            bundle.toString(),
            "-H",
            "Transfer-Encoding: chunked",
            "--data-binary",
            "hello chunked world",
            url(api, "/chunked"));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    RecordingUpstream.Received received = api.last();
    assertThat(received.bodyBytes()).isEqualTo("hello chunked world".length());
  }

  @Test
  void unmatchedLoopbackIsDeniedWithJson() throws Exception {
    String response = rawConnect("127.0.0.1:" + api.port());

    assertThat(response).startsWith("HTTP/1.1 403");
    assertThat(response)
        .contains("\"type\":\"https://keyrelay.dev/problems/policy-denied\"")
        .contains("loopback");
  }

  @Test
  void unmatchedHostOnTheExceptionListIsTunnelledWithItsOwnCertificate() throws Exception {
    // Trusting only the upstream's real CA: a certificate minted by the sidecar would fail.
    HttpClient client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", sidecar.proxyPort())))
            .sslContext(TestPki.trusting(pki.caCertificate()))
            .build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + direct.port() + "/tunnel"))
                .header("x-api-key", "placeholder")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(direct.last().header("x-api-key")).isEqualTo("placeholder");
    assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0])
        .isInstanceOfSatisfying(
            X509Certificate.class,
            cert ->
                assertThat(cert.getIssuerX500Principal().getName()).contains("test upstream CA"));
  }

  @Test
  void untrustedUpstreamGets502AndNoCredential() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "--cacert",
            bundle.toString(),
            "-w",
            "\n%{http_code}",
            url(untrusted, "/secret-please"));

    assertThat(run.stdout())
        .contains("\"type\":\"https://keyrelay.dev/problems/upstream-tls-failed\"")
        .endsWith("502");
    assertThat(run.stdout()).contains("\"route\":\"untrusted\"");
    assertThat(untrusted.received()).isEmpty();
  }

  @Test
  void plainHttpRouteWithoutOptInIsRefused() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "-w",
            "\n%{http_code}",
            "http://localhost:" + plainRefused.port() + "/x");

    assertThat(run.stdout())
        .contains("\"type\":\"https://keyrelay.dev/problems/insecure-http-refused\"")
        .endsWith("403");
    assertThat(plainRefused.received()).isEmpty();
  }

  @Test
  void plainHttpRouteWithOptInIsInjected() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "-H",
            "x-api-key: placeholder",
            "http://localhost:" + plain.port() + "/plain?q=1");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(plain.last().uri()).isEqualTo("/plain?q=1");
    assertThat(plain.last().header("x-api-key")).isEqualTo(API_KEY);
  }

  @Test
  void unmatchedPlainHttpToLoopbackIsDenied() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(), "-w", "\n%{http_code}", "http://127.0.0.1:" + plain.port() + "/x");

    assertThat(run.stdout())
        .contains("\"type\":\"https://keyrelay.dev/problems/policy-denied\"")
        .endsWith("403");
  }

  @Test
  void hostHeaderThatDiffersFromTheTunnelIsRefused() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "--cacert",
            bundle.toString(),
            "-w",
            "\n%{http_code}",
            "-H",
            "Host: evil.example",
            url(api, "/steer"));

    assertThat(run.stdout())
        .contains("\"type\":\"https://keyrelay.dev/problems/host-mismatch\"")
        .endsWith("403");
  }

  @Test
  void metricsAndAuditDescribeTheTraffic() throws Exception {
    Clients.curl(sidecar.proxyUrl(), "--cacert", bundle.toString(), url(api, "/audit?token=q"));

    String metrics = sidecar.scrapeMetrics();
    assertThat(metrics)
        .contains("keyrelay_requests_total{method=\"GET\",route=\"api\",status=\"200\"}");
    assertThat(metrics).contains("keyrelay_injections_total{route=\"api\"}");
    assertThat(metrics).contains("keyrelay_upstream_latency_seconds_bucket");
    assertThat(metrics).contains("keyrelay_certificates_minted_total");
    Promtool.assertClean(metrics);
    assertThat(sidecar.logsOnceThey(logs -> logs.contains("\"path\":\"/audit\"")))
        .containsPattern("\"decision\":\"injected\".*\"route\":\"api\".*\"path\":\"/audit\"")
        .doesNotContain("token=q");
  }

  @Test
  void silentUpstreamGets504AfterTheIdleTimeout() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "-w",
            "\n%{http_code}",
            "--max-time",
            "20",
            "http://localhost:" + silent.getLocalPort() + "/slow");

    assertThat(run.stdout())
        .contains("\"type\":\"https://keyrelay.dev/problems/upstream-timeout\"")
        .endsWith("504");
    assertThat(run.stdout()).contains("\"route\":\"silent\"");
  }

  private static void acceptSilently() {
    List<Socket> held = new java.util.ArrayList<>();
    while (!silent.isClosed()) {
      try {
        held.add(silent.accept());
      } catch (java.io.IOException closed) {
        return;
      }
    }
  }

  private static String rawConnect(String authority) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", sidecar.proxyPort())) {
      socket
          .getOutputStream()
          .write(
              ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder response = new StringBuilder();
      String line;
      while ((line = reader.readLine()) != null) {
        response.append(line).append('\n');
      }
      return response.toString();
    }
  }
}
