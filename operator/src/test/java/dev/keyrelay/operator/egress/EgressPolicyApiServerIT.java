package dev.keyrelay.operator.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.KeyrelayOperator;
import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.KubeApiServerExtension;
import dev.keyrelay.operator.apiserver.TestNamespace;
import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.config.Yaml;
import dev.keyrelay.operator.route.TestingRoutes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed EgressPolicy CRD on a real API server: its CEL and OpenAPI rules refuse a bad
 * policy with a message that says what to fix, and the operator (in this JVM, with the server's
 * watches, status subresource and CEL in the loop) renders a stored policy into the namespace's
 * routes ConfigMap, reports it, re-renders on a change and falls back to the default on deletion.
 */
@ExtendWith(KubeApiServerExtension.class)
class EgressPolicyApiServerIT {

  private static final EgressRules CLUSTER =
      new EgressRules(EgressMode.OPEN, List.of(), List.of("*.pastebin.com"), List.of());

  private static KubernetesClient admin;

  @BeforeAll
  static void installCrds(KubeApiServer server) {
    server.installCrds();
    admin = server.admin();
  }

  static Stream<Arguments> badPolicies() {
    return Stream.of(
        Arguments.of(
            "another name",
            "team-a",
            "{ mode: open }",
            "metadata.name must be \"default\": a namespace has one EgressPolicy, named default"),
        Arguments.of(
            "unknown mode",
            "default",
            "{ mode: closed }",
            "spec.mode: Unsupported value: \"closed\": supported values: \"allowList\", \"open\""),
        Arguments.of("no mode", "default", "{ block: [a.test] }", "spec.mode: Required value"),
        Arguments.of("no spec", "default", null, "spec is required, with at least spec.mode"),
        Arguments.of(
            "a bad entry",
            "default",
            "{ mode: open, block: [ \"api.example.com/v1\" ] }",
            "each entry must be host[:port], *.domain[:port], an IP address or a CIDR range"),
        Arguments.of(
            "a wildcard inside a name",
            "default",
            "{ mode: open, exceptions: [ \"api.*.example.com\" ] }",
            "each entry must be host[:port], *.domain[:port], an IP address or a CIDR range"),
        Arguments.of(
            "allow in mode open",
            "default",
            "{ mode: open, allow: [ api.github.com ] }",
            "allow is used only with mode allowList"),
        Arguments.of(
            "allowList without allow",
            "default",
            "{ mode: allowList, block: [ a.test ] }",
            "mode allowList needs at least one allow entry"),
        Arguments.of(
            "an empty allow list",
            "default",
            "{ mode: allowList, allow: [] }",
            "spec.allow: Invalid value: 0: spec.allow in body should have at least 1 items"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPolicies")
  void theApiServerRefusesABadPolicySayingWhy(
      String what, String name, String spec, String message, TestNamespace ns) throws Exception {
    GenericKubernetesResource policy = policy(ns.name(), name, spec);
    assertThatThrownBy(() -> admin.resource(policy).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  @Test
  void aStoredPolicyIsRenderedReportedChangedAndRemoved(TestNamespace ns) throws Exception {
    String n = ns.name();
    admin
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("gh")
                .withNamespace(n)
                .endMetadata()
                .addToStringData("token", "not-a-token")
                .build())
        .create();
    admin.resource(TestingRoutes.headerRoute(n, "github", "api.github.com", "gh")).create();
    OperatorSettings settings =
        new OperatorSettings(
            Set.of(n),
            0,
            false,
            null,
            "keyrelay-operator",
            null,
            null,
            CLUSTER,
            OperatorSettings.DEFAULT_SECRET_RECHECK);
    try (KeyrelayOperator operator =
        new KeyrelayOperator(admin, settings, new SimpleMeterRegistry())) {
      operator.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> egress(n) != null);
      assertThat(egress(n)).isEqualTo(tree(CLUSTER));

      admin
          .resource(
              policy(
                  n,
                  "default",
                  "{ mode: allowList, allow: [ \"*.github.com\" ], block: [ gist.github.com ],"
                      + " exceptions: [ 10.96.0.0/12 ] }"))
          .create();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(egress(n))
                      .isEqualTo(
                          Yaml.MAPPER.readTree(
                              """
                              exceptions: [10.96.0.0/12]
                              allowList: ["*.github.com", 10.96.0.0/12]
                              blockList: ["*.pastebin.com", gist.github.com, 169.254.169.254/32,
                                "fd00:ec2::254/128", metadata.google.internal]
                              """)));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(conditions(n))
                      .containsExactly(
                          "Valid=True/Valid", "Published=True/Published", "Ready=True/Ready"));
      assertThat(get(n).getStatus().getObservedGeneration()).isEqualTo(1L);

      EgressPolicy changed = get(n);
      changed.getSpec().setMode(EgressMode.OPEN);
      changed.getSpec().setAllow(null);
      admin.resource(changed).update();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(egress(n).has("allowList")).isFalse());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(get(n).getStatus().getObservedGeneration()).isEqualTo(2L);
                assertThat(conditions(n)).contains("Ready=True/Ready");
              });

      admin.resources(EgressPolicy.class).inNamespace(n).withName("default").delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(egress(n)).isEqualTo(tree(CLUSTER)));
    }
  }

  private static GenericKubernetesResource policy(String ns, String name, String spec)
      throws Exception {
    String yaml =
        """
        apiVersion: keyrelay.dev/v1alpha1
        kind: EgressPolicy
        metadata: { name: %s, namespace: %s }
        """
                .formatted(name, ns)
            + (spec == null ? "" : "spec: " + spec + "\n");
    return Yaml.MAPPER.readValue(yaml, GenericKubernetesResource.class);
  }

  private static EgressPolicy get(String ns) {
    return admin.resources(EgressPolicy.class).inNamespace(ns).withName("default").get();
  }

  private static List<String> conditions(String ns) {
    EgressPolicy policy = get(ns);
    return policy.getStatus() == null
        ? List.of()
        : policy.getStatus().getConditions().stream()
            .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
            .toList();
  }

  private static JsonNode egress(String ns) throws Exception {
    ConfigMap cm = admin.configMaps().inNamespace(ns).withName(RoutesConfigMap.NAME).get();
    return cm == null
        ? null
        : Yaml.MAPPER.readTree(cm.getData().get(RoutesConfigMap.ROUTES_KEY)).get("egress");
  }

  private static JsonNode tree(EgressRules rules) {
    return Yaml.MAPPER.valueToTree(rules.sidecarBlock());
  }
}
