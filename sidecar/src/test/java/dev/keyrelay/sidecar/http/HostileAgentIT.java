package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.ParsingUpstream;
import dev.keyrelay.sidecar.testing.RawProxyConnection;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent as an attacker: raw bytes inside an intercepted tunnel, through the packaged jar, to
 * upstreams that parse every request themselves, so a request smuggled past the proxy would show up
 * as one more parsed request. The invariant throughout: one agent request is at most one upstream
 * request, and the credential travels only in the route's header.
 */
class HostileAgentIT {

  private static final String KEY = "sk-real-key-hostile-3b9e";
  private static final String BASIC_SECRET = "pässwörd-ünïcode";

  @TempDir static Path dir;
  static ParsingUpstream api;
  static ParsingUpstream nonAscii;
  static ParsingUpstream nonAsciiBasic;
  static SidecarProcess sidecar;
  static X509Certificate sidecarCa;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("hostile upstream CA");
    var context = TestPki.serverContext(pki.serverCertificate());
    api = ParsingUpstream.https(context);
    nonAscii = ParsingUpstream.https(context);
    nonAsciiBasic = ParsingUpstream.https(context);
    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/key"), KEY + "\n");
    Files.writeString(dir.resolve("secrets/crlf"), "sk-abc\r\nX-Injected: 1\n");
    Files.writeString(dir.resolve("secrets/non-ascii"), BASIC_SECRET, StandardCharsets.UTF_8);

    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        routes:
          - name: api
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: secrets/key }
          - name: crlf
            match: { host: localhost, port: 1 }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: secrets/crlf }
          - name: non-ascii
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: secrets/non-ascii }
          - name: non-ascii-basic
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: basic, username: agent }
            secret: { file: secrets/non-ascii }
        """
            .formatted(proxyPort, adminPort, api.port(), nonAscii.port(), nonAsciiBasic.port());
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(file, config);
    sidecar =
        SidecarProcess.start(
            file, proxyPort, adminPort, Map.of(), "-Dio.netty.leakDetection.level=paranoid");
    sidecarCa = TestPki.readCertificate(dir.resolve("ca/ca.crt"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sidecar != null) {
      String everything = sidecar.closeAndCollectOutput();
      assertThat(everything).doesNotContain(KEY).doesNotContain(BASIC_SECRET);
      assertThat(everything).as("Netty's leak detector, at paranoid").doesNotContain("LEAK:");
      assertThat(everything).doesNotContain("reached the tail of the pipeline");
    }
    for (ParsingUpstream upstream : List.of(api, nonAscii, nonAsciiBasic)) {
      upstream.close();
    }
  }

  @BeforeEach
  void forget() {
    api.clear();
  }

  private static RawProxyConnection tunnel(ParsingUpstream upstream) throws Exception {
    return RawProxyConnection.intercepted(
        sidecar.proxyPort(), "localhost", upstream.port(), sidecarCa);
  }

  private static String host() {
    return "localhost:" + api.port();
  }

  /** The request from the report, and the same trick with every protected name and spelling. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "content-length",
        "keep-alive, Content-Length",
        "CONTENT-LENGTH , close",
        "transfer-encoding",
        "Host",
        "x-api-key",
        "Authorization"
      })
  void aConnectionHeaderNamingAFieldThatFramesOrAddressesTheRequestIsRefused(String listed)
      throws Exception {
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: " + host() + "\r\n\r\n";
    try (RawProxyConnection agent = tunnel(api)) {
      agent.send(
          "POST /a HTTP/1.1\r\nHost: "
              + host()
              + "\r\nConnection: "
              + listed
              + "\r\nContent-Length: "
              + smuggled.length()
              + "\r\n\r\n"
              + smuggled);
      RawProxyConnection.Response response = agent.response();

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.headers()).containsEntry("x-keyrelay-error", "bad_request");
      assertThat(response.body()).containsIgnoringCase("Connection header may not name");
    }
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void thePooledUpstreamConnectionCannotBeHijackedForTheNextClientsRequest() throws Exception {
    // The attacker's body ends in an unfinished request: had it reached the upstream as a request
    // of its own, the next client's request (and its real key) would become that request's tail.
    String unfinished = "GET /hijack HTTP/1.1\r\nHost: " + host() + "\r\nX-Swallow: ";
    try (RawProxyConnection attacker = tunnel(api)) {
      attacker.send(
          "POST /a HTTP/1.1\r\nHost: "
              + host()
              + "\r\nConnection: content-length\r\n"
              + "Content-Length: "
              + unfinished.length()
              + "\r\n\r\n"
              + unfinished);
      assertThat(attacker.response().status()).isEqualTo(400);
    }
    try (RawProxyConnection victim = tunnel(api)) {
      victim.send("GET /victim HTTP/1.1\r\nHost: " + host() + "\r\nx-api-key: placeholder\r\n\r\n");
      assertThat(victim.response().status()).isEqualTo(200);
    }

    assertThat(api.requests())
        .singleElement()
        .satisfies(
            parsed -> {
              assertThat(parsed.target()).isEqualTo("/victim");
              assertThat(parsed.header("x-api-key")).containsExactly(KEY);
              assertThat(parsed.header("x-swallow")).isEmpty();
            });
  }

  @Test
  void aBodyThatHoldsARequestIsForwardedAsOneBodyFramedByTheProxy() throws Exception {
    String inner = "GET /smuggled HTTP/1.1\r\nHost: " + host() + "\r\n\r\n";
    try (RawProxyConnection agent = tunnel(api)) {
      agent.send(
          "POST /a HTTP/1.1\r\nHost: "
              + host()
              + "\r\nContent-Length: "
              + inner.length()
              + "\r\n\r\n"
              + inner);
      assertThat(agent.response().status()).isEqualTo(200);
      agent.send("GET /next HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
      assertThat(agent.response().status()).isEqualTo(200);
    }

    assertThat(api.requests())
        .extracting(ParsingUpstream.Parsed::target)
        .containsExactly("/a", "/next");
    assertThat(new String(api.requests().get(0).body(), StandardCharsets.ISO_8859_1))
        .isEqualTo(inner);
  }

  /** Bodies the decoder cannot frame: the upstream never sees them completed. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "zz\r\nhello\r\n0\r\n\r\n", // chunk size that is not hex
        "5\r\nhelloGET /smuggled HTTP/1.1\r\n\r\n0\r\n\r\n", // data longer than the chunk
        "-5\r\nhello\r\n0\r\n\r\n", // negative size
        "5 5\r\nhello\r\n0\r\n\r\n", // two sizes
        "5;ext=\"open\r\nhello\r\n0\r\n\r\n", // unterminated extension quote
        "5;\u0001\r\nhello\r\n0\r\n\r\n", // control character in an extension
        "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n" // size overflow
      })
  void aChunkedBodyThatFailsToDecodeIsNeverCompletedUpstream(String body) throws Exception {
    try (RawProxyConnection agent = tunnel(api)) {
      agent.send(
          "POST /chunks HTTP/1.1\r\nHost: "
              + host()
              + "\r\nTransfer-Encoding: chunked\r\n\r\n"
              + body);
      assertThat(agent.response().status()).isEqualTo(400);
      assertThat(agent.closedByPeer()).isTrue();
    }
    assertThat(api.requests()).noneMatch(r -> r.target().equals("/smuggled"));
    assertThat(api.requests()).as("a request whose body failed to decode").isEmpty();
  }

  /** Framing the decoder refuses outright (RFC 9112 section 6). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Content-Length: 5\r\nContent-Length: 6\r\n",
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked, identity\r\n",
        "Transfer-Encoding: xchunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: +5\r\n",
        "Content-Length: 0x5\r\n"
      })
  void ambiguousFramingIsRefused(String framing) throws Exception {
    try (RawProxyConnection agent = tunnel(api)) {
      agent.send(
          "POST /f HTTP/1.1\r\nHost: " + host() + "\r\n" + framing + "\r\n5\r\nhello\r\n0\r\n\r\n");
      assertThat(agent.response().status()).isEqualTo(400);
    }
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void requestTrailersNeverReachTheUpstream() throws Exception {
    try (RawProxyConnection agent = tunnel(api)) {
      agent.send(
          "POST /t HTTP/1.1\r\nHost: "
              + host()
              + "\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5\r\nhello\r\n0\r\n"
              + "x-api-key: attacker-chosen\r\nAuthorization: Bearer attacker\r\n"
              + "Host: evil.example\r\nX-Other: 1\r\n\r\n");
      assertThat(agent.response().status()).isEqualTo(200);
    }

    assertThat(api.requests())
        .singleElement()
        .satisfies(
            parsed -> {
              assertThat(new String(parsed.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
              assertThat(parsed.trailers()).isEmpty();
              assertThat(parsed.header("x-api-key")).containsExactly(KEY);
              assertThat(parsed.header("host")).containsExactly(host());
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/0.9", "HTTP/2.0"})
  void aRequestInAnotherHttpVersionGets505OnTheProxyPortToo(String version) throws Exception {
    try (RawProxyConnection agent = RawProxyConnection.plain(sidecar.proxyPort())) {
      agent.send("CONNECT " + host() + " " + version + "\r\nHost: " + host() + "\r\n\r\n");
      RawProxyConnection.Response response = agent.response();

      assertThat(response.status()).isEqualTo(505);
      assertThat(response.headers())
          .containsEntry("x-keyrelay-error", "http_version_not_supported");
    }
  }

  @Test
  void anAbsoluteFormTargetForAnotherHostIsRefusedNotRewritten() throws Exception {
    try (RawProxyConnection agent = tunnel(api)) {
      agent.send("GET https://other.example/steal HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
      RawProxyConnection.Response response = agent.response();
      assertThat(response.status()).isEqualTo(403);
      assertThat(response.headers()).containsEntry("x-keyrelay-error", "host_mismatch");
    }
    try (RawProxyConnection agent = tunnel(api)) {
      agent.send("GET http://" + host() + "/plain HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
      assertThat(agent.response().status()).as("http:// is not this https origin").isEqualTo(403);
    }
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void anAbsoluteFormTargetForTheTunnelsOwnOriginIsSentInOriginForm() throws Exception {
    try (RawProxyConnection agent = tunnel(api)) {
      agent.send("GET https://" + host() + "/own?q=1 HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
      assertThat(agent.response().status()).isEqualTo(200);
    }
    assertThat(api.requests())
        .singleElement()
        .satisfies(parsed -> assertThat(parsed.target()).isEqualTo("/own?q=1"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://[broken/x",
        "https:///nohost",
        "relative/path",
        "https://localhost:99999/"
      })
  void aMalformedTargetGets400NotASilentClose(String target) throws Exception {
    try (RawProxyConnection agent = tunnel(api)) {
      agent.send("GET " + target + " HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
      RawProxyConnection.Response response = agent.response();
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.headers()).containsEntry("x-keyrelay-error", "bad_request");
    }
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void aSecretWithALineBreakInsideIsRefusedWith503NamingTheRoute() throws Exception {
    try (RawProxyConnection agent =
        RawProxyConnection.intercepted(sidecar.proxyPort(), "localhost", 1, sidecarCa)) {
      agent.send("GET /x HTTP/1.1\r\nHost: localhost:1\r\n\r\n");
      RawProxyConnection.Response response = agent.response();

      assertThat(response.status()).isEqualTo(503);
      assertThat(response.headers()).containsEntry("x-keyrelay-error", "secret_invalid");
      assertThat(response.body()).contains("\"route\":\"crlf\"").contains("control character");
      assertThat(response.body()).doesNotContain("sk-abc").doesNotContain("X-Injected");
    }
  }

  @Test
  void aNonAsciiSecretIsNotMangledIntoAHeader() throws Exception {
    try (RawProxyConnection agent = tunnel(nonAscii)) {
      agent.send("GET /x HTTP/1.1\r\nHost: localhost:" + nonAscii.port() + "\r\n\r\n");
      RawProxyConnection.Response response = agent.response();

      assertThat(response.status()).isEqualTo(503);
      assertThat(response.headers()).containsEntry("x-keyrelay-error", "secret_invalid");
      assertThat(response.body()).contains("\"route\":\"non-ascii\"");
    }
    assertThat(nonAscii.requests()).isEmpty();
  }

  @Test
  void aNonAsciiSecretTravelsIntactInBasicAuth() throws Exception {
    try (RawProxyConnection agent = tunnel(nonAsciiBasic)) {
      agent.send("GET /x HTTP/1.1\r\nHost: localhost:" + nonAsciiBasic.port() + "\r\n\r\n");
      assertThat(agent.response().status()).isEqualTo(200);
    }
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("agent:" + BASIC_SECRET).getBytes(StandardCharsets.UTF_8));
    assertThat(nonAsciiBasic.requests())
        .singleElement()
        .satisfies(parsed -> assertThat(parsed.header("authorization")).containsExactly(expected));
  }
}
