package dev.keyrelay.operator.route;

import static dev.keyrelay.operator.route.TestingRoutes.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.config.VaultConnection;
import dev.keyrelay.operator.inject.InjectionRoute;
import dev.keyrelay.operator.inject.InjectionRoutes;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutesConfigRendererTest {

  private static final CredentialRoute GITHUB =
      route(
          "ns",
          "github",
          """
      http:
        host: API.GitHub.com.
        port: 443
        auth: { type: header, headerName: Authorization, scheme: Bearer }
        upstreamCa: { configMapKeyRef: { name: corp-ca, key: ca.crt } }
      secret: { vault: { path: secret/data/github, field: token } }
      podSelector: { matchLabels: { team: b, app: agent } }
      agentEnv: { GH_TOKEN: placeholder, GITHUB_TOKEN: placeholder }
      """);
  private static final CredentialRoute GIT =
      route(
          "ns",
          "git",
          """
      http:
        host: github.com
        auth: { type: basic, username: x-access-token }
        allowInsecureHttp: true
        rules: [ { methods: [GET], paths: [ "/acme/**" ] }, { paths: [ /info/refs ] } ]
        limits: { requestsPerMinute: 60 }
      secret: { kubernetes: { name: github-token, key: token } }
      """);
  private static final CredentialRoute ORDERS =
      route(
          "ns",
          "orders-db",
          """
      postgres:
        listenPort: 15432
        upstream: { host: orders.db.internal, ca: { secretKeyRef: { name: db-ca, key: ca.pem } } }
        user: agent_ro
        databases: [ orders, archive ]
      secret: { kubernetes: { name: orders-db, key: password } }
      podSelector:
        matchExpressions: [ { key: tier, operator: NotIn, values: [ test, dev ] } ]
      """);

  @Test
  void rendersVaultDatabaseCredentialsWithoutAUser() {
    CredentialRoute leased =
        route(
            "ns",
            "orders-db",
            """
        postgres:
          listenPort: 15432
          upstream: { host: orders.db.internal }
        secret: { vaultDatabase: { role: orders-agent } }
        """);

    String yaml = RoutesConfigRenderer.render(List.of(leased)).routesYaml();

    assertThat(yaml)
        .contains(
            """
                  clientTls: accept
                secret:
                  vaultDatabase:
                    mount: database
                    role: orders-agent
            """)
        .doesNotContain("user:");
  }

  @Test
  void rendersTheSidecarConfigShape() {
    RoutesConfig config = RoutesConfigRenderer.render(List.of(ORDERS, GITHUB, GIT));

    assertThat(config.routesYaml())
        .isEqualTo(
            """
        admin:
          listen: 0.0.0.0:9090
        ca:
          dir: /var/run/keyrelay
          keyFile: /var/run/keyrelay-ca-key/ca.pem
        pod:
          labelsFile: /etc/keyrelay/podinfo/labels
          annotationsFile: /etc/keyrelay/podinfo/annotations
        secrets:
          kubernetesMountRoot: /etc/keyrelay/secrets
        routes:
          - name: git
            match:
              host: github.com
            auth:
              type: basic
              username: x-access-token
            secret:
              kubernetes:
                name: github-token
                key: token
            allowInsecureHttp: true
            rules:
              - methods:
                  - GET
                paths:
                  - /acme/**
              - paths:
                  - /info/refs
            limits:
              requestsPerMinute: 60
          - name: github
            match:
              host: api.github.com
              port: 443
            auth:
              type: header
              headerName: Authorization
              scheme: Bearer
            secret:
              vault:
                path: secret/data/github
                field: token
            upstream:
              caFile: /etc/keyrelay/trust/github/ca.crt
            podSelector:
              matchLabels:
                app: agent
                team: b
        listeners:
          - name: orders-db
            postgres:
              listen: 127.0.0.1:15432
              upstream:
                host: orders.db.internal
                port: 5432
                sslMode: verify-full
                caFile: /etc/keyrelay/trust/orders-db/ca.pem
              user: agent_ro
              databases:
                - archive
                - orders
              clientTls: accept
            secret:
              kubernetes:
                name: orders-db
                key: password
            podSelector:
              matchExpressions:
                - key: tier
                  operator: NotIn
                  values:
                    - dev
                    - test
        """);
  }

  @Test
  void rendersSelectorsAndAgentEnvForTheWebhook() {
    RoutesConfig config = RoutesConfigRenderer.render(List.of(GITHUB, GIT));

    assertThat(config.injectionYaml())
        .isEqualTo(
            """
        routes:
          - name: git
            podSelector: {}
            agentEnv: {}
            secretName: github-token
          - name: github
            podSelector:
              matchLabels:
                app: agent
                team: b
            agentEnv:
              GH_TOKEN: placeholder
              GITHUB_TOKEN: placeholder
            vault: true
            trust:
              configMap: corp-ca
        """);
  }

  /**
   * The reconciler reads a route's hints without a YAML round trip; the webhook reads them back.
   */
  @Test
  void aRoutesHintsAreWhatTheWebhookReadsBackFromInjectionYaml() {
    List<CredentialRoute> routes = List.of(GIT, GITHUB, ORDERS);
    List<InjectionRoute> published =
        InjectionRoutes.parse(RoutesConfigRenderer.render(routes).injectionYaml());

    assertThat(published)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("podSelector")
        .containsExactlyElementsOf(routes.stream().map(RoutesConfigRenderer::hints).toList());
    assertThat(published.get(1).podSelector().getMatchLabels())
        .isEqualTo(RoutesConfigRenderer.hints(GITHUB).podSelector().getMatchLabels());
  }

  @Test
  void isDeterministicWhateverTheInputOrder() {
    assertThat(RoutesConfigRenderer.render(List.of(GIT, ORDERS, GITHUB)))
        .isEqualTo(RoutesConfigRenderer.render(List.of(GITHUB, GIT, ORDERS)));
  }

  @Test
  void noRoutesRenderEmptyLists() {
    assertThat(RoutesConfigRenderer.render(List.of()).routesYaml())
        .endsWith("routes: []\nlisteners: []\n");
  }

  @Test
  void rendersTheVaultBlockWhenARouteReadsFromVault() {
    VaultConnection vault = new VaultConnection("https://vault.vault.svc:8200", "agents");
    assertThat(RoutesConfigRenderer.render(List.of(GITHUB, GIT), vault).routesYaml())
        .contains(
            """
            vault:
              address: https://vault.vault.svc:8200
              auth:
                kubernetes:
                  role: agents
                  tokenFile: /var/run/secrets/keyrelay/vault-token
            routes:
            """);
    assertThat(RoutesConfigRenderer.render(List.of(GIT), vault).routesYaml())
        .doesNotContain("vault:");
  }
}
