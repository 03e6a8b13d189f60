package dev.keyrelay.sidecar.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Validates a {@code podSelector} block into a {@link PodSelector}. */
final class PodSelectorParser {

  private PodSelectorParser() {}

  /** Absent means every pod; returns null after recording problems under {@code path}. */
  static PodSelector parse(RawConfig.PodSelector raw, String path, Problems problems) {
    if (raw == null) {
      return PodSelector.EVERY_POD;
    }
    int before = problems.count();
    Map<String, String> labels = new LinkedHashMap<>();
    Objects.requireNonNullElse(raw.matchLabels(), Map.<String, String>of())
        .forEach(
            (key, value) -> {
              if (key.isEmpty()) {
                problems.add(path + ".matchLabels", "a label key must not be empty");
              } else if (value == null) {
                problems.add(path + ".matchLabels." + key, "must be a string, not null");
              } else {
                labels.put(key, value);
              }
            });
    List<PodSelector.Requirement> requirements = new ArrayList<>();
    List<RawConfig.Requirement> raws =
        Objects.requireNonNullElse(raw.matchExpressions(), List.of());
    for (int i = 0; i < raws.size(); i++) {
      PodSelector.Requirement r =
          requirement(raws.get(i), path + ".matchExpressions[" + i + "]", problems);
      if (r != null) {
        requirements.add(r);
      }
    }
    return problems.count() == before ? new PodSelector(labels, requirements) : null;
  }

  private static PodSelector.Requirement requirement(
      RawConfig.Requirement raw, String path, Problems problems) {
    if (raw == null) {
      problems.add(path, "must be a mapping, not null");
      return null;
    }
    int before = problems.count();
    if (raw.key() == null || raw.key().isEmpty()) {
      problems.add(path + ".key", "is required");
    }
    PodSelector.Operator operator = operator(raw.operator(), path + ".operator", problems);
    List<String> values = Objects.requireNonNullElse(raw.values(), List.of());
    if (values.stream().anyMatch(Objects::isNull)) {
      problems.add(path + ".values", "must not contain null");
    }
    if (operator != null && operator.takesValues() && values.isEmpty()) {
      problems.add(path + ".values", "must not be empty for " + operator.spelling());
    } else if (operator != null && !operator.takesValues() && !values.isEmpty()) {
      problems.add(path + ".values", "must be empty for " + operator.spelling());
    }
    Set<String> set = new LinkedHashSet<>(values);
    return problems.count() == before
        ? new PodSelector.Requirement(raw.key(), operator, set)
        : null;
  }

  private static PodSelector.Operator operator(String text, String path, Problems problems) {
    if (text == null) {
      problems.add(path, "is required (In, NotIn, Exists or DoesNotExist)");
      return null;
    }
    for (PodSelector.Operator operator : PodSelector.Operator.values()) {
      if (operator.spelling().equals(text)) {
        return operator;
      }
    }
    problems.add(path, "\"" + text + "\" is not one of In, NotIn, Exists, DoesNotExist");
    return null;
  }
}
