package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.ProblemDetails;
import dev.keyrelay.sidecar.testing.RawProxyConnection;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proxy.tokens} through the packaged jar: curl, Python requests and raw sockets with and
 * without a token, the 407 challenge, the token's name in the audit line, and no token value in
 * anything the sidecar printed.
 */
class ProxyTokensIT {

  private static final String KEY = "sk-behind-tokens-51c0";
  private static final String LAPTOP_TOKEN = "kpt-laptop-0b6e9d2a";
  private static final String CI_TOKEN = "kpt-ci-77d1f4e0";
  private static final String ROTATED_TOKEN = "kpt-laptop-rotated-3aa1";
  private static final String ADDED_TOKEN = "kpt-added-on-reload-9e02";

  @TempDir static Path dir;
  static RecordingUpstream api;
  static RecordingUpstream plain;
  static SidecarProcess sidecar;
  static Path sidecarCa;
  static String config;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("tokens upstream CA");
    api = RecordingUpstream.https(TestPki.serverContext(pki.serverCertificate()));
    plain = RecordingUpstream.http();
    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    Files.writeString(dir.resolve("key"), KEY + "\n");
    Files.writeString(dir.resolve("laptop-token"), LAPTOP_TOKEN + "\n");
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    Path file = dir.resolve("keyrelay.yaml");
    config =
        """
        proxy:
          listen: "127.0.0.1:%d"
          tokens:
            - { name: laptop, secret: { file: laptop-token } }
            - { name: ci, secret: { env: KEYRELAY_CI_PROXY_TOKEN } }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        routes:
          - name: api
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: key }
          - name: plain
            match: { host: localhost, port: %d }
            auth: { type: header, headerName: x-api-key }
            secret: { file: key }
            allowInsecureHttp: true
        """
            .formatted(proxyPort, adminPort, api.port(), plain.port());
    Files.writeString(file, config);
    sidecar =
        SidecarProcess.start(
            file,
            proxyPort,
            adminPort,
            Map.of("KEYRELAY_CI_PROXY_TOKEN", CI_TOKEN),
            "-Dio.netty.leakDetection.level=paranoid");
    sidecarCa = dir.resolve("ca/ca.crt");
  }

  @AfterAll
  static void stop() throws Exception {
    if (sidecar != null) {
      String everything = sidecar.closeAndCollectOutput();
      assertThat(everything)
          .doesNotContain(KEY)
          .doesNotContain(LAPTOP_TOKEN)
          .doesNotContain(CI_TOKEN)
          .doesNotContain(ROTATED_TOKEN)
          .doesNotContain(ADDED_TOKEN)
          .as("Netty's leak detector, at paranoid")
          .doesNotContain("LEAK:");
    }
    api.close();
    plain.close();
  }

  @BeforeEach
  void forget() {
    api.clear();
    plain.clear();
  }

  private static String apiUrl() {
    return "https://localhost:" + api.port() + "/v1/models";
  }

  @Test
  void curlWithoutATokenGets407WithBothChallengesAndNothingIsSent() throws Exception {
    var run = Clients.curl(sidecar.proxyUrl(), "-v", "--cacert", sidecarCa.toString(), apiUrl());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr())
        .contains("< HTTP/1.1 407")
        .contains("< proxy-authenticate: Basic realm=\"keyrelay\"")
        .contains("< proxy-authenticate: Bearer realm=\"keyrelay\"");
    assertThat(api.received()).isEmpty();
  }

  @Test
  void curlWithTheTokenAsProxyPasswordIsInjectedAndAuditedUnderTheTokenName() throws Exception {
    var run =
        Clients.curl(
            sidecar.proxyUrl(),
            "--proxy-user",
            "anyone:" + LAPTOP_TOKEN,
            "--cacert",
            sidecarCa.toString(),
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            apiUrl());

    assertThat(run.stdout()).as(run.stderr()).isEqualTo("200");
    assertThat(api.last().header("x-api-key")).isEqualTo(KEY);
    assertThat(api.last().headers()).doesNotContainKey("proxy-authorization");
    Predicate<String> auditLine =
        line ->
            line.contains("\"decision\":\"injected\"")
                && line.contains("\"proxy_token\":\"laptop\"")
                && line.contains("\"route\":\"api\"");
    assertThat(sidecar.logsOnceThey(logs -> logs.lines().anyMatch(auditLine)).lines())
        .anyMatch(auditLine);
  }

  @Test
  void pythonRequestsWithCredentialsInTheProxyUrlIsAdmittedAsTheOtherToken() throws Exception {
    String script =
        """
        import sys, requests
        r = requests.get(sys.argv[1], proxies={"https": sys.argv[2]})
        print(r.status_code)
        """;
    String proxyUrl = "http://agent:" + CI_TOKEN + "@127.0.0.1:" + sidecar.proxyPort();
    var run =
        Clients.run(
            List.of(Clients.python(), "-c", script, apiUrl(), proxyUrl),
            Map.of("REQUESTS_CA_BUNDLE", sidecarCa.toString()));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout().trim()).isEqualTo("200");
    assertThat(api.last().header("x-api-key")).isEqualTo(KEY);
    assertThat(sidecar.logsOnceThey(logs -> logs.contains("\"proxy_token\":\"ci\"")))
        .contains("\"proxy_token\":\"ci\"");
  }

  @Test
  void aWrongTokenGets407AsProblemDetails() throws Exception {
    try (RawProxyConnection agent = RawProxyConnection.plain(sidecar.proxyPort())) {
      RawProxyConnection.Response response =
          agent
              .send(
                  "CONNECT localhost:%d HTTP/1.1\r\nHost: localhost:%d\r\nProxy-Authorization: Bearer %s\r\n\r\n"
                      .formatted(api.port(), api.port(), LAPTOP_TOKEN + "x"))
              .response();

      assertThat(response.status()).isEqualTo(407);
      assertThat(response.headers())
          .containsEntry("x-keyrelay-error", "proxy_authentication_required")
          .containsEntry("content-type", "application/problem+json");
      JsonNode problem = ProblemDetails.parse(response.body(), 407);
      assertThat(problem.get("type").asText())
          .isEqualTo(ProblemDetails.type("proxy_authentication_required"));
      assertThat(response.body()).doesNotContain(LAPTOP_TOKEN);
      assertThat(agent.closedByPeer()).isTrue();
    }
  }

  @Test
  void aBearerTokenAdmitsAPlainHttpRequestAndIsNotForwarded() throws Exception {
    try (RawProxyConnection agent = RawProxyConnection.plain(sidecar.proxyPort())) {
      RawProxyConnection.Response response =
          agent
              .send(
                  "GET http://localhost:%d/status HTTP/1.1\r\nHost: localhost:%d\r\nProxy-Authorization: bearer %s\r\n\r\n"
                      .formatted(plain.port(), plain.port(), CI_TOKEN))
              .response();

      assertThat(response.status()).isEqualTo(200);
    }
    assertThat(plain.last().header("x-api-key")).isEqualTo(KEY);
    assertThat(plain.last().headers()).doesNotContainKey("proxy-authorization");
  }

  @Test
  void requestsPipelinedBehindARefusedOneAreDropped() throws Exception {
    String unauthenticated =
        "GET http://localhost:%d/first HTTP/1.1\r\nHost: localhost:%d\r\n\r\n"
            .formatted(plain.port(), plain.port());
    String authenticated =
        "GET http://localhost:%d/second HTTP/1.1\r\nHost: localhost:%d\r\nProxy-Authorization: Bearer %s\r\n\r\n"
            .formatted(plain.port(), plain.port(), CI_TOKEN);
    try (RawProxyConnection agent = RawProxyConnection.plain(sidecar.proxyPort())) {
      RawProxyConnection.Response response = agent.send(unauthenticated + authenticated).response();

      assertThat(response.status()).isEqualTo(407);
      assertThat(agent.closedByPeer()).isTrue();
    }
    assertThat(plain.received()).isEmpty();
  }

  @Test
  void aRotatedTokenFileAppliesToTheNextConnection() throws Exception {
    Path tokenFile = dir.resolve("laptop-token");
    try {
      Files.writeString(tokenFile, ROTATED_TOKEN + "\n");

      assertThat(statusWithToken(LAPTOP_TOKEN)).isEqualTo(407);
      assertThat(statusWithToken(ROTATED_TOKEN)).isEqualTo(200);
    } finally {
      Files.writeString(tokenFile, LAPTOP_TOKEN + "\n");
    }
  }

  @Test
  void aTokenAddedByAReloadAdmitsWithoutARestart() throws Exception {
    Files.writeString(dir.resolve("added-token"), ADDED_TOKEN);
    try {
      assertThat(statusWithToken(ADDED_TOKEN)).isEqualTo(407);

      reload(
          config.replace(
              "  tokens:\n", "  tokens:\n    - { name: added, secret: { file: added-token } }\n"));

      assertThat(statusWithToken(ADDED_TOKEN)).isEqualTo(200);
      assertThat(sidecar.logsOnceThey(logs -> logs.contains("\"proxy_token\":\"added\"")))
          .contains("\"proxy_token\":\"added\"");
      assertThat(sidecar.logs()).doesNotContain("take effect only after a restart");
    } finally {
      reload(config);
    }
    assertThat(statusWithToken(ADDED_TOKEN)).isEqualTo(407);
  }

  /** Writes the config and waits for the sidecar's next "config reloaded" line. */
  private static void reload(String text) throws Exception {
    long before = reloads(sidecar.logs());
    Files.writeString(dir.resolve("keyrelay.yaml"), text);
    assertThat(reloads(sidecar.logsOnceThey(logs -> reloads(logs) > before))).isGreaterThan(before);
  }

  private static long reloads(String logs) {
    return logs.lines().filter(line -> line.contains("config reloaded")).count();
  }

  private static int statusWithToken(String token) throws Exception {
    try (RawProxyConnection agent = RawProxyConnection.plain(sidecar.proxyPort())) {
      return agent
          .send(
              "GET http://localhost:%d/ HTTP/1.1\r\nHost: localhost:%d\r\nProxy-Authorization: Basic %s\r\n\r\n"
                  .formatted(
                      plain.port(),
                      plain.port(),
                      Base64.getEncoder()
                          .encodeToString(("u:" + token).getBytes(StandardCharsets.UTF_8))))
          .response()
          .status();
    }
  }
}
