package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.KubeApiServerExtension;
import dev.keyrelay.operator.apiserver.OperatorProcess;
import dev.keyrelay.operator.apiserver.TestNamespace;
import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.route.TestingRoutes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator jar on a real API server with nothing but the chart's RBAC: it runs as the chart's
 * ServiceAccount with a TokenRequest token, so every call it makes is authorised or refused as in a
 * cluster.
 */
@ExtendWith(KubeApiServerExtension.class)
class ChartRbacIT {

  private static KubeApiServer server;
  private static KubernetesClient admin;
  private static ChartRelease release;
  private static Map<String, String> operatorEnv;

  @TempDir Path logs;
  private final List<OperatorProcess> replicas = new ArrayList<>();

  @BeforeAll
  static void installTheChart(KubeApiServer apiServer, TestNamespace releaseNamespace) {
    server = apiServer;
    admin = server.admin();
    release = ChartRelease.install(server, releaseNamespace);
    operatorEnv = release.operatorEnvironment(server);
  }

  @AfterEach
  void stopReplicas() throws Exception {
    // every replica is stopped before any assertion can end this method
    for (OperatorProcess replica : replicas) {
      replica.close();
    }
    for (OperatorProcess replica : replicas) {
      assertThat(replica.output()).as(replica.name()).doesNotContain("Forbidden");
    }
  }

  @Test
  void aRouteIsValidatedPublishedAndReported(TestNamespace ns) throws Exception {
    awaitLeader(start(ns, 0));
    createSecret(ns.name(), "anthropic-key");
    admin
        .resource(
            TestingRoutes.headerRoute(ns.name(), "anthropic", "api.anthropic.com", "anthropic-key"))
        .create();
    admin
        .resource(TestingRoutes.headerRoute(ns.name(), "openai", "api.openai.com", "missing"))
        .create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              ConfigMap cm =
                  admin.configMaps().inNamespace(ns.name()).withName(RoutesConfigMap.NAME).get();
              assertThat(cm).isNotNull();
              assertThat(cm.getData().get(RoutesConfigMap.ROUTES_KEY))
                  .contains("api.anthropic.com")
                  .contains("api.openai.com");
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(conditions(ns.name(), "anthropic"))
                  .containsEntry("Valid", "True/Valid")
                  .containsEntry("SecretResolved", "True/Found")
                  .containsEntry("Published", "True/Published")
                  .containsEntry("Ready", "True/Ready");
              assertThat(conditions(ns.name(), "openai"))
                  .containsEntry("SecretResolved", "False/SecretNotFound")
                  .containsEntry("Published", "True/Published")
                  .containsEntry("Ready", "False/SecretNotFound");
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(admin.events().v1().events().inNamespace(ns.name()).list().getItems())
                    .as("a Warning event on the route that is not Ready")
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getRegarding().getName()).isEqualTo("openai");
                          assertThat(e.getNote()).contains("missing");
                        }));

    // Secrets are read by name, not watched: a Secret created later is found at the next recheck
    createSecret(ns.name(), "missing");
    await()
        .atMost(OperatorSettings.DEFAULT_SECRET_RECHECK.plusSeconds(15))
        .untilAsserted(
            () ->
                assertThat(conditions(ns.name(), "openai"))
                    .containsEntry("SecretResolved", "True/Found")
                    .containsEntry("Ready", "True/Ready"));
  }

  @Test
  void theLeaderKeepsTheLeaseAndAStandbyTakesOverWhenItDies(TestNamespace ns) throws Exception {
    OperatorProcess first = start(ns, 0);
    awaitLeader(first);
    OperatorProcess second = start(ns, 1);

    Lease taken = lease();
    Thread.sleep(Duration.ofSeconds(60).toMillis());
    Lease held = lease();
    assertThat(first.isAlive()).as(first.output()).isTrue();
    assertThat(held.getSpec().getHolderIdentity()).as(second.output()).isEqualTo(first.name());
    assertThat(held.getSpec().getRenewTime())
        .as("renewals succeed")
        .isAfter(taken.getSpec().getRenewTime().plusSeconds(50));
    assertThat(held.getSpec().getLeaseTransitions())
        .isEqualTo(taken.getSpec().getLeaseTransitions());

    first.kill();
    Instant killed = Instant.now();
    createSecret(ns.name(), "key");
    admin
        .resource(TestingRoutes.headerRoute(ns.name(), "meanwhile", "meanwhile.example", "key"))
        .create();
    int leaseSeconds = held.getSpec().getLeaseDurationSeconds();
    awaitLeader(second);
    assertThat(Duration.between(killed, Instant.now()))
        .as("taken over within the lease duration (plus one retry period)")
        .isLessThan(Duration.ofSeconds(leaseSeconds + 5));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(conditions(ns.name(), "meanwhile"))
                    .containsEntry("Ready", "True/Ready"));
  }

  @Test
  void aLeaderStoppedForARolloutHandsTheLeaseOverAtOnce(TestNamespace ns) throws Exception {
    OperatorProcess first = start(ns, 0);
    awaitLeader(first);
    OperatorProcess second = start(ns, 1);
    await().atMost(Duration.ofSeconds(60)).until(second::isReady);
    Lease held = lease();
    int leaseSeconds = held.getSpec().getLeaseDurationSeconds();

    Instant terminated = Instant.now();
    assertThat(first.stop()).as("the leader exits on SIGTERM").isTrue();
    awaitLeader(second);
    // Without the release the standby waits for the Lease to expire: at least the lease duration
    // less one renewal period after the last renewal.
    assertThat(Duration.between(terminated, Instant.now()))
        .as("taken over well before the %d s Lease would have expired", leaseSeconds)
        .isLessThan(Duration.ofSeconds(leaseSeconds - 5));
    assertThat(first.output()).contains("Released the " + release.leaseName() + " lease");
    assertThat(lease().getSpec().getLeaseTransitions())
        .isEqualTo(held.getSpec().getLeaseTransitions() + 1);
  }

  /**
   * Replica {@code index} under a pod name of this test only: the tests share the release's Lease,
   * and a replica named like an earlier test's would find itself holding it already.
   */
  private OperatorProcess start(TestNamespace test, int index) throws Exception {
    OperatorProcess replica = OperatorProcess.start(test.name() + "-" + index, operatorEnv, logs);
    replicas.add(replica);
    return replica;
  }

  private Lease lease() {
    return admin.leases().inNamespace(release.namespace()).withName(release.leaseName()).get();
  }

  private void awaitLeader(OperatorProcess replica) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(replica.isAlive()).as(replica.output()).isTrue();
              Lease lease = lease();
              assertThat(lease).isNotNull();
              assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(replica.name());
            });
  }

  private static void createSecret(String namespace, String name) {
    admin
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData("token", "sk-test")
                .build())
        .create();
  }

  /** Condition type to "status/reason". */
  private static Map<String, String> conditions(String namespace, String route) {
    CredentialRoute r =
        admin.resources(CredentialRoute.class).inNamespace(namespace).withName(route).get();
    if (r == null || r.getStatus() == null) {
      return Map.of();
    }
    return r.getStatus().getConditions().stream()
        .collect(Collectors.toMap(Condition::getType, c -> c.getStatus() + "/" + c.getReason()));
  }
}
