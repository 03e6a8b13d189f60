package dev.keyrelay.operator.webhook;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides from the nodes' kubelet versions (an informer, no call per admission) whether native
 * sidecars work everywhere: they need kubelet 1.29 or later on every node a pod may land on.
 */
public final class NodeKubeletVersions implements AutoCloseable {

  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+).*");
  private static final int NATIVE_MAJOR = 1;
  private static final int NATIVE_MINOR = 29;

  private final SharedIndexInformer<Node> informer;

  public NodeKubeletVersions(KubernetesClient client) {
    this.informer = client.nodes().inform();
  }

  /** True when every known node supports native sidecars; with no nodes known, assumes so. */
  public boolean allSupportNativeSidecars() {
    List<Node> nodes = informer.getStore().list();
    return nodes.stream().allMatch(NodeKubeletVersions::supports);
  }

  static boolean supports(Node node) {
    if (node.getStatus() == null || node.getStatus().getNodeInfo() == null) {
      return false;
    }
    return supports(node.getStatus().getNodeInfo().getKubeletVersion());
  }

  /** {@code v1.29.3+k3s1} and later: yes; {@code v1.28.9}, or anything unreadable: no. */
  static boolean supports(String kubeletVersion) {
    Matcher m = VERSION.matcher(kubeletVersion == null ? "" : kubeletVersion.trim());
    if (!m.matches()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > NATIVE_MAJOR || (major == NATIVE_MAJOR && minor >= NATIVE_MINOR);
  }

  @Override
  public void close() {
    informer.close();
  }
}
