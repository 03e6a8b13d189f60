package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json turns a typo or a wrong value into an install error that names it. */
class ValuesSchemaTest {

  private static void render(Map<String, String> settings) {
    HelmChart.template(HelmChart.NAMESPACE, null, settings);
  }

  @Test
  void misspelledOperatorKeyIsRejectedByName() {
    assertThatThrownBy(() -> render(Map.of("operator.replicaCount", "3")))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("at '/operator': additional properties 'replicaCount' not allowed");
  }

  @Test
  void typoNestedInSidecarIsRejectedByName() {
    assertThatThrownBy(() -> render(Map.of("sidecar.resources.limits.memroy", "1Gi")))
        .hasMessageContaining(
            "at '/sidecar/resources/limits': additional properties 'memroy' not allowed");
  }

  @Test
  void unknownTopLevelKeyIsRejected() {
    assertThatThrownBy(() -> render(Map.of("replicas", "3")))
        .hasMessageContaining("additional properties 'replicas' not allowed");
  }

  @Test
  void wrongTypesAreRejected() {
    assertThatThrownBy(() -> render(Map.of("operator.replicas", "two")))
        .hasMessageContaining("at '/operator/replicas'");
    assertThatThrownBy(() -> render(Map.of("operator.watchNamespaces", "team-a")))
        .hasMessageContaining("at '/operator/watchNamespaces': got string, want array");
  }

  @Test
  void valuesOutsideTheirChoicesAreRejected() {
    assertThatThrownBy(() -> render(Map.of("sidecar.logLevel", "verbose")))
        .hasMessageContaining("at '/sidecar/logLevel': value must be one of");
    assertThatThrownBy(() -> render(Map.of("sidecar.nativeSidecar", "maybe")))
        .hasMessageContaining("at '/sidecar/nativeSidecar'");
    assertThatThrownBy(() -> render(Map.of("operator.image.pullPolicy", "Sometimes")))
        .hasMessageContaining("at '/operator/image/pullPolicy'");
  }

  @Test
  void enforcedEgressCannotAllowTheRedirectedPortsOrNames() {
    assertThatThrownBy(() -> render(Map.of("sidecar.enforceEgress.allowPorts[0]", "443")))
        .hasMessageContaining("at '/sidecar/enforceEgress/allowPorts/0'");
    assertThatThrownBy(() -> render(Map.of("sidecar.enforceEgress.allowCidrs[0]", "cluster.local")))
        .hasMessageContaining("at '/sidecar/enforceEgress/allowCidrs/0'");
  }

  @Test
  void theEgressDefaultIsCheckedBeforeTheOperatorSeesIt() {
    assertThatThrownBy(() -> render(Map.of("egress.default.mode", "closed")))
        .hasMessageContaining("at '/egress/default/mode': value must be one of");
    assertThatThrownBy(() -> render(Map.of("egress.default.mode", "allowList")))
        .hasMessageContaining("at '/egress/default/allow'");
    assertThatThrownBy(() -> render(Map.of("egress.default.allow[0]", "api.github.com")))
        .hasMessageContaining("at '/egress/default/allow'");
    assertThatThrownBy(() -> render(Map.of("egress.default.block[0]", "a.test,b.test")))
        .hasMessageContaining("at '/egress/default/block/0'");
  }

  @Test
  void quantitiesMustBeKubernetesQuantities() {
    assertThatThrownBy(() -> render(Map.of("sidecar.resources.limits.memory", "128MB")))
        .hasMessageContaining("at '/sidecar/resources/limits/memory': '128MB' does not match");
  }

  @Test
  void severalReplicasNeedLeaderElection() {
    assertThatThrownBy(
            () -> render(Map.of("operator.replicas", "3", "operator.leaderElection", "false")))
        .hasMessageContaining("operator.replicas > 1 needs operator.leaderElection: true");
  }
}
