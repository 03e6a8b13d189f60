package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real PostgreSQL server for the listener tests, from the system's binaries (Debian's postgresql
 * package, installed by {@code .ci/run}): TLS on with a test CA, {@code scram-sha-256} for {@link
 * #SCRAM_USER}, {@code md5} for {@link #MD5_USER}, cleartext {@code password} for {@link
 * #CLEAR_USER}. As root it runs the server as the {@code postgres} user, which initdb demands.
 */
final class TestPostgres implements AutoCloseable {

  static final String ADMIN = "keyrelay_admin";
  static final String SCRAM_USER = "agent_scram";
  static final String MD5_USER = "agent_md5";
  static final String CLEAR_USER = "agent_clear";
  static final String DATABASE = "orders";
  static final String OTHER_DATABASE = "billing";

  private final Path dir;
  private final Path bin;
  private final int port;
  private final TestPki pki;

  private TestPostgres(Path dir, Path bin, int port, TestPki pki) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
    this.pki = pki;
  }

  /** Starts a fresh cluster with the three roles, each with {@code password}. */
  static TestPostgres start(String password) throws Exception {
    Path bin = binaries();
    Path dir = Files.createTempDirectory("keyrelay-pg");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    TestPki pki = TestPki.create("test postgres CA");
    TestPostgres pg = new TestPostgres(dir, bin, SidecarProcess.freePort(), pki);
    pg.initAndStart();
    pg.createRoles(password);
    return pg;
  }

  private static Path binaries() {
    List<Path> candidates = new ArrayList<>();
    try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      versions.sorted((a, b) -> b.compareTo(a)).forEach(v -> candidates.add(v.resolve("bin")));
    } catch (IOException none) {
      // fall through to the failure below
    }
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate.resolve("postgres"))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "PostgreSQL server binaries are missing under /usr/lib/postgresql/*/bin:"
            + " run .ci/run, or apt-get install postgresql");
  }

  private void initAndStart() throws Exception {
    Path data = dir.resolve("data");
    run(
        bin.resolve("initdb").toString(),
        "-D",
        data.toString(),
        "-U",
        ADMIN,
        "--auth=trust",
        "--no-sync",
        "-E",
        "UTF8");
    X509Bundle server = pki.serverCertificate();
    Files.writeString(data.resolve("server.crt"), server.getCertificatePEM());
    Files.writeString(data.resolve("server.key"), server.getPrivateKeyPEM());
    Files.writeString(
        data.resolve("postgresql.conf"),
        """
        listen_addresses = '127.0.0.1'
        port = %d
        unix_socket_directories = '%s'
        max_connections = 100
        fsync = off
        ssl = on
        ssl_cert_file = 'server.crt'
        ssl_key_file = 'server.key'
        password_encryption = 'scram-sha-256'
        """
            .formatted(port, dir),
        java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(
        data.resolve("pg_hba.conf"),
        """
        local all all trust
        host all %s 127.0.0.1/32 trust
        host all %s 127.0.0.1/32 md5
        host all %s 127.0.0.1/32 password
        host all all 127.0.0.1/32 scram-sha-256
        """
            .formatted(ADMIN, MD5_USER, CLEAR_USER));
    if (isRoot()) {
      run("chown", "-R", "postgres", dir.toString());
    }
    run("chmod", "600", data.resolve("server.key").toString());
    run(
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-t",
        "30",
        "start");
  }

  private void createRoles(String password) throws Exception {
    try (Connection admin = admin("postgres");
        Statement sql = admin.createStatement()) {
      sql.execute("CREATE DATABASE " + DATABASE);
      sql.execute("CREATE DATABASE " + OTHER_DATABASE);
      sql.execute("CREATE ROLE " + SCRAM_USER + " LOGIN PASSWORD '" + password + "'");
      sql.execute("CREATE ROLE " + CLEAR_USER + " LOGIN PASSWORD '" + password + "'");
      sql.execute("SET password_encryption = 'md5'");
      sql.execute("CREATE ROLE " + MD5_USER + " LOGIN PASSWORD '" + password + "'");
      sql.execute("GRANT ALL ON DATABASE " + DATABASE + " TO PUBLIC");
    }
    try (Connection admin = admin(DATABASE);
        Statement sql = admin.createStatement()) {
      sql.execute("GRANT ALL ON SCHEMA public TO PUBLIC");
    }
  }

  /** A superuser connection over plain TCP (trust). */
  Connection admin(String database) throws Exception {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?sslmode=disable&user=" + ADMIN);
  }

  int port() {
    return port;
  }

  /** The test CA that issued the server's certificate (for localhost and 127.0.0.1). */
  Path writeCa(Path file) throws IOException {
    return pki.writeCaPem(file);
  }

  Path bin() {
    return bin;
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Runs a server tool, as the postgres user when we are root. */
  private void run(String... command) throws Exception {
    List<String> full = new ArrayList<>();
    boolean asPostgres = isRoot() && command[0].startsWith(bin.toString());
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    Clients.Run result = Clients.run(full, Map.of(), dir);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " failed:\n" + result.stderr() + result.stdout());
    }
  }

  @Override
  public void close() throws Exception {
    run(
        bin.resolve("pg_ctl").toString(),
        "-D",
        dir.resolve("data").toString(),
        "-m",
        "immediate",
        "-w",
        "stop");
    run("rm", "-rf", dir.toString());
  }
}
