package dev.keyrelay.operator.route;

import static dev.keyrelay.operator.route.TestingRoutes.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.operator.api.v1alpha1.CrdSchemaCheck;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CRD schema (OpenAPI + CEL, evaluated locally) and the Java validation reject the same specs,
 * except for the rules only Java can check.
 */
class SchemaAndJavaAgreeTest {

  private static CrdSchemaCheck schema;

  @BeforeAll
  static void load() throws Exception {
    schema = CrdSchemaCheck.committed();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      admitted|header route|http: { host: api.test, auth: { type: header, headerName: x-api-key } }, secret: { kubernetes: { name: s, key: k } }
      admitted|bearer route|http: { host: API.test., port: 443, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { vault: { path: secret/data/x, field: f } }
      admitted|basic route|http: { host: github.com, auth: { type: basic, username: x-access-token } }, secret: { kubernetes: { name: s, key: k } }
      admitted|listener|postgres: { listenPort: 15432, upstream: { host: db.test, sslMode: verify-ca, ca: { configMapKeyRef: { name: ca, key: ca.crt } } }, user: u, clientTls: require }, secret: { kubernetes: { name: s, key: k } }
      both|http and postgres|http: { host: a.test, auth: { type: header, headerName: x-k } }, postgres: { listenPort: 15432, upstream: { host: db.test }, user: u }, secret: { vault: { path: p, field: f } }
      both|neither http nor postgres|secret: { vault: { path: p, field: f } }
      both|no secret|http: { host: a.test, auth: { type: header, headerName: x-k } }
      both|two secret sources|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { kubernetes: { name: s, key: k }, vault: { path: p, field: f } }
      both|reserved Host|http: { host: a.test, auth: { type: header, headerName: Host } }, secret: { vault: { path: p, field: f } }
      both|reserved Proxy-Authorization|http: { host: a.test, auth: { type: header, headerName: proxy-authorization, scheme: Basic } }, secret: { vault: { path: p, field: f } }
      both|reserved transfer-encoding|http: { host: a.test, auth: { type: header, headerName: Transfer-Encoding } }, secret: { vault: { path: p, field: f } }
      both|Authorization without scheme|http: { host: a.test, auth: { type: header, headerName: AUTHORIZATION } }, secret: { vault: { path: p, field: f } }
      both|header without headerName|http: { host: a.test, auth: { type: header } }, secret: { vault: { path: p, field: f } }
      both|basic without username|http: { host: a.test, auth: { type: basic } }, secret: { vault: { path: p, field: f } }
      both|basic with headerName|http: { host: a.test, auth: { type: basic, username: u, headerName: x-k } }, secret: { vault: { path: p, field: f } }
      both|header with username|http: { host: a.test, auth: { type: header, headerName: x-k, username: u } }, secret: { vault: { path: p, field: f } }
      both|username with colon|http: { host: a.test, auth: { type: basic, username: 'a:b' } }, secret: { vault: { path: p, field: f } }
      both|unknown auth type|http: { host: a.test, auth: { type: digest, headerName: x-k } }, secret: { vault: { path: p, field: f } }
      both|bad header token|http: { host: a.test, auth: { type: header, headerName: 'x key' } }, secret: { vault: { path: p, field: f } }
      both|bad host|http: { host: 'a b.test', auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }
      both|port 0|http: { host: a.test, port: 0, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }
      both|port 65536|http: { host: a.test, port: 65536, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }
      both|privileged listen port|postgres: { listenPort: 80, upstream: { host: db.test }, user: u }, secret: { vault: { path: p, field: f } }
      both|listener without user|postgres: { listenPort: 15432, upstream: { host: db.test } }, secret: { vault: { path: p, field: f } }
      both|unknown sslMode|postgres: { listenPort: 15432, upstream: { host: db.test, sslMode: prefer }, user: u }, secret: { vault: { path: p, field: f } }
      both|two CA sources|http: { host: a.test, auth: { type: header, headerName: x-k }, upstreamCa: { configMapKeyRef: { name: a, key: b }, secretKeyRef: { name: a, key: b } } }, secret: { vault: { path: p, field: f } }
      both|bad Secret name|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { kubernetes: { name: Bad_Name, key: k } }
      admitted|rules and limits|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ { methods: [GET, HEAD], paths: ['/repos/acme/**', /user] }, { paths: ['/**/pulls'] } ], limits: { requestsPerMinute: 60, concurrent: 2 } }, secret: { vault: { path: p, field: f } }
      both|empty rules|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [] }, secret: { vault: { path: p, field: f } }
      both|rule without methods and paths|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ {} ] }, secret: { vault: { path: p, field: f } }
      both|lower-case method|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ { methods: [get] } ] }, secret: { vault: { path: p, field: f } }
      both|empty methods|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ { methods: [] } ] }, secret: { vault: { path: p, field: f } }
      both|relative path pattern|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ { paths: [repos] } ] }, secret: { vault: { path: p, field: f } }
      both|path pattern with a query|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ { paths: ['/a?b=1'] } ] }, secret: { vault: { path: p, field: f } }
      both|path pattern with //|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ { paths: ['/a//b'] } ] }, secret: { vault: { path: p, field: f } }
      both|path pattern with ..|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ { paths: [/a/../b] } ] }, secret: { vault: { path: p, field: f } }
      both|empty limits|http: { host: a.test, auth: { type: header, headerName: x-k }, limits: {} }, secret: { vault: { path: p, field: f } }
      both|zero requests per minute|http: { host: a.test, auth: { type: header, headerName: x-k }, limits: { requestsPerMinute: 0 } }, secret: { vault: { path: p, field: f } }
      java|partial wildcard|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ { paths: ['/v1*'] } ] }, secret: { vault: { path: p, field: f } }
      java|encoded slash in a pattern|http: { host: a.test, auth: { type: header, headerName: x-k }, rules: [ { paths: ['/a%2Fb'] } ] }, secret: { vault: { path: p, field: f } }
      both|reserved agent variable|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }, agentEnv: { HTTPS_PROXY: x }
      both|bad agent variable name|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }, agentEnv: { 1BAD: x }
      both|agent variable over 1024 characters|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }, agentEnv: { K: %s }
      both|listener on the proxy port|postgres: { listenPort: 6790, upstream: { host: db.test }, user: u }, secret: { vault: { path: p, field: f } }
      both|listener on the admin port|postgres: { listenPort: 9090, upstream: { host: db.test }, user: u }, secret: { vault: { path: p, field: f } }
      both|user over 63 characters|postgres: { listenPort: 15432, upstream: { host: db.test }, user: %s }, secret: { vault: { path: p, field: f } }
      both|database over 63 characters|postgres: { listenPort: 15432, upstream: { host: db.test }, user: u, databases: [ %s ] }, secret: { vault: { path: p, field: f } }
      both|Secret name over 253 characters|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { kubernetes: { name: %s, key: k } }
      java|database listed twice|postgres: { listenPort: 15432, upstream: { host: db.test }, user: u, databases: [ a, a ] }, secret: { vault: { path: p, field: f } }
      java|bad selector operator|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }, podSelector: { matchExpressions: [ { key: a, operator: Is } ] }
      """)
  void schemaAndJavaAgree(String rejectedBy, String description, String spec) throws Exception {
    String yaml = yaml("ns", "r", "{ " + spec.replace("%s", "a".repeat(1025)) + " }");
    List<String> schemaErrors = schema.validate(Serialization.unmarshal(yaml, Map.class));

    assertThat(javaRejects(yaml)).as("Java rejects").isEqualTo(!rejectedBy.equals("admitted"));
    assertThat(!schemaErrors.isEmpty())
        .as("schema rejects: " + schemaErrors)
        .isEqualTo(rejectedBy.equals("both"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "admitted, anthropic-api",
    "admitted, 0a",
    "both, api.anthropic",
    "both, Anthropic",
    "both, -a",
    "both, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  })
  void routeNamesAreDnsLabelsForBoth(String rejectedBy, String name) throws Exception {
    String yaml =
        yaml(
            "ns",
            name,
            "{ http: { host: a.test, auth: { type: header, headerName: x-k } },"
                + " secret: { vault: { path: p, field: f } } }");
    boolean rejected = !rejectedBy.equals("admitted");
    assertThat(javaRejects(yaml)).as("Java rejects").isEqualTo(rejected);
    assertThat(schema.validate(Serialization.unmarshal(yaml, Map.class))).hasSize(rejected ? 1 : 0);
  }

  /** An unknown enum value already fails to deserialize into the Java model. */
  private static boolean javaRejects(String yaml) {
    CredentialRoute route;
    try {
      route = Serialization.unmarshal(yaml, CredentialRoute.class);
    } catch (IllegalArgumentException e) {
      return true;
    }
    return !RouteSpecValidator.validate(route).isEmpty();
  }
}
