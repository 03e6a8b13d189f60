package dev.keyrelay.operator.inject;

import dev.keyrelay.contract.PodLayout;
import dev.keyrelay.contract.RoutesConfigMap;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The volumes injection adds to a pod and where the sidecar mounts them. Secrets, trust material,
 * the Vault token, the pod's own labels and annotations and the CA key are mounted into the sidecar
 * only; everything is a directory mount (a {@code subPath} mount never sees updates).
 *
 * @param volumes the pod volumes to add
 * @param sidecarMounts the sidecar's mounts
 */
record SidecarVolumes(List<Volume> volumes, List<VolumeMount> sidecarMounts) {

  private static final String SECRET_PREFIX = "keyrelay-secret-";
  private static final String TRUST_PREFIX = "keyrelay-trust-";
  private static final long VAULT_TOKEN_SECONDS = 3600;

  /** The CA's certificate and key take under 2 KiB; the limit only stops misuse of the tmpfs. */
  private static final String CA_KEY_SIZE_LIMIT = "1Mi";

  static SidecarVolumes forRoutes(List<InjectionRoute> routes) {
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName(SidecarPaths.CA_VOLUME)
            .withNewEmptyDir()
            .endEmptyDir()
            .build());
    mounts.add(mount(SidecarPaths.CA_VOLUME, PodLayout.CA_DIR, false));
    volumes.add(
        new VolumeBuilder()
            .withName(SidecarPaths.CONFIG_VOLUME)
            .withNewConfigMap()
            .withName(RoutesConfigMap.NAME)
            // A pod created before the operator publishes its namespace's routes starts anyway:
            // the sidecar runs without routes until the kubelet fills the volume.
            .withOptional(true)
            .endConfigMap()
            .build());
    mounts.add(mount(SidecarPaths.CONFIG_VOLUME, PodLayout.CONFIG_DIR, true));
    volumes.add(
        new VolumeBuilder()
            .withName(SidecarPaths.PODINFO_VOLUME)
            .withNewDownwardAPI()
            .addNewItem()
            .withPath(fileName(PodLayout.LABELS_FILE))
            .withNewFieldRef()
            .withFieldPath("metadata.labels")
            .endFieldRef()
            .endItem()
            .addNewItem()
            .withPath(fileName(PodLayout.ANNOTATIONS_FILE))
            .withNewFieldRef()
            .withFieldPath("metadata.annotations")
            .endFieldRef()
            .endItem()
            .endDownwardAPI()
            .build());
    mounts.add(mount(SidecarPaths.PODINFO_VOLUME, PodLayout.PODINFO_DIR, true));
    // tmpfs: the CA key survives a sidecar restart but never reaches the node's disk.
    volumes.add(
        new VolumeBuilder()
            .withName(SidecarPaths.CA_KEY_VOLUME)
            .withNewEmptyDir()
            .withMedium("Memory")
            .withSizeLimit(new Quantity(CA_KEY_SIZE_LIMIT))
            .endEmptyDir()
            .build());
    mounts.add(mount(SidecarPaths.CA_KEY_VOLUME, PodLayout.CA_KEY_DIR, false));
    volumes.add(
        new VolumeBuilder()
            .withName(SidecarPaths.TMP_VOLUME)
            .withNewEmptyDir()
            .endEmptyDir()
            .build());
    mounts.add(mount(SidecarPaths.TMP_VOLUME, "/tmp", false));
    // Several routes may share a Secret: mount each once, in name order. Optional, so that a
    // Secret created after the pod does not hold the pod in ContainerCreating: until the kubelet
    // fills the volume, the route answers 503 secret_unavailable naming it.
    TreeSet<String> secrets = new TreeSet<>();
    routes.stream().map(InjectionRoute::secretName).filter(s -> s != null).forEach(secrets::add);
    for (String secret : secrets) {
      String name = VolumeNames.of(SECRET_PREFIX, secret);
      volumes.add(
          new VolumeBuilder()
              .withName(name)
              .withNewSecret()
              .withSecretName(secret)
              .withOptional(true)
              .endSecret()
              .build());
      mounts.add(mount(name, PodLayout.SECRETS_ROOT + "/" + secret, true));
    }
    for (InjectionRoute route : routes) {
      if (route.trustConfigMap() != null || route.trustSecret() != null) {
        String name = VolumeNames.of(TRUST_PREFIX, route.name());
        volumes.add(trustVolume(name, route));
        mounts.add(mount(name, PodLayout.TRUST_ROOT + "/" + route.name(), true));
      }
    }
    if (routes.stream().anyMatch(InjectionRoute::vault)) {
      volumes.add(vaultToken());
      mounts.add(mount(SidecarPaths.VAULT_TOKEN_VOLUME, SidecarPaths.VAULT_TOKEN_DIR, true));
    }
    return new SidecarVolumes(List.copyOf(volumes), List.copyOf(mounts));
  }

  private static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The CA directory as the app containers see it: read-only. */
  static VolumeMount appCaMount() {
    return mount(SidecarPaths.CA_VOLUME, PodLayout.CA_DIR, true);
  }

  private static Volume trustVolume(String name, InjectionRoute route) {
    // Optional like the route's Secret: a missing CA must not hold every pod the route selects.
    VolumeBuilder b = new VolumeBuilder().withName(name);
    if (route.trustConfigMap() != null) {
      return b.withNewConfigMap()
          .withName(route.trustConfigMap())
          .withOptional(true)
          .endConfigMap()
          .build();
    }
    return b.withNewSecret()
        .withSecretName(route.trustSecret())
        .withOptional(true)
        .endSecret()
        .build();
  }

  private static Volume vaultToken() {
    return new VolumeBuilder()
        .withName(SidecarPaths.VAULT_TOKEN_VOLUME)
        .withNewProjected()
        .addNewSource()
        .withNewServiceAccountToken()
        .withAudience(SidecarPaths.VAULT_AUDIENCE)
        .withExpirationSeconds(VAULT_TOKEN_SECONDS)
        .withPath(SidecarPaths.VAULT_TOKEN_FILE)
        .endServiceAccountToken()
        .endSource()
        .endProjected()
        .build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }
}
