package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code listeners} section: PostgreSQL listeners, their defaults and their rejections. */
class ListenerConfigTest {

  @TempDir Path dir;

  @Test
  void readsEveryFieldAndResolvesPaths() throws Exception {
    ConfigFiles.testCa(dir.resolve("db-ca.pem"));
    Path file =
        ConfigFiles.write(
            dir,
            "keyrelay.yaml",
            """
            listeners:
              - name: orders-db
                postgres:
                  listen: 127.0.0.1:15432
                  upstream: { host: Orders.DB.internal., port: 6432, sslMode: verify-ca, caFile: db-ca.pem }
                  user: agent_ro
                  databases: [ orders, reports ]
                  clientTls: require
                  startupTimeout: 5s
                secret: { file: secrets/orders }
              - name: minimal
                postgres:
                  listen: "[::1]:15433"
                  upstream: { host: db.internal }
                  user: agent
                secret: { env: DB_PASSWORD }
            """);

    List<PostgresListener> listeners = ConfigLoader.load(file).listeners();

    assertThat(listeners)
        .containsExactly(
            new PostgresListener(
                "orders-db",
                new HostPort("127.0.0.1", 15432),
                new PostgresUpstream(
                    "orders.db.internal",
                    6432,
                    PostgresUpstream.SslMode.VERIFY_CA,
                    dir.resolve("db-ca.pem")),
                "agent_ro",
                List.of("orders", "reports"),
                PostgresListener.ClientTls.REQUIRE,
                Duration.ofSeconds(5),
                new SecretRef.File(dir.resolve("secrets/orders"))),
            new PostgresListener(
                "minimal",
                new HostPort("::1", 15433),
                new PostgresUpstream(
                    "db.internal", 5432, PostgresUpstream.SslMode.VERIFY_FULL, null),
                "agent",
                List.of(),
                PostgresListener.ClientTls.ACCEPT,
                Duration.ofSeconds(15),
                new SecretRef.Env("DB_PASSWORD")));
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        arguments(listener("postgres", "~"), "listeners[0].postgres", "is required"),
        arguments(
            listener("postgres", "{ listen: 10.0.0.1:5432, upstream: { host: db }, user: u }"),
            "listeners[0].postgres.listen",
            "not a loopback address"),
        arguments(
            listener("postgres", "{ listen: 127.0.0.1:0, upstream: { host: db }, user: u }"),
            "listeners[0].postgres.listen",
            "needs a fixed port"),
        arguments(
            listener("postgres", "{ upstream: { host: db }, user: u }"),
            "listeners[0].postgres.listen",
            "is required"),
        arguments(
            listener("postgres", "{ listen: 127.0.0.1:5433, user: u }"),
            "listeners[0].postgres.upstream",
            "is required"),
        arguments(
            listener("postgres", "{ listen: 127.0.0.1:5433, upstream: { port: 5432 }, user: u }"),
            "listeners[0].postgres.upstream.host",
            "is required"),
        arguments(
            listener(
                "postgres",
                "{ listen: 127.0.0.1:5433, upstream: { host: db, sslMode: prefer }, user: u }"),
            "listeners[0].postgres.upstream.sslMode",
            "\"prefer\" is not one of disable, require, verify-ca, verify-full"),
        arguments(
            listener(
                "postgres",
                "{ listen: 127.0.0.1:5433, upstream: { host: db }, user: u, clientTls: allow }"),
            "listeners[0].postgres.clientTls",
            "\"allow\" is not one of disable, accept, require"),
        arguments(
            listener("postgres", "{ listen: 127.0.0.1:5433, upstream: { host: db } }"),
            "listeners[0].postgres.user",
            "is required unless the secret is vaultDatabase"),
        arguments(
            listener("secret", "{ vaultDatabase: { mount: database } }"),
            "listeners[0].secret.vaultDatabase.role",
            "is required"),
        arguments(
            listener("secret", "{ vaultDatabase: { mount: database, role: \"a/b\" } }"),
            "listeners[0].secret.vaultDatabase.role",
            "is not a role name"),
        arguments(
            listener("secret", "{ vaultDatabase: { mount: \"../sys\", role: r } }"),
            "listeners[0].secret.vaultDatabase.mount",
            "is not a Vault mount path"),
        arguments(
            listener("secret", "{ vaultDatabase: { role: r } }"),
            "listeners[0].secret.vaultDatabase",
            "needs the top-level vault block"),
        arguments(
            listener(
                "postgres",
                "{ listen: 127.0.0.1:5433, upstream: { host: db }, user: u, databases: [ \"\" ] }"),
            "listeners[0].postgres.databases[0]",
            "must be a database name"),
        arguments(
            listener(
                "postgres", "{ listen: 127.0.0.1:5433, upstream: { host: db }, user: u, ssl: x }"),
            "listeners[0].postgres.ssl",
            "unknown key"),
        arguments(listener("name", "Orders"), "listeners[0].name", "not a valid route name"),
        arguments(listener("secret", "~"), "listeners[0].secret", "is required"),
        arguments(
            listener(
                "secret",
                "{ oauth2: { tokenUrl: https://login.example/token, grantType: refresh_token,"
                    + " clientId: c, refreshToken: { env: RT } } }"),
            "listeners[0].secret.oauth2",
            "is not allowed here"));
  }

  @Test
  void vaultDatabaseCredentialsMakeTheUserOptional() throws Exception {
    Path file =
        ConfigFiles.write(
            dir,
            "keyrelay.yaml",
            """
            vault: { address: "https://vault.example:8200", auth: { tokenFile: token } }
            listeners:
              - name: issued
                postgres: { listen: 127.0.0.1:15432, upstream: { host: db } }
                secret: { vaultDatabase: { role: readonly } }
              - name: named
                postgres: { listen: 127.0.0.1:15433, upstream: { host: db }, user: agent }
                secret: { vaultDatabase: { mount: team/database, role: readonly } }
            """);

    List<PostgresListener> listeners = ConfigLoader.load(file).listeners();

    assertThat(listeners.get(0).user()).isNull();
    assertThat(listeners.get(0).secret())
        .isEqualTo(new SecretRef.VaultDatabase("database", "readonly"));
    assertThat(listeners.get(1).user()).isEqualTo("agent");
    assertThat(listeners.get(1).secret())
        .isEqualTo(new SecretRef.VaultDatabase("team/database", "readonly"));
  }

  @Test
  void routesCannotUseVaultDatabaseCredentials() {
    String yaml =
        """
        vault: { address: "https://vault.example:8200", auth: { tokenFile: token } }
        routes:
          - name: api
            match: { host: api.example.com }
            auth: { type: header, headerName: x-api-key }
            secret: { vaultDatabase: { role: readonly } }
        """;
    assertThat(problems(yaml))
        .anySatisfy(
            p -> assertThat(p).contains("routes[0].secret.vaultDatabase: is not allowed here"));
  }

  @ParameterizedTest
  @MethodSource("rejections")
  void rejects(String yaml, String field, String reason) {
    assertThat(problems(yaml))
        .anySatisfy(p -> assertThat(p).contains(": " + field + ": ").contains(reason));
  }

  @Test
  void listenerAndRouteNamesShareOneNameSpace() {
    String yaml =
        """
        routes:
          - name: shared
            match: { host: api.example.com }
            auth: { type: header, headerName: x-api-key }
            secret: { env: KEY }
        listeners:
          - name: shared
            postgres: { listen: 127.0.0.1:5433, upstream: { host: db }, user: u }
            secret: { env: PW }
          - name: twice
            postgres: { listen: 127.0.0.1:5434, upstream: { host: db }, user: u }
            secret: { env: PW }
          - name: twice
            postgres: { listen: 127.0.0.1:5434, upstream: { host: db }, user: u }
            secret: { env: PW }
        """;
    assertThat(problems(yaml))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("listeners[0].name: \"shared\" is already the name of routes[0]"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("listeners[2].name: \"twice\" is already the name of listeners[1]"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains(
                        "listeners[2].postgres.listen: 127.0.0.1:5434 is already used by"
                            + " listeners[1]"));
  }

  private List<String> problems(String yaml) {
    Path file = ConfigFiles.write(dir, "keyrelay.yaml", yaml);
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e).as("expected a ConfigException for:%n%s", yaml).isNotNull();
    return e.problems();
  }

  /** A valid listener with one field replaced by {@code value} (YAML flow syntax). */
  private static String listener(String field, String value) {
    String name = field.equals("name") ? value : "db";
    String postgres =
        field.equals("postgres")
            ? value
            : "{ listen: 127.0.0.1:5433, upstream: { host: db }, user: u }";
    String secret = field.equals("secret") ? value : "{ env: PW }";
    return "listeners:\n  - { name: %s, postgres: %s, secret: %s }\n"
        .formatted(name, postgres, secret);
  }
}
