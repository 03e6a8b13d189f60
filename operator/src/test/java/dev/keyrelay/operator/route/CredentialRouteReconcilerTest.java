package dev.keyrelay.operator.route;

import static dev.keyrelay.operator.route.TestingRoutes.headerRoute;
import static dev.keyrelay.operator.route.TestingRoutes.listener;
import static dev.keyrelay.operator.route.TestingRoutes.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.KeyrelayOperator;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.CredentialRouteStatus;
import dev.keyrelay.operator.api.v1alpha1.TestingCrds;
import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.egress.EgressRules;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the real operator against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class CredentialRouteReconcilerTest {

  static KubernetesClient client;
  static KubernetesMockServer server;
  private static KeyrelayOperator operator;
  private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  // Secrets raise no event: a route with a missing Secret or key is looked at again this soon
  private static final Duration SECRET_RECHECK = Duration.ofSeconds(1);

  @BeforeAll
  static void startOperator() throws Exception {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(15));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(100));
    TestingCrds.create(client);
    operator =
        new KeyrelayOperator(
            client,
            new OperatorSettings(
                Set.of(),
                0,
                false,
                null,
                OperatorSettings.DEFAULT_LEASE_NAME,
                null,
                null,
                EgressRules.OPEN,
                SECRET_RECHECK),
            registry);
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  @Test
  void publishesRoutesAndReportsThemReady() {
    String ns = "publish";
    createSecret(ns, "anthropic", "token");
    createSecret(ns, "orders-db", "password");
    create(headerRoute(ns, "anthropic", "api.anthropic.com", "anthropic"));
    create(
        route(
            ns,
            "orders-db",
            """
            postgres:
              listenPort: 15432
              upstream: { host: orders.db.internal }
              user: agent_ro
            secret:
              kubernetes: { name: orders-db, key: password }
            """));

    await()
        .untilAsserted(
            () ->
                assertThat(routesYaml(ns))
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
        egress:
          blockList:
            - 169.254.169.254/32
            - fd00:ec2::254/128
            - metadata.google.internal
        routes:
          - name: anthropic
            match:
              host: api.anthropic.com
            auth:
              type: header
              headerName: x-api-key
            secret:
              kubernetes:
                name: anthropic
                key: token
        listeners:
          - name: orders-db
            postgres:
              listen: 127.0.0.1:15432
              upstream:
                host: orders.db.internal
                port: 5432
                sslMode: verify-full
              user: agent_ro
              clientTls: accept
            secret:
              kubernetes:
                name: orders-db
                key: password
        """));
    awaitCondition(ns, "anthropic", Conditions.READY, "True", "Ready");
    CredentialRoute anthropic = get(ns, "anthropic");
    assertThat(anthropic.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(anthropic.getStatus().getConditions())
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactly(
            tuple("Valid", "True", "Valid"),
            tuple("SecretResolved", "True", "Found"),
            tuple("Published", "True", "Published"),
            tuple("Ready", "True", "Ready"));
    awaitCondition(ns, "orders-db", Conditions.READY, "True", "Ready");
  }

  @Test
  void aVaultRouteIsWithheldWhileTheOperatorHasNoVaultAddress() {
    String ns = "novault";
    createSecret(ns, "api", "token");
    create(headerRoute(ns, "api", "api.test", "api"));
    create(listener(ns, "orders-db", 15432));

    Condition published =
        awaitCondition(ns, "orders-db", Conditions.PUBLISHED, "False", "VaultNotConfigured");
    assertThat(published.getMessage()).contains("KEYRELAY_VAULT_ADDRESS");
    awaitCondition(ns, "orders-db", Conditions.VALID, "True", "Valid");
    Condition vault =
        awaitCondition(ns, "orders-db", Conditions.SECRET_RESOLVED, "Unknown", "NotChecked");
    assertThat(vault.getMessage()).contains("the operator does not check Vault");
    awaitCondition(ns, "orders-db", Conditions.READY, "False", "VaultNotConfigured");
    // The namespace's other routes keep working: published, and no Vault route for the sidecar
    // to refuse.
    awaitCondition(ns, "api", Conditions.READY, "True", "Ready");
    assertThat(routesYaml(ns)).contains("name: api").doesNotContain("orders-db", "vault");
    await()
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .extracting(Event::getType, Event::getReason)
                    .contains(tuple("Warning", "VaultNotConfigured")));
  }

  @Test
  void anInvalidRouteIsReportedAndLeftOut() {
    String ns = "invalid";
    create(
        route(
            ns,
            "bad",
            """
        http: { host: api.test, auth: { type: header, headerName: Host } }
        secret: { vault: { path: p, field: f } }
        """));

    Condition valid = awaitCondition(ns, "bad", Conditions.VALID, "False", "Invalid");
    assertThat(valid.getMessage()).startsWith("spec.http.auth.headerName: 'Host' is reserved");
    awaitCondition(ns, "bad", Conditions.PUBLISHED, "False", "NotPublished");
    awaitCondition(ns, "bad", Conditions.READY, "False", "Invalid");
    assertThat(configMap(ns)).isNull();
    await()
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .extracting(Event::getType, Event::getReason)
                    .contains(tuple("Warning", "Invalid")));
  }

  @Test
  void aSecretCreatedLaterResolvesTheRoute() {
    String ns = "late";
    create(headerRoute(ns, "api", "api.test", "api-token"));
    Condition missing =
        awaitCondition(ns, "api", Conditions.SECRET_RESOLVED, "False", "SecretNotFound");
    assertThat(missing.getMessage())
        .isEqualTo("Secret 'api-token' does not exist in this namespace");
    awaitCondition(ns, "api", Conditions.PUBLISHED, "True", "Published");
    awaitCondition(ns, "api", Conditions.READY, "False", "SecretNotFound");

    createSecret(ns, "api-token", "other");
    awaitCondition(ns, "api", Conditions.SECRET_RESOLVED, "False", "KeyNotFound");

    client
        .secrets()
        .inNamespace(ns)
        .withName("api-token")
        .edit(s -> new SecretBuilder(s).addToData("token", "c2VjcmV0").build());
    awaitCondition(ns, "api", Conditions.READY, "True", "Ready");
    assertThat(get(ns, "api").getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void anIssuedTokenRouteIsResolvedByEveryKeyItsCredentialsNameAndPublished() {
    String ns = "issued";
    create(
        route(
            ns,
            "billing",
            """
        http: { host: api.billing.test, auth: { type: header, headerName: Authorization, scheme: Bearer } }
        secret:
          oauth2:
            tokenUrl: https://login.billing.test/token
            grantType: refresh_token
            clientId: agents
            clientSecret: { kubernetes: { name: billing-oauth, key: client-secret } }
            refreshToken: { kubernetes: { name: billing-oauth, key: refresh-token } }
        """));
    awaitCondition(ns, "billing", Conditions.SECRET_RESOLVED, "False", "SecretNotFound");

    createSecret(ns, "billing-oauth", "client-secret");
    Condition partial =
        awaitCondition(ns, "billing", Conditions.SECRET_RESOLVED, "False", "KeyNotFound");
    assertThat(partial.getMessage()).isEqualTo("Secret 'billing-oauth' has no key 'refresh-token'");

    client
        .secrets()
        .inNamespace(ns)
        .withName("billing-oauth")
        .edit(s -> new SecretBuilder(s).addToData("refresh-token", "c2VjcmV0").build());
    awaitCondition(ns, "billing", Conditions.READY, "True", "Ready");
    assertThat(routesYaml(ns))
        .contains("oauth2:", "tokenUrl: https://login.billing.test/token", "name: billing-oauth");
  }

  @Test
  void updatesAndDeletesRepublishTheNamespace() {
    String ns = "lifecycle";
    create(headerRoute(ns, "one", "one.test", "s"));
    create(headerRoute(ns, "two", "two.test", "s"));
    await().untilAsserted(() -> assertThat(routesYaml(ns)).contains("one.test", "two.test"));
    // Both statuses settled first: a status write between edit()'s read and patch is a 409.
    awaitCondition(ns, "one", Conditions.READY, "False", "SecretNotFound");
    awaitCondition(ns, "two", Conditions.READY, "False", "SecretNotFound");

    // edit() re-reads and patches: the reconciler may write status in between (no 409 race).
    client
        .resources(CredentialRoute.class)
        .inNamespace(ns)
        .withName("one")
        .edit(
            route -> {
              route.getSpec().getHttp().setHost("uno.test");
              return route;
            });
    await()
        .untilAsserted(
            () -> assertThat(routesYaml(ns)).contains("uno.test").doesNotContain("one.test"));
    await()
        .untilAsserted(
            () ->
                assertThat(get(ns, "one").getStatus())
                    .isNotNull()
                    .extracting(CredentialRouteStatus::getObservedGeneration)
                    .isEqualTo(2L));

    client.resource(get(ns, "two")).delete();
    await()
        .untilAsserted(
            () -> assertThat(routesYaml(ns)).contains("uno.test").doesNotContain("two.test"));
    await().until(() -> get(ns, "two") == null);

    client.resource(get(ns, "one")).delete();
    await().until(() -> configMap(ns) == null);
    await().until(() -> get(ns, "one") == null);
  }

  @Test
  void theLaterOfTwoRoutesForOneHostIsRefusedUntilTheFirstIsGone() throws Exception {
    String ns = "conflict";
    create(headerRoute(ns, "first", "api.test", "s"));
    awaitCondition(ns, "first", Conditions.PUBLISHED, "True", "Published");
    waitForNextSecond(get(ns, "first").getMetadata().getCreationTimestamp());
    // named to sort first, so only creation time can make it the later one
    create(headerRoute(ns, "a-second", "API.test", "s"));

    Condition valid = awaitCondition(ns, "a-second", Conditions.VALID, "False", "HostConflict");
    assertThat(valid.getMessage())
        .isEqualTo("spec.http.host: api.test is already routed by 'first'");
    awaitCondition(ns, "a-second", Conditions.READY, "False", "HostConflict");
    assertThat(routesYaml(ns)).contains("name: first").doesNotContain("a-second");

    client.resource(get(ns, "first")).delete();
    awaitCondition(ns, "a-second", Conditions.PUBLISHED, "True", "Published");
    assertThat(routesYaml(ns)).contains("name: a-second").doesNotContain("name: first");
  }

  @Test
  void reconcilesThatRenderTheSameConfigDoNotRewriteTheConfigMap() {
    String ns = "steady";
    createSecret(ns, "s", "other");
    create(headerRoute(ns, "steady", "steady.test", "s"));
    awaitCondition(ns, "steady", Conditions.READY, "False", "KeyNotFound");
    awaitCondition(ns, "steady", Conditions.PUBLISHED, "True", "Published");
    String configVersion = configMap(ns).getMetadata().getResourceVersion();
    double writes = configMapWrites();
    double unchanged = publishes("unchanged");

    // while the key is missing the route is reconciled at every recheck, rendering the same config
    await().untilAsserted(() -> assertThat(publishes("unchanged")).isGreaterThan(unchanged + 2));
    client
        .secrets()
        .inNamespace(ns)
        .withName("s")
        .edit(s -> new SecretBuilder(s).withData(Map.of("token", "eA==")).build());
    awaitCondition(ns, "steady", Conditions.READY, "True", "Ready");

    assertThat(configMap(ns).getMetadata().getResourceVersion()).isEqualTo(configVersion);
    assertThat(configMapWrites()).as("no write from this or any concurrent test").isEqualTo(writes);
  }

  @Test
  void secretsAreReadByNameOnlyNeverListedOrWatched() throws Exception {
    String ns = "by-name";
    createSecret(ns, "used", "token");
    createSecret(ns, "unrelated", "token");
    create(headerRoute(ns, "used", "used.test", "used"));
    awaitCondition(ns, "used", Conditions.READY, "True", "Ready");

    List<String> secretRequests = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(0, TimeUnit.SECONDS);
        r != null;
        r = server.takeRequest(0, TimeUnit.SECONDS)) {
      // the test's own writes are POST and PATCH; whatever reads a Secret is the operator
      if (r.getPath().contains("/secrets") && "GET".equals(r.getMethod())) {
        secretRequests.add(r.getPath());
      }
    }
    assertThat(secretRequests)
        .as("no list or watch of Secrets, in any namespace; a get of the route's Secret by name")
        .contains("/api/v1/namespaces/by-name/secrets/used")
        .allMatch(path -> path.matches("/api/v1/namespaces/[^/]+/secrets/[^/?]+"))
        .noneMatch(path -> path.endsWith("/unrelated"));
  }

  @Test
  void aConfigMapOfTheSameNameThatIsNotOursIsLeftAlone() {
    String ns = "foreign";
    createSecret(ns, "s", "token");
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(RoutesConfigMap.NAME)
                .withNamespace(ns)
                .endMetadata()
                .addToData("mine", "keep me")
                .build())
        .create();
    create(headerRoute(ns, "api", "api.test", "s"));

    Condition published =
        awaitCondition(ns, "api", Conditions.PUBLISHED, "False", "ConfigMapNotManaged");
    assertThat(published.getMessage()).contains("app.kubernetes.io/managed-by=keyrelay-operator");
    awaitCondition(ns, "api", Conditions.READY, "False", "ConfigMapNotManaged");
    assertThat(configMap(ns).getData()).containsExactly(Map.entry("mine", "keep me"));
  }

  @Test
  void injectedPodsLackingANewRoutesSecretAreListedAsNeedingRestart() {
    String ns = "stale";
    createPod(ns, "old-agent", Map.of("keyrelay.dev/injected", "{}"), false);
    createPod(ns, "new-agent", Map.of("keyrelay.dev/injected", "{}"), true);
    createPod(
        ns,
        "narrowed-agent",
        Map.of("keyrelay.dev/injected", "{}", "keyrelay.dev/routes", "other"),
        false);
    createPod(ns, "plain", Map.of(), false);
    createSecret(ns, "anthropic", "token");
    create(headerRoute(ns, "anthropic", "api.anthropic.com", "anthropic"));

    await()
        .untilAsserted(
            () ->
                assertThat(get(ns, "anthropic").getStatus())
                    .as("status, once the first reconcile wrote it")
                    .isNotNull()
                    .extracting(CredentialRouteStatus::getPodsNeedingRestart)
                    .asInstanceOf(InstanceOfAssertFactories.LIST)
                    .containsExactly("old-agent"));
  }

  private static void createPod(
      String ns, String name, Map<String, String> annotations, boolean withSecretVolume) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .withAnnotations(annotations)
            .addToLabels("app", "agent")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("agent")
            .withImage("agent:1")
            .endContainer()
            .endSpec();
    if (withSecretVolume) {
      pod.editSpec()
          .addNewVolume()
          .withName("keyrelay-secret-anthropic")
          .withNewSecret()
          .withSecretName("anthropic")
          .endSecret()
          .endVolume()
          .endSpec();
    }
    client.pods().inNamespace(ns).resource(pod.build()).create();
  }

  private static double publishes(String outcome) {
    return registry
        .get("keyrelay.operator.configmap.publishes")
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  private static double configMapWrites() {
    return publishes("created") + publishes("updated") + publishes("deleted");
  }

  private static void create(CredentialRoute route) {
    client.resource(route).create();
  }

  private static void createSecret(String ns, String name, String key) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .addToData(key, "c2VjcmV0")
                .build())
        .create();
  }

  private static CredentialRoute get(String ns, String name) {
    return client.resources(CredentialRoute.class).inNamespace(ns).withName(name).get();
  }

  private static ConfigMap configMap(String ns) {
    return client.configMaps().inNamespace(ns).withName(RoutesConfigMap.NAME).get();
  }

  private static String routesYaml(String ns) {
    ConfigMap cm = configMap(ns);
    return cm == null ? null : cm.getData().get(RoutesConfigMap.ROUTES_KEY);
  }

  private static Condition awaitCondition(
      String ns, String name, String type, String status, String reason) {
    Condition[] found = new Condition[1];
    await()
        .untilAsserted(
            () -> {
              CredentialRoute route = get(ns, name);
              assertThat(route).isNotNull();
              assertThat(route.getStatus()).isNotNull();
              Condition c = Conditions.find(route.getStatus().getConditions(), type).orElse(null);
              assertThat(c).as(type).isNotNull();
              assertThat(c.getStatus() + "/" + c.getReason())
                  .as(type + ": " + c.getMessage())
                  .isEqualTo(status + "/" + reason);
              found[0] = c;
            });
    return found[0];
  }

  private static void waitForNextSecond(String creationTimestamp) throws InterruptedException {
    Instant created = Instant.parse(creationTimestamp);
    while (!Instant.now().isAfter(created.plusSeconds(1))) {
      Thread.sleep(50);
    }
  }
}
