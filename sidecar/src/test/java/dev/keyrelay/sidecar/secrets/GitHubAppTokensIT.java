package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.sidecar.testing.GitHubTestServer;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitHub App installation tokens through the packaged sidecar: our GitHub endpoint verifies the
 * App's JWT against its public key; one token serves the REST API (Bearer) and git over HTTPS
 * (basic, {@code x-access-token}); tokens live six seconds here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitHubAppTokensIT {

  private static final String APP_ID = "424242";
  private static final long INSTALLATION = 5150;
  private static final Duration LIFETIME = Duration.ofSeconds(6);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static GitHubTestServer github;
  static RecordingUpstream api;
  static RecordingUpstream git;
  static RecordingUpstream other;
  static SidecarProcess sidecar;
  static HttpClient client;
  static String appKeyPem;
  static final AtomicInteger refused = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("keyrelay test CA");
    var serverContext = TestPki.serverContext(pki.serverCertificate());
    KeyPair app = rsaKeyPair();
    appKeyPem = pem(app);
    github = GitHubTestServer.https(serverContext);
    github.app(APP_ID, (RSAPublicKey) app.getPublic(), INSTALLATION);
    github.tokenLifetime(LIFETIME);
    api = RecordingUpstream.https(serverContext);
    git = RecordingUpstream.https(serverContext);
    other = RecordingUpstream.https(serverContext);
    api.authorize(r -> accept(bearer(r.header("authorization"))));
    git.authorize(r -> accept(basicPassword(r.header("authorization"))));
    pki.writeCaPem(dir.resolve("test-ca.pem"));
    Files.writeString(dir.resolve("app-key.pem"), appKeyPem);
    Files.writeString(dir.resolve("other-key.pem"), pem(rsaKeyPair()));

    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String appSecret =
        """
              githubApp:
                appId: "%s"
                installationId: %d
                privateKey: { file: %%s }
                apiUrl: https://localhost:%d/
                repositories: [keyrelay, docs]
                permissions: { contents: read, pull_requests: write }
                caFile: test-ca.pem
        """
            .formatted(APP_ID, INSTALLATION, github.port());
    String config =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        routes:
          - name: api
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: header, headerName: Authorization, scheme: Bearer }
            secret:
        %s
          - name: git
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: basic, username: x-access-token }
            secret:
        %s
          - name: wrong-key
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: header, headerName: Authorization, scheme: Bearer }
            secret:
        %s
        """
            .formatted(
                proxyPort,
                adminPort,
                api.port(),
                appSecret.formatted("app-key.pem"),
                git.port(),
                appSecret.formatted("app-key.pem"),
                other.port(),
                appSecret.formatted("other-key.pem"));
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(file, config);
    sidecar = SidecarProcess.start(file, proxyPort, adminPort, Map.of());
    client = sidecar.client(dir.resolve("ca/ca.crt"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (sidecar != null) {
        String everything = sidecar.closeAndCollectOutput();
        assertThat(github.secrets()).isNotEmpty();
        assertThat(everything)
            .as("logs and metrics must not contain a token, a JWT or the App's key")
            .doesNotContain(github.secrets())
            .doesNotContain(appKeyPem.lines().skip(1).findFirst().orElseThrow(), "ghs_", "eyJ");
      }
    } finally {
      for (AutoCloseable c : List.of(github, api, git, other)) {
        c.close();
      }
    }
  }

  @Test
  @Order(1)
  void theRestApiGetsABearerInstallationTokenForTheConfiguredRepositoriesAndPermissions()
      throws Exception {
    assertThat(get(api).statusCode()).isEqualTo(200);

    assertThat(api.last().header("authorization")).startsWith("Bearer ghs_");
    assertThat(github.requests()).hasSize(1);
    JsonNode body = github.requests().get(0).body();
    assertThat(body.path("repositories").toString()).isEqualTo("[\"keyrelay\",\"docs\"]");
    assertThat(body.path("permissions").path("contents").asText()).isEqualTo("read");
    assertThat(body.path("permissions").path("pull_requests").asText()).isEqualTo("write");
    assertThat(github.refusedJwts()).isZero();
  }

  @Test
  @Order(2)
  void gitOverHttpsGetsTheSameTokenAsBasicAuthWithoutAnotherExchange() throws Exception {
    assertThat(get(git).statusCode()).isEqualTo(200);

    String token = api.last().header("authorization").substring("Bearer ".length());
    assertThat(basicPassword(git.last().header("authorization"))).isEqualTo(token);
    assertThat(git.last().header("authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8)));
    assertThat(github.requests()).hasSize(1);
  }

  @Test
  @Order(3)
  void tokensAreRenewedBeforeTheyExpireWithoutAFailedRequest() throws Exception {
    long end = System.nanoTime() + LIFETIME.multipliedBy(3).dividedBy(2).toNanos();
    while (System.nanoTime() < end) {
      assertThat(get(api).statusCode()).isEqualTo(200);
      assertThat(get(git).statusCode()).isEqualTo(200);
      Thread.sleep(100);
    }

    Set<String> presented = new HashSet<>();
    api.received().forEach(r -> presented.add(bearer(r.header("authorization"))));
    assertThat(presented).hasSizeGreaterThanOrEqualTo(2);
    assertThat(refused).as("an expired token reached an upstream").hasValue(0);
    assertThat(github.refusedJwts()).isZero();
  }

  @Test
  @Order(4)
  void aJwtSignedWithAnotherKeyIsRefusedAndTheRouteFailsClosed() throws Exception {
    int before = github.refusedJwts();

    HttpResponse<String> response = get(other);

    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("route").asText()).isEqualTo("wrong-key");
    assertThat(body.path("detail").asText())
        .startsWith("secret unavailable: ")
        .contains("refused the installation token (HTTP 401)");
    assertThat(github.refusedJwts()).isEqualTo(before + 1);
    assertThat(other.received()).isEmpty();
    assertThat(sidecar.scrapeMetrics())
        .contains(
            "keyrelay_token_refreshes_total{outcome=\"rejected\",route=\"wrong-key\","
                + "source=\"githubapp\"} 1.0");
  }

  private static boolean accept(String token) {
    boolean valid = github.valid(token);
    if (!valid) {
      refused.incrementAndGet();
    }
    return valid;
  }

  private static String bearer(String header) {
    return header != null && header.startsWith("Bearer ") ? header.substring(7) : null;
  }

  private static String basicPassword(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return null;
    }
    String pair =
        new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
    return pair.startsWith("x-access-token:") ? pair.substring("x-access-token:".length()) : null;
  }

  private static HttpResponse<String> get(RecordingUpstream upstream) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + upstream.port() + "/repos/x/y"))
            .header("Authorization", "Bearer placeholder")
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static KeyPair rsaKeyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  /** The key as GitHub hands it out: PKCS#1, "BEGIN RSA PRIVATE KEY". */
  private static String pem(KeyPair pair) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(pair);
    }
    return out.toString();
  }
}
