package dev.keyrelay.operator.egress;

import static dev.keyrelay.operator.route.TestingRoutes.headerRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.KeyrelayOperator;
import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicySpec;
import dev.keyrelay.operator.api.v1alpha1.TestingCrds;
import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.config.Yaml;
import dev.keyrelay.operator.route.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real operator on fabric8's mock API server (CRUD mode, so no CEL: the Java checks are what
 * stands between a bad policy and the sidecars here): rendering into the routes ConfigMap, merging
 * over the cluster default, falling back on deletion, and the status.
 */
@EnableKubernetesMockClient(crud = true)
class EgressPolicyReconcilerTest {

  static KubernetesClient client;
  private static KeyrelayOperator operator;

  @BeforeAll
  static void startOperator() throws Exception {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(15));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(100));
    TestingCrds.create(client);
    OperatorSettings settings =
        new OperatorSettings(
            Set.of(),
            0,
            false,
            null,
            "keyrelay-operator",
            null,
            null,
            EgressRulesTest.CLUSTER,
            OperatorSettings.DEFAULT_SECRET_RECHECK);
    operator = new KeyrelayOperator(client, settings, new SimpleMeterRegistry());
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  @Test
  void aPolicyIsMergedRenderedReRenderedAndRemovedAgain() {
    String ns = "merge";
    client.resource(headerRoute(ns, "github", "api.github.com", "gh")).create();
    await().untilAsserted(() -> assertThat(egress(ns)).isEqualTo(tree(EgressRulesTest.CLUSTER)));

    EgressPolicySpec spec = new EgressPolicySpec();
    spec.setMode(EgressMode.ALLOW_LIST);
    spec.setAllow(List.of("*.github.com"));
    spec.setBlock(List.of("gist.github.com"));
    client.resource(policy(ns, "default", spec)).create();

    await()
        .untilAsserted(
            () ->
                assertThat(egress(ns))
                    .isEqualTo(
                        Yaml.MAPPER.readTree(
                            """
                            allowList: ["*.github.com"]
                            blockList: ["*.pastebin.com", gist.github.com, 169.254.169.254/32,
                              "fd00:ec2::254/128", metadata.google.internal]
                            """)));
    awaitReady(ns, "default", "True", "Ready");
    EgressPolicy applied = get(ns, "default");
    assertThat(applied.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(applied.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .containsExactly("Valid=True/Valid", "Published=True/Published", "Ready=True/Ready");

    spec.setAllow(List.of("*.github.com", "*.githubusercontent.com"));
    client.resource(policy(ns, "default", spec)).update();
    await()
        .untilAsserted(
            () ->
                assertThat(egress(ns).get("allowList"))
                    .isEqualTo(
                        Yaml.MAPPER.readTree("[\"*.github.com\", \"*.githubusercontent.com\"]")));

    client.resources(EgressPolicy.class).inNamespace(ns).withName("default").delete();
    await().untilAsserted(() -> assertThat(egress(ns)).isEqualTo(tree(EgressRulesTest.CLUSTER)));
  }

  @Test
  void anInvalidPolicyIsReportedWithAWarningAndLeavesTheDefault() {
    String ns = "invalid";
    client.resource(headerRoute(ns, "github", "api.github.com", "gh")).create();
    EgressPolicySpec spec = new EgressPolicySpec();
    spec.setMode(EgressMode.OPEN);
    spec.setBlock(List.of("10.0.0.1/8"));
    client.resource(policy(ns, "default", spec)).create();

    Condition ready = awaitReady(ns, "default", "False", "Invalid");
    assertThat(ready.getMessage())
        .isEqualTo(
            "spec.block[0]: \"10.0.0.1/8\" has address bits set after the /8 prefix; the"
                + " namespace keeps the cluster default");
    assertThat(egress(ns)).isEqualTo(tree(EgressRulesTest.CLUSTER));
    await()
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .extracting(Event::getReason)
                    .contains("Invalid"));
  }

  @Test
  void aPolicyNotNamedDefaultIsIgnoredAndSaysSo() {
    String ns = "misnamed";
    client.resource(headerRoute(ns, "github", "api.github.com", "gh")).create();
    EgressPolicySpec spec = new EgressPolicySpec();
    spec.setMode(EgressMode.OPEN);
    client.resource(policy(ns, "team-a", spec)).create();

    Condition ready = awaitReady(ns, "team-a", "False", "NotDefault");
    assertThat(ready.getMessage()).contains("metadata.name must be \"default\"");
    assertThat(egress(ns)).isEqualTo(tree(EgressRulesTest.CLUSTER));
  }

  @Test
  void aPolicyInANamespaceWithoutRoutesWaitsForTheFirstRoute() {
    String ns = "noroutes";
    EgressPolicySpec spec = new EgressPolicySpec();
    spec.setMode(EgressMode.OPEN);
    client.resource(policy(ns, "default", spec)).create();

    awaitReady(ns, "default", "False", "NoRoutes");

    client.resource(headerRoute(ns, "github", "api.github.com", "gh")).create();
    awaitReady(ns, "default", "True", "Ready");
    assertThat(egress(ns).has("allowList")).as("open: no allow list").isFalse();
  }

  private static Condition awaitReady(String ns, String name, String status, String reason) {
    Condition[] found = new Condition[1];
    await()
        .untilAsserted(
            () -> {
              EgressPolicy policy = get(ns, name);
              assertThat(policy.getStatus()).isNotNull();
              Condition c =
                  Conditions.find(policy.getStatus().getConditions(), Conditions.READY)
                      .orElseThrow();
              assertThat(c.getStatus() + "/" + c.getReason())
                  .as(c.getMessage())
                  .isEqualTo(status + "/" + reason);
              found[0] = c;
            });
    return found[0];
  }

  private static EgressPolicy get(String ns, String name) {
    return client.resources(EgressPolicy.class).inNamespace(ns).withName(name).get();
  }

  private static JsonNode egress(String ns) {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(RoutesConfigMap.NAME).get();
    assertThat(cm).as("ConfigMap in " + ns).isNotNull();
    try {
      return Yaml.MAPPER.readTree(cm.getData().get(RoutesConfigMap.ROUTES_KEY)).get("egress");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode tree(EgressRules rules) {
    return Yaml.MAPPER.valueToTree(rules.sidecarBlock());
  }

  static EgressPolicy policy(String ns, String name, EgressPolicySpec spec) {
    EgressPolicy policy = EgressRulesTest.policy(name, spec);
    policy.getMetadata().setNamespace(ns);
    return policy;
  }
}
