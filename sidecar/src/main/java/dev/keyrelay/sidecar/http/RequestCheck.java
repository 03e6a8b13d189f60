package dev.keyrelay.sidecar.http;

import dev.keyrelay.contract.NormalizedPath;
import dev.keyrelay.contract.PathNormalizer;
import dev.keyrelay.contract.RefusedPathException;
import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.policy.RouteLimiter;
import dev.keyrelay.sidecar.policy.RouteLimits;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Decides one request on a route with a policy: the rules on the normalised path first (a refused
 * request spends no budget), then the limits. An admitted request under rules goes on with its path
 * in the normalised form, so the upstream reads exactly the path that was checked.
 */
final class RequestCheck {

  private final ProxyServices services;
  private final Route route;
  private RouteLimiter limiter = RouteLimiter.UNLIMITED;

  RequestCheck(ProxyServices services, Route route) {
    this.services = services;
    this.route = route;
  }

  /** The limiter an admitted request holds until its response ends. */
  RouteLimiter limiter() {
    return limiter;
  }

  /**
   * @return why the request is refused, or null when it may go on
   */
  ProxyRejection admit(HttpRequest request) {
    RoutePolicy policy = route.policy();
    if (policy.hasRules()) {
      ProxyRejection refused = applyRules(policy, request);
      if (refused != null) {
        return refused;
      }
    }
    RouteLimits limits = policy.limits();
    if (!limits.any()) {
      return null;
    }
    RouteLimiter candidate = services.limiters().forRoute(route.name(), limits);
    RouteLimiter.Outcome outcome = candidate.tryAcquire();
    if (outcome.admitted()) {
      limiter = candidate;
      return null;
    }
    return limited(candidate, outcome);
  }

  private ProxyRejection applyRules(RoutePolicy policy, HttpRequest request) {
    String uri = request.uri();
    int pathStart = pathStart(uri);
    String target = pathStart < 0 ? uri : uri.substring(pathStart);
    if (target.isEmpty() || target.startsWith("?")) {
      target = "/" + target;
    }
    NormalizedPath path;
    try {
      path = PathNormalizer.normalize(target);
    } catch (RefusedPathException e) {
      return new ProxyRejection(
          ProblemType.PATH_REFUSED, route.name(), "request path refused: " + e.getMessage());
    }
    String method = request.method().name();
    if (!policy.allows(method, path)) {
      return new ProxyRejection(
          ProblemType.REQUEST_NOT_ALLOWED,
          route.name(),
          method + " " + path.path() + " is not allowed by the rules of route " + route.name());
    }
    int query = target.indexOf('?');
    request.setUri(
        uri.substring(0, Math.max(pathStart, 0))
            + path.path()
            + (query < 0 ? "" : target.substring(query)));
    return null;
  }

  /** Where the path begins in an origin-form or absolute-form target; -1 for any other form. */
  private static int pathStart(String uri) {
    if (uri.startsWith("/")) {
      return 0;
    }
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return -1;
    }
    for (int i = scheme + 3; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        return i;
      }
    }
    return uri.length();
  }

  /**
   * 429 with {@code Retry-After} and the RateLimit fields of draft-ietf-httpapi-ratelimit-headers:
   * {@code RateLimit-Policy} lists the route's quotas, {@code RateLimit} the one that is spent.
   */
  private ProxyRejection limited(RouteLimiter refusing, RouteLimiter.Outcome outcome) {
    RouteLimits limits = refusing.limits();
    boolean rate = outcome.kind() == RouteLimiter.Outcome.Kind.RATE;
    services.metrics().limited(route.name(), rate ? "rate" : "concurrent");
    ProxyRejection rejection =
        rate
            ? new ProxyRejection(
                ProblemType.RATE_LIMITED,
                route.name(),
                "route "
                    + route.name()
                    + " allows "
                    + limits.requestsPerMinute()
                    + " requests per minute (limits.requestsPerMinute); retry in "
                    + outcome.retryAfterSeconds()
                    + " s")
            : new ProxyRejection(
                ProblemType.CONCURRENCY_LIMITED,
                route.name(),
                "route "
                    + route.name()
                    + " allows "
                    + limits.concurrent()
                    + " requests in flight (limits.concurrent)");
    rejection.withHeader(HttpHeaderNames.RETRY_AFTER, outcome.retryAfterSeconds());
    rejection.withHeader("RateLimit-Policy", policyField(limits));
    rejection.withHeader(
        "RateLimit",
        rate
            ? "\"per-minute\";r=0;t=" + outcome.retryAfterSeconds()
            : "\"concurrent\";r=0;t=" + outcome.retryAfterSeconds());
    return rejection;
  }

  private static String policyField(RouteLimits limits) {
    StringBuilder field = new StringBuilder();
    if (limits.requestsPerMinute() > 0) {
      field.append("\"per-minute\";q=").append(limits.requestsPerMinute()).append(";w=60");
    }
    if (limits.concurrent() > 0) {
      if (field.length() > 0) {
        field.append(", ");
      }
      field
          .append("\"concurrent\";q=")
          .append(limits.concurrent())
          .append(";qu=\"concurrent-requests\"");
    }
    return field.toString();
  }
}
