package dev.keyrelay.operator.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.contract.PodLayout;
import dev.keyrelay.operator.webhook.PodPatch;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PodInjectorTest {

  private static InjectionResult inject(Pod pod) {
    return PodInjector.inject(pod, InjectFixtures.routes(), InjectFixtures.SETTINGS);
  }

  private static Container sidecar(Pod pod) {
    return Stream.concat(
            pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
        .filter(c -> c.getName().equals(SidecarPaths.CONTAINER))
        .findFirst()
        .orElseThrow();
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
  void aProxyVariableKeptInOneSpellingIsGivenToTheOtherSoEveryClientAgrees() {
    InjectionResult result = inject(InjectFixtures.pod("agent-pod.yaml"));

    Map<String, String> agent = env(result.pod().getSpec().getContainers().get(0));
    assertThat(agent)
        .containsEntry("HTTPS_PROXY", "http://corp-proxy:3128")
        .containsEntry("https_proxy", "http://corp-proxy:3128")
        .containsEntry("HTTP_PROXY", "http://127.0.0.1:6790")
        .containsEntry("http_proxy", "http://127.0.0.1:6790");
    assertThat(result.warnings())
        .singleElement()
        .asString()
        .contains("[HTTPS_PROXY]", "[https_proxy] take the same values");
  }

  @Test
  void aKeptProxyVariableFromASecretIsGivenToTheOtherSpellingAsTheSameReference() {
    Pod pod =
        new PodBuilder(InjectFixtures.pod("agent-pod.yaml"))
            .editSpec()
            .editLastContainer()
            .addNewEnv()
            .withName("http_proxy")
            .withNewValueFrom()
            .withNewSecretKeyRef("url", "corp-proxy", false)
            .endValueFrom()
            .endEnv()
            .endContainer()
            .endSpec()
            .build();

    List<EnvVar> env = inject(pod).pod().getSpec().getContainers().get(1).getEnv();
    assertThat(env)
        .filteredOn(e -> e.getName().equalsIgnoreCase("http_proxy"))
        .extracting(e -> e.getValueFrom().getSecretKeyRef().getName())
        .containsExactly("corp-proxy", "corp-proxy");
  }

  @Test
  void withOverrideEnvAllFourProxyVariablesPointAtTheSidecar() {
    InjectionResult result = inject(annotated(InjectionAnnotations.OVERRIDE_ENV, "true"));

    assertThat(env(result.pod().getSpec().getContainers().get(0)))
        .containsEntry("HTTPS_PROXY", "http://127.0.0.1:6790")
        .containsEntry("https_proxy", "http://127.0.0.1:6790")
        .containsEntry("HTTP_PROXY", "http://127.0.0.1:6790")
        .containsEntry("http_proxy", "http://127.0.0.1:6790");
    assertThat(result.warnings()).isEmpty();
  }

  /**
   * envFrom may bring proxy variables keyrelay cannot see; explicit env entries win over it in
   * Kubernetes, so all four must be set explicitly.
   */
  @Test
  void aContainerWithEnvFromGetsAllFourProxyVariablesExplicitly() {
    Pod pod =
        new PodBuilder(InjectFixtures.pod("agent-pod.yaml"))
            .editSpec()
            .editLastContainer()
            .addNewEnvFrom()
            .withNewConfigMapRef("corp-proxy-env", false)
            .endEnvFrom()
            .addNewEnvFrom()
            .withNewSecretRef("more-env", true)
            .endEnvFrom()
            .endContainer()
            .endSpec()
            .build();

    InjectionResult result = inject(pod);
    Container tools = result.pod().getSpec().getContainers().get(1);
    assertThat(tools.getEnvFrom()).hasSize(2);
    assertThat(tools.getEnv())
        .filteredOn(
            e ->
                List.of("HTTPS_PROXY", "HTTP_PROXY").contains(e.getName().toUpperCase(Locale.ROOT)))
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactlyInAnyOrder(
            "HTTPS_PROXY=http://127.0.0.1:6790",
            "HTTP_PROXY=http://127.0.0.1:6790",
            "https_proxy=http://127.0.0.1:6790",
            "http_proxy=http://127.0.0.1:6790");
    assertThat(tools.getEnv()).allMatch(e -> e.getValueFrom() == null);
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
  void hostNetworkAndWindowsPodsAreRefusedWithTheReason() {
    Pod hostNetwork =
        new PodBuilder(InjectFixtures.pod("agent-pod.yaml"))
            .editSpec()
            .withHostNetwork(true)
            .endSpec()
            .build();
    Pod windows =
        new PodBuilder(InjectFixtures.pod("agent-pod.yaml"))
            .editSpec()
            .withNewOs("windows")
            .endSpec()
            .build();

    assertThatThrownBy(() -> inject(hostNetwork))
        .isInstanceOf(InjectionRefusedException.class)
        .hasMessageStartingWith("hostNetwork: true shares the node's network namespace");
    assertThatThrownBy(() -> inject(windows))
        .isInstanceOf(InjectionRefusedException.class)
        .hasMessage("spec.os.name is windows: the keyrelay sidecar runs on Linux nodes only");
  }

  @Test
  void asARegularContainerTheSidecarLeavesKubectlOnTheAgent() {
    Pod fallback = annotated(InjectionAnnotations.NATIVE_SIDECAR, "false");
    String agent = fallback.getSpec().getContainers().get(0).getName();

    Pod injected = inject(fallback).pod();

    assertThat(injected.getSpec().getContainers().get(0).getName())
        .isEqualTo(SidecarPaths.CONTAINER);
    assertThat(injected.getMetadata().getAnnotations())
        .containsEntry(PodInjector.DEFAULT_CONTAINER, agent);
    assertThat(inject(InjectFixtures.pod("agent-pod.yaml")).pod().getMetadata().getAnnotations())
        .as("a native sidecar is an init container: kubectl already picks the agent")
        .doesNotContainKey(PodInjector.DEFAULT_CONTAINER);
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  private static Container sidecarOf(Pod pod) {
    return Stream.concat(
            pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
        .filter(c -> c.getName().equals(SidecarPaths.CONTAINER))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void proxyPortAnnotationMovesTheSidecarAndEveryProxyVariable() {
    Pod pod = inject(annotated(InjectionAnnotations.PROXY_PORT, "15001")).pod();

    assertThat(sidecarOf(pod).getArgs())
        .containsExactly(
            "--config",
            SidecarPaths.CONFIG_FILE,
            "--config-optional",
            "--admin-listen",
            "0.0.0.0:9090",
            "--ca-key-file",
            PodLayout.CA_KEY_FILE,
            "--proxy-port",
            "15001");
    Map<String, String> tools = env(pod.getSpec().getContainers().get(1));
    assertThat(tools)
        .containsEntry("HTTPS_PROXY", "http://127.0.0.1:15001")
        .containsEntry("HTTP_PROXY", "http://127.0.0.1:15001")
        .containsEntry("https_proxy", "http://127.0.0.1:15001")
        .containsEntry("http_proxy", "http://127.0.0.1:15001");
    assertThat(tools.get("JAVA_TOOL_OPTIONS"))
        .contains("-Dhttps.proxyPort=15001", "-Dhttp.proxyPort=15001");
  }

  @Test
  void withoutTheAnnotationTheSidecarKeepsItsConfiguredPort() {
    Pod pod = inject(InjectFixtures.pod("agent-pod.yaml")).pod();

    assertThat(sidecarOf(pod).getArgs())
        .containsExactly(
            "--config",
            SidecarPaths.CONFIG_FILE,
            "--config-optional",
            "--admin-listen",
            "0.0.0.0:9090",
            "--ca-key-file",
            PodLayout.CA_KEY_FILE);
    assertThat(env(pod.getSpec().getContainers().get(1)))
        .containsEntry("HTTPS_PROXY", "http://127.0.0.1:6790");
  }

  @Test
  void theRoutesConfigMapSecretsAndTrustMaterialMayNotExistYet() {
    Pod pod = inject(InjectFixtures.pod("agent-pod.yaml")).pod();

    List<Volume> objects =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getConfigMap() != null || v.getSecret() != null)
            .toList();
    assertThat(objects)
        .extracting(Volume::getName)
        .contains(SidecarPaths.CONFIG_VOLUME)
        .anyMatch(name -> name.startsWith("keyrelay-secret-"))
        .anyMatch(name -> name.startsWith("keyrelay-trust-"));
    assertThat(objects)
        .allSatisfy(
            v ->
                assertThat(
                        v.getConfigMap() != null
                            ? v.getConfigMap().getOptional()
                            : v.getSecret().getOptional())
                    .as(v.getName())
                    .isTrue());
  }

  @Test
  void badProxyPortsAreRefusedWithTheAcceptedRange() {
    for (String port : List.of("80", "9090", "65536", "http", "")) {
      assertThatThrownBy(() -> inject(annotated(InjectionAnnotations.PROXY_PORT, port)))
          .isInstanceOf(InjectionRefusedException.class)
          .hasMessage(
              "keyrelay.dev/proxy-port: \""
                  + port
                  + "\" is not valid; expected a port from 1024 to 65535 other than 9090"
                  + " (the sidecar's admin port)");
    }
  }

  @Test
  void theSidecarGetsTheClusterPullPolicyAndNoneWhenUnset() {
    Pod pod = InjectFixtures.pod("agent-pod.yaml");
    InjectionSettings always =
        new InjectionSettings(
            InjectFixtures.SETTINGS.sidecarImage(),
            "Always",
            true,
            SidecarResources.DEFAULTS,
            "INFO",
            List.of(),
            false,
            false,
            EgressEnforcement.OFF);

    assertThat(sidecar(PodInjector.inject(pod, InjectFixtures.routes(), always).pod()))
        .satisfies(c -> assertThat(c.getImagePullPolicy()).isEqualTo("Always"));
    assertThat(sidecar(inject(pod).pod()))
        .satisfies(c -> assertThat(c.getImagePullPolicy()).isNull());
  }

  @Test
  void javaToolOptionsFollowTheClusterDefaultUnlessThePodSaysOtherwise() {
    Pod plain =
        new PodBuilder(InjectFixtures.pod("agent-pod.yaml"))
            .editMetadata()
            .removeFromAnnotations(InjectionAnnotations.JAVA_TOOL_OPTIONS)
            .endMetadata()
            .build();
    InjectionSettings on =
        new InjectionSettings(
            InjectFixtures.SETTINGS.sidecarImage(),
            null,
            true,
            SidecarResources.DEFAULTS,
            "INFO",
            List.of(),
            true,
            false,
            EgressEnforcement.OFF);

    assertThat(env(inject(plain).pod().getSpec().getContainers().get(1)))
        .doesNotContainKey("JAVA_TOOL_OPTIONS");
    assertThat(
            env(
                PodInjector.inject(plain, InjectFixtures.routes(), on)
                    .pod()
                    .getSpec()
                    .getContainers()
                    .get(1)))
        .containsKey("JAVA_TOOL_OPTIONS");
    Pod optedOut =
        new PodBuilder(plain)
            .editMetadata()
            .addToAnnotations(InjectionAnnotations.JAVA_TOOL_OPTIONS, "false")
            .endMetadata()
            .build();
    assertThat(
            env(
                PodInjector.inject(optedOut, InjectFixtures.routes(), on)
                    .pod()
                    .getSpec()
                    .getContainers()
                    .get(1)))
        .doesNotContainKey("JAVA_TOOL_OPTIONS");
  }

  @Test
  void aUsersOwnJavaToolOptionsAreKeptWithAWarningUnlessOverridden() {
    Pod pod =
        new PodBuilder(InjectFixtures.pod("agent-pod.yaml"))
            .editSpec()
            .editContainer(1)
            .addNewEnv()
            .withName("JAVA_TOOL_OPTIONS")
            .withValue("-Xmx1g")
            .endEnv()
            .endContainer()
            .endSpec()
            .build();

    InjectionResult kept = inject(pod);
    assertThat(env(kept.pod().getSpec().getContainers().get(1)))
        .containsEntry("JAVA_TOOL_OPTIONS", "-Xmx1g");
    assertThat(kept.warnings())
        .anySatisfy(w -> assertThat(w).contains("container tools sets [JAVA_TOOL_OPTIONS]"));

    Pod override =
        new PodBuilder(pod)
            .editMetadata()
            .addToAnnotations(InjectionAnnotations.OVERRIDE_ENV, "true")
            .endMetadata()
            .build();
    assertThat(
            env(inject(override).pod().getSpec().getContainers().get(1)).get("JAVA_TOOL_OPTIONS"))
        .startsWith("-Dhttp.proxyHost=127.0.0.1");
  }

  @Test
  void theShutdownUrlIsGivenOnlyToRunToCompletionPodsWithARegularSidecar() {
    Pod job = inject(InjectFixtures.pod("job-pod.yaml")).pod();
    assertThat(env(job.getSpec().getContainers().get(1)))
        .containsEntry("KEYRELAY_SHUTDOWN_URL", "http://127.0.0.1:9090/quitquitquit");

    Pod onFailure =
        new PodBuilder(InjectFixtures.pod("job-pod.yaml"))
            .editSpec()
            .withRestartPolicy("OnFailure")
            .endSpec()
            .build();
    assertThat(env(inject(onFailure).pod().getSpec().getContainers().get(1)))
        .containsKey("KEYRELAY_SHUTDOWN_URL");

    Pod service =
        new PodBuilder(InjectFixtures.pod("job-pod.yaml"))
            .editSpec()
            .withRestartPolicy("Always")
            .endSpec()
            .build();
    assertThat(env(inject(service).pod().getSpec().getContainers().get(1)))
        .doesNotContainKey("KEYRELAY_SHUTDOWN_URL");

    // A native sidecar stops by itself when the app containers end.
    Pod nativeJob =
        new PodBuilder(InjectFixtures.pod("job-pod.yaml"))
            .editMetadata()
            .addToAnnotations(InjectionAnnotations.NATIVE_SIDECAR, "true")
            .endMetadata()
            .build();
    assertThat(env(inject(nativeJob).pod().getSpec().getContainers().get(0)))
        .doesNotContainKey("KEYRELAY_SHUTDOWN_URL");
  }

  @Test
  void everyInjectedPodIsLabelledAndScrapeAnnotationsKeepTheUsersOwn() {
    Pod agent = inject(InjectFixtures.pod("agent-pod.yaml")).pod();
    assertThat(agent.getMetadata().getLabels()).containsEntry("keyrelay.dev/injected", "true");
    assertThat(agent.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "9090")
        .containsEntry("prometheus.io/path", "/metrics");

    Pod job = inject(InjectFixtures.pod("job-pod.yaml")).pod();
    assertThat(job.getMetadata().getLabels()).containsEntry("keyrelay.dev/injected", "true");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "false")
        .doesNotContainKeys("prometheus.io/port", "prometheus.io/path");

    InjectionSettings off = InjectionSettings.defaults();
    Pod quiet =
        PodInjector.inject(InjectFixtures.pod("agent-pod.yaml"), InjectFixtures.routes(), off)
            .pod();
    assertThat(quiet.getMetadata().getAnnotations().keySet())
        .noneMatch(k -> k.startsWith("prometheus.io/"));
    assertThat(quiet.getMetadata().getLabels()).containsEntry("keyrelay.dev/injected", "true");
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

  @Test
  void theAgentLosesTheApiTokenUnlessThePodKeepsItWithAWarning() {
    InjectionResult dropped = inject(InjectFixtures.pod("agent-pod.yaml"));
    assertThat(dropped.pod().getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(dropped.warnings()).noneMatch(w -> w.contains("API token"));
    // Explicitly asking for the token in the pod spec is not enough: only the annotation keeps it.
    Pod asked = InjectFixtures.pod("agent-pod.yaml");
    asked.getSpec().setAutomountServiceAccountToken(true);
    assertThat(inject(asked).pod().getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(
            inject(annotated(InjectionAnnotations.AGENT_API_TOKEN, "drop"))
                .pod()
                .getSpec()
                .getAutomountServiceAccountToken())
        .isFalse();

    InjectionResult kept = inject(annotated(InjectionAnnotations.AGENT_API_TOKEN, "keep"));
    assertThat(kept.pod().getSpec().getAutomountServiceAccountToken()).isNull();
    assertThat(kept.warnings())
        .contains(
            "keyrelay.dev/agent-api-token is \"keep\": the agent containers hold the pod's"
                + " Kubernetes API token, a credential keyrelay does not protect");
  }

  @Test
  void theVaultTokenStaysWhenTheAgentLosesTheApiToken() {
    Pod pod = inject(InjectFixtures.pod("agent-pod.yaml")).pod();
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(sidecar(pod).getVolumeMounts())
        .anyMatch(m -> m.getName().equals(SidecarPaths.VAULT_TOKEN_VOLUME));
  }

  @Test
  void anAgentApiTokenValueOtherThanKeepOrDropIsRefused() {
    assertThatThrownBy(() -> inject(annotated(InjectionAnnotations.AGENT_API_TOKEN, "yes")))
        .isInstanceOf(InjectionRefusedException.class)
        .hasMessage(
            "keyrelay.dev/agent-api-token: \"yes\" is not valid; expected \"keep\" or \"drop\"");
  }

  @Test
  void thePodsLabelsAnnotationsAndCaKeyAreMountedIntoTheSidecarOnly() {
    Pod pod = inject(InjectFixtures.pod("agent-pod.yaml")).pod();
    var podinfo =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals(SidecarPaths.PODINFO_VOLUME))
            .findFirst()
            .orElseThrow();
    assertThat(podinfo.getDownwardAPI().getItems())
        .extracting(i -> i.getPath() + "=" + i.getFieldRef().getFieldPath())
        .containsExactly("labels=metadata.labels", "annotations=metadata.annotations");
    var caKey =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals(SidecarPaths.CA_KEY_VOLUME))
            .findFirst()
            .orElseThrow();
    assertThat(caKey.getEmptyDir().getMedium()).isEqualTo("Memory");
    assertThat(sidecar(pod).getVolumeMounts())
        .anyMatch(
            m ->
                m.getName().equals(SidecarPaths.CA_KEY_VOLUME)
                    && m.getMountPath().equals(PodLayout.CA_KEY_DIR))
        .anyMatch(
            m ->
                m.getName().equals(SidecarPaths.PODINFO_VOLUME)
                    && m.getMountPath().equals(PodLayout.PODINFO_DIR));
    Stream.concat(
            pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
        .filter(c -> !c.getName().equals(SidecarPaths.CONTAINER))
        .forEach(
            c ->
                assertThat(c.getVolumeMounts())
                    .as(c.getName())
                    .noneMatch(
                        m ->
                            m.getName().equals(SidecarPaths.CA_KEY_VOLUME)
                                || m.getName().equals(SidecarPaths.PODINFO_VOLUME)));
  }
}
