package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.KubeApiServerExtension;
import dev.keyrelay.operator.apiserver.OperatorProcess;
import dev.keyrelay.operator.apiserver.TestNamespace;
import dev.keyrelay.operator.route.TestingRoutes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
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
 * ServiceAccount with a TokenRequest token, so every call it makes is authorised or refused as in
 * a cluster.
 */
@ExtendWith(KubeApiServerExtension.class)
class ChartRbacIT {

  private static KubeApiServer server;
  private static KubernetesClient admin;
  private static String releaseNamespace;
  private static Map<String, String> operatorEnv;

  @TempDir Path logs;
  private final List<OperatorProcess> replicas = new ArrayList<>();

  @BeforeAll
  static void applyTheChartsRbac(KubeApiServer apiServer, TestNamespace release) {
    server = apiServer;
    admin = server.admin();
    releaseNamespace = release.name();
    server.installCrds();
    Manifests chart = Install.DEFAULTS.manifestsIn(releaseNamespace);
    for (Class<? extends HasMetadata> kind :
        List.of(
            ServiceAccount.class,
            Role.class,
            RoleBinding.class,
            ClusterRole.class,
            ClusterRoleBinding.class)) {
      chart.all(kind).forEach(o -> admin.resource(o).forceConflicts().serverSideApply());
    }
    String serviceAccount = chart.one(ServiceAccount.class).getMetadata().getName();
    operatorEnv = new HashMap<>(chart.operatorEnvironment());
    operatorEnv.putAll(
        server.processEnvironment(server.serviceAccountToken(releaseNamespace, serviceAccount)));
    operatorEnv.put("POD_NAMESPACE", releaseNamespace);
    operatorEnv.put("KUBERNETES_NAMESPACE", releaseNamespace);
    // replicas share the host here; each takes a free webhook port
    operatorEnv.put("KEYRELAY_WEBHOOK_PORT", "0");
  }

  @AfterEach
  void stopReplicas() throws Exception {
    for (OperatorProcess replica : replicas) {
      replica.close();
      assertThat(replica.output()).as(replica.name()).doesNotContain("Forbidden");
    }
  }

  @Test
  void aRouteIsValidatedPublishedAndReported(TestNamespace ns) throws Exception {
    awaitLeader(start("keyrelay-operator-0"));
    createSecret(ns.name(), "anthropic-key");
    admin.resource(TestingRoutes.headerRoute(ns.name(), "anthropic", "api.anthropic.com", "anthropic-key")).create();
    admin.resource(TestingRoutes.headerRoute(ns.name(), "openai", "api.openai.com", "missing")).create();

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
  }

  @Test
  void theLeaderKeepsTheLeaseAndAStandbyTakesOverWhenItDies(TestNamespace ns) throws Exception {
    OperatorProcess first = start("keyrelay-operator-0");
    awaitLeader(first);
    OperatorProcess second = start("keyrelay-operator-1");

    Lease taken = lease();
    Thread.sleep(Duration.ofSeconds(60).toMillis());
    Lease held = lease();
    assertThat(first.isAlive()).as(first.output()).isTrue();
    assertThat(held.getSpec().getHolderIdentity()).isEqualTo(first.name());
    assertThat(held.getSpec().getRenewTime())
        .as("renewals succeed")
        .isAfter(taken.getSpec().getRenewTime().plusSeconds(50));
    assertThat(held.getSpec().getLeaseTransitions()).isEqualTo(taken.getSpec().getLeaseTransitions());

    first.kill();
    Instant killed = Instant.now();
    createSecret(ns.name(), "key");
    admin.resource(TestingRoutes.headerRoute(ns.name(), "meanwhile", "meanwhile.example", "key")).create();
    int leaseSeconds = held.getSpec().getLeaseDurationSeconds();
    awaitLeader(second);
    assertThat(Duration.between(killed, Instant.now()))
        .as("taken over within the lease duration (plus one retry period)")
        .isLessThan(Duration.ofSeconds(leaseSeconds + 5));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(conditions(ns.name(), "meanwhile")).containsEntry("Ready", "True/Ready"));
  }

  private OperatorProcess start(String name) throws Exception {
    OperatorProcess replica = OperatorProcess.start(name, operatorEnv, logs);
    replicas.add(replica);
    return replica;
  }

  private Lease lease() {
    return admin
        .leases()
        .inNamespace(releaseNamespace)
        .withName(operatorEnv.get("KEYRELAY_LEASE_NAME"))
        .get();
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
