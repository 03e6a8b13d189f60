package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.contract.AddressRange;
import dev.keyrelay.contract.DomainMatch;
import dev.keyrelay.contract.HostMatch;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void fullConfigBecomesTheExpectedRecords() throws Exception {
    ConfigFiles.testCa(dir.resolve("certs/internal-ca.pem"));
    Path file =
        ConfigFiles.write(
            dir,
            "keyrelay.yaml",
            """
            proxy:
              listen: "[::1]:7000"
              connectTimeout: 250ms
              idleTimeout: 2m
              workers: 3
              headerTimeout: 5s
              clientIdleTimeout: 15m
              maxConnections: 64
              tokens:
                - { name: laptop-shell, secret: { file: secrets/proxy-token } }
                - { name: ci, secret: { env: KEYRELAY_PROXY_TOKEN } }
            admin:
              listen: 0.0.0.0:9191
            ca:
              dir: ca-out
            egress:
              exceptions: [ "localhost:8443", "10.0.0.5", "[::1]:443" ]
              allowList: [ "Example.COM.", "*.Svc.Example:8443", "10.20.0.0/16" ]
              blockList: [ "bad.example:80", "fd00::/8" ]
            routes:
              - name: anthropic
                match: { host: API.Anthropic.com., port: 443 }
                auth: { type: header, headerName: x-api-key }
                secret: { env: ANTHROPIC_API_KEY }
              - name: github
                match: { host: api.github.com }
                upstream: { caFile: certs/internal-ca.pem }
                auth: { type: header, headerName: Authorization, scheme: Bearer }
                secret: { file: secrets/github-token }
              - name: git
                match: { host: bücher.example }
                auth: { type: basic, username: x-access-token }
                secret: { kubernetes: { name: github-token, key: token } }
                allowInsecureHttp: true
            secrets:
              kubernetesMountRoot: /mnt/secrets
              cacheTtl: 1h
              staleGrace: 90s
            """);

    SidecarConfig config = ConfigLoader.load(file);

    assertThat(config)
        .isEqualTo(
            new SidecarConfig(
                file,
                new ProxySettings(
                    new HostPort("::1", 7000),
                    false,
                    Duration.ofMillis(250),
                    Duration.ofMinutes(2),
                    3,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(15),
                    64,
                    List.of(
                        new ProxyToken(
                            "laptop-shell", new SecretRef.File(dir.resolve("secrets/proxy-token"))),
                        new ProxyToken("ci", new SecretRef.Env("KEYRELAY_PROXY_TOKEN")))),
                new AdminSettings(new HostPort("0.0.0.0", 9191)),
                new CaSettings(dir.resolve("ca-out"), null),
                new EgressSettings(
                    List.of(
                        new HostMatch("localhost", 8443),
                        new HostMatch("10.0.0.5", null),
                        new HostMatch("::1", 443)),
                    List.of(
                        new HostMatch("example.com", null),
                        new DomainMatch("svc.example", 8443),
                        AddressRange.parse("10.20.0.0/16")),
                    List.of(new HostMatch("bad.example", 80), AddressRange.parse("fd00::/8"))),
                List.of(
                    new Route(
                        "anthropic",
                        new HostMatch("api.anthropic.com", 443),
                        null,
                        new RouteAuth.Header("x-api-key", null),
                        new SecretRef.Env("ANTHROPIC_API_KEY"),
                        false,
                        true,
                        RoutePolicy.OPEN),
                    new Route(
                        "github",
                        new HostMatch("api.github.com", null),
                        dir.resolve("certs/internal-ca.pem"),
                        new RouteAuth.Header("Authorization", "Bearer"),
                        new SecretRef.File(dir.resolve("secrets/github-token")),
                        false,
                        true,
                        RoutePolicy.OPEN),
                    new Route(
                        "git",
                        new HostMatch("xn--bcher-kva.example", null),
                        null,
                        new RouteAuth.Basic("x-access-token"),
                        new SecretRef.Kubernetes("github-token", "token", Path.of("/mnt/secrets")),
                        true,
                        true,
                        RoutePolicy.OPEN)),
                new SecretsSettings(
                    Path.of("/mnt/secrets"), Duration.ofHours(1), Duration.ofSeconds(90)),
                null,
                List.of(),
                null,
                null,
                List.of()));
  }

  @Test
  void transparentBlockGetsLoopbackDefaultsOrTheGivenAddresses() throws Exception {
    SidecarConfig defaults =
        ConfigLoader.load(ConfigFiles.write(dir, "defaults.yaml", "transparent: {}\n"));
    SidecarConfig given =
        ConfigLoader.load(
            ConfigFiles.write(
                dir,
                "given.yaml",
                "transparent: { httpsListen: \"[::1]:16443\", httpListen: localhost:16080 }\n"));

    assertThat(defaults.transparent())
        .isEqualTo(
            new TransparentSettings(
                new HostPort("127.0.0.1", 15443), new HostPort("127.0.0.1", 15080)));
    assertThat(given.transparent())
        .isEqualTo(
            new TransparentSettings(new HostPort("::1", 16443), new HostPort("localhost", 16080)));
  }

  @Test
  void transparentOverrideAddsTheDefaultListenersUnlessTheFileHasItsOwn() throws Exception {
    ConfigOverrides transparent = new ConfigOverrides(OptionalInt.empty(), true);
    Path without = ConfigFiles.write(dir, "without.yaml", "{}\n");
    Path own =
        ConfigFiles.write(dir, "own.yaml", "transparent: { httpsListen: 127.0.0.1:16443 }\n");

    assertThat(ConfigLoader.load(without).transparent()).isNull();
    assertThat(ConfigLoader.load(without, transparent).transparent())
        .isEqualTo(
            new TransparentSettings(
                new HostPort("127.0.0.1", 15443), new HostPort("127.0.0.1", 15080)));
    assertThat(ConfigLoader.load(own, transparent).transparent().httpsListen())
        .isEqualTo(new HostPort("127.0.0.1", 16443));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{}", "# only a comment\n", "---\n", "proxy:\nroutes:\n"})
  void emptyConfigGivesAllDefaults(String yaml) throws Exception {
    Path file = ConfigFiles.write(dir, "keyrelay.yaml", yaml);

    SidecarConfig config = ConfigLoader.load(file);

    assertThat(config)
        .isEqualTo(
            new SidecarConfig(
                file,
                new ProxySettings(
                    new HostPort("127.0.0.1", 6790),
                    false,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(300),
                    ProxySettings.DEFAULT_WORKERS,
                    Duration.ofSeconds(10),
                    Duration.ofMinutes(10),
                    1024,
                    List.of()),
                new AdminSettings(new HostPort("127.0.0.1", 9090)),
                new CaSettings(Path.of("/var/run/keyrelay"), null),
                new EgressSettings(List.of(), List.of(), List.of()),
                List.of(),
                new SecretsSettings(
                    Path.of("/etc/keyrelay/secrets"),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(5)),
                null,
                List.of(),
                null,
                null,
                List.of()));
  }

  @ParameterizedTest
  @CsvSource({"30s, PT10M", "10m, PT11M", "1h, PT1H1M"})
  void clientIdleTimeoutDefaultsToTenMinutesOrAMinuteBeyondTheUpstreamIdleTimeout(
      String idleTimeout, Duration expected) throws Exception {
    Path file =
        ConfigFiles.write(dir, "keyrelay.yaml", "proxy: { idleTimeout: " + idleTimeout + " }\n");

    assertThat(ConfigLoader.load(file).proxy().clientIdleTimeout()).isEqualTo(expected);
  }

  @Test
  void issuedTokenSecretsBecomeRecordsWithTheirStoredCredentials() throws Exception {
    ConfigFiles.testCa(dir.resolve("login-ca.pem"));
    Path file =
        ConfigFiles.write(
            dir,
            "keyrelay.yaml",
            """
            routes:
              - name: login
                match: { host: api.example }
                auth: { type: header, headerName: Authorization, scheme: Bearer }
                secret:
                  oauth2:
                    tokenUrl: https://login.example/oauth/token
                    grantType: refresh_token
                    clientId: cli
                    refreshToken: { kubernetes: { name: login, key: refresh-token } }
                    scopes: [user:inference, "offline_access"]
                    audience: https://api.example
                    caFile: login-ca.pem
              - name: github
                match: { host: github.com }
                auth: { type: basic, username: x-access-token }
                secret:
                  githubApp:
                    appId: 123456
                    installationId: 987654
                    privateKey: { file: app.pem }
                    repositories: [keyrelay]
                    permissions: { contents: write }
            """);

    List<Route> routes = ConfigLoader.load(file).routes();

    assertThat(routes.get(0).secret())
        .isEqualTo(
            new SecretRef.OAuth2(
                URI.create("https://login.example/oauth/token"),
                SecretRef.OAuth2.GrantType.REFRESH_TOKEN,
                "cli",
                null,
                new SecretRef.Kubernetes(
                    "login", "refresh-token", Path.of("/etc/keyrelay/secrets")),
                List.of("user:inference", "offline_access"),
                "https://api.example",
                dir.resolve("login-ca.pem")));
    assertThat(routes.get(1).secret())
        .isEqualTo(
            new SecretRef.GitHubApp(
                "123456",
                987654,
                new SecretRef.File(dir.resolve("app.pem")),
                URI.create("https://api.github.com"),
                List.of("keyrelay"),
                Map.of("contents", "write"),
                null));
  }

  @Test
  void relativeFileIsResolvedAgainstItsOwnDirectory() throws Exception {
    ConfigFiles.write(
        dir,
        "conf/keyrelay.yaml",
        """
        routes:
          - name: a
            match: { host: a.example }
            auth: { type: header, headerName: x-key }
            secret: { file: ../secrets/a }
        """);

    SidecarConfig config = ConfigLoader.load(Path.of(dir.toString(), "conf", "keyrelay.yaml"));

    assertThat(config.source().isAbsolute()).isTrue();
    assertThat(config.routes().get(0).secret())
        .isEqualTo(new SecretRef.File(dir.resolve("conf").resolve("../secrets/a")));
  }

  @Test
  void nonLoopbackProxyIsAllowedWhenExplicitlyEnabled() throws Exception {
    Path file =
        ConfigFiles.write(
            dir, "k.yaml", "proxy: { listen: 0.0.0.0:6790, allowNonLoopback: true }\n");

    ProxySettings proxy = ConfigLoader.load(file).proxy();

    assertThat(proxy.listen()).isEqualTo(new HostPort("0.0.0.0", 6790));
    assertThat(proxy.allowNonLoopback()).isTrue();
  }

  @Test
  void proxyPortOverrideReplacesOnlyThePortOfTheFilesListenAddress() throws Exception {
    Path file = ConfigFiles.write(dir, "k.yaml", "proxy: { listen: \"[::1]:7000\" }\n");

    SidecarConfig config = ConfigLoader.load(file, new ConfigOverrides(OptionalInt.of(7100)));

    assertThat(config.proxy().listen()).isEqualTo(new HostPort("::1", 7100));
    assertThat(config.proxy().connectTimeout())
        .isEqualTo(ConfigLoader.load(file).proxy().connectTimeout());
    assertThat(ConfigLoader.load(file, ConfigOverrides.NONE)).isEqualTo(ConfigLoader.load(file));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:6790", "127.0.0.2:6790", "[::1]:0", "[::ffff:127.0.0.1]:1"})
  void loopbackProxyAddressesNeedNoOptIn(String listen) throws Exception {
    Path file = ConfigFiles.write(dir, "k.yaml", "proxy: { listen: \"" + listen + "\" }\n");

    assertThat(ConfigLoader.load(file).proxy().allowNonLoopback()).isFalse();
  }

  @Test
  void portlessAndPortedRoutesForTheSameHostMayCoexist() throws Exception {
    Path file =
        ConfigFiles.write(
            dir,
            "k.yaml",
            """
            routes:
              - name: special-port
                match: { host: api.example, port: 8443 }
                auth: { type: header, headerName: x-key }
                secret: { env: A }
              - name: any-port
                match: { host: API.example }
                auth: { type: header, headerName: x-key }
                secret: { env: B }
            """);

    assertThat(ConfigLoader.load(file).routes())
        .extracting(Route::name)
        .containsExactly("special-port", "any-port");
  }

  @Test
  void vaultBlockAndVaultSecretsBecomeRecords() throws Exception {
    ConfigFiles.testCa(dir.resolve("vault-ca.pem"));
    Path file =
        ConfigFiles.write(
            dir,
            "k.yaml",
            """
            routes:
              - name: internal
                match: { host: api.internal.test }
                auth: { type: header, headerName: x-key }
                secret: { vault: { path: kv/team-a/data/agents/internal, field: key } }
            vault:
              address: https://vault.vault.svc:8200/
              namespace: admin/team-a
              caFile: vault-ca.pem
              auth: { kubernetes: { role: keyrelay-agent } }
            """);

    SidecarConfig config = ConfigLoader.load(file);

    assertThat(config.routes().get(0).secret())
        .isEqualTo(new SecretRef.Vault("kv/team-a/data/agents/internal", "key"));
    assertThat(config.vault())
        .isEqualTo(
            new VaultSettings(
                URI.create("https://vault.vault.svc:8200"),
                "admin/team-a",
                dir.resolve("vault-ca.pem"),
                new VaultSettings.Kubernetes(
                    "keyrelay-agent", Path.of("/var/run/secrets/keyrelay/vault-token"))));
  }

  @Test
  void vaultTokenFileIsResolvedAgainstTheConfigDirectory() throws Exception {
    Path file =
        ConfigFiles.write(
            dir, "k.yaml", "vault: { address: http://127.0.0.1:8200, auth: { tokenFile: tok } }\n");

    assertThat(ConfigLoader.load(file).vault())
        .isEqualTo(
            new VaultSettings(
                URI.create("http://127.0.0.1:8200"),
                null,
                null,
                new VaultSettings.TokenFile(dir.resolve("tok"))));
  }

  @Test
  void anOptionalFileNotYetInItsDirectoryReadsAsTheDefaultsWithTheOverrides() throws Exception {
    Path file = dir.resolve("routes.yaml");
    ConfigOverrides overrides =
        new ConfigOverrides(
            OptionalInt.of(7001),
            false,
            ConfigOverrides.listenAddress("0.0.0.0:9090"),
            dir.resolve("ca"),
            dir.resolve("key/ca.pem"));

    SidecarConfig config = ConfigLoader.loadOrDefaults(file, overrides);

    assertThat(config.source()).isEqualTo(file);
    assertThat(config.routes()).isEmpty();
    assertThat(config.listeners()).isEmpty();
    assertThat(config.pod()).isNull();
    assertThat(config.egress())
        .isEqualTo(ConfigLoader.load(ConfigFiles.write(dir, "empty.yaml", "")).egress());
    assertThat(config.proxy().listen()).isEqualTo(new HostPort("127.0.0.1", 7001));
    assertThat(config.admin().listen()).isEqualTo(new HostPort("0.0.0.0", 9090));
    assertThat(config.ca()).isEqualTo(new CaSettings(dir.resolve("ca"), dir.resolve("key/ca.pem")));
  }
}
