package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.sidecar.testing.OAuthTestServer;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * OAuth 2.0 access tokens through the packaged sidecar: our token endpoint issues tokens that live
 * three seconds and rotates refresh tokens; the upstreams accept only tokens that are valid at the
 * moment they arrive.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OAuth2TokensIT {

  private static final Duration LIFETIME = Duration.ofSeconds(3);
  private static final String LOGIN_CLIENT = "agent-cli";
  private static final String FIRST_REFRESH = "rt-initial-login-7c1e55";
  private static final String SERVICE_CLIENT = "billing-service";
  private static final String SERVICE_SECRET = "client-secret-3f9a0d61";
  private static final Pattern METRIC =
      Pattern.compile(
          "keyrelay_token_refreshes_total\\{outcome=\"ok\",route=\"login\",source=\"oauth2\"\\}"
              + " ([0-9.]+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static OAuthTestServer oauth;
  static RecordingUpstream login;
  static RecordingUpstream service;
  static SidecarProcess sidecar;
  static HttpClient client;
  static final AtomicInteger refused = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("keyrelay test CA");
    var serverContext = TestPki.serverContext(pki.serverCertificate());
    oauth = OAuthTestServer.https(serverContext);
    oauth.accessTokenLifetime(LIFETIME);
    oauth.rotateRefreshTokens(true);
    oauth.client(LOGIN_CLIENT, null);
    oauth.client(SERVICE_CLIENT, SERVICE_SECRET);
    oauth.issueRefreshToken(FIRST_REFRESH);
    login = RecordingUpstream.https(serverContext);
    service = RecordingUpstream.https(serverContext);
    for (RecordingUpstream upstream : List.of(login, service)) {
      upstream.authorize(
          r -> {
            String header = r.header("authorization");
            boolean valid =
                header != null
                    && header.startsWith("Bearer ")
                    && oauth.valid(header.substring("Bearer ".length()));
            if (!valid) {
              refused.incrementAndGet();
            }
            return valid;
          });
    }
    pki.writeCaPem(dir.resolve("test-ca.pem"));
    Files.writeString(dir.resolve("refresh-token"), FIRST_REFRESH + "\n");

    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        routes:
          - name: login
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: header, headerName: Authorization, scheme: Bearer }
            secret:
              oauth2:
                tokenUrl: https://localhost:%d/token
                grantType: refresh_token
                clientId: %s
                refreshToken: { file: refresh-token }
                caFile: test-ca.pem
          - name: service
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: header, headerName: Authorization, scheme: Bearer }
            secret:
              oauth2:
                tokenUrl: https://localhost:%d/token
                grantType: client_credentials
                clientId: %s
                clientSecret: { env: SERVICE_CLIENT_SECRET }
                scopes: [invoices.read, invoices.write]
                audience: https://billing.example
                caFile: test-ca.pem
        """
            .formatted(
                proxyPort,
                adminPort,
                login.port(),
                oauth.port(),
                LOGIN_CLIENT,
                service.port(),
                oauth.port(),
                SERVICE_CLIENT);
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(file, config);
    sidecar =
        SidecarProcess.start(
            file, proxyPort, adminPort, Map.of("SERVICE_CLIENT_SECRET", SERVICE_SECRET));
    client = sidecar.client(dir.resolve("ca/ca.crt"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (sidecar != null) {
        String everything = sidecar.closeAndCollectOutput();
        assertThat(oauth.allTokens()).hasSizeGreaterThan(3);
        assertThat(everything)
            .as("logs and metrics must not contain a token or a client secret")
            .doesNotContain(oauth.allTokens())
            .doesNotContain(SERVICE_SECRET);
      }
    } finally {
      for (AutoCloseable c : List.of(oauth, login, service)) {
        c.close();
      }
    }
  }

  @Test
  @Order(1)
  void concurrentFirstRequestsCauseOneTokenFetch() throws Exception {
    oauth.delay(Duration.ofSeconds(1));
    List<CompletableFuture<HttpResponse<String>>> first = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      first.add(client.sendAsync(request(service), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> response : first) {
      assertThat(response.get().statusCode()).isEqualTo(200);
    }
    oauth.delay(Duration.ZERO);

    assertThat(oauth.requests())
        .containsExactly(
            new OAuthTestServer.TokenRequest(
                "client_credentials",
                SERVICE_CLIENT,
                "invoices.read invoices.write",
                "https://billing.example"));
    assertThat(service.received()).hasSize(16);
    assertThat(refused).hasValue(0);
  }

  @Test
  @Order(2)
  void tokensRefreshAheadOfExpiryWithoutAFailedRequestAndRotatedRefreshTokensAreUsed()
      throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    int sent = 0;
    while (System.nanoTime() < end) {
      HttpResponse<String> response = get(login);
      assertThat(response.statusCode()).as("request %d", sent).isEqualTo(200);
      sent++;
      Thread.sleep(100);
    }

    Set<String> presented = new HashSet<>();
    login.received().forEach(r -> presented.add(r.header("authorization")));
    assertThat(presented).as("tokens of 3 s over 8 s").hasSizeGreaterThanOrEqualTo(3);
    assertThat(refused).as("an expired token reached an upstream").hasValue(0);
    long refreshes =
        oauth.requests().stream().filter(r -> r.grantType().equals("refresh_token")).count();
    // A refresh that finished after the last request issued a token nobody presented yet.
    assertThat(refreshes).isBetween((long) presented.size(), presented.size() + 1L);
    assertThat(oauth.requests())
        .filteredOn(r -> r.grantType().equals("refresh_token"))
        .allMatch(r -> r.client().equals(LOGIN_CLIENT));
  }

  @Test
  @Order(3)
  void refreshesAndTheCachedTokenAgeAreMetrics() throws Exception {
    String metrics = sidecar.scrapeMetrics();

    Matcher ok = METRIC.matcher(metrics);
    assertThat(ok.find()).as(metrics).isTrue();
    assertThat(Double.parseDouble(ok.group(1))).isGreaterThanOrEqualTo(3.0);
    assertThat(metrics)
        .contains("keyrelay_secret_fetch_age_seconds{route=\"login\",source=\"oauth2\"}")
        .doesNotContain("outcome=\"rejected\"");
  }

  @Test
  @Order(4)
  void aRevokedTokenCostsOneRefreshAndOneRetryOfAnIdempotentRequestOnly() throws Exception {
    String revoked = bearerAfter(get(login));
    oauth.revokeAccessTokens();
    int before = login.received().size();
    refused.set(0);

    HttpResponse<String> retried = get(login);

    assertThat(retried.statusCode()).isEqualTo(200);
    List<RecordingUpstream.Received> seen = login.received();
    assertThat(seen).hasSize(before + 2);
    assertThat(seen.get(before).header("authorization")).isEqualTo(revoked);
    assertThat(seen.get(before + 1).header("authorization")).isNotEqualTo(revoked);
    assertThat(refused).hasValue(1);

    oauth.revokeAccessTokens();
    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + login.port() + "/v1/items"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(post.statusCode()).as("a POST is never sent twice").isEqualTo(401);
    assertThat(login.received()).hasSize(before + 3);
    String postToken = login.received().get(before + 2).header("authorization");
    assertThat(get(login).statusCode()).isEqualTo(200);
    assertThat(login.received())
        .as("the POST's 401 dropped its token: the next GET goes once, with a new token")
        .hasSize(before + 4);
    assertThat(login.received().get(before + 3).header("authorization")).isNotEqualTo(postToken);
    refused.set(0);
  }

  @Test
  @Order(5)
  void withTheTokenServerDownPastTheTokensLifetimeRequestsFailClosedNamingTheRoute()
      throws Exception {
    // Wait for a refresh to land, so that the token in use is a fresh one.
    String before = bearerAfter(get(login));
    String fresh = before;
    while (fresh.equals(before)) {
      Thread.sleep(50);
      fresh = bearerAfter(get(login));
    }
    int port = oauth.port();
    oauth.close();
    HttpResponse<String> meanwhile = get(login);
    assertThat(meanwhile.statusCode()).isEqualTo(200);
    assertThat(login.last().header("authorization")).isEqualTo(fresh);
    int received = login.received().size();

    Thread.sleep(LIFETIME.toMillis() + 200);
    HttpResponse<String> closed = get(login);

    assertThat(closed.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(closed.body());
    assertThat(body.path("route").asText()).isEqualTo("login");
    assertThat(body.path("detail").asText())
        .startsWith("secret unavailable: ")
        .contains("oauth2 token endpoint https://localhost:" + port + "/token")
        .contains("could not be reached");
    assertThat(login.received()).hasSize(received);
    assertThat(refused).hasValue(0);
  }

  private static String bearerAfter(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return login.last().header("authorization");
  }

  private static HttpResponse<String> get(RecordingUpstream upstream) throws Exception {
    return client.send(request(upstream), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(RecordingUpstream upstream) {
    return HttpRequest.newBuilder(URI.create("https://localhost:" + upstream.port() + "/v1/items"))
        .header("Authorization", "Bearer placeholder-from-the-agent")
        .timeout(Duration.ofSeconds(10))
        .build();
  }
}
