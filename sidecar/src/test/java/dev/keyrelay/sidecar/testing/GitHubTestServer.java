package dev.keyrelay.sidecar.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * GitHub's REST endpoint for App installation tokens on loopback over HTTPS: {@code POST
 * /app/installations/{id}/access_tokens} verifies the App's RS256 JWT against its public key
 * (issuer, signature, at most ten minutes of validity) and answers 201 with {@code token} and
 * {@code expires_at}, or GitHub's 401 and 404 bodies.
 */
public final class GitHubTestServer implements AutoCloseable {

  /** One accepted token request: the installation and the JSON body the App sent. */
  public record TokenRequest(long installationId, JsonNode body) {}

  private static final Pattern PATH = Pattern.compile("/app/installations/([0-9]+)/access_tokens");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  private final Set<String> jwts = ConcurrentHashMap.newKeySet();
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
  private volatile String appId;
  private volatile RSAPublicKey publicKey;
  private volatile long installationId;
  private volatile Duration lifetime = Duration.ofHours(1);
  private volatile int refusedJwts;

  private GitHubTestServer(HttpsServer server) {
    this.server = server;
    server.createContext("/app/installations/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static GitHubTestServer https(SSLContext context) throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new GitHubTestServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Registers the App and the one installation it may get tokens for. */
  public void app(String id, RSAPublicKey key, long installation) {
    this.appId = id;
    this.publicKey = key;
    this.installationId = installation;
  }

  public void tokenLifetime(Duration lifetime) {
    this.lifetime = lifetime;
  }

  /** Whether the installation token was issued here and has not expired. */
  public boolean valid(String token) {
    Instant expires = token == null ? null : tokens.get(token);
    return expires != null && Instant.now().isBefore(expires);
  }

  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  /** How many requests carried a JWT that did not verify. */
  public int refusedJwts() {
    return refusedJwts;
  }

  /** Every token and JWT seen, to search output for. */
  public Set<String> secrets() {
    Set<String> all = ConcurrentHashMap.newKeySet();
    all.addAll(tokens.keySet());
    all.addAll(jwts);
    return all;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
      if (!exchange.getRequestMethod().equals("POST") || !path.matches()) {
        message(exchange, 404, "Not Found");
        return;
      }
      String header = exchange.getRequestHeaders().getFirst("Authorization");
      String jwt = header != null && header.startsWith("Bearer ") ? header.substring(7) : null;
      if (jwt != null) {
        jwts.add(jwt);
      }
      if (!verified(jwt)) {
        refusedJwts++;
        message(exchange, 401, "A JSON web token could not be decoded");
        return;
      }
      long installation = Long.parseLong(path.group(1));
      if (installation != installationId) {
        message(exchange, 404, "Not Found");
        return;
      }
      JsonNode request = JSON.readTree(body.length == 0 ? "{}".getBytes() : body);
      requests.add(new TokenRequest(installation, request));
      String token = "ghs_" + UUID.randomUUID().toString().replace("-", "");
      Instant expires = Instant.now().plus(lifetime);
      tokens.put(token, expires);
      ObjectNode answer = JSON.createObjectNode();
      answer.put("token", token);
      answer.put("expires_at", expires.truncatedTo(ChronoUnit.SECONDS).toString());
      answer.set("permissions", request.path("permissions"));
      answer.put("repository_selection", request.has("repositories") ? "selected" : "all");
      send(exchange, 201, answer);
    }
  }

  private boolean verified(String jwt) {
    if (jwt == null) {
      return false;
    }
    try {
      SignedJWT signed = SignedJWT.parse(jwt);
      JWTClaimsSet claims = signed.getJWTClaimsSet();
      Date now = new Date();
      return signed.getHeader().getAlgorithm().equals(JWSAlgorithm.RS256)
          && signed.verify(new RSASSAVerifier(publicKey))
          && appId.equals(claims.getIssuer())
          && claims.getIssueTime() != null
          && claims.getExpirationTime() != null
          && claims.getIssueTime().before(now)
          && claims.getExpirationTime().after(now)
          && claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()
              <= Duration.ofMinutes(10).toMillis();
    } catch (ParseException | JOSEException e) {
      return false;
    }
  }

  private static void message(HttpExchange exchange, int status, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("message", message);
    body.put("documentation_url", "https://docs.github.com/rest");
    body.put("status", String.valueOf(status));
    send(exchange, status, body);
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    JsonAnswers.send(exchange, status, body, "application/json; charset=utf-8");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
