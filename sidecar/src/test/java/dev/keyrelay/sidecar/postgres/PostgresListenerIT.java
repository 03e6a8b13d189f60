package dev.keyrelay.sidecar.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.Promtool;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

/**
 * The sidecar jar with PostgreSQL listeners in front of a real PostgreSQL server, driven by pgjdbc
 * and psql: clients that hold no password get working sessions, and every failure is a readable
 * ErrorResponse.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresListenerIT {

  static final String PASSWORD = "Real-pg-Pass-4711";
  static final String WRONG = "Wrong-pg-Pass-0815";

  @TempDir static Path dir;
  static TestPostgres pg;
  static SidecarProcess sidecar;
  static Map<String, Integer> ports = new java.util.HashMap<>();
  static Path sidecarCa;
  static Path configFile;
  static ServerSocket silentUpstream;

  /** The upstream of the "pipelined" listener: nothing may ever connect to it. */
  static ServerSocket untouchedUpstream;

  static String baseConfig;

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start(PASSWORD);
    pg.writeCa(dir.resolve("pg-ca.pem"));
    Files.writeString(dir.resolve("password"), PASSWORD + "\n");
    Files.writeString(dir.resolve("wrong"), WRONG);
    Files.writeString(dir.resolve("rotating"), WRONG);
    for (String name :
        List.of(
            "scram",
            "md5",
            "clear",
            "tls-only",
            "no-tls",
            "wrong-secret",
            "unreachable",
            "bad-cert",
            "no-trust",
            "rotating",
            "no-secret",
            "silent",
            "pipelined")) {
      ports.put(name, SidecarProcess.freePort());
    }
    int closedPort = SidecarProcess.freePort();
    silentUpstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    untouchedUpstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d", connectTimeout: 3s }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        listeners:
        """
                .formatted(proxyPort, adminPort)
            + listener(
                "scram",
                TestPostgres.SCRAM_USER,
                "sslMode: verify-full, caFile: pg-ca.pem",
                "databases: [ orders ]",
                "password")
            + listener("md5", TestPostgres.MD5_USER, "sslMode: disable", "", "password")
            + listener("clear", TestPostgres.CLEAR_USER, "sslMode: require", "", "password")
            + listener(
                "tls-only",
                TestPostgres.SCRAM_USER,
                "sslMode: verify-ca, caFile: pg-ca.pem",
                "clientTls: require",
                "password")
            + listener(
                "no-tls",
                TestPostgres.SCRAM_USER,
                "sslMode: disable",
                "clientTls: disable",
                "password")
            + listener("wrong-secret", TestPostgres.SCRAM_USER, "sslMode: disable", "", "wrong")
            + listener("unreachable", TestPostgres.SCRAM_USER, "sslMode: disable", "", "password")
                .replace("port: " + pg.port(), "port: " + closedPort)
            + listener("bad-cert", TestPostgres.SCRAM_USER, "sslMode: verify-full", "", "password")
            + listener(
                "no-trust",
                TestPostgres.SCRAM_USER,
                "sslMode: verify-full, caFile: missing-ca.pem",
                "",
                "password")
            + listener("rotating", TestPostgres.SCRAM_USER, "sslMode: disable", "", "rotating")
            + listener("no-secret", TestPostgres.SCRAM_USER, "sslMode: disable", "", "missing")
            + listener("silent", TestPostgres.SCRAM_USER, "sslMode: disable", "", "password")
                .replace("port: " + pg.port(), "port: " + silentUpstream.getLocalPort())
            + listener(
                    "pipelined",
                    TestPostgres.SCRAM_USER,
                    "sslMode: disable",
                    "clientTls: require",
                    "password")
                .replace("port: " + pg.port(), "port: " + untouchedUpstream.getLocalPort());
    configFile = dir.resolve("keyrelay.yaml");
    baseConfig = config;
    Files.writeString(configFile, config);
    sidecar =
        SidecarProcess.start(
            configFile, proxyPort, adminPort, Map.of(), "-Dio.netty.leakDetection.level=paranoid");
    sidecarCa = dir.resolve("ca/ca.crt");
  }

  private static String listener(
      String name, String user, String upstream, String extra, String secretFile) {
    return """
      - name: %s
        postgres:
          listen: "127.0.0.1:%d"
          upstream: { host: localhost, port: %d, %s }
          user: %s
          startupTimeout: 2s
          %s
        secret: { file: %s }
    """
        .formatted(name, ports.get(name), pg.port(), upstream, user, extra, secretFile);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sidecar != null) {
      String everything = sidecar.closeAndCollectOutput();
      assertThat(everything).doesNotContain(PASSWORD).doesNotContain(WRONG).doesNotContain("LEAK:");
    }
    if (pg != null) {
      pg.close();
    }
    silentUpstream.close();
    untouchedUpstream.close();
  }

  static Connection connect(String listener, String user, String database, String extra)
      throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:"
            + ports.get(listener)
            + "/"
            + database
            + "?user="
            + user
            + "&connectTimeout=10&"
            + extra);
  }

  static Connection scram(String extra) throws SQLException {
    return connect("scram", TestPostgres.SCRAM_USER, TestPostgres.DATABASE, extra);
  }

  static String verifyFull() {
    return "sslmode=verify-full&sslrootcert=" + sidecarCa;
  }

  @Test
  void jdbcRunsQueriesTransactionsPreparedStatementsAndCopyWithoutAPassword() throws Exception {
    try (Connection c = scram(verifyFull());
        Statement sql = c.createStatement()) {
      ResultSet who =
          sql.executeQuery(
              "SELECT current_user, current_database(), ssl FROM pg_stat_ssl"
                  + " WHERE pid = pg_backend_pid()");
      assertThat(who.next()).isTrue();
      assertThat(who.getString(1)).isEqualTo(TestPostgres.SCRAM_USER);
      assertThat(who.getString(2)).isEqualTo(TestPostgres.DATABASE);
      assertThat(who.getBoolean(3)).as("the upstream leg is TLS").isTrue();

      sql.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
      c.setAutoCommit(false);
      sql.execute("INSERT INTO items VALUES (1, 'kept')");
      c.commit();
      sql.execute("INSERT INTO items VALUES (2, 'rolled back')");
      c.rollback();
      c.setAutoCommit(true);

      try (PreparedStatement insert = c.prepareStatement("INSERT INTO items VALUES (?, ?)")) {
        for (int i = 10; i < 20; i++) { // past prepareThreshold: a named server-side statement
          insert.setInt(1, i);
          insert.setString(2, "row " + i);
          insert.executeUpdate();
        }
      }
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      long copied =
          copy.copyIn(
              "COPY items FROM STDIN (FORMAT csv)",
              new StringReader("100,copied in\n101,also copied\n"));
      assertThat(copied).isEqualTo(2);
      StringWriter out = new StringWriter();
      copy.copyOut("COPY (SELECT id, name FROM items ORDER BY id) TO STDOUT (FORMAT csv)", out);
      assertThat(out.toString())
          .startsWith("1,kept\n10,row 10\n")
          .endsWith("100,copied in\n101,also copied\n")
          .doesNotContain("rolled back");
    }
  }

  @Test
  void listenNotifyCrossesTwoProxiedSessions() throws Exception {
    try (Connection listener = scram(verifyFull());
        Connection notifier = scram("sslmode=disable");
        Statement listen = listener.createStatement();
        Statement notify = notifier.createStatement()) {
      listen.execute("LISTEN keyrelay_events");
      notify.execute("NOTIFY keyrelay_events, 'hello through the sidecar'");
      PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(10_000);
      assertThat(received).hasSize(1);
      assertThat(received[0].getParameter()).isEqualTo("hello through the sidecar");
    }
  }

  @Test
  void cancelThroughTheListenerStopsASleepingQuery() throws Exception {
    try (Connection c = scram("sslmode=disable");
        Statement sleep = c.createStatement()) {
      CompletableFuture<Void> cancel =
          CompletableFuture.runAsync(
              () -> {
                try {
                  Thread.sleep(1000);
                  sleep.cancel();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      long started = System.nanoTime();
      assertThatThrownBy(() -> sleep.execute("SELECT pg_sleep(30)"))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("57014");
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
      cancel.get(5, TimeUnit.SECONDS);
      ResultSet still = sleep.executeQuery("SELECT 1");
      assertThat(still.next()).isTrue();
    }
  }

  @Test
  void md5AndCleartextUpstreamsWork() throws Exception {
    assertThat(currentUser(connect("md5", TestPostgres.MD5_USER, "orders", "sslmode=disable")))
        .isEqualTo(TestPostgres.MD5_USER);
    assertThat(currentUser(connect("clear", TestPostgres.CLEAR_USER, "billing", verifyFull())))
        .isEqualTo(TestPostgres.CLEAR_USER);
  }

  @Test
  void psqlConnectsWithVerifyFullToBothLocalhostAndTheLoopbackIp() throws Exception {
    for (String host : List.of("localhost", "127.0.0.1")) {
      Clients.Run run =
          Clients.run(
              List.of(
                  "psql",
                  "-X",
                  "-A",
                  "-t",
                  "-v",
                  "ON_ERROR_STOP=1",
                  "host="
                      + host
                      + " port="
                      + ports.get("scram")
                      + " user="
                      + TestPostgres.SCRAM_USER
                      + " dbname=orders sslmode=verify-full sslrootcert="
                      + sidecarCa
                      + " application_name=psql-through-keyrelay",
                  "-c",
                  "SELECT current_user || ' ' || current_setting('application_name')"),
              Map.of("PGPASSWORD", "", "PGCONNECT_TIMEOUT", "10"));
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout().trim()).isEqualTo(TestPostgres.SCRAM_USER + " psql-through-keyrelay");
    }
  }

  @Test
  void clientTlsRequireAndDisableAreEnforced() throws Exception {
    assertThat(
            sqlState(
                () -> connect("tls-only", TestPostgres.SCRAM_USER, "orders", "sslmode=disable")))
        .isEqualTo("28000");
    assertThat(currentUser(connect("tls-only", TestPostgres.SCRAM_USER, "orders", verifyFull())))
        .isEqualTo(TestPostgres.SCRAM_USER);
    assertThat(currentUser(connect("no-tls", TestPostgres.SCRAM_USER, "orders", "sslmode=prefer")))
        .isEqualTo(TestPostgres.SCRAM_USER);
    assertThatThrownBy(
            () -> connect("no-tls", TestPostgres.SCRAM_USER, "orders", "sslmode=require"))
        .hasMessageContaining("does not support SSL");
  }

  @Test
  void directTlsLikePostgres17IsServedWithAlpnPostgresql() throws Exception {
    try (SSLSocket tls = directTls("scram")) {
      tls.startHandshake();
      assertThat(tls.getApplicationProtocol()).isEqualTo("postgresql");
      byte[] startup = startupPacket(TestPostgres.SCRAM_USER, "orders");
      tls.getOutputStream().write(startup);
      DataInputStream in = new DataInputStream(tls.getInputStream());
      assertThat((char) in.readByte()).isEqualTo('R');
      assertThat(in.readInt()).isEqualTo(8);
      assertThat(in.readInt()).as("AuthenticationOk").isZero();
    }
    long started = System.nanoTime();
    try (SSLSocket refused = directTls("no-tls")) {
      assertThatThrownBy(refused::startHandshake).isInstanceOf(java.io.IOException.class);
    }
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(5);
  }

  private static SSLSocket directTls(String listener) throws Exception {
    java.security.cert.X509Certificate ca;
    try (InputStream pem = Files.newInputStream(sidecarCa)) {
      ca =
          (java.security.cert.X509Certificate)
              java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(pem);
    }
    SSLSocket socket =
        (SSLSocket)
            TestPki.trusting(ca).getSocketFactory().createSocket("localhost", ports.get(listener));
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"postgresql"});
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    return socket;
  }

  private static byte[] startupPacket(String user, String database) {
    byte[] body =
        ("user\0" + user + "\0database\0" + database + "\0\0").getBytes(StandardCharsets.UTF_8);
    return java.nio.ByteBuffer.allocate(8 + body.length)
        .putInt(8 + body.length)
        .putInt(196608)
        .put(body)
        .array();
  }

  @Test
  void aStartupPipelinedBehindAnSslRequestIsRefusedAndNeverReachesTheUpstream() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", ports.get("pipelined"))) {
      byte[] sslRequest = java.nio.ByteBuffer.allocate(8).putInt(8).putInt(80877103).array();
      byte[] startup = startupPacket(TestPostgres.SCRAM_USER, "orders");
      byte[] both = java.util.Arrays.copyOf(sslRequest, sslRequest.length + startup.length);
      System.arraycopy(startup, 0, both, sslRequest.length, startup.length);
      // One write, as a man in the middle would append a plaintext startup to the request.
      socket.getOutputStream().write(both);

      assertThat(readError(socket))
          .as("an ErrorResponse in place of 'S', then the close")
          .contains("C08P01")
          .contains("unencrypted data after the SSLRequest");
    }
    untouchedUpstream.setSoTimeout(1000);
    assertThatThrownBy(untouchedUpstream::accept)
        .as("the listener never connected upstream")
        .isInstanceOf(java.net.SocketTimeoutException.class);
    assertThat(
            sidecar.logsOnceThey(
                logs -> logs.contains("\"outcome\":\"unencrypted_data_after_request\"")))
        .contains("\"listener\":\"pipelined\"")
        .contains("\"outcome\":\"unencrypted_data_after_request\"");
  }

  @Test
  void eachFailureIsAClearErrorResponse() {
    assertFailure(
        () -> scram("sslmode=disable&user=postgres"),
        "28000",
        "\"scram\": user \"postgres\" is not allowed");
    assertFailure(
        () -> connect("scram", TestPostgres.SCRAM_USER, "billing", "sslmode=disable"),
        "3D000",
        "\"scram\": database \"billing\" is not allowed");
    assertFailure(
        () -> connect("wrong-secret", TestPostgres.SCRAM_USER, "orders", "sslmode=disable"),
        "28P01",
        "\"wrong-secret\": the upstream server refused the login: password authentication failed");
    assertFailure(
        () -> connect("unreachable", TestPostgres.SCRAM_USER, "orders", "sslmode=disable"),
        "08006",
        "\"unreachable\": cannot reach the upstream server");
    assertFailure(
        () -> connect("bad-cert", TestPostgres.SCRAM_USER, "orders", "sslmode=disable"),
        "08006",
        "\"bad-cert\": TLS to the upstream server failed");
    assertFailure(
        () -> connect("no-trust", TestPostgres.SCRAM_USER, "orders", "sslmode=disable"),
        "08006",
        "\"no-trust\": CA file " + dir.resolve("missing-ca.pem") + " does not exist");
    assertFailure(
        () -> connect("no-secret", TestPostgres.SCRAM_USER, "orders", "sslmode=disable"),
        "08006",
        "\"no-secret\": the secret is unavailable: file " + dir.resolve("missing"));
    assertFailure(
        () -> connect("silent", TestPostgres.SCRAM_USER, "orders", "sslmode=disable"),
        "08006",
        "\"silent\": the upstream server did not complete the login within 3000 ms");
    assertFailure(
        () -> connect("md5", TestPostgres.MD5_USER, "no_such_db", "sslmode=disable"),
        "3D000",
        "database \"no_such_db\" does not exist");
  }

  @Test
  void aRotatedSecretFileIsUsedByTheNextConnection() throws Exception {
    assertFailure(
        () -> connect("rotating", TestPostgres.SCRAM_USER, "orders", "sslmode=disable"),
        "28P01",
        "password authentication failed");
    Path next = dir.resolve("rotating.next");
    Files.writeString(next, PASSWORD);
    Files.move(next, dir.resolve("rotating"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    assertThat(
            currentUser(connect("rotating", TestPostgres.SCRAM_USER, "orders", "sslmode=disable")))
        .isEqualTo(TestPostgres.SCRAM_USER);
  }

  @Test
  void garbageAndSilentClientsGetAnErrorWhileOthersAreServed() throws Exception {
    try (Socket idle = new Socket("127.0.0.1", ports.get("scram"));
        Socket garbage = new Socket("127.0.0.1", ports.get("scram"))) {
      garbage
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readError(garbage)).contains("C08P01").contains("invalid startup packet length");
      assertThat(currentUser(scram("sslmode=disable"))).isEqualTo(TestPostgres.SCRAM_USER);
      idle.setSoTimeout(10_000);
      assertThat(readError(idle)).contains("C08P01").contains("no startup message within 2000 ms");
    }
    assertThat(currentUser(scram(verifyFull()))).isEqualTo(TestPostgres.SCRAM_USER);
  }

  @Test
  void metricsAndAuditCountSessionsFailuresBytesAndAuthTime() throws Exception {
    currentUser(scram("sslmode=disable"));
    md5AndCleartextUpstreamsWork();
    currentUser(connect("no-tls", TestPostgres.SCRAM_USER, "orders", "sslmode=disable"));
    cancelThroughTheListenerStopsASleepingQuery();
    assertFailure(() -> scram("sslmode=disable&user=other"), "28000", "is not allowed");
    String metrics = sidecar.scrapeMetrics();
    Promtool.assertClean(metrics);
    assertThat(metrics)
        .contains("keyrelay_postgres_sessions_opened_total{listener=\"scram\"}")
        .contains(
            "keyrelay_postgres_sessions_failed_total{listener=\"scram\",reason=\"wrong_user\"}")
        .contains(
            "keyrelay_postgres_bytes_total{direction=\"upstream_to_client\",listener=\"scram\"}")
        .contains(
            "keyrelay_postgres_upstream_auth_seconds_count{listener=\"scram\",method=\"SCRAM-SHA-256-PLUS\"}")
        .contains(
            "keyrelay_postgres_upstream_auth_seconds_count{listener=\"no-tls\",method=\"SCRAM-SHA-256\"}")
        .contains("keyrelay_postgres_upstream_auth_seconds_count{listener=\"md5\",method=\"md5\"}")
        .contains(
            "keyrelay_postgres_upstream_auth_seconds_count{listener=\"clear\",method=\"password\"}")
        .contains(
            "keyrelay_postgres_cancel_requests_total{listener=\"scram\",outcome=\"forwarded\"}")
        .contains("keyrelay_postgres_sessions_active{listener=\"scram\"}");
    assertThat(sidecar.logsOnceThey(logs -> logs.contains("\"outcome\":\"wrong_user\"")))
        .contains(
            "\"decision\":\"postgres_session\",\"listener\":\"scram\","
                + "\"upstream\":\"localhost:"
                + pg.port()
                + "\",\"database\":\"orders\",\"user\":\"agent_scram\",\"outcome\":\"wrong_user\"");
    assertThat(sidecar.logsOnceThey(logs -> logs.contains("\"outcome\":\"closed\"")))
        .contains("\"outcome\":\"closed\"");
  }

  /** Runs last: it changes the running sidecar's listeners. */
  @Test
  @Order(Integer.MAX_VALUE)
  void reloadAddsChangesAndRemovesListenersWhileSessionsContinue() throws Exception {
    ports.put("added", SidecarProcess.freePort());
    try (Connection survivor = scram("sslmode=disable")) {
      String next =
          baseConfig
                  .replace("databases: [ orders ]", "databases: [ billing ]")
                  .replaceAll("(?s)  - name: rotating.*", "")
              + listener("added", TestPostgres.MD5_USER, "sslMode: disable", "", "password");
      Files.writeString(configFile, next);

      awaitConnects("added", TestPostgres.MD5_USER, "orders");
      awaitRefused("rotating");
      assertFailure(
          () -> connect("scram", TestPostgres.SCRAM_USER, "orders", "sslmode=disable"),
          "3D000",
          "database \"orders\" is not allowed");
      assertThat(
              currentUser(connect("scram", TestPostgres.SCRAM_USER, "billing", "sslmode=disable")))
          .isEqualTo(TestPostgres.SCRAM_USER);
      assertThat(currentUser(survivor))
          .as("a session of a rebound listener")
          .isEqualTo(TestPostgres.SCRAM_USER);
    }
  }

  private static void awaitConnects(String listener, String user, String database)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      try {
        assertThat(currentUser(connect(listener, user, database, "sslmode=disable")))
            .isEqualTo(user);
        return;
      } catch (SQLException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(100);
      }
    }
  }

  private static void awaitRefused(String listener) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket("127.0.0.1", ports.get(listener))) {
        Thread.sleep(100);
      } catch (java.net.ConnectException gone) {
        return;
      }
    }
    throw new AssertionError("listener " + listener + " still accepts connections");
  }

  private static String currentUser(Connection connection) throws SQLException {
    try (connection;
        Statement sql = connection.createStatement();
        ResultSet rs = sql.executeQuery("SELECT current_user")) {
      rs.next();
      return rs.getString(1);
    }
  }

  interface Attempt {
    Connection open() throws Exception;
  }

  private static String sqlState(Attempt attempt) {
    return failure(attempt).getSQLState();
  }

  private static void assertFailure(Attempt attempt, String sqlState, String message) {
    SQLException e = failure(attempt);
    assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(sqlState);
    assertThat(e.getMessage()).contains(message).doesNotContain(PASSWORD).doesNotContain(WRONG);
  }

  private static SQLException failure(Attempt attempt) {
    try {
      attempt.open().close();
    } catch (SQLException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("connected, but a failure was expected");
  }

  /** Reads one ErrorResponse and then expects the server to hang up. */
  private static String readError(Socket socket) throws Exception {
    socket.setSoTimeout(10_000);
    DataInputStream in = new DataInputStream(socket.getInputStream());
    assertThat((char) in.readByte()).isEqualTo('E');
    byte[] body = new byte[in.readInt() - 4];
    in.readFully(body);
    InputStream rest = socket.getInputStream();
    assertThat(rest.read()).as("closed after the error").isEqualTo(-1);
    return new String(body, StandardCharsets.UTF_8);
  }
}
