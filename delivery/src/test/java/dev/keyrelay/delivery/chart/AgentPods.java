package dev.keyrelay.delivery.chart;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import java.util.stream.Stream;

/** Agent pods as the admission tests send them to the API server, and what they find in them. */
final class AgentPods {

  static final String INJECT = "keyrelay.dev/inject";
  static final String SIDECAR = "keyrelay-sidecar";

  private AgentPods() {}

  /** One container, the label {@code app: agent}, and these annotations. */
  static Pod pod(String ns, String name, Map<String, String> annotations) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withLabels(Map.of("app", "agent"))
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage("registry.example/agent:1")
        .endContainer()
        .endSpec()
        .build();
  }

  /**
   * The pod with the label {@code keyrelay.dev/inject: "true"} too, which the chart's webhook
   * selects by when installed without admission policies.
   */
  static Pod labelled(Pod pod) {
    return new PodBuilder(pod).editMetadata().addToLabels(INJECT, "true").endMetadata().build();
  }

  /** The pod with the security context Pod Security's restricted level asks of it. */
  static Pod restricted(Pod pod) {
    return new PodBuilder(pod)
        .editSpec()
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .editFirstContainer()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .endContainer()
        .endSpec()
        .build();
  }

  /** The injected sidecar container (native or not), or null. */
  static Container sidecar(Pod pod) {
    return Stream.concat(
            pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
        .filter(c -> c.getName().equals(SIDECAR))
        .findFirst()
        .orElse(null);
  }
}
