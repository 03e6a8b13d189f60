package dev.keyrelay.sidecar.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for HashiCorp Vault on loopback that speaks the part of its HTTP API the sidecar uses,
 * with Vault's documented JSON shapes and status codes: {@code POST /v1/auth/kubernetes/login},
 * {@code GET /v1/auth/token/lookup-self}, {@code POST /v1/auth/token/renew-self}, KV v2 reads
 * {@code GET /v1/<mount>/data/<name>}, and the database secrets engine: {@code GET
 * /v1/<mount>/creds/<role>} and {@code PUT /v1/sys/leases/renew} (see {@link VaultDatabaseEngine}).
 * Tokens expire after their TTL and can be revoked.
 */
public final class VaultTestServer implements AutoCloseable {

  /** One request as Vault saw it; {@code namespace} is the X-Vault-Namespace header. */
  public record Request(String method, String path, String namespace) {}

  /** The credentials of one Kubernetes login. */
  public record Login(String role, String jwt) {}

  /**
   * A role of the database secrets engine, as {@code vault write <mount>/roles/<name>} defines it;
   * statements use Vault's {@code {{name}}}, {@code {{password}}} and {@code {{expiration}}}.
   *
   * @param jdbcUrl how the engine reaches the database as an administrator
   */
  public record DatabaseRole(
      String jdbcUrl,
      List<String> creationStatements,
      List<String> renewStatements,
      List<String> revocationStatements,
      Duration defaultTtl,
      Duration maxTtl) {}

  /** Credentials the database engine issued. */
  public record DatabaseLease(String leaseId, String username, String password, Duration ttl) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
  private final Set<String> denied = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Login> logins = new CopyOnWriteArrayList<>();
  private final AtomicInteger renewals = new AtomicInteger();
  private final AtomicInteger reads = new AtomicInteger();
  private final VaultDatabaseEngine database = new VaultDatabaseEngine();
  private volatile String role = "keyrelay-agent";
  private volatile String jwt = "unset";
  private volatile Duration tokenTtl = Duration.ofHours(1);
  private volatile Duration readDelay = Duration.ZERO;

  private VaultTestServer(HttpServer server) {
    this.server = server;
    server.createContext("/v1/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static VaultTestServer http() throws IOException {
    return new VaultTestServer(
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64));
  }

  public static VaultTestServer https(SSLContext context) throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new VaultTestServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Which role and service-account JWT a Kubernetes login must present. */
  public void acceptKubernetesLogin(String role, String jwt) {
    this.role = role;
    this.jwt = jwt;
  }

  /** A token Vault accepts without a login, as for token-file auth. */
  public void issueToken(String token) {
    tokens.put(token, Instant.now().plus(tokenTtl));
  }

  public void tokenTtl(Duration ttl) {
    this.tokenTtl = ttl;
  }

  /** Writes a KV v2 secret; {@code apiPath} is e.g. "secret/data/agents/internal". */
  public void put(String apiPath, Map<String, String> data) {
    secrets.put(apiPath, Map.copyOf(data));
  }

  /** Makes the policy refuse reads of {@code apiPath} (403 for a valid token). */
  public void deny(String apiPath) {
    denied.add(apiPath);
  }

  /** Revokes every token issued so far; they now get 403. */
  public void revokeAllTokens() {
    tokens.clear();
  }

  /** Defines a database engine role; its credentials are at {@code <mount>/creds/<name>}. */
  public void databaseRole(String mount, String name, DatabaseRole role) {
    database.role(mount, name, role);
  }

  /** Every database credential issued so far, oldest first. */
  public List<DatabaseLease> databaseLeases() {
    return database.issued();
  }

  /** How often the lease was renewed. */
  public int leaseRenewals(String leaseId) {
    return database.renewals(leaseId);
  }

  /** The database users revoked so far, because their lease ran out. */
  public List<String> revokedDatabaseUsers() {
    return database.revoked();
  }

  /** Makes KV reads and database credential requests answer only after {@code delay}. */
  public void readDelay(Duration delay) {
    this.readDelay = delay;
  }

  public List<Login> logins() {
    return List.copyOf(logins);
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public int renewals() {
    return renewals.get();
  }

  public int reads() {
    return reads.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath().substring("/v1/".length());
      String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
      requests.add(
          new Request(method, path, exchange.getRequestHeaders().getFirst("X-Vault-Namespace")));
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (method.equals("POST") && path.equals("auth/kubernetes/login")) {
        login(exchange, JSON.readTree(body.length == 0 ? "{}".getBytes() : body));
      } else if (!valid(token)) {
        errors(exchange, 403, "permission denied");
      } else if (method.equals("GET") && path.equals("auth/token/lookup-self")) {
        lookupSelf(exchange, token);
      } else if (method.equals("POST") && path.equals("auth/token/renew-self")) {
        renewals.incrementAndGet();
        tokens.put(token, Instant.now().plus(tokenTtl));
        send(exchange, 200, envelope(null, auth(token)));
      } else if (method.equals("GET") && path.contains("/data/")) {
        read(exchange, path);
      } else if (method.equals("GET") && database.isCredentialsPath(path)) {
        Thread.sleep(readDelay.toMillis());
        DatabaseLease lease = database.issue(path);
        ObjectNode data = JSON.createObjectNode();
        data.put("username", lease.username());
        data.put("password", lease.password());
        send(exchange, 200, leaseEnvelope(lease.leaseId(), lease.ttl().toSeconds(), data));
      } else if ((method.equals("PUT") || method.equals("POST"))
          && path.startsWith("sys/leases/renew")) {
        renewLease(exchange, path, JSON.readTree(body.length == 0 ? "{}".getBytes() : body));
      } else {
        errors(exchange, 404);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      throw new IOException("the database engine's statements failed", e);
    }
  }

  /** Both of Vault's forms: the lease id in the body, or after {@code sys/leases/renew/}. */
  private void renewLease(HttpExchange exchange, String path, JsonNode request)
      throws IOException, SQLException {
    String leaseId =
        path.startsWith("sys/leases/renew/")
            ? path.substring("sys/leases/renew/".length())
            : request.path("lease_id").asText("");
    long left = database.renew(leaseId, request.path("increment").asLong(0));
    if (left < 0) {
      errors(exchange, 400, "lease not found");
      return;
    }
    send(exchange, 200, leaseEnvelope(leaseId, left, null));
  }

  private boolean valid(String token) {
    Instant expires = token == null ? null : tokens.get(token);
    return expires != null && Instant.now().isBefore(expires);
  }

  private void login(HttpExchange exchange, JsonNode request) throws IOException {
    String askedRole = request.path("role").asText(null);
    String presented = request.path("jwt").asText(null);
    logins.add(new Login(askedRole, presented));
    if (!role.equals(askedRole)) {
      errors(exchange, 400, "invalid role name \"" + askedRole + "\"");
      return;
    }
    if (!jwt.equals(presented)) {
      errors(exchange, 403, "permission denied");
      return;
    }
    String token = "hvs." + UUID.randomUUID().toString().replace("-", "");
    tokens.put(token, Instant.now().plus(tokenTtl));
    send(exchange, 200, envelope(null, auth(token)));
  }

  private void lookupSelf(HttpExchange exchange, String token) throws IOException {
    ObjectNode data = JSON.createObjectNode();
    data.put("accessor", "accessor-" + token.hashCode());
    data.put("display_name", "kubernetes-agents-keyrelay");
    data.put("id", token);
    data.put("path", "auth/kubernetes/login");
    data.putArray("policies").add("default").add("agents");
    data.put("renewable", true);
    data.put("ttl", Duration.between(Instant.now(), tokens.get(token)).toSeconds());
    data.put("type", "service");
    send(exchange, 200, envelope(data, null));
  }

  private void read(HttpExchange exchange, String path) throws IOException, InterruptedException {
    reads.incrementAndGet();
    Thread.sleep(readDelay.toMillis());
    if (denied.contains(path)) {
      errors(exchange, 403, "1 error occurred:\n\t* permission denied\n\n");
      return;
    }
    Map<String, String> values = secrets.get(path);
    if (values == null) {
      errors(exchange, 404);
      return;
    }
    ObjectNode data = JSON.createObjectNode();
    ObjectNode fields = data.putObject("data");
    values.forEach(fields::put);
    ObjectNode metadata = data.putObject("metadata");
    metadata.put("created_time", Instant.now().toString());
    metadata.putNull("custom_metadata");
    metadata.put("deletion_time", "");
    metadata.put("destroyed", false);
    metadata.put("version", 1);
    send(exchange, 200, envelope(data, null));
  }

  private ObjectNode auth(String token) {
    ObjectNode auth = JSON.createObjectNode();
    auth.put("client_token", token);
    auth.put("accessor", "accessor-" + token.hashCode());
    auth.putArray("policies").add("default").add("agents");
    auth.putArray("token_policies").add("default").add("agents");
    auth.putObject("metadata").put("role", role).put("service_account_name", "agent");
    auth.put("lease_duration", tokenTtl.toSeconds());
    auth.put("renewable", true);
    auth.put("entity_id", "");
    auth.put("token_type", "service");
    auth.put("orphan", true);
    return auth;
  }

  private static ObjectNode envelope(ObjectNode data, ObjectNode auth) {
    ObjectNode body = JSON.createObjectNode();
    body.put("request_id", UUID.randomUUID().toString());
    body.put("lease_id", "");
    body.put("renewable", false);
    body.put("lease_duration", 0);
    body.set("data", data);
    body.putNull("wrap_info");
    body.putNull("warnings");
    body.set("auth", auth);
    return body;
  }

  private static ObjectNode leaseEnvelope(String leaseId, long seconds, ObjectNode data) {
    ObjectNode body = envelope(data, null);
    body.put("lease_id", leaseId);
    body.put("renewable", true);
    body.put("lease_duration", seconds);
    return body;
  }

  private static void errors(HttpExchange exchange, int status, String... errors)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    var list = body.putArray("errors");
    for (String e : errors) {
      list.add(e);
    }
    send(exchange, status, body);
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    JsonAnswers.send(exchange, status, body, "application/json");
  }

  /** Stops answering: connections are refused from now on, as in an outage. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    database.close();
  }
}
