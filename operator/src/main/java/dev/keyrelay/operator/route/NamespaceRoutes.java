package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.HttpRouteSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Judges all routes of one namespace together: each is validated on its own, then the valid ones
 * claim hosts and listen ports oldest first (creation time, then name), so a newer route that
 * overlaps an older one is refused instead of silently shadowing it. Route and listener names share
 * one name space by construction: both are CredentialRoute names.
 */
public final class NamespaceRoutes {

  private static final Comparator<CredentialRoute> OLDEST_FIRST =
      Comparator.comparing(NamespaceRoutes::createdAt)
          .thenComparing(r -> r.getMetadata().getName());

  private NamespaceRoutes() {}

  /** Verdicts by route name, for every route not being deleted. */
  public static Map<String, RouteVerdict> evaluate(Collection<CredentialRoute> routes) {
    List<CredentialRoute> live =
        routes.stream()
            .filter(r -> r.getMetadata().getDeletionTimestamp() == null)
            .sorted(OLDEST_FIRST)
            .toList();
    Map<String, List<CredentialRoute>> hostClaims = new HashMap<>();
    Map<Integer, CredentialRoute> portClaims = new HashMap<>();
    Map<String, RouteVerdict> verdicts = new LinkedHashMap<>();
    for (CredentialRoute route : live) {
      String name = route.getMetadata().getName();
      List<Violation> violations = RouteSpecValidator.validate(route);
      Conflict conflict = violations.isEmpty() ? claim(route, hostClaims, portClaims) : null;
      verdicts.put(name, new RouteVerdict(name, violations, conflict));
    }
    return verdicts;
  }

  private static Conflict claim(
      CredentialRoute route,
      Map<String, List<CredentialRoute>> hostClaims,
      Map<Integer, CredentialRoute> portClaims) {
    HttpRouteSpec http = route.getSpec().getHttp();
    if (http == null) {
      int port = route.getSpec().getPostgres().getListenPort();
      CredentialRoute holder = portClaims.putIfAbsent(port, route);
      return holder == null
          ? null
          : new Conflict(
              "ListenPortConflict",
              "spec.postgres.listenPort",
              "port "
                  + port
                  + " is already used by listener '"
                  + holder.getMetadata().getName()
                  + "'");
    }
    List<CredentialRoute> sameHost =
        hostClaims.computeIfAbsent(RouteHosts.canonical(http.getHost()), h -> new ArrayList<>());
    for (CredentialRoute holder : sameHost) {
      if (portsOverlap(http.getPort(), holder.getSpec().getHttp().getPort())) {
        return new Conflict(
            "HostConflict",
            "spec.http.host",
            describe(http) + " is already routed by '" + holder.getMetadata().getName() + "'");
      }
    }
    sameHost.add(route);
    return null;
  }

  /** A route without a port matches every port of its host, so it overlaps any other. */
  private static boolean portsOverlap(Integer a, Integer b) {
    return a == null || b == null || Objects.equals(a, b);
  }

  private static String describe(HttpRouteSpec http) {
    String host = RouteHosts.canonical(http.getHost());
    return http.getPort() == null ? host : host + ":" + http.getPort();
  }

  private static Instant createdAt(CredentialRoute route) {
    String ts = route.getMetadata().getCreationTimestamp();
    return ts == null ? Instant.MAX : Instant.parse(ts);
  }
}
