package dev.keyrelay.operator.route;

import java.util.List;

/**
 * What the operator concluded about one route among the routes of its namespace.
 *
 * @param violations problems of the route on its own; empty when valid
 * @param conflict set when a valid route is refused in favour of an older one
 */
public record RouteVerdict(String name, List<Violation> violations, Conflict conflict) {

  public RouteVerdict {
    violations = List.copyOf(violations);
  }

  public boolean valid() {
    return violations.isEmpty();
  }

  /** Whether the route goes into the namespace's sidecar config. */
  public boolean accepted() {
    return valid() && conflict == null;
  }
}
