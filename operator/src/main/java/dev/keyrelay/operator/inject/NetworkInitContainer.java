package dev.keyrelay.operator.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@code keyrelay-init}, the first init container of a pod with enforced egress: the sidecar
 * jar's {@code init-network}, in the init image that has iptables, installs the pod's iptables
 * rules and exits. It is the only container with NET_ADMIN and NET_RAW, and runs as root because a
 * non-root process does not get added capabilities; the rules it leaves behind exempt only the
 * sidecar's user.
 */
final class NetworkInitContainer {

  static final String NAME = "keyrelay-init";

  private NetworkInitContainer() {}

  static Container build(String pullPolicy, EgressEnforcement egress) {
    List<String> command =
        new ArrayList<>(
            List.of(
                SidecarPaths.JAVA,
                "-Xmx32m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-jar",
                SidecarPaths.JAR,
                "init-network",
                "--proxy-uid",
                Long.toString(SidecarPaths.USER_ID)));
    egress.allowCidrs().forEach(cidr -> command.addAll(List.of("--allow-cidr", cidr)));
    egress.allowPorts().forEach(port -> command.addAll(List.of("--allow-port", port.toString())));
    return new ContainerBuilder()
        .withName(NAME)
        .withImage(egress.initImage())
        .withImagePullPolicy(pullPolicy)
        .withCommand(command)
        .withNewResources()
        .addToRequests("cpu", new Quantity("10m"))
        .addToRequests("memory", new Quantity("64Mi"))
        .addToLimits("memory", new Quantity("128Mi"))
        .endResources()
        .withSecurityContext(networkAdmin())
        .build();
  }

  private static SecurityContext networkAdmin() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(false)
        .withRunAsUser(0L)
        .withRunAsGroup(0L)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .withAdd("NET_ADMIN", "NET_RAW")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }
}
