package dev.keyrelay.operator.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.operator.webhook.PodPatch;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodInjectorTest {

  private static InjectionResult inject(Pod pod) {
    return PodInjector.inject(pod, InjectFixtures.routes(), InjectFixtures.SETTINGS);
  }

  private static Pod annotated(String key, String value) {
    return new PodBuilder(InjectFixtures.pod("agent-pod.yaml"))
        .editMetadata()
        .addToAnnotations(key, value)
        .endMetadata()
        .build();
  }

  @Test
  void podWithoutTheOptInIsReturnedAsTheSameInstanceWithAnEmptyPatch() {
    Pod plain = InjectFixtures.pod("plain-pod.yaml");
    InjectionResult result = inject(plain);
    assertThat(result.outcome()).isEqualTo(InjectionResult.Outcome.NOT_OPTED_IN);
    assertThat(result.pod()).isSameAs(plain);
    assertThat(PodPatch.between(plain, result.pod())).isEmpty();
  }

  @Test
  void injectFalseLeavesThePodAlone() {
    Pod pod = annotated(InjectionAnnotations.INJECT, "false");
    assertThat(inject(pod).pod()).isSameAs(pod);
  }

  @Test
  void reinjectingAnInjectedPodChangesNothing() {
    Pod once = inject(InjectFixtures.pod("agent-pod.yaml")).pod();
    String before = PodPatch.tree(once).toString();
    InjectionResult twice = inject(once);
    assertThat(twice.outcome()).isEqualTo(InjectionResult.Outcome.ALREADY_INJECTED);
    assertThat(twice.pod()).isSameAs(once);
    assertThat(PodPatch.tree(once).toString()).isEqualTo(before);
  }

  @Test
  void theInputPodIsNeverMutated() {
    Pod pod = InjectFixtures.pod("agent-pod.yaml");
    String before = PodPatch.tree(pod).toString();
    inject(pod);
    assertThat(PodPatch.tree(pod).toString()).isEqualTo(before);
  }

  @Test
  void onlyRoutesWhoseSelectorMatchesApply() {
    InjectionResult result = inject(InjectFixtures.pod("agent-pod.yaml"));
    assertThat(result.routes()).containsExactly("anthropic", "github-api", "internal-api");
    assertThat(result.pod().getSpec().getVolumes())
        .noneMatch(v -> v.getName().contains("orders-db"));
  }

  @Test
  void secretsAndTheVaultTokenAreMountedIntoTheSidecarOnly() {
    Pod pod = inject(InjectFixtures.pod("agent-pod.yaml")).pod();
    Container sidecar = pod.getSpec().getInitContainers().get(0);
    assertThat(sidecar.getName()).isEqualTo(SidecarPaths.CONTAINER);
    assertThat(sidecar.getVolumeMounts())
        .extracting(m -> m.getName())
        .contains("keyrelay-secret-anthropic", SidecarPaths.VAULT_TOKEN_VOLUME);
    List<Container> others =
        java.util.stream.Stream.concat(
                pod.getSpec().getInitContainers().stream().skip(1),
                pod.getSpec().getContainers().stream())
            .toList();
    assertThat(others)
        .allSatisfy(
            c ->
                assertThat(c.getVolumeMounts())
                    .extracting(m -> m.getName())
                    .contains(SidecarPaths.CA_VOLUME)
                    .noneMatch(n -> n.startsWith("keyrelay-secret") || n.contains("vault")));
    assertThat(pod.getSpec().getVolumes()).allMatch(v -> v.getHostPath() == null);
    assertThat(sidecar.getVolumeMounts()).allMatch(m -> m.getSubPath() == null);
  }

  @Test
  void userProxyVariablesAreKeptWithAWarning() {
    InjectionResult result = inject(InjectFixtures.pod("agent-pod.yaml"));
    assertThat(result.warnings())
        .singleElement()
        .asString()
        .contains("container agent sets [HTTPS_PROXY]", "keyrelay.dev/override-env");
  }

  @Test
  void sharedProcessNamespaceIsWarnedAbout() {
    Pod pod =
        new PodBuilder(InjectFixtures.pod("job-pod.yaml"))
            .editSpec()
            .withShareProcessNamespace(true)
            .endSpec()
            .build();
    assertThat(inject(pod).warnings())
        .anySatisfy(w -> assertThat(w).contains("shareProcessNamespace"));
  }

  @Test
  void unknownAnnotationValuesAreRefusedByName() {
    assertThatThrownBy(() -> inject(annotated(InjectionAnnotations.NATIVE_SIDECAR, "yes")))
        .isInstanceOf(InjectionRefusedException.class)
        .hasMessage(
            "keyrelay.dev/native-sidecar: \"yes\" is not valid; expected \"true\" or \"false\"");
    assertThatThrownBy(() -> inject(annotated(InjectionAnnotations.INJECT, "enabled")))
        .hasMessageContaining("keyrelay.dev/inject: \"enabled\" is not valid");
    assertThatThrownBy(() -> inject(annotated(InjectionAnnotations.LOG_LEVEL, "loud")))
        .hasMessageContaining("one of TRACE, DEBUG, INFO, WARN, ERROR");
    assertThatThrownBy(() -> inject(annotated(InjectionAnnotations.MEMORY_LIMIT, "lots")))
        .hasMessageContaining("a resource quantity");
    assertThatThrownBy(() -> inject(annotated("keyrelay.dev/proxy-prot", "1")))
        .hasMessageStartingWith("unknown annotation keyrelay.dev/proxy-prot");
  }

  @Test
  void narrowingToARouteThatDoesNotSelectThePodIsRefused() {
    assertThatThrownBy(() -> inject(annotated(InjectionAnnotations.ROUTES, "orders-db")))
        .isInstanceOf(InjectionRefusedException.class)
        .hasMessageContaining("\"orders-db\"")
        .hasMessageContaining("[anthropic, github-api, internal-api]");
  }

  @Test
  void narrowingKeepsOnlyTheNamedRoutes() {
    InjectionResult result = inject(annotated(InjectionAnnotations.ROUTES, "anthropic"));
    assertThat(result.routes()).containsExactly("anthropic");
    assertThat(result.pod().getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName())
        .contains("ANTHROPIC_API_KEY")
        .doesNotContain("GH_TOKEN");
  }
}
