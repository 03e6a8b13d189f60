package dev.keyrelay.delivery.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.contract.PodLayout;
import dev.keyrelay.operator.OfflineRoutes;
import dev.keyrelay.operator.inject.InjectionResult;
import dev.keyrelay.operator.inject.InjectionRoute;
import dev.keyrelay.operator.inject.InjectionSettings;
import dev.keyrelay.operator.inject.SidecarPaths;
import dev.keyrelay.operator.inject.WorkloadInjector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The example Deployment and Job, run through the operator's offline injection with the example
 * routes (validated and rendered as the operator publishes them, as {@code inject --routes} does):
 * the pod template gets the sidecar, the CA, the proxy variables and the placeholders of the routes
 * that select it, and the routes' Secrets reach the sidecar container only.
 */
class ExampleInjectionTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final InjectionSettings SETTINGS = InjectionSettings.defaults();
  private static final String PROXY = "http://127.0.0.1:" + SidecarPaths.PROXY_PORT;

  private static List<InjectionRoute> exampleRoutes() throws Exception {
    // Whole files, Secrets included, as `inject --routes examples/routes/x.yaml` reads them.
    List<JsonNode> documents = new ArrayList<>();
    for (Path file : Examples.yamlFiles(Examples.DIR.resolve("routes"))) {
      KubernetesManifests.read(file).forEach(m -> documents.add(m.tree()));
    }
    return OfflineRoutes.from(documents);
  }

  private static WorkloadInjector.Result inject(String example) throws Exception {
    JsonNode workload = KubernetesManifests.read(Examples.DIR.resolve(example)).get(0).tree();
    return WorkloadInjector.inject(workload, exampleRoutes(), SETTINGS);
  }

  private static PodSpec podSpec(WorkloadInjector.Result result) {
    JsonNode template = result.document().at("/spec/template");
    return SERIALIZATION.convertValue(template, PodTemplateSpec.class).getSpec();
  }

  @Test
  void theDeploymentGetsTheNativeSidecarCaProxyAndThePlaceholdersOfEveryRouteSelectingIt()
      throws Exception {
    WorkloadInjector.Result result = inject("agent/deployment.yaml");

    assertThat(result.injection().outcome()).isEqualTo(InjectionResult.Outcome.INJECTED);
    assertThat(result.injection().routes())
        .containsExactlyInAnyOrder("anthropic", "openai", "github-api", "github-git", "orders-db");
    PodSpec pod = podSpec(result);
    Container sidecar = pod.getInitContainers().get(0);
    assertThat(sidecar.getName()).isEqualTo(SidecarPaths.CONTAINER);
    assertThat(sidecar.getImage()).isEqualTo(SETTINGS.sidecarImage());
    assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
    assertThat(sidecar.getArgs())
        .containsExactly(
            "--config",
            SidecarPaths.CONFIG_FILE,
            "--config-optional",
            "--admin-listen",
            "0.0.0.0:" + PodLayout.ADMIN_PORT,
            "--ca-key-file",
            PodLayout.CA_KEY_FILE);

    Container agent = pod.getContainers().get(0);
    assertThat(env(agent))
        .containsEntry("HTTPS_PROXY", PROXY)
        .containsEntry("HTTP_PROXY", PROXY)
        .containsEntry("SSL_CERT_FILE", SidecarPaths.CA_BUNDLE)
        .containsEntry("CURL_CA_BUNDLE", SidecarPaths.CA_BUNDLE)
        .containsEntry("ANTHROPIC_API_KEY", "placeholder")
        .containsEntry("OPENAI_API_KEY", "placeholder")
        .containsEntry("GH_TOKEN", "placeholder")
        .containsEntry("DATABASE_URL", "postgresql://agent_ro@127.0.0.1:15432/orders");
    assertThat(agent.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo(SidecarPaths.CA_VOLUME);
              assertThat(m.getMountPath()).isEqualTo(PodLayout.CA_DIR);
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(secretsMountedOnlyInTheSidecar(pod))
        .containsExactlyInAnyOrder("anthropic", "openai", "github-token", "orders-db");
  }

  @Test
  void theJobGetsOnlyTheRoutesItNarrowsTo() throws Exception {
    WorkloadInjector.Result result = inject("agent/job.yaml");

    assertThat(result.injection().routes()).containsExactlyInAnyOrder("github-api", "github-git");
    PodSpec pod = podSpec(result);
    assertThat(pod.getInitContainers().get(0).getName()).isEqualTo(SidecarPaths.CONTAINER);
    // A native sidecar, so the Job completes when its task container exits.
    assertThat(pod.getInitContainers().get(0).getRestartPolicy()).isEqualTo("Always");
    Map<String, String> env = env(pod.getContainers().get(0));
    assertThat(env)
        .containsEntry("GH_TOKEN", "placeholder")
        .containsEntry("GIT_SSL_CAINFO", SidecarPaths.CA_BUNDLE)
        .containsEntry("REPO", "YOUR-ORG/YOUR-PRIVATE-REPO")
        .doesNotContainKeys("ANTHROPIC_API_KEY", "DATABASE_URL");
    assertThat(secretsMountedOnlyInTheSidecar(pod)).containsExactly("github-token");
  }

  @Test
  void injectingTheInjectedDeploymentAgainChangesNothing() throws Exception {
    WorkloadInjector.Result once = inject("agent/deployment.yaml");
    WorkloadInjector.Result twice =
        WorkloadInjector.inject(once.document(), exampleRoutes(), SETTINGS);

    assertThat(twice.injection().outcome()).isEqualTo(InjectionResult.Outcome.ALREADY_INJECTED);
    assertThat(twice.document()).isEqualTo(once.document());
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  /**
   * The Secret names of the pod's Secret volumes, after checking that each is mounted by the
   * sidecar and by no other container.
   */
  private static List<String> secretsMountedOnlyInTheSidecar(PodSpec pod) {
    List<Volume> secretVolumes =
        pod.getVolumes().stream().filter(v -> v.getSecret() != null).toList();
    Container sidecar = pod.getInitContainers().get(0);
    List<Container> others =
        Stream.concat(pod.getInitContainers().stream().skip(1), pod.getContainers().stream())
            .toList();
    for (Volume volume : secretVolumes) {
      assertThat(sidecar.getVolumeMounts())
          .extracting(VolumeMount::getName)
          .contains(volume.getName());
      assertThat(others)
          .allSatisfy(
              c ->
                  assertThat(c.getVolumeMounts())
                      .extracting(VolumeMount::getName)
                      .doesNotContain(volume.getName()));
    }
    return secretVolumes.stream().map(v -> v.getSecret().getSecretName()).toList();
  }
}
