package dev.keyrelay.sidecar.policy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The limiters of all routes by name, kept across config reloads so that a reload neither refills a
 * spent budget nor forgets requests in flight; a route whose limits change gets a new limiter.
 */
public final class RouteLimiters {

  private final ConcurrentMap<String, RouteLimiter> byRoute = new ConcurrentHashMap<>();

  /** The limiter for a route with limits. */
  public RouteLimiter forRoute(String route, RouteLimits limits) {
    RouteLimiter known = byRoute.get(route);
    if (known != null && known.limits().equals(limits)) {
      return known;
    }
    return byRoute.compute(
        route,
        (name, current) ->
            current != null && current.limits().equals(limits)
                ? current
                : new RouteLimiter(limits, System::nanoTime));
  }
}
