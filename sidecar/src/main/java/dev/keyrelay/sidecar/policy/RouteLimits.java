package dev.keyrelay.sidecar.policy;

/**
 * A route's limits; 0 means no limit of that kind.
 *
 * @param requestsPerMinute requests admitted per minute, refilled evenly (a token bucket)
 * @param concurrent requests in flight at once
 */
public record RouteLimits(int requestsPerMinute, int concurrent) {

  public static final RouteLimits NONE = new RouteLimits(0, 0);

  public boolean any() {
    return requestsPerMinute > 0 || concurrent > 0;
  }
}
