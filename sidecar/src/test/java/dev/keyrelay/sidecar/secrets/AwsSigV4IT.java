package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.sidecar.testing.AwsTestAccount;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.SigV4TestUpstream;
import dev.keyrelay.sidecar.testing.StsTestServer;
import dev.keyrelay.sidecar.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * AWS SigV4 re-signing through the packaged sidecar: the agent signs with placeholder keys, as the
 * AWS SDK does when its environment holds placeholders; our Bedrock-shaped upstreams recompute each
 * signature with the account's real keys and refuse a wrong one with 403. One route signs with
 * stored keys, one with temporary credentials from our STS, which expire after eight seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AwsSigV4IT {

  private static final Duration LIFETIME = Duration.ofSeconds(8);
  private static final String ROLE = "arn:aws:iam::123456789012:role/agent-bedrock";
  private static final String WEB_IDENTITY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.projected-token-one.sig";
  private static final String ROTATED_TOKEN = "eyJhbGciOiJSUzI1NiJ9.projected-token-two.sig";
  private static final AwsSessionCredentialsIdentity PLACEHOLDER =
      AwsSessionCredentialsIdentity.create(
          "AKIAPLACEHOLDER00000", "placeholder-secret-key", "placeholder-session-token");
  private static final Instant AGENT_CLOCK = Instant.parse("2001-01-01T00:00:00Z");
  private static final String INVOKE = "/model/anthropic.claude-sonnet-4-5%3A0/invoke";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static AwsTestAccount account;
  static AwsTestAccount.Key staticKey;
  static StsTestServer sts;
  static SigV4TestUpstream keys;
  static SigV4TestUpstream role;
  static SigV4TestUpstream denied;
  static SidecarProcess sidecar;
  static HttpClient client;
  static SSLContext trustingTestCa;
  static String metrics = "";

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("keyrelay test CA");
    SSLContext serverContext = TestPki.serverContext(pki.serverCertificate());
    trustingTestCa = TestPki.trusting(pki.caCertificate());
    account = new AwsTestAccount();
    staticKey = account.longTermKey();
    sts = StsTestServer.https(serverContext, account, ROLE);
    sts.credentialLifetime(LIFETIME);
    sts.acceptToken(WEB_IDENTITY_TOKEN);
    sts.acceptToken(ROTATED_TOKEN);
    keys = SigV4TestUpstream.https(serverContext, account, "bedrock", "us-east-1");
    role = SigV4TestUpstream.https(serverContext, account, "bedrock", "us-east-1");
    denied = SigV4TestUpstream.https(serverContext, account, "bedrock", "us-east-1");
    pki.writeCaPem(dir.resolve("test-ca.pem"));
    Files.writeString(dir.resolve("access-key-id"), staticKey.accessKeyId() + "\n");
    Files.writeString(dir.resolve("token"), WEB_IDENTITY_TOKEN);
    Files.writeString(dir.resolve("untrusted-token"), "eyJhbGciOiJSUzI1NiJ9.not-trusted.sig");

    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        routes:
          - name: bedrock
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: awsSigV4, service: bedrock, region: us-east-1 }
            secret:
              aws:
                accessKeyId: { file: access-key-id }
                secretAccessKey: { env: REAL_AWS_SECRET_ACCESS_KEY }
          - name: bedrock-role
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: awsSigV4, service: bedrock, region: us-east-1 }
            secret:
              awsWebIdentity:
                roleArn: %s
                tokenFile: token
                stsUrl: https://localhost:%d
                caFile: test-ca.pem
          - name: bedrock-denied
            match: { host: localhost, port: %d }
            upstream: { caFile: test-ca.pem }
            auth: { type: awsSigV4, service: bedrock, region: us-east-1 }
            secret:
              awsWebIdentity:
                roleArn: %s
                tokenFile: untrusted-token
                stsUrl: https://localhost:%d
                caFile: test-ca.pem
        """
            .formatted(
                proxyPort,
                adminPort,
                keys.port(),
                role.port(),
                ROLE,
                sts.port(),
                denied.port(),
                ROLE,
                sts.port());
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(file, config);
    sidecar =
        SidecarProcess.start(
            file,
            proxyPort,
            adminPort,
            Map.of("REAL_AWS_SECRET_ACCESS_KEY", staticKey.secretAccessKey()));
    client = sidecar.client(dir.resolve("ca/ca.crt"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (sidecar != null) {
        String everything = sidecar.closeAndCollectOutput() + metrics;
        assertThat(account.secrets()).hasSizeGreaterThan(3);
        assertThat(everything)
            .as("no secret key, session token or web identity token in logs and metrics")
            .doesNotContain(account.secrets())
            .doesNotContain(sts.presentedTokens())
            .doesNotContain(WEB_IDENTITY_TOKEN, ROTATED_TOKEN);
      }
    } finally {
      for (AutoCloseable c : List.of(sts, keys, role, denied)) {
        c.close();
      }
    }
  }

  @Test
  @Order(1)
  void concurrentFirstRequestsMakeOneStsCall() throws Exception {
    sts.delay(Duration.ofSeconds(1));
    List<CompletableFuture<HttpResponse<String>>> first = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      first.add(client.sendAsync(invoke(role, "{\"n\":" + i + "}"), ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> response : first) {
      assertThat(response.get().statusCode()).isEqualTo(200);
    }
    sts.delay(Duration.ZERO);

    assertThat(sts.calls()).isEqualTo(1);
    assertThat(role.received()).hasSize(8).allMatch(r -> r.refusal() == null);
  }

  @Test
  @Order(2)
  void theUpstreamVerifiesTheRealSignatureWhileTheAgentSignedWithPlaceholders() throws Exception {
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    HttpResponse<String> direct =
        HttpClient.newBuilder()
            .sslContext(trustingTestCa)
            .build()
            .send(invoke(keys, body), ofString());
    assertThat(direct.statusCode()).as("placeholders alone are refused").isEqualTo(403);
    assertThat(direct.headers().firstValue("x-amzn-ErrorType"))
        .hasValue("UnrecognizedClientException");

    HttpResponse<String> proxied = client.send(invoke(keys, body), ofString());

    assertThat(proxied.statusCode()).as(proxied.body()).isEqualTo(200);
    SigV4TestUpstream.Received seen = keys.last();
    assertThat(seen.refusal()).isNull();
    assertThat(seen.uri()).isEqualTo(INVOKE);
    assertThat(seen.header("authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=" + staticKey.accessKeyId() + "/")
        .contains("/us-east-1/bedrock/aws4_request");
    assertThat(seen.header("x-amz-date")).doesNotStartWith("2001");
    assertThat(seen.header("x-amz-content-sha256")).isEqualTo(sha256(body.getBytes()));
    assertThat(seen.header("x-amz-security-token"))
        .as("long-term keys have no session token, and the agent's is not forwarded")
        .isNull();
    assertThat(seen.headers().values().toString()).doesNotContainIgnoringCase("placeholder");
  }

  @Test
  @Order(3)
  void bodiesOverTheLimitAndChunkedOnesAreSignedAsUnsignedPayload() throws Exception {
    int before = keys.received().size();
    byte[] small = new byte[1024 * 1024];
    assertThat(client.send(invoke(keys, small), ofString()).statusCode()).isEqualTo(200);
    assertThat(keys.last().header("x-amz-content-sha256")).isEqualTo(sha256(small));

    byte[] large = new byte[10 * 1024 * 1024 + 1];
    HttpResponse<String> over = client.send(invoke(keys, large), ofString());
    assertThat(over.statusCode()).as(over.body()).isEqualTo(200);
    assertThat(keys.last().header("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
    assertThat(keys.last().bodyBytes()).isEqualTo(large.length);

    HttpRequest chunked =
        agent(uri(keys, INVOKE), small)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small)))
            .build();
    assertThat(client.send(chunked, ofString()).statusCode()).isEqualTo(200);
    assertThat(keys.last().header("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
    assertThat(keys.last().bodyBytes()).isEqualTo(small.length);
    assertThat(keys.received().subList(before, keys.received().size()))
        .hasSize(3)
        .allMatch(r -> r.refusal() == null);
  }

  @Test
  @Order(4)
  void anEventStreamReachesTheAgentBeforeTheUpstreamHasFinished() throws Exception {
    CountDownLatch rest = new CountDownLatch(1);
    keys.holdStreams(rest);
    HttpRequest request =
        agent(
                uri(keys, "/model/anthropic.claude-sonnet-4-5%3A0/invoke-with-response-stream"),
                "{}".getBytes())
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream events = response.body()) {
      byte[] first =
          CompletableFuture.supplyAsync(() -> readN(events, SigV4TestUpstream.FIRST_EVENT.length))
              .get(10, TimeUnit.SECONDS);
      assertThat(first).isEqualTo(SigV4TestUpstream.FIRST_EVENT);
      assertThat(rest.getCount()).as("the upstream is still holding the rest").isEqualTo(1);
      rest.countDown();
      assertThat(events.readAllBytes()).isEqualTo(SigV4TestUpstream.LAST_EVENT);
    }
  }

  @Test
  @Order(5)
  void aWebIdentityTokenStsRefusesGives503WithItsErrorCodeOnly() throws Exception {
    HttpResponse<String> response = client.send(invoke(denied, "{}"), ofString());

    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("route").asText()).isEqualTo("bedrock-denied");
    assertThat(problem.path("detail").asText())
        .isEqualTo(
            "secret unavailable: aws sts https://localhost:"
                + sts.port()
                + " refused the web identity token (HTTP 400 InvalidIdentityToken)");
    assertThat(denied.received()).isEmpty();
  }

  @Test
  @Order(6)
  void credentialsRefreshWithoutAFailedRequestAndTheRotatedTokenFileIsRead() throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int sent = 0;
    boolean rotated = false;
    while (System.nanoTime() < end) {
      if (!rotated && System.nanoTime() > end - Duration.ofSeconds(10).toNanos()) {
        // The kubelet replaces the projected token file.
        Files.writeString(dir.resolve("token"), ROTATED_TOKEN);
        rotated = true;
      }
      HttpResponse<String> response = client.send(invoke(role, "{}"), ofString());
      assertThat(response.statusCode()).as("request %d: %s", sent, response.body()).isEqualTo(200);
      sent++;
      Thread.sleep(200);
    }

    Set<String> keyIds = new HashSet<>();
    role.received()
        .forEach(r -> keyIds.add(r.header("authorization").split("Credential=")[1].split("/")[0]));
    assertThat(keyIds).as("credentials of 8 s over 20 s").hasSizeGreaterThanOrEqualTo(3);
    assertThat(role.received())
        .as("expired credentials never reached the upstream")
        .allMatch(r -> r.refusal() == null);
    assertThat(sts.presentedTokens()).contains(WEB_IDENTITY_TOKEN, ROTATED_TOKEN);
    metrics = sidecar.scrapeMetrics();
    assertThat(metrics)
        .contains(
            "keyrelay_token_refreshes_total{outcome=\"ok\",route=\"bedrock-role\",source=\"awswebidentity\"}");
  }

  @Test
  @Order(7)
  void withStsDownPastTheCredentialsLifetimeRequestsFailClosedNamingTheRoute() throws Exception {
    String before = keyIdAfter(client.send(invoke(role, "{}"), ofString()));
    String fresh = before;
    while (fresh.equals(before)) {
      Thread.sleep(50);
      fresh = keyIdAfter(client.send(invoke(role, "{}"), ofString()));
    }
    int port = sts.port();
    sts.close();
    assertThat(keyIdAfter(client.send(invoke(role, "{}"), ofString()))).isEqualTo(fresh);
    int received = role.received().size();

    Thread.sleep(LIFETIME.toMillis() + 200);
    HttpResponse<String> closed = client.send(invoke(role, "{}"), ofString());

    assertThat(closed.statusCode()).isEqualTo(503);
    JsonNode problem = JSON.readTree(closed.body());
    assertThat(problem.path("route").asText()).isEqualTo("bedrock-role");
    assertThat(problem.path("detail").asText())
        .startsWith("secret unavailable: aws sts https://localhost:" + port)
        .contains("could not be reached");
    assertThat(closed.body()).doesNotContain(account.secrets());
    assertThat(role.received()).hasSize(received).allMatch(r -> r.refusal() == null);
  }

  private static String keyIdAfter(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return role.last().header("authorization").split("Credential=")[1].split("/")[0];
  }

  private static HttpRequest invoke(SigV4TestUpstream upstream, String body) {
    return invoke(upstream, body.getBytes());
  }

  private static HttpRequest invoke(SigV4TestUpstream upstream, byte[] body) {
    return agent(uri(upstream, INVOKE), body)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static URI uri(SigV4TestUpstream upstream, String path) {
    return URI.create("https://localhost:" + upstream.port() + path);
  }

  /** A request as the AWS SDK signs it with the placeholder keys of the agent's environment. */
  private static HttpRequest.Builder agent(URI uri, byte[] body) {
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(PLACEHOLDER)
                        .request(
                            SdkHttpRequest.builder()
                                .uri(uri)
                                .method(SdkHttpMethod.POST)
                                .putHeader("Content-Type", "application/json")
                                .build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                        .putProperty(
                            AwsV4HttpSigner.SIGNING_CLOCK,
                            Clock.fixed(AGENT_CLOCK, ZoneOffset.UTC)))
            .request();
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    signed.forEachHeader(
        (name, values) -> {
          if (!name.equalsIgnoreCase("host")) {
            values.forEach(v -> request.header(name, v));
          }
        });
    return request;
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static byte[] readN(InputStream in, int n) {
    try {
      return in.readNBytes(n);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
