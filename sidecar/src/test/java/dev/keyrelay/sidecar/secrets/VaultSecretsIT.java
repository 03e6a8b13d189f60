package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import dev.keyrelay.sidecar.testing.VaultTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vault secrets through the packaged sidecar: a local server speaking Vault's API over HTTPS, a
 * recording upstream, and a real HTTP client through the proxy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultSecretsIT {

  private static final String ROLE = "keyrelay-agent";
  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.sidecar-projected-token.c2ln";
  private static final String PATH = "secret/data/agents/internal";
  private static final String DENIED_PATH = "secret/data/agents/forbidden";
  private static final String FIRST = "vault-first-value-91c3e7";
  private static final String SECOND = "vault-second-value-5d2b80";
  private static final String LOCAL = "local-file-value-0a7e44";
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static VaultTestServer vault;
  static RecordingUpstream internal;
  static RecordingUpstream forbidden;
  static RecordingUpstream local;
  static SidecarProcess sidecar;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("keyrelay test CA");
    var serverContext = TestPki.serverContext(pki.serverCertificate());
    vault = VaultTestServer.https(serverContext);
    vault.acceptKubernetesLogin(ROLE, JWT);
    vault.put(PATH, Map.of("key", FIRST));
    vault.put(DENIED_PATH, Map.of("key", "never-served-value"));
    vault.deny(DENIED_PATH);
    internal = RecordingUpstream.https(serverContext);
    forbidden = RecordingUpstream.https(serverContext);
    local = RecordingUpstream.https(serverContext);
    pki.writeCaPem(dir.resolve("test-ca.pem"));
    Files.writeString(dir.resolve("sa-token"), JWT + "\n");
    Files.writeString(dir.resolve("local-secret"), LOCAL);

    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        secrets: { cacheTtl: %dms, staleGrace: %dms }
        routes:
          - name: internal
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: header, headerName: Authorization, scheme: Bearer }
            secret: { vault: { path: %s, field: key } }
          - name: forbidden
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { vault: { path: %s, field: key } }
          - name: local
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: local-secret }
        vault:
          address: https://localhost:%d
          namespace: agents
          caFile: test-ca.pem
          auth: { kubernetes: { role: %s, tokenFile: sa-token } }
        """
            .formatted(
                proxyPort,
                adminPort,
                TTL.toMillis(),
                GRACE.toMillis(),
                internal.port(),
                PATH,
                forbidden.port(),
                DENIED_PATH,
                local.port(),
                vault.port(),
                ROLE);
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
        assertThat(everything)
            .as("logs and metrics must not contain a secret or a credential")
            .doesNotContain(FIRST, SECOND, LOCAL, JWT, "never-served-value", "hvs.");
      }
    } finally {
      for (AutoCloseable c : List.of(vault, internal, forbidden, local)) {
        c.close();
      }
    }
  }

  @Test
  @Order(1)
  void logsInWithTheProjectedTokenAndInjectsTheVaultValue() throws Exception {
    HttpResponse<String> response = get(internal);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(internal.last().header("authorization")).isEqualTo("Bearer " + FIRST);
    assertThat(vault.logins()).containsExactly(new VaultTestServer.Login(ROLE, JWT));
    assertThat(vault.requests()).allMatch(r -> "agents".equals(r.namespace()));
  }

  @Test
  @Order(2)
  void aPolicyDenialIsAnImmediate503NamingTheRoute() throws Exception {
    int readsBefore = vault.reads();

    HttpResponse<String> response = get(forbidden);

    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("route").asText()).isEqualTo("forbidden");
    assertThat(body.path("detail").asText())
        .startsWith("secret unavailable: ")
        .contains("HTTP 403");
    assertThat(response.body()).doesNotContain("never-served-value");
    assertThat(vault.reads() - readsBefore).isEqualTo(1);
    assertThat(forbidden.received()).isEmpty();
  }

  @Test
  @Order(3)
  void aChangedValueIsPickedUpAfterTheTtl() throws Exception {
    get(internal);
    vault.put(PATH, Map.of("key", SECOND));
    get(internal);
    assertThat(internal.last().header("authorization")).isEqualTo("Bearer " + FIRST);

    Thread.sleep(TTL.toMillis() + 100);
    get(internal);

    assertThat(internal.last().header("authorization")).isEqualTo("Bearer " + SECOND);
  }

  @Test
  @Order(4)
  void aRevokedTokenLeadsToANewLogin() throws Exception {
    vault.revokeAllTokens();
    Thread.sleep(TTL.toMillis() + 100);

    HttpResponse<String> response = get(internal);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(internal.last().header("authorization")).isEqualTo("Bearer " + SECOND);
    assertThat(vault.logins()).hasSize(2).allMatch(l -> l.jwt().equals(JWT));
  }

  @Test
  @Order(5)
  void aSlowVaultIsAskedOnceAndDoesNotHoldUpOtherRoutes() throws Exception {
    Thread.sleep(TTL.toMillis() + 100);
    vault.readDelay(Duration.ofSeconds(2));
    int readsBefore = vault.reads();
    List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      slow.add(client.sendAsync(request(internal), HttpResponse.BodyHandlers.ofString()));
    }
    Thread.sleep(200);

    long started = System.nanoTime();
    HttpResponse<String> other = get(local);
    Duration otherTook = Duration.ofNanos(System.nanoTime() - started);

    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(otherTook).isLessThan(Duration.ofSeconds(1));
    for (CompletableFuture<HttpResponse<String>> f : slow) {
      assertThat(f.get().statusCode()).isEqualTo(200);
    }
    assertThat(vault.reads() - readsBefore).isEqualTo(1);
    vault.readDelay(Duration.ZERO);
  }

  @Test
  @Order(6)
  void duringAnOutageTheLastValueServesForTheGraceThenRequestsFailClosed() throws Exception {
    get(internal);
    long lastFetch = System.nanoTime();
    vault.close();
    Thread.sleep(TTL.toMillis() + 100);

    HttpResponse<String> stale = get(internal);
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(internal.last().header("authorization")).isEqualTo("Bearer " + SECOND);

    long graceEnds = lastFetch + TTL.plus(GRACE).toNanos();
    Thread.sleep(Math.max(0, (graceEnds - System.nanoTime()) / 1_000_000) + 200);
    HttpResponse<String> closed = get(internal);

    assertThat(closed.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(closed.body());
    assertThat(body.path("route").asText()).isEqualTo("internal");
    assertThat(body.path("detail").asText())
        .startsWith("secret unavailable: ")
        .contains("vault could not be reached");
    assertThat(closed.body()).doesNotContain(SECOND);
    assertThat(sidecar.scrapeMetrics())
        .contains(
            "keyrelay_secret_reads_total{outcome=\"stale\",route=\"internal\",source=\"vault\"}")
        .contains(
            "keyrelay_secret_reads_total{outcome=\"unavailable\",route=\"internal\",source=\"vault\"}")
        .contains("keyrelay_secret_cache_hits_total{route=\"internal\",source=\"vault\"}")
        .contains("keyrelay_secret_fetch_age_seconds{route=\"internal\",source=\"vault\"}")
        .contains("keyrelay_secret_fetch_age_seconds{route=\"local\",source=\"file\"}");
  }

  private static HttpResponse<String> get(RecordingUpstream upstream) throws Exception {
    return client.send(request(upstream), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(RecordingUpstream upstream) {
    return HttpRequest.newBuilder(URI.create("https://localhost:" + upstream.port() + "/v1/items"))
        .header("Authorization", "Bearer placeholder")
        .timeout(Duration.ofSeconds(15))
        .build();
  }
}
