package dev.keyrelay.delivery.chart;

import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The chart's default install on a real API server, as far as it can exist without a kubelet: the
 * CRDs, the ServiceAccount and every Role and binding, applied once per test JVM (the ClusterRoles
 * are cluster-wide, so there is one release per API server).
 *
 * @param namespace the release namespace
 * @param manifests the chart rendered into it
 * @param serviceAccount the operator's ServiceAccount
 */
record ChartRelease(String namespace, Manifests manifests, String serviceAccount) {

  private static ChartRelease installed;

  static synchronized ChartRelease install(KubeApiServer server, TestNamespace namespace) {
    if (installed == null) {
      server.installCrds();
      Manifests chart = Install.DEFAULTS.manifestsIn(namespace.name());
      for (Class<? extends HasMetadata> kind :
          List.of(
              ServiceAccount.class,
              Role.class,
              RoleBinding.class,
              ClusterRole.class,
              ClusterRoleBinding.class)) {
        chart.all(kind).forEach(o -> server.admin().resource(o).forceConflicts().serverSideApply());
      }
      installed =
          new ChartRelease(
              namespace.name(), chart, chart.one(ServiceAccount.class).getMetadata().getName());
    }
    return installed;
  }

  /** The user name the API server gives the operator's ServiceAccount. */
  String user() {
    return "system:serviceaccount:" + namespace + ":" + serviceAccount;
  }

  /**
   * The environment of one operator replica as the chart's Deployment sets it, authenticated with a
   * fresh TokenRequest token of the chart's ServiceAccount and nothing else.
   */
  Map<String, String> operatorEnvironment(KubeApiServer server) {
    Map<String, String> env = new HashMap<>(manifests.operatorEnvironment());
    env.putAll(server.processEnvironment(server.serviceAccountToken(namespace, serviceAccount)));
    env.put("POD_NAMESPACE", namespace);
    env.put("KUBERNETES_NAMESPACE", namespace);
    // replicas share the host here; each takes a free webhook port unless a test picks one
    env.put("KEYRELAY_WEBHOOK_PORT", "0");
    return env;
  }

  String leaseName() {
    return manifests.operatorEnvironment().get("KEYRELAY_LEASE_NAME");
  }
}
