package dev.keyrelay.sidecar.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * AWS STS on loopback over HTTPS, answering {@code AssumeRoleWithWebIdentity} (a form POST, the
 * query protocol) with the documented XML: temporary credentials of the {@link AwsTestAccount} that
 * expire after a lifetime of seconds, or for a token it does not accept {@code 400} with an {@code
 * ErrorResponse} whose code is {@code InvalidIdentityToken}.
 */
public final class StsTestServer implements AutoCloseable {

  private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

  private final HttpsServer server;
  private final AwsTestAccount account;
  private final String roleArn;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Set<String> acceptedTokens = ConcurrentHashMap.newKeySet();
  private final Set<String> presentedTokens = ConcurrentHashMap.newKeySet();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile Duration lifetime = Duration.ofHours(1);
  private volatile Duration delay = Duration.ZERO;

  private StsTestServer(HttpsServer server, AwsTestAccount account, String roleArn) {
    this.server = server;
    this.account = account;
    this.roleArn = roleArn;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** STS for an account in which {@code roleArn} trusts the web identity tokens it accepts. */
  public static StsTestServer https(SSLContext context, AwsTestAccount account, String roleArn)
      throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new StsTestServer(server, account, roleArn);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** A web identity token the role trusts, as the kubelet's projected token would be. */
  public void acceptToken(String token) {
    acceptedTokens.add(token);
  }

  public void credentialLifetime(Duration lifetime) {
    this.lifetime = lifetime;
  }

  /** Makes STS answer only after {@code delay}. */
  public void delay(Duration delay) {
    this.delay = delay;
  }

  /** How many AssumeRoleWithWebIdentity calls reached STS. */
  public int calls() {
    return calls.get();
  }

  /** Every web identity token presented so far, to search output for. */
  public Set<String> presentedTokens() {
    return Set.copyOf(presentedTokens);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Thread.sleep(delay.toMillis());
      Map<String, String> form =
          FormBodies.parse(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (!exchange.getRequestMethod().equals("POST")
          || !"AssumeRoleWithWebIdentity".equals(form.get("Action"))
          || !"2011-06-15".equals(form.get("Version"))) {
        error(exchange, 400, "InvalidAction", "Could not find operation");
        return;
      }
      calls.incrementAndGet();
      String token = form.get("WebIdentityToken");
      if (token != null) {
        presentedTokens.add(token);
      }
      if (form.get("RoleSessionName") == null) {
        error(exchange, 400, "ValidationError", "RoleSessionName is required");
      } else if (!roleArn.equals(form.get("RoleArn"))) {
        error(
            exchange,
            403,
            "AccessDenied",
            "Not authorized to perform sts:AssumeRoleWithWebIdentity");
      } else if (token == null || !acceptedTokens.contains(token)) {
        error(
            exchange,
            400,
            "InvalidIdentityToken",
            "Couldn't retrieve verification key from your identity provider");
      } else {
        issue(exchange, form.get("RoleSessionName"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void issue(HttpExchange exchange, String sessionName) throws IOException {
    AwsTestAccount.Key key = account.temporaryKey(lifetime);
    String role = roleArn.substring(roleArn.indexOf(":role/") + 6);
    String xml =
        """
        <AssumeRoleWithWebIdentityResponse xmlns="%s">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>system:serviceaccount:agents:agent</SubjectFromWebIdentityToken>
            <Audience>sts.amazonaws.com</Audience>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/%s/%s</Arn>
              <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:%s</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <SessionToken>%s</SessionToken>
              <SecretAccessKey>%s</SecretAccessKey>
              <Expiration>%s</Expiration>
              <AccessKeyId>%s</AccessKeyId>
            </Credentials>
            <Provider>oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE</Provider>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata>
            <RequestId>%s</RequestId>
          </ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """
            .formatted(
                NS,
                role,
                sessionName,
                sessionName,
                key.sessionToken(),
                key.secretAccessKey(),
                // STS writes whole seconds; truncating keeps the expiry no later than the real one.
                key.expires().truncatedTo(ChronoUnit.SECONDS),
                key.accessKeyId(),
                UUID.randomUUID());
    send(exchange, 200, xml);
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    String xml =
        """
        <ErrorResponse xmlns="%s">
          <Error>
            <Type>Sender</Type>
            <Code>%s</Code>
            <Message>%s</Message>
          </Error>
          <RequestId>%s</RequestId>
        </ErrorResponse>
        """
            .formatted(NS, code, message, UUID.randomUUID());
    send(exchange, status, xml);
  }

  private static void send(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
