package dev.keyrelay.sidecar.policy;

import dev.keyrelay.contract.NormalizedPath;
import java.util.List;

/**
 * What a route decides before its credential goes out: which requests deserve it ({@code rules};
 * none means all) and how fast and how many at once ({@code limits}).
 */
public record RoutePolicy(List<RequestRule> rules, RouteLimits limits) {

  public static final RoutePolicy OPEN = new RoutePolicy(List.of(), RouteLimits.NONE);

  public RoutePolicy {
    rules = List.copyOf(rules);
  }

  public boolean hasRules() {
    return !rules.isEmpty();
  }

  /** Whether some rule allows this request; true for a route without rules. */
  public boolean allows(String method, NormalizedPath path) {
    if (rules.isEmpty()) {
      return true;
    }
    for (RequestRule rule : rules) {
      if (rule.matches(method, path)) {
        return true;
      }
    }
    return false;
  }
}
