package dev.keyrelay.operator.inject;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;

/**
 * The sidecar's requests and limits; a null quantity is left out. No CPU limit by default: a
 * throttled proxy slows every call the agent makes.
 */
public record SidecarResources(
    Quantity cpuRequest, Quantity memoryRequest, Quantity cpuLimit, Quantity memoryLimit) {

  public static final SidecarResources DEFAULTS =
      new SidecarResources(new Quantity("50m"), new Quantity("128Mi"), null, new Quantity("256Mi"));

  ResourceRequirements toRequirements() {
    ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
    if (cpuRequest != null) {
      b.addToRequests("cpu", cpuRequest);
    }
    if (memoryRequest != null) {
      b.addToRequests("memory", memoryRequest);
    }
    if (cpuLimit != null) {
      b.addToLimits("cpu", cpuLimit);
    }
    if (memoryLimit != null) {
      b.addToLimits("memory", memoryLimit);
    }
    return b.build();
  }
}
