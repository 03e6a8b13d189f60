package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.operator.inject.InjectionSettings;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void sidecarQuantitiesTheOperatorWouldRefuseAreRejected() {
    assertThatThrownBy(() -> render(Map.of("sidecar.resources.limits.memory", "1Pi")))
        .hasMessageContaining("at '/sidecar/resources/limits/memory': '1Pi' does not match");
    assertThatThrownBy(() -> render(Map.of("sidecar.resources.requests.cpu", "2E")))
        .hasMessageContaining("at '/sidecar/resources/requests/cpu': '2E' does not match");
    assertThatThrownBy(() -> render(Map.of("sidecar.resources.requests.memory", "-1")))
        .hasMessageContaining("at '/sidecar/resources/requests/memory'");
    assertThatThrownBy(() -> render(Map.of("sidecar.resources.limits.cpu", "1.5cores")))
        .hasMessageContaining("at '/sidecar/resources/limits/cpu'");
  }

  /** Each accepted sidecar quantity is one the operator parses at start. */
  @Test
  void sidecarQuantitiesTheSchemaAcceptsAreOnesTheOperatorParses() {
    for (String quantity : List.of("100m", "0.5", "1", "128Mi", "1Gi", "2Ti")) {
      Map<String, String> env =
          Install.DEFAULTS
              .manifestsWith(Map.of("sidecar.resources.requests.memory", quantity))
              .operatorEnvironment();
      assertThat(InjectionSettings.fromEnvironment(env).resources().memoryRequest().toString())
          .isEqualTo(quantity);
    }
  }

  @Test
  void currentPodSpecFieldsOfTheOperatorPodAreAcceptedAndRendered(@TempDir Path dir)
      throws IOException {
    Path values = dir.resolve("values.yaml");
    Files.writeString(
        values,
        """
        operator:
          priorityClassName: system-cluster-critical
          nodeSelector:
            kubernetes.io/os: linux
          tolerations:
            - key: dedicated
              operator: Equal
              value: platform
              effect: NoSchedule
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                  - matchExpressions:
                      - key: kubernetes.io/arch
                        operator: In
                        values: [amd64, arm64]
          topologySpreadConstraints:
            - maxSkew: 1
              topologyKey: topology.kubernetes.io/zone
              whenUnsatisfiable: ScheduleAnyway
              labelSelector:
                matchLabels:
                  app.kubernetes.io/name: keyrelay
              matchLabelKeys: [pod-template-hash]
          podSecurityContext:
            runAsNonRoot: true
            appArmorProfile:
              type: RuntimeDefault
          securityContext:
            runAsNonRoot: true
            appArmorProfile:
              type: Localhost
              localhostProfile: keyrelay-operator
        """);
    String yaml = HelmChart.template(HelmChart.NAMESPACE, values, Map.of());
    PodSpec pod =
        new Manifests(StrictKubernetesYaml.parseAll(yaml, "helm template -f " + values))
            .one(Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations()).extracting(Toleration::getKey).containsExactly("dedicated");
    // the user's affinity replaces the default anti-affinity instead of merging with it
    assertThat(pod.getAffinity().getPodAntiAffinity()).isNull();
    assertThat(
            pod.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms())
        .hasSize(1);
    assertThat(pod.getTopologySpreadConstraints())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
              assertThat(t.getMatchLabelKeys()).containsExactly("pod-template-hash");
            });
    assertThat(pod.getSecurityContext().getAppArmorProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getContainers().get(0).getSecurityContext().getAppArmorProfile())
        .satisfies(
            p -> {
              assertThat(p.getType()).isEqualTo("Localhost");
              assertThat(p.getLocalhostProfile()).isEqualTo("keyrelay-operator");
            });
  }

  @Test
  void podSpecFieldsWithWrongShapesAreRejectedByName() {
    assertThatThrownBy(
            () ->
                render(
                    Map.of(
                        "operator.topologySpreadConstraints[0].maxSkew", "1",
                        "operator.topologySpreadConstraints[0].topologyKey", "zone")))
        .hasMessageContaining("at '/operator/topologySpreadConstraints/0'")
        .hasMessageContaining("whenUnsatisfiable");
    assertThatThrownBy(
            () -> render(Map.of("operator.securityContext.appArmorProfile.type", "Enforce")))
        .hasMessageContaining("at '/operator/securityContext/appArmorProfile/type'");
    assertThatThrownBy(() -> render(Map.of("operator.affinity.nodeAfinity.x", "y")))
        .hasMessageContaining("at '/operator/affinity': additional properties 'nodeAfinity'");
  }

  @Test
  void severalReplicasNeedLeaderElection() {
    assertThatThrownBy(
            () -> render(Map.of("operator.replicas", "3", "operator.leaderElection", "false")))
        .hasMessageContaining("operator.replicas > 1 needs operator.leaderElection: true");
  }
}
