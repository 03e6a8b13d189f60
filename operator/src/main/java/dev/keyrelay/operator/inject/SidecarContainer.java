package dev.keyrelay.operator.inject;

import dev.keyrelay.contract.PodLayout;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the sidecar container. The image's entrypoint runs the jar ({@code java @/app/jvm.options
 * ... -jar /app/keyrelay-sidecar.jar}, whose JVM options size the heap to the memory limit); the
 * injector adds {@code --config} pointing into the mounted routes ConfigMap with {@code
 * --config-optional} (the ConfigMap may not exist yet: the sidecar starts without routes and picks
 * them up when it appears) and, since the defaults of an absent ConfigMap would keep the admin port
 * on loopback and the CA key in memory, {@code --admin-listen} on every interface for the kubelet's
 * probes and {@code --ca-key-file} on the CA key's volume; {@code --proxy-port} when the pod asks
 * for another port, and {@code --transparent} (the listeners the redirected traffic reaches) when
 * its egress is enforced.
 */
final class SidecarContainer {

  // Holds the app containers until the CA bundle, written last of the CA files, exists: the image
  // has no shell, so the sidecar jar itself waits, in a small JVM that starts nothing else.
  private static final List<String> WAIT_FOR_CA =
      List.of(
          SidecarPaths.JAVA,
          "-Xmx16m",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-jar",
          SidecarPaths.JAR,
          "--wait-for-file",
          SidecarPaths.CA_BUNDLE,
          "--timeout-seconds",
          "120");

  private SidecarContainer() {}

  static Container build(
      PodOptions options, String image, String pullPolicy, List<VolumeMount> mounts) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                SidecarPaths.CONFIG_FILE,
                "--config-optional",
                "--admin-listen",
                "0.0.0.0:" + PodLayout.ADMIN_PORT,
                "--ca-key-file",
                PodLayout.CA_KEY_FILE));
    if (options.proxyPort() != SidecarPaths.PROXY_PORT) {
      args.addAll(List.of("--proxy-port", Integer.toString(options.proxyPort())));
    }
    if (options.enforceEgress()) {
      args.add("--transparent");
    }
    ContainerBuilder b =
        new ContainerBuilder()
            .withName(SidecarPaths.CONTAINER)
            .withImage(image)
            .withImagePullPolicy(pullPolicy)
            .withArgs(args)
            .addNewEnv()
            .withName("KEYRELAY_LOG_LEVEL")
            .withValue(options.logLevel())
            .endEnv()
            .addNewPort()
            .withName("keyrelay-admin")
            .withContainerPort(PodLayout.ADMIN_PORT)
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
          .withCommand(WAIT_FOR_CA)
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
        .withPort(new IntOrString(PodLayout.ADMIN_PORT))
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
