package dev.keyrelay.sidecar.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.Promtool;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.VaultTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar jar with listeners whose login comes from Vault's database secrets engine (our {@link
 * VaultTestServer}, creating real roles in a real PostgreSQL): sessions run as the issued user, a
 * lease serves new sessions until shortly before it expires and is renewed while a session uses it,
 * and Vault being down is a readable ErrorResponse.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultDatabaseListenerIT {

  static final String VAULT_TOKEN = "hvs.test-token-for-the-sidecar";
  static final Duration SHORT_TTL = Duration.ofSeconds(5);

  @TempDir static Path dir;
  static TestPostgres pg;
  static VaultTestServer vault;
  static SidecarProcess sidecar;
  static final Map<String, Integer> ports = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start("unused-Pass-1234");
    pg.writeCa(dir.resolve("pg-ca.pem"));
    vault = VaultTestServer.http();
    vault.issueToken(VAULT_TOKEN);
    Files.writeString(dir.resolve("vault-token"), VAULT_TOKEN + "\n");
    vault.databaseRole("database", "steady", role(Duration.ofHours(1)));
    vault.databaseRole("database", "crowd", role(Duration.ofHours(1)));
    vault.databaseRole("database", "short", role(SHORT_TTL));
    vault.databaseRole("database", "never", role(Duration.ofHours(1)));
    for (String name : List.of("steady", "named", "crowd", "short", "never")) {
      ports.put(name, SidecarProcess.freePort());
    }
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d", connectTimeout: 20s }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        vault:
          address: http://127.0.0.1:%d
          auth: { tokenFile: vault-token }
        listeners:
        """
                .formatted(proxyPort, adminPort, vault.port())
            + listener("steady", "steady", "sslMode: verify-full, caFile: pg-ca.pem", "")
            + listener("named", "steady", "sslMode: disable", "user: agent")
            + listener("crowd", "crowd", "sslMode: disable", "")
            + listener("short", "short", "sslMode: disable", "")
            + listener("never", "never", "sslMode: disable", "");
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(file, config);
    sidecar =
        SidecarProcess.start(
            file, proxyPort, adminPort, Map.of(), "-Dio.netty.leakDetection.level=paranoid");
  }

  /** Statements as Vault's documentation gives them, revocation ending the user's sessions. */
  private static VaultTestServer.DatabaseRole role(Duration ttl) {
    return new VaultTestServer.DatabaseRole(
        "jdbc:postgresql://127.0.0.1:"
            + pg.port()
            + "/postgres?sslmode=disable&user="
            + TestPostgres.ADMIN,
        List.of(
            "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}'"
                + " VALID UNTIL '{{expiration}}'",
            "GRANT CONNECT ON DATABASE orders TO \"{{name}}\""),
        List.of("ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}'"),
        List.of(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}'",
            "REVOKE ALL ON DATABASE orders FROM \"{{name}}\"",
            "DROP ROLE IF EXISTS \"{{name}}\""),
        ttl,
        Duration.ofHours(1));
  }

  private static String listener(String name, String role, String upstream, String user) {
    return """
      - name: %s
        postgres:
          listen: "127.0.0.1:%d"
          upstream: { host: localhost, port: %d, %s }
          %s
        secret: { vaultDatabase: { mount: database, role: %s } }
    """
        .formatted(name, ports.get(name), pg.port(), upstream, user, role);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (sidecar != null) {
        String everything = sidecar.closeAndCollectOutput();
        assertThat(everything).doesNotContain("LEAK:").doesNotContain(VAULT_TOKEN);
        for (VaultTestServer.DatabaseLease lease : vault.databaseLeases()) {
          assertThat(everything)
              .as("the sidecar's logs and metrics never hold an issued password")
              .doesNotContain(lease.password());
        }
      }
    } finally {
      if (vault != null) {
        vault.close();
      }
      if (pg != null) {
        pg.close();
      }
    }
  }

  @Test
  @Order(1)
  void sessionsRunAsTheIssuedUserAndTheNextSessionsReuseTheLease() throws Exception {
    Clients.Run psql =
        Clients.run(
            List.of(
                "psql",
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "host=127.0.0.1 port="
                    + ports.get("steady")
                    + " user=whoever dbname=orders sslmode=verify-full sslrootcert="
                    + dir.resolve("ca/ca.crt"),
                "-c",
                "SELECT current_user || ' ' || ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"),
            Map.of("PGPASSWORD", "", "PGCONNECT_TIMEOUT", "10"));
    assertThat(psql.exitCode()).as(psql.stderr()).isZero();
    List<VaultTestServer.DatabaseLease> leases = leasesOf("steady");
    assertThat(leases).hasSize(1);
    String issued = leases.get(0).username();
    assertThat(psql.stdout().trim()).isEqualTo(issued + " true");

    assertThat(currentUser(connect("steady", "anyone"))).isEqualTo(issued);
    assertThat(currentUser(connect("named", "agent")))
        .as("a listener with the same role shares the lease; its user is the agent's name only")
        .isEqualTo(issued);
    SQLException wrongUser = failure("named", "someone-else");
    assertThat(wrongUser.getSQLState()).isEqualTo("28000");
    assertThat(wrongUser.getMessage())
        .contains("keyrelay listener \"named\": user \"someone-else\" is not allowed");
    assertThat(leasesOf("steady")).as("one credentials request for all these sessions").hasSize(1);
  }

  @Test
  @Order(2)
  void concurrentFirstConnectionsShareOneCredentialsRequest() throws Exception {
    vault.readDelay(Duration.ofMillis(800));
    try {
      List<CompletableFuture<String>> sessions = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        sessions.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return currentUser(connect("crowd", "agent"));
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      List<String> users = new ArrayList<>();
      for (CompletableFuture<String> session : sessions) {
        users.add(session.get(30, TimeUnit.SECONDS));
      }
      assertThat(leasesOf("crowd")).hasSize(1);
      assertThat(users).containsOnly(leasesOf("crowd").get(0).username());
    } finally {
      vault.readDelay(Duration.ZERO);
    }
  }

  @Test
  @Order(3)
  void anExpiredLeaseIsReplacedWhileTheSessionOnTheOldOneKeepsWorking() throws Exception {
    String first;
    try (Connection open = connect("short", "agent");
        Statement sql = open.createStatement()) {
      first = single(sql, "SELECT current_user");
      assertThat(leasesOf("short"))
          .extracting(VaultTestServer.DatabaseLease::username)
          .containsExactly(first);
      // Past the first lease's own end: without renewals the engine revokes it and ends `open`.
      Thread.sleep(SHORT_TTL.plusSeconds(2).toMillis());

      String second = currentUser(connect("short", "agent"));
      assertThat(second).as("a new session gets a new user").isNotEqualTo(first);
      assertThat(leasesOf("short"))
          .extracting(VaultTestServer.DatabaseLease::username)
          .containsExactly(first, second);

      assertThat(single(sql, "SELECT current_user"))
          .as("the session on the first lease was never cut")
          .isEqualTo(first);
      assertThat(vault.leaseRenewals(leasesOf("short").get(0).leaseId()))
          .as("the first lease was renewed while its session was open")
          .isPositive();
      assertThat(vault.revokedDatabaseUsers()).doesNotContain(first);
    }
    // Closed: the sidecar stops renewing, so the engine revokes the first user once it runs out.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!vault.revokedDatabaseUsers().contains(first) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(vault.revokedDatabaseUsers()).contains(first);
  }

  @Test
  @Order(4)
  void metricsCountCredentialRequestsPerListener() throws Exception {
    String metrics = sidecar.scrapeMetrics();
    Promtool.assertClean(metrics);
    assertThat(metrics)
        .contains(
            "keyrelay_token_refreshes_total{outcome=\"ok\",route=\"crowd\",source=\"vaultdatabase\"} 1.0")
        .contains("keyrelay_secret_fetch_age_seconds{route=\"short\",source=\"vaultdatabase\"}")
        .contains(
            "keyrelay_secret_reads_total{outcome=\"ok\",route=\"crowd\",source=\"vaultdatabase\"} 8.0");
    for (VaultTestServer.DatabaseLease lease : vault.databaseLeases()) {
      assertThat(metrics).doesNotContain(lease.password());
    }
  }

  /** Runs last: it stops Vault. */
  @Test
  @Order(Integer.MAX_VALUE)
  void withVaultDownALiveLeaseStillServesAndAListenerWithoutOneFailsClearly() throws Exception {
    String steady = leasesOf("steady").get(0).username();
    vault.close();
    assertThat(currentUser(connect("steady", "agent")))
        .as("the lease taken before the outage is still valid")
        .isEqualTo(steady);
    SQLException down = failure("never", "agent");
    assertThat(down.getSQLState()).isEqualTo("08006");
    assertThat(down.getMessage())
        .contains(
            "keyrelay listener \"never\": the secret is unavailable: vault could not be reached"
                + " while issuing credentials of database/creds/never (");
    assertThat(sidecar.logsOnceThey(logs -> logs.contains("\"outcome\":\"secret_unavailable\"")))
        .contains("\"listener\":\"never\"");
  }

  private static List<VaultTestServer.DatabaseLease> leasesOf(String role) {
    return vault.databaseLeases().stream()
        .filter(lease -> lease.leaseId().startsWith("database/creds/" + role + "/"))
        .toList();
  }

  private static Connection connect(String listener, String user) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:"
            + ports.get(listener)
            + "/orders?sslmode=disable&connectTimeout=10&user="
            + user);
  }

  private static SQLException failure(String listener, String user) {
    try {
      connect(listener, user).close();
    } catch (SQLException e) {
      return e;
    }
    throw new AssertionError("connected, but a failure was expected");
  }

  private static String currentUser(Connection connection) throws SQLException {
    try (connection;
        Statement sql = connection.createStatement()) {
      return single(sql, "SELECT current_user");
    }
  }

  private static String single(Statement sql, String query) throws SQLException {
    try (ResultSet rs = sql.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
