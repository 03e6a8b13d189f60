package dev.keyrelay.operator.inject;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds injected pods that a route selects but that lack the volumes it needs (its Secret, its
 * trust material, the Vault token): volumes are fixed at creation, so such pods need a restart.
 */
public final class StalePods {

  private StalePods() {}

  /** Names of the pods, sorted. */
  public static List<String> needingRestart(List<Pod> pods, InjectionRoute route) {
    List<Volume> needed = routeVolumes(route);
    return pods.stream()
        .filter(p -> injectedAndSelected(p, route))
        .filter(p -> !needed.stream().allMatch(v -> has(p, v)))
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  /**
   * The label selector of the pods {@link #needingRestart} looks at: injected pods that the route's
   * podSelector selects, so that the API server sends nothing else. Pods narrowing the route away
   * with an annotation are still sent, and dropped by {@link #needingRestart}.
   */
  public static LabelSelector candidates(InjectionRoute route) {
    LabelSelector selector = route.podSelector();
    List<LabelSelectorRequirement> expressions =
        new ArrayList<>(
            selector == null || selector.getMatchExpressions() == null
                ? List.of()
                : selector.getMatchExpressions());
    // an expression, not a label: a route selecting injected=false must then select nothing
    expressions.add(
        new LabelSelectorRequirement(InjectionAnnotations.INJECTED_LABEL, "In", List.of("true")));
    return new LabelSelector(expressions, selector == null ? null : selector.getMatchLabels());
  }

  /** The volumes this route adds beyond those every injected pod has. */
  private static List<Volume> routeVolumes(InjectionRoute route) {
    Set<String> common =
        SidecarVolumes.forRoutes(List.of()).volumes().stream()
            .map(Volume::getName)
            .collect(Collectors.toSet());
    return SidecarVolumes.forRoutes(List.of(route)).volumes().stream()
        .filter(v -> !common.contains(v.getName()))
        .toList();
  }

  private static boolean injectedAndSelected(Pod pod, InjectionRoute route) {
    Map<String, String> annotations =
        Objects.requireNonNullElse(pod.getMetadata().getAnnotations(), Map.of());
    if (!annotations.containsKey(InjectionAnnotations.STATUS)
        || pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String narrowed = annotations.get(InjectionAnnotations.ROUTES);
    if (narrowed != null
        && Arrays.stream(narrowed.split(",")).map(String::trim).noneMatch(route.name()::equals)) {
      return false;
    }
    return LabelSelectors.matches(
        route.podSelector(), Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.of()));
  }

  private static boolean has(Pod pod, Volume wanted) {
    return Objects.requireNonNullElse(pod.getSpec().getVolumes(), List.<Volume>of()).stream()
        .anyMatch(v -> v.getName().equals(wanted.getName()));
  }
}
