package dev.keyrelay.operator.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What would let a container of an enforced-egress pod past the rules: they exempt the sidecar's
 * user, so a container running as that user is not redirected or refused.
 */
final class EgressWarnings {

  private EgressWarnings() {}

  static List<String> sidecarUser(PodSpec spec) {
    PodSecurityContext pod = spec.getSecurityContext();
    Long podUser = pod == null ? null : pod.getRunAsUser();
    List<String> warnings = new ArrayList<>();
    List<Container> all =
        new ArrayList<>(Objects.requireNonNullElse(spec.getInitContainers(), List.of()));
    all.addAll(Objects.requireNonNullElse(spec.getContainers(), List.of()));
    for (Container c : all) {
      SecurityContext own = c.getSecurityContext();
      Long user = own != null && own.getRunAsUser() != null ? own.getRunAsUser() : podUser;
      if (user != null && user == SidecarPaths.USER_ID) {
        warnings.add(
            "container "
                + c.getName()
                + " runs as user "
                + SidecarPaths.USER_ID
                + ", the keyrelay sidecar's: enforced egress does not apply to it");
      }
    }
    return warnings;
  }
}
