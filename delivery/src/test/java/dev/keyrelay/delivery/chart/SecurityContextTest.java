package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every container the chart runs meets the restricted Pod Security Standard, in every install:
 * non-root with a numeric user, read-only root filesystem, no privilege escalation, no
 * capabilities, the runtime's default seccomp profile.
 */
class SecurityContextTest {

  @ParameterizedTest
  @EnumSource(Install.class)
  void everyContainerIsRestricted(Install install) {
    List<Deployment> deployments = install.manifests().all(Deployment.class);
    assertThat(deployments).isNotEmpty();
    SoftAssertions soft = new SoftAssertions();
    for (Deployment deployment : deployments) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      PodSecurityContext podContext =
          Objects.requireNonNullElseGet(pod.getSecurityContext(), PodSecurityContext::new);
      List<Container> containers = new ArrayList<>(pod.getContainers());
      containers.addAll(pod.getInitContainers());
      for (Container c : containers) {
        String where = deployment.getMetadata().getName() + "/" + c.getName();
        SecurityContext sc =
            Objects.requireNonNullElseGet(c.getSecurityContext(), SecurityContext::new);
        soft.assertThat(first(sc.getRunAsNonRoot(), podContext.getRunAsNonRoot()))
            .as(where + " runAsNonRoot")
            .isTrue();
        soft.assertThat(first(sc.getRunAsUser(), podContext.getRunAsUser()))
            .as(where + " runAsUser (numeric, not root)")
            .isNotNull()
            .isPositive();
        soft.assertThat(sc.getReadOnlyRootFilesystem())
            .as(where + " readOnlyRootFilesystem")
            .isTrue();
        soft.assertThat(sc.getAllowPrivilegeEscalation())
            .as(where + " allowPrivilegeEscalation")
            .isFalse();
        soft.assertThat(sc.getPrivileged()).as(where + " privileged").isNotEqualTo(Boolean.TRUE);
        soft.assertThat(sc.getCapabilities()).as(where + " capabilities").isNotNull();
        if (sc.getCapabilities() != null) {
          soft.assertThat(sc.getCapabilities().getDrop()).as(where + " drop").contains("ALL");
          soft.assertThat(sc.getCapabilities().getAdd()).as(where + " add").isEmpty();
        }
        var seccomp = first(sc.getSeccompProfile(), podContext.getSeccompProfile());
        soft.assertThat(seccomp).as(where + " seccompProfile").isNotNull();
        if (seccomp != null) {
          soft.assertThat(seccomp.getType())
              .as(where + " seccompProfile")
              .isEqualTo("RuntimeDefault");
        }
      }
      soft.assertThat(pod.getHostNetwork()).as("hostNetwork").isNotEqualTo(Boolean.TRUE);
      soft.assertThat(pod.getHostPID()).as("hostPID").isNotEqualTo(Boolean.TRUE);
      soft.assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null);
    }
    soft.assertAll();
  }

  private static <T> T first(T container, T pod) {
    return container != null ? container : pod;
  }
}
