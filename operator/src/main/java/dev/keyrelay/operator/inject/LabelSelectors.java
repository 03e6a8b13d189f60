package dev.keyrelay.operator.inject;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Evaluates a Kubernetes label selector against a pod's labels, as the API server does. */
final class LabelSelectors {

  private LabelSelectors() {}

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> matchLabels =
        Objects.requireNonNullElse(selector.getMatchLabels(), Map.of());
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    List<LabelSelectorRequirement> expressions =
        Objects.requireNonNullElse(selector.getMatchExpressions(), List.of());
    return expressions.stream().allMatch(r -> matches(r, labels));
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    List<String> values = Objects.requireNonNullElse(r.getValues(), List.of());
    String value = labels.get(r.getKey());
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false;
    };
  }
}
