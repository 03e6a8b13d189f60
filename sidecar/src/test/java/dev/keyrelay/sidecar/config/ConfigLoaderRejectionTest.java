package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderRejectionTest {

  private static final String VAULT =
      "vault: { address: https://vault.example:8200, auth: { tokenFile: t } }\n";

  @TempDir Path dir;

  /**
   * A config with one valid route, except that {@code field} is set to {@code value} (or removed
   * when null).
   */
  private static String route(String field, String value) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("name", "a");
    fields.put("match", "{ host: a.example }");
    fields.put("auth", "{ type: header, headerName: x-key }");
    fields.put("secret", "{ env: A }");
    if (value == null) {
      fields.remove(field);
    } else {
      fields.put(field, value);
    }
    return "routes:\n  - "
        + fields.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining("\n    "))
        + "\n";
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        arguments("proxy: { listen: 0.0.0.0:6790 }", "proxy.listen", "not a loopback address"),
        arguments(
            "transparent: { httpsListen: 0.0.0.0:15443 }",
            "transparent.httpsListen",
            "not a loopback address; iptables REDIRECT"),
        arguments(
            "transparent: { httpListen: 127.0.0.1 }", "transparent.httpListen", "has no port"),
        arguments(
            "transparent: { httpListen: 127.0.0.1:15443 }",
            "transparent.httpListen",
            "must differ from transparent.httpsListen"),
        arguments("transparent: { listen: 127.0.0.1:1 }", "transparent.listen", ""),
        arguments("proxy: { listen: \"[::]:6790\" }", "proxy.listen", "not a loopback address"),
        arguments("proxy: { listen: proxy.example:6790 }", "proxy.listen", "not a loopback"),
        arguments("proxy: { listen: 127.0.0.1 }", "proxy.listen", "has no port"),
        arguments("proxy: { listen: \"127.0.0.1:70000\" }", "proxy.listen", "out of range"),
        arguments("proxy: { listen: \"127.0.0.1:http\" }", "proxy.listen", "is not a number"),
        arguments("proxy: { connectTimeout: 10 }", "proxy.connectTimeout", "is not a duration"),
        arguments("proxy: { connectTimeout: 0s }", "proxy.connectTimeout", "greater than zero"),
        arguments("proxy: { idleTimeout: -5s }", "proxy.idleTimeout", "is not a duration"),
        arguments("proxy: { idleTimeout: 1d }", "proxy.idleTimeout", "is not a duration"),
        arguments("proxy: { idleTimeout: 1.5s }", "proxy.idleTimeout", "is not a duration"),
        arguments("proxy: { allowNonLoopback: maybe }", "proxy.allowNonLoopback", "true or false"),
        arguments("proxy: { workers: 0 }", "proxy.workers", "is not between 1 and 64"),
        arguments("proxy: { workers: two }", "proxy.workers", "expected a whole number"),
        arguments("proxy: { headerTimeout: 0s }", "proxy.headerTimeout", "greater than zero"),
        arguments("proxy: { headerTimeout: 10 }", "proxy.headerTimeout", "is not a duration"),
        arguments(
            "proxy: { clientIdleTimeout: forever }", "proxy.clientIdleTimeout", "not a duration"),
        arguments(
            "proxy: { clientIdleTimeout: 5m }",
            "proxy.clientIdleTimeout",
            "must be longer than proxy.idleTimeout (300000 ms)"),
        arguments(
            "proxy: { idleTimeout: 1h, clientIdleTimeout: 30m }",
            "proxy.clientIdleTimeout",
            "must be longer than proxy.idleTimeout (3600000 ms)"),
        arguments("proxy: { maxConnections: 0 }", "proxy.maxConnections", "not between 1 and"),
        arguments("proxy: { maxConnections: -1 }", "proxy.maxConnections", "not between 1 and"),
        arguments(
            "proxy: { maxConnections: many }", "proxy.maxConnections", "expected a whole number"),
        arguments("admin: { listen: \"[::1\" }", "admin.listen", "unclosed '['"),
        arguments("ca: { dir: \"\" }", "ca.dir", "must not be empty"),
        arguments(
            "egress: { exceptions: [ \"a b\" ] }", "egress.exceptions[0]", "invalid host 'a b'"),
        arguments(
            "egress: { allowList: [ ok.example, \"x:0\" ] }",
            "egress.allowList[1]",
            "out of range"),
        arguments("egress: { blockList: [ ~ ] }", "egress.blockList[0]", "must not be null"),
        arguments("egress: { blockList: [ \"[zz::1]\" ] }", "egress.blockList[0]", "IPv6"),
        arguments("egress: { exceptions: localhost }", "egress.exceptions", "expected a list"),
        arguments("secrets: { cacheTtl: soon }", "secrets.cacheTtl", "is not a duration"),
        arguments("secrets: { staleGrace: 0ms }", "secrets.staleGrace", "greater than zero"),
        arguments("vault: { auth: { tokenFile: t } }", "vault.address", "is required"),
        arguments(
            "vault: { address: ftp://vault.example, auth: { tokenFile: t } }",
            "vault.address",
            "is not a Vault address"),
        arguments(
            "vault: { address: https://vault.example/v1, auth: { tokenFile: t } }",
            "vault.address",
            "is not a Vault address"),
        arguments("vault: { address: https://vault.example }", "vault.auth", "is required"),
        arguments(
            "vault: { address: https://v.example, auth: { tokenFile: t, kubernetes: { role: r } }"
                + " }",
            "vault.auth",
            "exactly one of kubernetes, tokenFile"),
        arguments(
            "vault: { address: https://v.example, auth: { kubernetes: { tokenFile: t } } }",
            "vault.auth.kubernetes.role",
            "is required"),
        arguments(
            "vault: { address: https://v.example, namespace: \"a b\", auth: { tokenFile: t } }",
            "vault.namespace",
            "is not a Vault namespace"),
        arguments(
            "vault: { address: https://v.example, caFile: missing.pem, auth: { tokenFile: t } }",
            "vault.caFile",
            "does not exist"),
        arguments("routes: [ ~ ]", "routes[0]", "must be a mapping"),
        arguments("routes: { name: a }", "routes", "expected a list"),
        arguments("proxy: { listen: 1, extra: 2 }", "proxy.extra", "unknown key"),
        arguments("proxyy: {}", "proxyy", "unknown key; expected one of admin, ca, egress"),
        arguments(route("name", null), "routes[0].name", "is required"),
        arguments(route("name", "Anthropic"), "routes[0].name", "not a valid route name"),
        arguments(route("name", "-a"), "routes[0].name", "not a valid route name"),
        arguments(route("name", "a".repeat(64)), "routes[0].name", "not a valid route name"),
        arguments(route("name", "[a]"), "routes[0].name", "expected a string"),
        arguments(route("match", null), "routes[0].match", "is required"),
        arguments(route("match", "{ port: 443 }"), "routes[0].match.host", "is required"),
        arguments(
            route("match", "{ host: \"bad host\" }"),
            "routes[0].match.host",
            "invalid host 'bad host'"),
        arguments(
            route("match", "{ host: a.example, port: 0 }"), "routes[0].match.port", "out of range"),
        arguments(
            route("match", "{ host: a.example, port: 65536 }"),
            "routes[0].match.port",
            "out of range"),
        arguments(
            route("match", "{ host: a.example, port: 44.3 }"),
            "routes[0].match.port",
            "expected a whole number"),
        arguments(
            route("match", "{ host: a.example, port: \"443\" }"),
            "routes[0].match.port",
            "expected a whole number"),
        arguments(
            route("match", "{ host: a.example, path: /v1 }"),
            "routes[0].match.path",
            "unknown key"),
        arguments(
            route("upstream", "{ caFile: empty.pem }"),
            "routes[0].upstream.caFile",
            "contains no PEM certificate"),
        arguments(
            route("upstream", "{ caFile: corrupt.pem }"),
            "routes[0].upstream.caFile",
            "not a readable PEM file"),
        arguments(route("auth", null), "routes[0].auth", "is required"),
        arguments(route("auth", "{ headerName: x-key }"), "routes[0].auth.type", "is required"),
        arguments(route("auth", "{ type: bearer }"), "routes[0].auth.type", "not an auth type"),
        arguments(route("auth", "{ type: header }"), "routes[0].auth.headerName", "is required"),
        arguments(
            route("auth", "{ type: header, headerName: Host }"),
            "routes[0].auth.headerName",
            "\"Host\" is reserved and cannot carry a credential"),
        arguments(
            route("auth", "{ type: header, headerName: content-LENGTH }"),
            "routes[0].auth.headerName",
            "is reserved"),
        arguments(
            route("auth", "{ type: header, headerName: Transfer-Encoding }"),
            "routes[0].auth.headerName",
            "is reserved"),
        arguments(
            route("auth", "{ type: header, headerName: connection }"),
            "routes[0].auth.headerName",
            "is reserved"),
        arguments(
            route("auth", "{ type: header, headerName: Keep-Alive }"),
            "routes[0].auth.headerName",
            "is reserved"),
        arguments(
            route("auth", "{ type: header, headerName: TE }"),
            "routes[0].auth.headerName",
            "is reserved"),
        arguments(
            route("auth", "{ type: header, headerName: Trailer }"),
            "routes[0].auth.headerName",
            "is reserved"),
        arguments(
            route("auth", "{ type: header, headerName: Upgrade }"),
            "routes[0].auth.headerName",
            "is reserved"),
        arguments(
            route("auth", "{ type: header, headerName: Proxy-Authorization }"),
            "routes[0].auth.headerName",
            "is reserved"),
        arguments(
            route("auth", "{ type: header, headerName: proxy-authenticate }"),
            "routes[0].auth.headerName",
            "is reserved"),
        arguments(
            route("auth", "{ type: header, headerName: \"x key\" }"),
            "routes[0].auth.headerName",
            "not a valid HTTP header name"),
        arguments(
            route("auth", "{ type: header, headerName: \"x:key\" }"),
            "routes[0].auth.headerName",
            "not a valid HTTP header name"),
        arguments(
            route("auth", "{ type: header, headerName: authorization }"),
            "routes[0].auth.scheme",
            "is required when headerName is Authorization"),
        arguments(
            route("auth", "{ type: header, headerName: x-key, scheme: \"Bearer x\" }"),
            "routes[0].auth.scheme",
            "not a valid auth scheme"),
        arguments(
            route("auth", "{ type: header, headerName: x-key, username: u }"),
            "routes[0].auth.username",
            "only for type basic"),
        arguments(
            route("auth", "{ type: basic }"),
            "routes[0].auth.username",
            "is required for type basic"),
        arguments(
            route("auth", "{ type: basic, username: \"a:b\" }"),
            "routes[0].auth.username",
            "must not contain ':'"),
        arguments(
            route("auth", "{ type: basic, username: \"a\\tb\" }"),
            "routes[0].auth.username",
            "control characters"),
        arguments(
            route("auth", "{ type: basic, username: u, headerName: x-key }"),
            "routes[0].auth.headerName",
            "only for type header"),
        arguments(
            route("auth", "{ type: basic, username: u, scheme: Basic }"),
            "routes[0].auth.scheme",
            "only for type header"),
        arguments(
            route("auth", "{ type: awsSigV4, service: bedrock }"),
            "routes[0].auth.region",
            "is required for type awsSigV4"),
        arguments(
            route("auth", "{ type: awsSigV4, service: Bedrock, region: us-east-1 }"),
            "routes[0].auth.service",
            "is not an AWS signing name"),
        arguments(
            route("auth", "{ type: header, headerName: x-key, region: us-east-1 }"),
            "routes[0].auth.region",
            "is only for type awsSigV4"),
        arguments(
            route("auth", "{ type: awsSigV4, service: bedrock, region: us-east-1 }"),
            "routes[0].secret",
            "auth type awsSigV4 needs secret aws or awsWebIdentity"),
        arguments(
            route("secret", "{ aws: { accessKeyId: { env: A }, secretAccessKey: { env: B } } }"),
            "routes[0].auth.type",
            "secret aws and awsWebIdentity need auth type awsSigV4"),
        arguments(
            route("secret", "{ aws: { accessKeyId: { env: A } } }"),
            "routes[0].secret.aws.secretAccessKey",
            "is required"),
        arguments(
            route(
                "secret",
                "{ aws: { accessKeyId: { env: A }, secretAccessKey: { githubApp: { appId: '1' } } } }"),
            "routes[0].secret.aws.secretAccessKey.githubApp",
            "is not allowed here"),
        arguments(
            route(
                "secret", "{ awsWebIdentity: { roleArn: 'arn:aws:iam::1:role/x', tokenFile: t } }"),
            "routes[0].secret.awsWebIdentity.roleArn",
            "is not an IAM role ARN"),
        arguments(
            route(
                "secret",
                "{ awsWebIdentity: { roleArn: 'arn:aws:iam::123456789012:role/x', tokenFile: t,"
                    + " stsUrl: 'http://sts.example' } }"),
            "routes[0].secret.awsWebIdentity.stsUrl",
            "must be an https URL"),
        arguments(route("secret", null), "routes[0].secret", "is required"),
        arguments(
            route("secret", "{}"),
            "routes[0].secret",
            "one of env, file, kubernetes, vault, oauth2, githubApp, aws, awsWebIdentity is required"),
        arguments(
            route("secret", "{ env: A, file: /a }"),
            "routes[0].secret",
            "exactly one of env, file, kubernetes, vault, oauth2, githubApp, aws, awsWebIdentity is allowed, found env"
                + " and file"),
        arguments(
            route(
                "secret",
                "{ oauth2: { tokenUrl: http://login.example/token,"
                    + " grantType: client_credentials, clientId: c, clientSecret: { env: S } } }"),
            "routes[0].secret.oauth2.tokenUrl",
            "must be an https URL"),
        arguments(
            route(
                "secret",
                "{ oauth2: { tokenUrl: https://login.example/token,"
                    + " grantType: client_credentials, clientId: c } }"),
            "routes[0].secret.oauth2.clientSecret",
            "is required for grantType client_credentials"),
        arguments(
            route(
                "secret",
                "{ oauth2: { tokenUrl: https://login.example/token,"
                    + " grantType: refresh_token, clientId: c } }"),
            "routes[0].secret.oauth2.refreshToken",
            "is required for grantType refresh_token"),
        arguments(
            route(
                "secret",
                "{ oauth2: { tokenUrl: https://login.example/token,"
                    + " grantType: password, clientId: c } }"),
            "routes[0].secret.oauth2.grantType",
            "\"password\" is not supported"),
        arguments(
            route(
                "secret",
                "{ oauth2: { tokenUrl: https://login.example/token,"
                    + " grantType: client_credentials, clientId: c, clientSecret: { env: S },"
                    + " scopes: [\"read write\"] } }"),
            "routes[0].secret.oauth2.scopes[0]",
            "is not an OAuth scope"),
        arguments(
            route(
                "secret",
                "{ oauth2: { tokenUrl: https://login.example/token,"
                    + " grantType: refresh_token, clientId: c, refreshToken: { oauth2: {} } } }"),
            "routes[0].secret.oauth2.refreshToken.oauth2",
            "is not allowed here; use one of env, file, kubernetes, vault"),
        arguments(
            route(
                "secret",
                "{ oauth2: { tokenUrl: https://login.example/token,"
                    + " grantType: refresh_token, clientId: c,"
                    + " refreshToken: { vault: { path: secret/data/x, field: rt } } } }"),
            "routes[0].secret",
            "needs the top-level vault block"),
        arguments(
            route("secret", "{ githubApp: { appId: \"12345\", privateKey: { env: K } } }"),
            "routes[0].secret.githubApp.installationId",
            "is required"),
        arguments(
            route(
                "secret",
                "{ githubApp: { appId: my-app, installationId: 7," + " privateKey: { env: K } } }"),
            "routes[0].secret.githubApp.appId",
            "numeric ID or its client ID"),
        arguments(
            route(
                "secret",
                "{ githubApp: { appId: \"1\", installationId: 7,"
                    + " privateKey: { env: K }, permissions: { contents: owner } } }"),
            "routes[0].secret.githubApp.permissions.contents",
            "must be read, write or admin"),
        arguments(
            route(
                "secret",
                "{ githubApp: { appId: \"1\", installationId: 7,"
                    + " privateKey: { env: K }, apiUrl: \"https://ghe.example/api/v3?x=1\" } }"),
            "routes[0].secret.githubApp.apiUrl",
            "must not hold user info, a query or a fragment"),
        arguments(
            route("secret", "{ vault: { path: secret/data/x, field: key } }"),
            "routes[0].secret.vault",
            "needs the top-level vault block"),
        arguments(
            route("secret", "{ vault: { path: secret/agents/x, field: key } }") + VAULT,
            "routes[0].secret.vault.path",
            "is not a KV v2 read path"),
        arguments(
            route("secret", "{ vault: { path: secret/data, field: key } }") + VAULT,
            "routes[0].secret.vault.path",
            "is not a KV v2 read path"),
        arguments(
            route("secret", "{ vault: { path: secret/data/../x, field: key } }") + VAULT,
            "routes[0].secret.vault.path",
            "is not a KV v2 read path"),
        arguments(
            route("secret", "{ vault: { path: secret/data/x } }") + VAULT,
            "routes[0].secret.vault.field",
            "is required"),
        arguments(
            route("secret", "{ env: 1ABC }"),
            "routes[0].secret.env",
            "not an environment variable name"),
        arguments(
            route("secret", "{ env: A-B }"),
            "routes[0].secret.env",
            "not an environment variable name"),
        arguments(route("secret", "{ file: \"\" }"), "routes[0].secret.file", "must not be empty"),
        arguments(
            route("secret", "{ kubernetes: { key: token } }"),
            "routes[0].secret.kubernetes.name",
            "is required"),
        arguments(
            route("secret", "{ kubernetes: { name: Github, key: token } }"),
            "routes[0].secret.kubernetes.name",
            "DNS subdomain"),
        arguments(
            route("secret", "{ kubernetes: { name: a..b, key: token } }"),
            "routes[0].secret.kubernetes.name",
            "DNS subdomain"),
        arguments(
            route("secret", "{ kubernetes: { name: gh } }"),
            "routes[0].secret.kubernetes.key",
            "is required"),
        arguments(
            route("secret", "{ kubernetes: { name: gh, key: \"..\" } }"),
            "routes[0].secret.kubernetes.key",
            "not a Secret key"),
        arguments(
            route("secret", "{ kubernetes: { name: gh, key: \"a/b\" } }"),
            "routes[0].secret.kubernetes.key",
            "not a Secret key"),
        arguments(
            route("secret", "{ kubernetes: { name: gh, key: k, namespace: x } }"),
            "routes[0].secret.kubernetes.namespace",
            "unknown key"),
        arguments(
            route("allowInsecureHttp", "yes please"),
            "routes[0].allowInsecureHttp",
            "true or false"),
        arguments("egress: { allowList: [\"*.10.0.0.1\"] }", "egress.allowList[0]", "DNS name"),
        arguments("egress: { allowList: [\"api*.example.com\"] }", "egress.allowList[0]", "'*'"),
        arguments("egress: { blockList: [10.0.0.1/8] }", "egress.blockList[0]", "bits set after"),
        arguments("egress: { blockList: [10.0.0.0/33] }", "egress.blockList[0]", "outside 0..32"),
        arguments("egress: { exceptions: [host.test/8] }", "egress.exceptions[0]", "not an IP"),
        arguments(route("rules", "[]"), "routes[0].rules", "must not be empty"),
        arguments(route("rules", "[ {} ]"), "routes[0].rules[0]", "needs methods, paths"),
        arguments(
            route("rules", "[ { methods: [get] } ]"),
            "routes[0].rules[0].methods[0]",
            "upper case"),
        arguments(
            route("rules", "[ { methods: [GET], paths: [] } ]"),
            "routes[0].rules[0].paths",
            "must not be empty"),
        arguments(
            route("rules", "[ { paths: [repos] } ]"), "routes[0].rules[0].paths[0]", "start with"),
        arguments(
            route("rules", "[ { paths: [\"/v1*\"] } ]"),
            "routes[0].rules[0].paths[0]",
            "whole segments"),
        arguments(
            route("rules", "[ { paths: [/a/../b] } ]"),
            "routes[0].rules[0].paths[0]",
            "'..' segments"),
        arguments(
            route("rules", "[ { paths: [/a%2Fb] } ]"),
            "routes[0].rules[0].paths[0]",
            "encoded slash"),
        arguments(
            route("rules", "[ { paths: [\"/a?b=1\"] } ]"), "routes[0].rules[0].paths[0]", "query"),
        arguments(route("limits", "{}"), "routes[0].limits", "needs requestsPerMinute"),
        arguments(
            route("limits", "{ requestsPerMinute: 0 }"),
            "routes[0].limits.requestsPerMinute",
            "at least 1"),
        arguments(
            route("limits", "{ concurrent: -1 }"), "routes[0].limits.concurrent", "at least 1"),
        arguments(
            "routes:\n  - name: a\n    name: b\n", "routes[0].name", "Duplicate field 'name'"),
        arguments("proxy: { tokens: [] }\n", "proxy.tokens", "is empty"),
        arguments(
            "proxy: { tokens: [ { name: Laptop, secret: { env: T } } ] }\n",
            "proxy.tokens[0].name",
            "not a lower-case DNS label"),
        arguments(
            "proxy: { tokens: [ { secret: { env: T } } ] }\n",
            "proxy.tokens[0].name",
            "is required"),
        arguments(
            "proxy: { tokens: [ { name: a, secret: { env: T } }, { name: a, secret: { env: U } } ] }\n",
            "proxy.tokens[1].name",
            "already the name of proxy.tokens[0]"),
        arguments("proxy: { tokens: [ { name: a } ] }\n", "proxy.tokens[0].secret", "is required"),
        arguments(
            "proxy: { tokens: [ { name: a, secret: { vault: { path: p, field: f } } } ] }\n",
            "proxy.tokens[0].secret.vault",
            "needs the top-level vault block"),
        arguments(
            "proxy: { tokens: [ { name: a, secret: { oauth2: { tokenUrl: https://t.example } } } ] }\n",
            "proxy.tokens[0].secret.oauth2",
            "is not allowed here"),
        arguments(
            "proxy: { tokens: [ { name: a, secret: { env: T } } ] }\ntransparent: {}\n",
            "proxy.tokens",
            "cannot be used with the transparent block"),
        arguments("proxy: { listen: a\n", "proxy.listen", "invalid YAML: expected ',' or '}'"),
        arguments(
            "proxy:\n  listen: a\n connectTimeout: 1s\n",
            "proxy",
            "invalid YAML: expected <block end>"),
        arguments(
            "proxy: {}\n---\nadmin: {}\n", "(root)", "only one YAML document is allowed (line 3)"),
        arguments("- a\n- b\n", "(root)", "expected a mapping"));
  }

  @ParameterizedTest(name = "[{index}] {1}: {2}")
  @MethodSource("rejections")
  void rejectsWithFileFieldAndReason(String yaml, String fieldPath, String reason)
      throws Exception {
    Files.writeString(dir.resolve("empty.pem"), "no certificate here\n");
    Files.writeString(
        dir.resolve("corrupt.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    Path file = ConfigFiles.write(dir, "keyrelay.yaml", yaml);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

    assertThat(e).as("expected a ConfigException for:%n%s", yaml).isNotNull();
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).startsWith(file + ": " + fieldPath + ": ").contains(reason));
  }

  @Test
  void sameHostAndPortTwiceIsRejectedOnTheLaterRoute() throws Exception {
    Path file =
        ConfigFiles.write(
            dir,
            "k.yaml",
            """
            routes:
              - name: first
                match: { host: api.example, port: 443 }
                auth: { type: header, headerName: x-key }
                secret: { env: A }
              - name: other
                match: { host: other.example }
                auth: { type: header, headerName: x-key }
                secret: { env: A }
              - name: second
                match: { host: API.EXAMPLE., port: 443 }
                auth: { type: header, headerName: x-key }
                secret: { env: B }
              - name: first
                match: { host: other.example }
                auth: { type: header, headerName: x-key }
                secret: { env: C }
            """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

    assertThat(e.problems())
        .containsExactly(
            file
                + ": routes[2].match: same host and port as routes[0] (\"first\"), so it would"
                + " never match: the first match wins",
            file + ": routes[3].name: \"first\" is already the name of routes[0]",
            file
                + ": routes[3].match: same host and port as routes[1] (\"other\"), so it would"
                + " never match: the first match wins");
  }

  @Test
  void reportsEveryProblemTogether() throws Exception {
    Path file =
        ConfigFiles.write(
            dir,
            "k.yaml",
            """
            proxy: { listen: 10.1.2.3:6790, idleTimeout: forever }
            routes:
              - name: a
                match: { host: a.example, port: 0 }
                auth: { type: header, headerName: Host }
                secret: { env: A, file: b }
            """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

    assertThat(e.problems()).hasSize(5).allSatisfy(p -> assertThat(p).startsWith(file + ": "));
    assertThat(e.getMessage().lines())
        .anySatisfy(l -> assertThat(l).contains("proxy.listen: "))
        .anySatisfy(l -> assertThat(l).contains("proxy.idleTimeout: "))
        .anySatisfy(l -> assertThat(l).contains("routes[0].match.port: "))
        .anySatisfy(l -> assertThat(l).contains("routes[0].auth.headerName: "))
        .anySatisfy(l -> assertThat(l).contains("routes[0].secret: "));
  }

  @Test
  void jacksonErrorsNameTheLineAndDoNotQuoteTheValue() throws Exception {
    Path file =
        ConfigFiles.write(
            dir,
            "k.yaml",
            """
            routes:
              - name: a
                match: { host: a.example, port: not-a-number-s3cr3t }
            """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

    assertThat(e.getMessage())
        .isEqualTo(file + ": routes[0].match.port: wrong type, expected a whole number (line 3)");
  }

  @Test
  void missingFileIsReported() {
    Path file = dir.resolve("absent.yaml");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

    assertThat(e.getMessage()).isEqualTo(file + ": (file): cannot be read (NoSuchFileException)");
  }

  @Test
  void anOptionalFileInAMissingDirectoryIsStillReported() {
    Path file = dir.resolve("no-volume/routes.yaml");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.loadOrDefaults(file, ConfigOverrides.NONE));

    assertThat(e.getMessage()).isEqualTo(file + ": (file): cannot be read (NoSuchFileException)");
  }
}
