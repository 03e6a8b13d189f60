package dev.keyrelay.operator.route;

import static dev.keyrelay.operator.route.TestingRoutes.route;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteSpecValidatorTest {

  private static List<Violation> violations(String specYaml) {
    return RouteSpecValidator.validate(route("ns", "r", specYaml).getSpec());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        """
      http:
        host: api.anthropic.com
        auth: { type: header, headerName: x-api-key }
      secret: { kubernetes: { name: anthropic, key: api-key } }
      agentEnv: { ANTHROPIC_API_KEY: placeholder }
      podSelector: { matchLabels: { app: agent } }
      """,
        """
      http:
        host: API.GitHub.com.
        port: 443
        auth: { type: header, headerName: Authorization, scheme: Bearer }
        upstreamCa: { configMapKeyRef: { name: corp-ca, key: ca.crt } }
      secret: { vault: { path: secret/data/github, field: token } }
      """,
        """
      http:
        host: github.com
        auth: { type: basic, username: x-access-token }
      secret: { kubernetes: { name: github-token, key: token } }
      podSelector:
        matchExpressions: [ { key: team, operator: In, values: [ a ] }, { key: x, operator: Exists } ]
      """,
        """
      postgres:
        listenPort: 15432
        upstream: { host: orders.db.internal, port: 5432, sslMode: verify-full,
                    ca: { secretKeyRef: { name: db-ca, key: ca.pem } } }
        user: agent_ro
        databases: [ orders ]
        clientTls: require
      secret: { kubernetes: { name: orders-db, key: password } }
      agentEnv: { DATABASE_URL: "postgresql://agent_ro@127.0.0.1:15432/orders" }
      """,
        """
      http:
        host: api.github.com
        auth: { type: header, headerName: Authorization, scheme: Bearer }
      secret:
        githubApp:
          appId: "123"
          installationId: 45
          privateKey: { kubernetes: { name: gh-app, key: key.pem } }
          repositories: [ keyrelay ]
          permissions: { contents: read }
      """,
        """
      http:
        host: api.billing.test
        auth: { type: header, headerName: Authorization, scheme: Bearer }
      secret:
        oauth2:
          tokenUrl: https://login.billing.test/token
          grantType: client_credentials
          clientId: agents
          clientSecret: { vault: { path: secret/data/billing, field: client-secret } }
          scopes: [ invoices.read ]
      """,
        """
      http:
        host: bedrock-runtime.us-east-1.amazonaws.com
        auth: { type: awsSigV4, service: bedrock, region: us-east-1 }
      secret:
        awsWebIdentity:
          roleArn: arn:aws:iam::123456789012:role/agent
          tokenFile: /var/run/secrets/eks.amazonaws.com/serviceaccount/token
      """,
        """
      http:
        host: bedrock.us-east-1.amazonaws.com
        auth: { type: awsSigV4, service: bedrock, region: us-east-1 }
      secret:
        aws:
          accessKeyId: { kubernetes: { name: aws, key: id } }
          secretAccessKey: { kubernetes: { name: aws, key: secret } }
      """,
        """
      postgres:
        listenPort: 15432
        upstream: { host: orders.db.test }
      secret:
        vaultDatabase: { role: orders-agent }
      """,
        """
      postgres:
        listenPort: 15432
        upstream: { host: orders.db.test }
        user: agent
      secret:
        vaultDatabase: { mount: team-a/database, role: orders-agent }
      """
      })
  void acceptsValidRoutes(String spec) {
    assertThat(violations(spec)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      spec.secret|exactly one of kubernetes, vault, oauth2, githubApp, aws, awsWebIdentity or vaultDatabase|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { kubernetes: { name: s, key: k }, vault: { path: p, field: f } }
      spec|exactly one of spec.http or spec.postgres|secret: { vault: { path: p, field: f } }
      spec.http.auth.region|is required|http: { host: a.test, auth: { type: awsSigV4, service: bedrock } }, secret: { aws: { accessKeyId: { vault: { path: p, field: i } }, secretAccessKey: { vault: { path: p, field: s } } } }
      spec.http.auth.headerName|is not allowed when type is awsSigV4|http: { host: a.test, auth: { type: awsSigV4, service: bedrock, region: us-east-1, headerName: x-k } }, secret: { aws: { accessKeyId: { vault: { path: p, field: i } }, secretAccessKey: { vault: { path: p, field: s } } } }
      spec.http.auth.service|is only for type awsSigV4|http: { host: a.test, auth: { type: header, headerName: x-k, service: bedrock } }, secret: { vault: { path: p, field: f } }
      spec.secret|auth type awsSigV4 needs secret aws or awsWebIdentity|http: { host: a.test, auth: { type: awsSigV4, service: bedrock, region: us-east-1 } }, secret: { vault: { path: p, field: f } }
      spec.secret|only for an HTTP route with auth type awsSigV4|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { aws: { accessKeyId: { vault: { path: p, field: i } }, secretAccessKey: { vault: { path: p, field: s } } } }
      spec.secret.aws.secretAccessKey|is required|http: { host: a.test, auth: { type: awsSigV4, service: bedrock, region: us-east-1 } }, secret: { aws: { accessKeyId: { vault: { path: p, field: i } } } }
      spec.secret.awsWebIdentity.roleArn|is not an IAM role ARN|http: { host: a.test, auth: { type: awsSigV4, service: bedrock, region: us-east-1 } }, secret: { awsWebIdentity: { roleArn: 'arn:aws:iam::1:role/x', tokenFile: /t } }
      spec.secret.awsWebIdentity.tokenFile|is not an absolute path|http: { host: a.test, auth: { type: awsSigV4, service: bedrock, region: us-east-1 } }, secret: { awsWebIdentity: { roleArn: 'arn:aws:iam::123456789012:role/x', tokenFile: t } }
      spec.secret|is required|http: { host: a.test, auth: { type: header, headerName: x-k } }
      spec.http.host|is not a host name|http: { host: 'a b.test', auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }
      spec.http.port|outside 1-65535|http: { host: a.test, port: 70000, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.headerName|'Host' is reserved|http: { host: a.test, auth: { type: header, headerName: Host } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.headerName|'proxy-authorization' is reserved|http: { host: a.test, auth: { type: header, headerName: proxy-authorization, scheme: Basic } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.headerName|'TE' is reserved|http: { host: a.test, auth: { type: header, headerName: TE } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.scheme|is required when headerName is Authorization|http: { host: a.test, auth: { type: header, headerName: authorization } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.headerName|is required|http: { host: a.test, auth: { type: header } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.headerName|is not a header name|http: { host: a.test, auth: { type: header, headerName: 'x key' } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.username|is required|http: { host: a.test, auth: { type: basic } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.username|must not contain ':'|http: { host: a.test, auth: { type: basic, username: 'a:b' } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.headerName|not allowed when type is basic|http: { host: a.test, auth: { type: basic, username: u, headerName: x-k } }, secret: { vault: { path: p, field: f } }
      spec.http.auth.username|only allowed when type is basic|http: { host: a.test, auth: { type: header, headerName: x-k, username: u } }, secret: { vault: { path: p, field: f } }
      spec.http.upstreamCa|exactly one of configMapKeyRef or secretKeyRef|http: { host: a.test, auth: { type: header, headerName: x-k }, upstreamCa: {} }, secret: { vault: { path: p, field: f } }
      spec.secret.kubernetes.name|not a valid object name|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { kubernetes: { name: Bad_Name, key: k } }
      spec.secret.kubernetes.key|is required|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { kubernetes: { name: s } }
      spec.secret.oauth2.tokenUrl|is not an https URL|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { oauth2: { tokenUrl: 'http://login.test/token', grantType: client_credentials, clientId: c, clientSecret: { kubernetes: { name: s, key: k } } } }
      spec.secret.oauth2.clientSecret|is required|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { oauth2: { tokenUrl: 'https://login.test/token', grantType: client_credentials, clientId: c } }
      spec.secret.oauth2.refreshToken|is required|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { oauth2: { tokenUrl: 'https://login.test/token', grantType: refresh_token, clientId: c } }
      spec.secret.oauth2.grantType|is not client_credentials or refresh_token|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { oauth2: { tokenUrl: 'https://login.test/token', grantType: password, clientId: c } }
      spec.secret.oauth2.scopes[0]|is not an OAuth scope|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { oauth2: { tokenUrl: 'https://login.test/token', grantType: refresh_token, clientId: c, refreshToken: { kubernetes: { name: s, key: k } }, scopes: [ 'a b' ] } }
      spec.secret.oauth2.refreshToken|exactly one of kubernetes or vault|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { oauth2: { tokenUrl: 'https://login.test/token', grantType: refresh_token, clientId: c, refreshToken: {} } }
      spec.secret|names more than one Secret|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { oauth2: { tokenUrl: 'https://login.test/token', grantType: refresh_token, clientId: c, clientSecret: { kubernetes: { name: a, key: k } }, refreshToken: { kubernetes: { name: b, key: k } } } }
      spec.secret.githubApp.installationId|must be positive|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { githubApp: { appId: '1', installationId: 0, privateKey: { kubernetes: { name: s, key: k } } } }
      spec.secret.githubApp.permissions.contents|is not read, write or admin|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { githubApp: { appId: '1', installationId: 2, privateKey: { kubernetes: { name: s, key: k } }, permissions: { contents: owner } } }
      spec.secret.githubApp.privateKey|is required|http: { host: a.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }, secret: { githubApp: { appId: '1', installationId: 2 } }
      spec.secret|needs a stored password|postgres: { listenPort: 15432, user: u, upstream: { host: db.test } }, secret: { githubApp: { appId: '1', installationId: 2, privateKey: { kubernetes: { name: s, key: k } } } }
      spec.postgres.listenPort|outside 1024-65535|postgres: { listenPort: 80, upstream: { host: db.test }, user: u }, secret: { vault: { path: p, field: f } }
      spec.postgres.user|is required|postgres: { listenPort: 15432, upstream: { host: db.test } }, secret: { vault: { path: p, field: f } }
      spec.secret.vaultDatabase|for PostgreSQL listeners (spec.postgres) only|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { vaultDatabase: { role: r } }
      spec.secret.vaultDatabase.role|is required|postgres: { listenPort: 15432, upstream: { host: db.test } }, secret: { vaultDatabase: { mount: database } }
      spec.secret.vaultDatabase.role|is not a role name|postgres: { listenPort: 15432, upstream: { host: db.test } }, secret: { vaultDatabase: { role: '..' } }
      spec.secret.vaultDatabase.mount|is not a Vault mount|postgres: { listenPort: 15432, upstream: { host: db.test } }, secret: { vaultDatabase: { mount: 'database/../sys', role: r } }
      spec.postgres.upstream|is required|postgres: { listenPort: 15432, user: u }, secret: { vault: { path: p, field: f } }
      spec.postgres.upstream.port|outside 1-65535|postgres: { listenPort: 15432, user: u, upstream: { host: db.test, port: 0 } }, secret: { vault: { path: p, field: f } }
      spec.postgres.databases[1]|'orders' is listed twice|postgres: { listenPort: 15432, user: u, upstream: { host: db.test }, databases: [ orders, orders ] }, secret: { vault: { path: p, field: f } }
      spec.agentEnv.HTTPS_PROXY|set by the injector|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }, agentEnv: { HTTPS_PROXY: x }
      spec.agentEnv.1BAD|not an environment variable name|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }, agentEnv: { 1BAD: x }
      spec.podSelector.matchExpressions[0].operator|is not one of In|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }, podSelector: { matchExpressions: [ { key: a, operator: Is, values: [ b ] } ] }
      spec.podSelector.matchExpressions[0].values|must not be empty for In|http: { host: a.test, auth: { type: header, headerName: x-k } }, secret: { vault: { path: p, field: f } }, podSelector: { matchExpressions: [ { key: a, operator: In } ] }
      """)
  void refusesInvalidRoutesNamingTheField(String field, String problem, String spec) {
    String yaml = "{ " + spec + " }";
    assertThat(violations(yaml))
        .anySatisfy(
            v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.problem()).contains(problem);
            });
  }
}
