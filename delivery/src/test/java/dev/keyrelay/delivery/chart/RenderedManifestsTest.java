package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every document the chart renders, in every install, is the fabric8 model class of its kind with
 * no field that model does not know ({@link StrictKubernetesYaml} fails on those while parsing).
 */
class RenderedManifestsTest {

  @ParameterizedTest
  @EnumSource(Install.class)
  void everyDocumentIsATypedKubernetesObject(Install install) {
    Manifests manifests = install.manifests();
    assertThat(manifests.objects()).isNotEmpty();
    for (HasMetadata object : manifests.objects()) {
      assertThat(object).isNotInstanceOf(GenericKubernetesResource.class);
      assertThat(object.getMetadata().getLabels())
          .as("%s %s", object.getKind(), object.getMetadata().getName())
          .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
          .containsEntry("app.kubernetes.io/managed-by", "Helm");
    }
  }

  @ParameterizedTest
  @EnumSource(Install.class)
  void namespacedObjectsLiveInTheirNamespace(Install install) {
    for (HasMetadata object : install.manifests().objects()) {
      boolean namespaced = object instanceof Namespaced;
      assertThat(object.getMetadata().getNamespace() != null)
          .as("%s %s has a namespace", object.getKind(), object.getMetadata().getName())
          .isEqualTo(namespaced);
    }
  }

  @Test
  void theStrictParserRefusesAFieldTheModelDoesNotKnow() {
    String misspelled =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: s, namespace: n}
        spec:
          ports: [{port: 443, targetPort: webhook}]
          selectr: {app: x}
        """;
    assertThatThrownBy(() -> StrictKubernetesYaml.parseAll(misspelled, "test"))
        .hasMessageContaining("test document 1 (Service s)")
        .hasMessageContaining("\"selectr\"");
    String wrongType =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec: {replicas: two}
        """;
    assertThatThrownBy(() -> StrictKubernetesYaml.parseAll(wrongType, "test"))
        .hasMessageContaining("replicas");
  }
}
