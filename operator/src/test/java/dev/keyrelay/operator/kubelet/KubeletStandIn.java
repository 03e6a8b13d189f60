package dev.keyrelay.operator.kubelet;

import dev.keyrelay.sidecar.testing.KubeletVolume;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Does for a pod what the kubelet does before starting its containers, as far as a process on this
 * machine can have it: every volume becomes a directory (ConfigMaps, Secrets, the downward API and
 * projected ServiceAccount tokens in the kubelet's {@code ..data} layout, emptyDirs empty), and a
 * container's args and env are what its spec says.
 *
 * <p>The one translation is the pod's own namespaces. A mount path such as {@code /etc/keyrelay/ca}
 * becomes the volume's directory under the test's root, and {@code network} maps fixed addresses
 * (the admin port) to free ones, so tests run side by side. Both apply to args, env values and the
 * content of ConfigMap files (which name paths and ports too); Secret values, tokens and downward
 * API files are written as they are.
 */
public final class KubeletStandIn {

  private final Pod pod;
  private final Map<String, Path> volumes;
  private final Pattern mountPaths;
  private final Map<String, String> replacements;

  private KubeletStandIn(Pod pod, Path root, Map<String, String> network) throws IOException {
    this.pod = pod;
    this.volumes = new HashMap<>();
    pod.getSpec()
        .getVolumes()
        .forEach(v -> volumes.put(v.getName(), root.resolve("volumes").resolve(v.getName())));
    this.replacements = new LinkedHashMap<>(network);
    Path fs = root.resolve("fs");
    Map<String, String> mountPoints = new HashMap<>();
    List<Container> containers = new ArrayList<>(pod.getSpec().getInitContainers());
    containers.addAll(pod.getSpec().getContainers());
    for (Container c : containers) {
      for (VolumeMount m : c.getVolumeMounts()) {
        String before = mountPoints.putIfAbsent(m.getMountPath(), m.getName());
        if (before == null) {
          Path link = fs.resolve(m.getMountPath().substring(1));
          Files.createDirectories(link.getParent());
          Files.createSymbolicLink(link, volume(m.getName()));
        } else if (!before.equals(m.getName())) {
          throw new IllegalArgumentException(
              m.getMountPath() + " holds different volumes in different containers");
        }
        // the mount and its parents below the top level: config names /etc/keyrelay/secrets,
        // the directory holding one mount per Secret
        for (Path p = Path.of(m.getMountPath()); p.getNameCount() > 1; p = p.getParent()) {
          replacements.put(p.toString(), fs + p.toString());
        }
        replacements.put(m.getMountPath(), fs + m.getMountPath());
      }
    }
    // longest first, and only whole path segments: /etc/keyrelay/ca must not match .../ca-key
    this.mountPaths =
        Pattern.compile(
            replacements.keySet().stream()
                    .sorted(Comparator.comparingInt(String::length).reversed())
                    .map(Pattern::quote)
                    .collect(Collectors.joining("|", "(", ")"))
                + "(?![\\w.-])");
  }

  /**
   * Writes every volume of the stored {@code pod} under {@code root} from {@code data}.
   *
   * @param network fixed addresses of the pod's network namespace and what they become here
   */
  public static KubeletStandIn materialise(
      Pod pod, VolumeData data, Path root, Map<String, String> network) throws IOException {
    KubeletStandIn kubelet = new KubeletStandIn(pod, root, network);
    for (Volume volume : pod.getSpec().getVolumes()) {
      kubelet.write(volume, data);
    }
    return kubelet;
  }

  /** The directory holding the volume {@code name}. */
  public Path volume(String name) {
    return Objects.requireNonNull(volumes.get(name), name);
  }

  /** The directories {@code container} mounts, in mount order. */
  public List<Path> mounts(Container container) {
    return container.getVolumeMounts().stream().map(m -> volume(m.getName())).toList();
  }

  /** The container's args, translated to this machine. */
  public List<String> args(Container container) {
    return container.getArgs().stream().map(this::translate).toList();
  }

  /** The container's env (literal values only, as the injector writes them), translated. */
  public Map<String, String> env(Container container) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (var.getValueFrom() != null) {
        throw new IllegalArgumentException(var.getName() + ": valueFrom is not supported");
      }
      env.put(var.getName(), translate(Objects.requireNonNullElse(var.getValue(), "")));
    }
    return env;
  }

  /** {@code text} with the pod's mount paths and fixed addresses replaced by this machine's. */
  public String translate(String text) {
    Matcher m = mountPaths.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replacements.get(m.group(1))));
    }
    return m.appendTail(out).toString();
  }

  private void write(Volume volume, VolumeData data) throws IOException {
    Path dir = volume(volume.getName());
    if (volume.getEmptyDir() != null) {
      Files.createDirectories(dir);
    } else if (volume.getConfigMap() != null) {
      ConfigMapVolumeSource source = volume.getConfigMap();
      Map<String, String> files = data.configMap(source.getName());
      writeFiles(dir, volume, files, source.getItems(), source.getOptional(), true);
    } else if (volume.getSecret() != null) {
      SecretVolumeSource source = volume.getSecret();
      Map<String, String> files = data.secret(source.getSecretName());
      writeFiles(dir, volume, files, source.getItems(), source.getOptional(), false);
    } else if (volume.getDownwardAPI() != null) {
      Map<String, String> files = new TreeMap<>();
      for (DownwardAPIVolumeFile item : volume.getDownwardAPI().getItems()) {
        files.put(item.getPath(), downwardApi(item.getFieldRef().getFieldPath()));
      }
      KubeletVolume.create(dir, files);
    } else if (volume.getProjected() != null) {
      Map<String, String> files = new TreeMap<>();
      for (VolumeProjection source : volume.getProjected().getSources()) {
        ServiceAccountTokenProjection token = source.getServiceAccountToken();
        if (token == null) {
          throw new IllegalArgumentException(volume.getName() + ": unsupported projection");
        }
        files.put(
            token.getPath(),
            data.serviceAccountToken(
                token.getAudience(),
                Objects.requireNonNullElse(token.getExpirationSeconds(), 3600L)));
      }
      KubeletVolume.create(dir, files);
    } else {
      throw new IllegalArgumentException(volume.getName() + ": unsupported volume type");
    }
  }

  /** A ConfigMap or Secret volume: every key, or only the listed items, under their paths. */
  private void writeFiles(
      Path dir,
      Volume volume,
      Map<String, String> data,
      List<KeyToPath> items,
      Boolean optional,
      boolean translated)
      throws IOException {
    if (data == null && !Boolean.TRUE.equals(optional)) {
      throw new IllegalStateException(
          volume.getName() + ": the kubelet would hold the pod in ContainerCreating");
    }
    Map<String, String> keys = Objects.requireNonNullElse(data, Map.of());
    Map<String, String> files = new TreeMap<>();
    if (items == null || items.isEmpty()) {
      files.putAll(keys);
    } else {
      items.forEach(i -> files.put(i.getPath(), keys.get(i.getKey())));
    }
    if (translated) {
      files.replaceAll((name, content) -> translate(content));
    }
    KubeletVolume.create(dir, files);
  }

  /** The pod's labels or annotations as the kubelet renders them: sorted, Go-quoted values. */
  private String downwardApi(String fieldPath) {
    Map<String, String> entries =
        switch (fieldPath) {
          case "metadata.labels" -> pod.getMetadata().getLabels();
          case "metadata.annotations" -> pod.getMetadata().getAnnotations();
          default -> throw new IllegalArgumentException(fieldPath + " is not supported");
        };
    StringBuilder text = new StringBuilder();
    new TreeMap<>(entries)
        .forEach(
            (k, v) ->
                text.append(k)
                    .append("=\"")
                    .append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append("\"\n"));
    return text.toString();
  }
}
