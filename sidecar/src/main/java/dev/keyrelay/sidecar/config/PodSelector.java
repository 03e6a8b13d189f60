package dev.keyrelay.sidecar.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes label selector ({@code matchLabels} and {@code matchExpressions}) that a route or
 * listener carries; it is evaluated against the pod's own labels exactly as the API server does.
 */
public record PodSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

  /** No requirement at all: selects every pod, as an empty selector does in Kubernetes. */
  public static final PodSelector EVERY_POD = new PodSelector(Map.of(), List.of());

  public PodSelector {
    matchLabels = Map.copyOf(matchLabels);
    matchExpressions = List.copyOf(matchExpressions);
  }

  /** Whether every label and every expression holds for {@code labels}. */
  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return matchExpressions.stream().allMatch(r -> r.matches(labels));
  }

  /** The operators of {@code matchExpressions}, spelled as in Kubernetes. */
  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String spelling;

    Operator(String spelling) {
      this.spelling = spelling;
    }

    public String spelling() {
      return spelling;
    }

    /** In and NotIn need values; Exists and DoesNotExist take none. */
    boolean takesValues() {
      return this == IN || this == NOT_IN;
    }
  }

  /** One expression: a key, an operator and, for In and NotIn, a non-empty set of values. */
  public record Requirement(String key, Operator operator, Set<String> values) {

    public Requirement {
      values = Set.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case IN -> value != null && values.contains(value);
        // A pod without the key is not "in" any set, so NotIn selects it (as in Kubernetes).
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
      };
    }
  }
}
