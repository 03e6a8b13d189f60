package dev.keyrelay.operator.inject;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * What the injector did to a pod.
 *
 * @param pod the pod after injection; the very same instance when nothing changed
 * @param outcome whether the pod was injected, and if not, why
 * @param routes the routes the sidecar serves for this pod, by name
 * @param warnings things the user should know (shown by kubectl as admission warnings)
 */
public record InjectionResult(
    Pod pod, Outcome outcome, List<String> routes, List<String> warnings) {

  /** Why a pod was or was not changed. */
  public enum Outcome {
    INJECTED,
    NOT_OPTED_IN,
    ALREADY_INJECTED
  }

  public InjectionResult {
    routes = List.copyOf(routes);
    warnings = List.copyOf(warnings);
  }

  static InjectionResult unchanged(Pod pod, Outcome outcome) {
    return new InjectionResult(pod, outcome, List.of(), List.of());
  }
}
