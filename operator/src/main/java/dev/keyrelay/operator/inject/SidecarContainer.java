package dev.keyrelay.operator.inject;

import dev.keyrelay.operator.route.SidecarMounts;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;

/**
 * Builds the sidecar container. The image's entrypoint is {@code java -jar keyrelay-sidecar.jar};
 * the injector adds {@code --config} pointing into the mounted routes ConfigMap.
 */
final class SidecarContainer {

  // Hold the app containers until the CA bundle exists (written before /readyz turns ready), for
  // at most two minutes; used only when native sidecars are off.
  private static final String WAIT_FOR_CA =
      "i=0; until [ -s "
          + SidecarPaths.CA_BUNDLE
          + " ]; do i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.2; done";

  private SidecarContainer() {}

  static Container build(PodOptions options, String image, List<VolumeMount> mounts) {
    ContainerBuilder b =
        new ContainerBuilder()
            .withName(SidecarPaths.CONTAINER)
            .withImage(image)
            .withArgs("--config", SidecarPaths.CONFIG_FILE)
            .addNewEnv()
            .withName("KEYRELAY_LOG_LEVEL")
            .withValue(options.logLevel())
            .endEnv()
            .addNewEnv()
            // The heap follows the memory limit instead of the node's memory.
            .withName("JDK_JAVA_OPTIONS")
            .withValue("-XX:MaxRAMPercentage=75")
            .endEnv()
            .addNewPort()
            .withName("keyrelay-admin")
            .withContainerPort(SidecarMounts.ADMIN_PORT)
            .withProtocol("TCP")
            .endPort()
            .withResources(options.resources().toRequirements())
            .withSecurityContext(restricted())
            .withVolumeMounts(mounts)
            .withStartupProbe(probe("/readyz", 1, 120))
            .withReadinessProbe(probe("/readyz", 5, 3))
            .withLivenessProbe(probe("/healthz", 10, 3));
    if (options.nativeSidecar()) {
      b.withRestartPolicy("Always");
    } else {
      b.withNewLifecycle()
          .withNewPostStart()
          .withNewExec()
          .withCommand("/bin/sh", "-c", WAIT_FOR_CA)
          .endExec()
          .endPostStart()
          .endLifecycle();
    }
    return b.build();
  }

  private static Probe probe(String path, int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(SidecarMounts.ADMIN_PORT))
        .endHttpGet()
        .withPeriodSeconds(period)
        .withFailureThreshold(failures)
        .withTimeoutSeconds(1)
        .build();
  }

  /** The restricted Pod Security Standard, so the sidecar is admitted in restricted namespaces. */
  private static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(SidecarPaths.USER_ID)
        .withRunAsGroup(SidecarPaths.USER_ID)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }
}
