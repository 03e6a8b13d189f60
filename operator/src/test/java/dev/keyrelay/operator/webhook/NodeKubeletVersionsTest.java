package dev.keyrelay.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class NodeKubeletVersionsTest {

  KubernetesClient client;

  private static Node node(String name, String kubelet) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withNewNodeInfo()
        .withKubeletVersion(kubelet)
        .endNodeInfo()
        .endStatus()
        .build();
  }

  @Test
  void readsKubeletVersions() {
    assertThat(NodeKubeletVersions.supports("v1.29.0")).isTrue();
    assertThat(NodeKubeletVersions.supports("v1.31.4+k3s1")).isTrue();
    assertThat(NodeKubeletVersions.supports("v2.0.0")).isTrue();
    assertThat(NodeKubeletVersions.supports("v1.28.9-eks-036c24b")).isFalse();
    assertThat(NodeKubeletVersions.supports("1.9.0")).isFalse();
    assertThat(NodeKubeletVersions.supports("garbage")).isFalse();
    assertThat(NodeKubeletVersions.supports((String) null)).isFalse();
  }

  @Test
  void nativeOnlyWhileEveryNodeSupportsIt() {
    client.nodes().resource(node("new", "v1.30.2")).create();
    try (NodeKubeletVersions versions = new NodeKubeletVersions(client)) {
      await().until(versions::allSupportNativeSidecars);
      client.nodes().resource(node("old", "v1.28.9")).create();
      await().until(() -> !versions.allSupportNativeSidecars());
      client.nodes().withName("old").delete();
      await().until(versions::allSupportNativeSidecars);
    }
  }
}
