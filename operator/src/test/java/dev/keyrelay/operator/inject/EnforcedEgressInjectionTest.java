package dev.keyrelay.operator.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The enforced-egress part of injection; the whole pod is in {@code enforced-pod.expected.yaml}.
 */
class EnforcedEgressInjectionTest {

  private static final InjectionSettings CHART_WIDE =
      InjectFixtures.SETTINGS.withEgress(
          new EgressEnforcement(
              true, List.of("10.96.0.0/12"), List.of(), EgressEnforcement.DEFAULT_INIT_IMAGE));

  private static Pod agentPod(String enforce) {
    PodBuilder pod = new PodBuilder(InjectFixtures.pod("agent-pod.yaml"));
    if (enforce != null) {
      pod.editMetadata()
          .addToAnnotations(InjectionAnnotations.ENFORCE_EGRESS, enforce)
          .endMetadata();
    }
    return pod.build();
  }

  private static List<String> initNames(Pod pod) {
    return pod.getSpec().getInitContainers().stream().map(Container::getName).toList();
  }

  @Test
  void theInitContainerComesFirstAndAloneHoldsNetworkCapabilities() {
    Pod out =
        PodInjector.inject(agentPod("true"), InjectFixtures.routes(), InjectFixtures.SETTINGS)
            .pod();

    assertThat(initNames(out)).startsWith(NetworkInitContainer.NAME, SidecarPaths.CONTAINER);
    List<Container> all =
        Stream.concat(
                out.getSpec().getInitContainers().stream(), out.getSpec().getContainers().stream())
            .toList();
    assertThat(all)
        .filteredOn(
            c ->
                c.getSecurityContext() != null
                    && c.getSecurityContext().getCapabilities() != null
                    && c.getSecurityContext().getCapabilities().getAdd() != null
                    && !c.getSecurityContext().getCapabilities().getAdd().isEmpty())
        .extracting(Container::getName)
        .containsExactly(NetworkInitContainer.NAME);
    assertThat(all.get(0).getCommand()).containsSubsequence("init-network", "--proxy-uid", "65532");
    assertThat(all.get(0).getImage())
        .as("the init image with iptables, not the distroless sidecar image")
        .isEqualTo("registry.example/keyrelay-init:1.2.3");
    assertThat(all.get(1).getArgs()).contains("--transparent");
  }

  @Test
  void theChartValueEnforcesEveryOptedInPodUnlessThePodSaysFalse() {
    Pod byChart = PodInjector.inject(agentPod(null), InjectFixtures.routes(), CHART_WIDE).pod();
    Pod optedOut = PodInjector.inject(agentPod("false"), InjectFixtures.routes(), CHART_WIDE).pod();
    Pod notAsked =
        PodInjector.inject(agentPod(null), InjectFixtures.routes(), InjectFixtures.SETTINGS).pod();

    assertThat(initNames(byChart)).startsWith(NetworkInitContainer.NAME);
    assertThat(byChart.getSpec().getInitContainers().get(0).getCommand())
        .containsSubsequence("--allow-cidr", "10.96.0.0/12")
        .doesNotContain("--allow-port");
    for (Pod pod : List.of(optedOut, notAsked)) {
      assertThat(initNames(pod)).doesNotContain(NetworkInitContainer.NAME);
      assertThat(
              pod.getSpec().getInitContainers().stream()
                  .filter(c -> c.getName().equals(SidecarPaths.CONTAINER))
                  .findFirst()
                  .orElseThrow()
                  .getArgs())
          .doesNotContain("--transparent");
    }
  }

  @Test
  void aContainerRunningAsTheSidecarsUserIsWarnedAbout() {
    Pod pod =
        new PodBuilder(agentPod("true"))
            .editSpec()
            .editFirstContainer()
            .withNewSecurityContext()
            .withRunAsUser(SidecarPaths.USER_ID)
            .endSecurityContext()
            .endContainer()
            .endSpec()
            .build();

    assertThat(PodInjector.inject(pod, InjectFixtures.routes(), InjectFixtures.SETTINGS).warnings())
        .anySatisfy(
            w -> assertThat(w).contains("runs as user 65532", "enforced egress does not apply"));
  }

  @Test
  void badValuesAreRefusedByName() {
    assertThatThrownBy(
            () ->
                PodInjector.inject(
                    agentPod("yes"), InjectFixtures.routes(), InjectFixtures.SETTINGS))
        .hasMessage(
            "keyrelay.dev/enforce-egress: \"yes\" is not valid; expected \"true\" or \"false\"");
    assertThatThrownBy(
            () -> InjectionSettings.fromEnvironment(Map.of("KEYRELAY_EGRESS_ALLOW_PORTS", "443")))
        .hasMessageContaining("KEYRELAY_EGRESS_ALLOW_PORTS: \"443\" is not valid");
    assertThatThrownBy(
            () -> InjectionSettings.fromEnvironment(Map.of("KEYRELAY_EGRESS_ALLOW_CIDRS", "svc")))
        .hasMessageContaining("KEYRELAY_EGRESS_ALLOW_CIDRS: \"svc\" is not valid");
  }

  @Test
  void theEnvironmentSetsTheChartWideDefaultAndTheAllowedRanges() {
    EgressEnforcement egress =
        InjectionSettings.fromEnvironment(
                Map.of(
                    "KEYRELAY_ENFORCE_EGRESS", "true",
                    "KEYRELAY_EGRESS_ALLOW_CIDRS", "10.96.0.0/12, 10.244.0.0/16",
                    "KEYRELAY_EGRESS_ALLOW_PORTS", "5432",
                    "KEYRELAY_NETWORK_INIT_IMAGE", "registry.example/keyrelay-init:1.2.3"))
            .egress();

    assertThat(egress)
        .isEqualTo(
            new EgressEnforcement(
                true,
                List.of("10.96.0.0/12", "10.244.0.0/16"),
                List.of(5432),
                "registry.example/keyrelay-init:1.2.3"));
    assertThat(InjectionSettings.fromEnvironment(Map.of()).egress())
        .isEqualTo(EgressEnforcement.OFF);
  }

  @Test
  void nodeIsAskedToHonourTheProxyVariables() {
    Pod out =
        PodInjector.inject(agentPod(null), InjectFixtures.routes(), InjectFixtures.SETTINGS).pod();

    assertThat(out.getSpec().getContainers())
        .filteredOn(c -> !c.getName().equals(SidecarPaths.CONTAINER))
        .allSatisfy(
            c ->
                assertThat(c.getEnv())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getName()).isEqualTo("NODE_USE_ENV_PROXY");
                          assertThat(e.getValue()).isEqualTo("1");
                        }));
  }
}
