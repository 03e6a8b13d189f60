package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.ParsingUpstream;
import dev.keyrelay.sidecar.testing.ProblemDetails;
import dev.keyrelay.sidecar.testing.RawProxyConnection;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-route rules and limits through the packaged jar: raw HTTP/1.1 inside an intercepted tunnel
 * (every path trick, byte for byte), curl over HTTP/2 with {@code --path-as-is}, Python requests,
 * and upstreams that parse and record every request, so "nothing was sent" is checked where it
 * matters.
 */
class RequestRulesIT {

  private static final String KEY = "sk-rules-key-7f3a";

  @TempDir static Path dir;
  static ParsingUpstream github;
  static ParsingUpstream metered;
  static ParsingUpstream single;
  static RecordingUpstream plain;
  static SidecarProcess sidecar;
  static X509Certificate sidecarCa;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("rules upstream CA");
    var context = TestPki.serverContext(pki.serverCertificate());
    github = ParsingUpstream.https(context);
    metered = ParsingUpstream.https(context);
    single = ParsingUpstream.https(context);
    plain = RecordingUpstream.http();
    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    Files.writeString(dir.resolve("key"), KEY + "\n");
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        routes:
          - name: github
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: authorization, scheme: Bearer }
            secret: { file: key }
            rules:
              - { methods: [GET, HEAD], paths: ["/repos/acme/**", "/user"] }
              - { methods: [POST], paths: ["/repos/acme/*/issues"] }
          - name: metered
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: key }
            limits: { requestsPerMinute: 3 }
          - name: single
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: key }
            limits: { concurrent: 1 }
          - name: plain
            match: { host: localhost, port: %d }
            auth: { type: header, headerName: x-api-key }
            secret: { file: key }
            allowInsecureHttp: true
            rules: [ { methods: [GET], paths: ["/public/**"] } ]
        """
            .formatted(
                proxyPort, adminPort, github.port(), metered.port(), single.port(), plain.port());
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
      assertThat(everything).doesNotContain(KEY);
      assertThat(everything).as("Netty's leak detector, at paranoid").doesNotContain("LEAK:");
    }
    for (ParsingUpstream upstream : List.of(github, metered, single)) {
      upstream.close();
    }
    plain.close();
  }

  @BeforeEach
  void forget() {
    github.clear();
    metered.clear();
    single.clear();
    plain.clear();
  }

  private static RawProxyConnection.Response raw(ParsingUpstream upstream, String requestHead)
      throws Exception {
    try (RawProxyConnection agent =
        RawProxyConnection.intercepted(
            sidecar.proxyPort(), "localhost", upstream.port(), sidecarCa)) {
      return agent.send(head(upstream, requestHead)).response();
    }
  }

  private static String head(ParsingUpstream upstream, String requestLine) {
    return requestLine + " HTTP/1.1\r\nHost: localhost:" + upstream.port() + "\r\n\r\n";
  }

  private static void assertProblem(RawProxyConnection.Response response, int status, String code)
      throws Exception {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.headers()).containsEntry("x-keyrelay-error", code);
    assertThat(response.headers()).containsEntry("content-type", "application/problem+json");
    JsonNode problem = ProblemDetails.parse(response.body(), status);
    assertThat(problem.get("type").asText()).isEqualTo(ProblemDetails.type(code));
  }

  @ParameterizedTest(name = "{0} reaches the upstream as {1}")
  @CsvSource({
    "GET /user, /user",
    "GET /repos/acme/widgets, /repos/acme/widgets",
    "GET /repos//acme/./widgets?q=a/../b, /repos/acme/widgets?q=a/../b",
    "GET /repos/other/../acme/x, /repos/acme/x",
    "GET /repos/other/%2e%2E/acme/x, /repos/acme/x",
    "GET /%75ser, /user",
    "GET /repos/acme/caf%c3%a9, /repos/acme/caf%C3%A9",
    "POST /repos/acme/widgets/issues, /repos/acme/widgets/issues",
    "GET https://localhost:PORT/repos/acme/x?page=2, /repos/acme/x?page=2",
  })
  void anAllowedRequestGoesUpWithTheCredentialAndThePathAsChecked(String line, String target)
      throws Exception {
    String requestLine = line.replace("PORT", Integer.toString(github.port()));
    var response = raw(github, requestLine);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(github.requests()).hasSize(1);
    ParsingUpstream.Parsed received = github.requests().get(0);
    assertThat(received.target()).isEqualTo(target);
    assertThat(received.header("authorization")).containsExactly("Bearer " + KEY);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "DELETE /repos/acme/x",
        "POST /user",
        "get /user",
        "GET /users",
        "GET /user/keys",
        "GET /repos/acmex",
        "GET /repos/acme/../other",
        "GET /repos/acme/%2e%2e/other",
        "GET /repos/acme/x/%2E%2E/%2e%2e/../other/x",
        "POST /repos/acme/issues",
        "GET /?/repos/acme/x",
      })
  void aRequestNoRuleAllowsGets403AndNothingGoesUp(String line) throws Exception {
    assertProblem(raw(github, line), 403, "request_not_allowed");
    assertThat(github.requests()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "GET /repos/acme/..;/admin",
        "GET /repos/acme/x/.;/y",
        "GET /repos/acme%2Fx",
        "GET /repos/acme%2fx/../../admin",
        "GET /repos/acme/x%5C..%5Cadmin",
        "GET /repos/acme/x%00",
        "GET /repos/acme/%0d%0aX:y",
        "GET /../user",
        "GET /repos/acme/../../../user",
        "GET /repos/acme/%2e%2e/%2E%2E/%2e%2e/user",
        "GET /repos/acme/%zz",
        "GET /repos/acme/x%2",
        "GET *",
      })
  void anAmbiguousPathGets400AndNothingGoesUp(String line) throws Exception {
    assertProblem(raw(github, line), 400, "path_refused");
    assertThat(github.requests()).isEmpty();
  }

  @Test
  void aPipelinedRefusalComesAfterTheAnswerBeforeIt() throws Exception {
    try (RawProxyConnection agent =
        RawProxyConnection.intercepted(
            sidecar.proxyPort(), "localhost", github.port(), sidecarCa)) {
      agent.send(head(github, "GET /user") + head(github, "DELETE /user"));
      assertThat(agent.response().status()).isEqualTo(200);
      assertProblem(agent.response(), 403, "request_not_allowed");
      assertThat(agent.closedByPeer()).isTrue();
    }
    assertThat(github.requests()).extracting(ParsingUpstream.Parsed::method).containsExactly("GET");
  }

  @Test
  void curlOverHttp2SendsPathsAsIsAndGetsTheSameDecisions() throws Exception {
    String base = "https://localhost:" + github.port();
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "--http2",
            "--path-as-is",
            "--cacert",
            dir.resolve("ca/ca.crt").toString(),
            "-H",
            "Authorization: Bearer placeholder",
            "-w",
            " %{http_code} %{http_version}\n",
            base + "/repos/acme/../../user",
            base + "/repos/acme/%2e%2e/%2e%2e/admin",
            base + "/repos/acme/../../../user",
            base + "/repos/acme%2Fx");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    List<String> lines = run.stdout().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).endsWith(" 200 2");
    assertThat(lines.get(1))
        .endsWith(" 403 2")
        .contains(ProblemDetails.type("request_not_allowed"));
    assertThat(lines.get(2)).endsWith(" 400 2").contains(ProblemDetails.type("path_refused"));
    assertThat(lines.get(3)).endsWith(" 400 2").contains(ProblemDetails.type("path_refused"));
    assertThat(github.requests())
        .extracting(ParsingUpstream.Parsed::target)
        .containsExactly("/user");
  }

  @Test
  void plainHttpInAbsoluteFormIsCheckedByTheSameRules() throws Exception {
    String base = "http://localhost:" + plain.port();
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "--path-as-is",
            "-w",
            " %{http_code}\n",
            base + "/public/a//b?x=1",
            base + "/public/../private",
            base + "/private");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    List<String> lines = run.stdout().lines().toList();
    assertThat(lines.get(0)).endsWith(" 200");
    assertThat(lines.get(1)).endsWith(" 403").contains(ProblemDetails.type("request_not_allowed"));
    assertThat(lines.get(2)).endsWith(" 403");
    assertThat(plain.received())
        .extracting(RecordingUpstream.Received::uri)
        .containsExactly("/public/a/b?x=1");
    assertThat(plain.last().header("x-api-key")).isEqualTo(KEY);
  }

  @Test
  void pythonRequestsGetsTheProblemForADeniedMethod() throws Exception {
    String script =
        """
        import sys, requests
        proxies = {"https": sys.argv[2]}
        ok = requests.get(sys.argv[1] + "/repos/acme/x", proxies=proxies)
        denied = requests.delete(sys.argv[1] + "/repos/acme/x", proxies=proxies)
        print(ok.status_code, denied.status_code, denied.headers["Content-Type"],
              denied.json()["type"], denied.json()["route"])
        """;
    var run =
        Clients.run(
            List.of(
                Clients.python(),
                "-c",
                script,
                "https://localhost:" + github.port(),
                sidecar.proxyUrl()),
            Map.of("REQUESTS_CA_BUNDLE", dir.resolve("ca/ca.crt").toString()));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout().trim())
        .isEqualTo(
            "200 403 application/problem+json "
                + ProblemDetails.type("request_not_allowed")
                + " github");
    assertThat(github.requests()).extracting(ParsingUpstream.Parsed::method).containsExactly("GET");
  }

  @Test
  void overTheRateTheAgentGets429WithRetryAfterAndTheUpstreamOnlyTheAllowed() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(raw(metered, "GET /v1/" + i).status()).isEqualTo(200);
    }
    var limited = raw(metered, "GET /v1/3");
    raw(metered, "GET /v1/4");

    assertProblem(limited, 429, "rate_limited");
    long retryAfter = Long.parseLong(limited.headers().get("retry-after"));
    assertThat(retryAfter).isBetween(1L, 20L);
    assertThat(limited.headers())
        .containsEntry("ratelimit-policy", "\"per-minute\";q=3;w=60")
        .containsEntry("ratelimit", "\"per-minute\";r=0;t=" + retryAfter);
    assertThat(metered.requests())
        .extracting(ParsingUpstream.Parsed::target)
        .containsExactly("/v1/0", "/v1/1", "/v1/2");
    assertThat(sidecar.scrapeMetrics())
        .contains("keyrelay_requests_limited_total{limit=\"rate\",route=\"metered\"} 2.0");
  }

  @Test
  void aRequestInFlightHoldsTheOnlySlotUntilItsResponseEnds() throws Exception {
    try (RawProxyConnection slow =
        RawProxyConnection.intercepted(
            sidecar.proxyPort(), "localhost", single.port(), sidecarCa)) {
      slow.send(
          "POST /upload HTTP/1.1\r\nHost: localhost:"
              + single.port()
              + "\r\nContent-Length: 10\r\n\r\nhello");
      var refused = raw(single, "GET /second");
      assertProblem(refused, 429, "concurrency_limited");
      assertThat(refused.headers())
          .containsEntry("retry-after", "1")
          .containsEntry("ratelimit-policy", "\"concurrent\";q=1;qu=\"concurrent-requests\"");

      slow.send("world");
      assertThat(slow.response().status()).isEqualTo(200);
    }
    assertThat(raw(single, "GET /third").status()).isEqualTo(200);
    assertThat(single.requests())
        .extracting(ParsingUpstream.Parsed::target)
        .containsExactly("/upload", "/third");
  }
}
