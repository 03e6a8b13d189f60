package dev.keyrelay.operator.route;

import java.util.List;

/**
 * What the operator concluded about one route among the routes of its namespace.
 *
 * @param violations problems of the route on its own; empty when valid
 * @param conflict set when a valid route is refused in favour of an older one
 * @param withheld set when a valid route without conflict still cannot be published
 */
public record RouteVerdict(
    String name, List<Violation> violations, Conflict conflict, Withheld withheld) {

  public RouteVerdict {
    violations = List.copyOf(violations);
  }

  /** A verdict on the route on its own and among its namespace's routes, before publishing. */
  public RouteVerdict(String name, List<Violation> violations, Conflict conflict) {
    this(name, violations, conflict, null);
  }

  /** The same verdict, kept out of the published config for {@code why}. */
  RouteVerdict withheld(Withheld why) {
    return new RouteVerdict(name, violations, conflict, why);
  }

  public boolean valid() {
    return violations.isEmpty();
  }

  /** Whether the route goes into the namespace's sidecar config. */
  public boolean accepted() {
    return valid() && conflict == null && withheld == null;
  }
}
