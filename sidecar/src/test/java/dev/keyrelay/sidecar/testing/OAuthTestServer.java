package dev.keyrelay.sidecar.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * An OAuth 2.0 authorization server's token endpoint on loopback over HTTPS ({@code POST /token}),
 * with RFC 6749's shapes and status codes: client credentials (section 4.4) and refresh token
 * (section 6) grants, HTTP Basic client authentication or a public client's {@code client_id},
 * {@code 400 invalid_grant}, {@code 401 invalid_client}. Access tokens expire after a lifetime of
 * seconds; refresh tokens can rotate on every use, the old one then being refused.
 */
public final class OAuthTestServer implements AutoCloseable {

  /** One token request as the server saw it; {@code client} is the authenticated client id. */
  public record TokenRequest(String grantType, String client, String scope, String audience) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, String> clients = new ConcurrentHashMap<>();
  private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
  private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
  private final Set<String> everIssued = ConcurrentHashMap.newKeySet();
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
  private volatile Duration lifetime = Duration.ofHours(1);
  private volatile boolean rotateRefreshTokens;
  private volatile Duration delay = Duration.ZERO;

  private OAuthTestServer(HttpsServer server) {
    this.server = server;
    server.createContext("/token", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static OAuthTestServer https(SSLContext context) throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new OAuthTestServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Registers a client; a null secret makes it a public client. */
  public void client(String id, String secret) {
    clients.put(id, secret == null ? "" : secret);
  }

  /** A refresh token the server accepts, as one from an earlier interactive login. */
  public void issueRefreshToken(String token) {
    refreshTokens.add(token);
    everIssued.add(token);
  }

  public void accessTokenLifetime(Duration lifetime) {
    this.lifetime = lifetime;
  }

  /** Makes each refresh replace the refresh token used, which is refused from then on. */
  public void rotateRefreshTokens(boolean rotate) {
    this.rotateRefreshTokens = rotate;
  }

  /** Makes the token endpoint answer only after {@code delay}. */
  public void delay(Duration delay) {
    this.delay = delay;
  }

  /** Whether the access token was issued here and has not expired. */
  public boolean valid(String accessToken) {
    Instant expires = accessToken == null ? null : accessTokens.get(accessToken);
    return expires != null && Instant.now().isBefore(expires);
  }

  /** Revokes every access token issued so far, as a provider does on a password change. */
  public void revokeAccessTokens() {
    accessTokens.clear();
  }

  /** Every access and refresh token issued or accepted so far, to search output for. */
  public Set<String> allTokens() {
    return Set.copyOf(everIssued);
  }

  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Thread.sleep(delay.toMillis());
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      Map<String, String> form =
          FormBodies.parse(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String grant = form.get("grant_type");
      String client = authenticate(exchange, form);
      requests.add(new TokenRequest(grant, client, form.get("scope"), form.get("audience")));
      if (client == null) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"token\"");
        error(exchange, 401, "invalid_client");
        return;
      }
      if ("client_credentials".equals(grant)) {
        if (clients.get(client).isEmpty()) {
          error(exchange, 400, "unauthorized_client");
          return;
        }
        issue(exchange, null);
      } else if ("refresh_token".equals(grant)) {
        String presented = form.get("refresh_token");
        if (presented == null) {
          error(exchange, 400, "invalid_request");
        } else if (!refreshTokens.contains(presented)) {
          error(exchange, 400, "invalid_grant");
        } else if (rotateRefreshTokens) {
          refreshTokens.remove(presented);
          String next = "rt-" + UUID.randomUUID();
          refreshTokens.add(next);
          everIssued.add(next);
          issue(exchange, next);
        } else {
          issue(exchange, null);
        }
      } else {
        error(exchange, 400, grant == null ? "invalid_request" : "unsupported_grant_type");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The client id when the request authenticates a registered client, else null. */
  private String authenticate(HttpExchange exchange, Map<String, String> form) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header != null && header.startsWith("Basic ")) {
      String pair =
          new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      String id = FormBodies.decode(pair.substring(0, colon));
      String secret = FormBodies.decode(pair.substring(colon + 1));
      return !secret.isEmpty() && secret.equals(clients.get(id)) ? id : null;
    }
    String id = form.get("client_id");
    return id != null && "".equals(clients.get(id)) ? id : null;
  }

  private void issue(HttpExchange exchange, String rotatedRefreshToken) throws IOException {
    String token = "at-" + UUID.randomUUID();
    accessTokens.put(token, Instant.now().plus(lifetime));
    everIssued.add(token);
    ObjectNode body = JSON.createObjectNode();
    body.put("access_token", token);
    body.put("token_type", "Bearer");
    body.put("expires_in", lifetime.toSeconds());
    if (rotatedRefreshToken != null) {
      body.put("refresh_token", rotatedRefreshToken);
    }
    send(exchange, 200, body);
  }

  private void error(HttpExchange exchange, int status, String code) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", code);
    send(exchange, status, body);
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    // RFC 6749 section 5.1: token answers are never cached.
    JsonAnswers.send(
        exchange,
        status,
        body,
        "application/json;charset=UTF-8",
        "Cache-Control",
        "no-store",
        "Pragma",
        "no-cache");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
