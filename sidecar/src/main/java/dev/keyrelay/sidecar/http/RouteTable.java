package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import java.util.List;
import java.util.Optional;

/** The routes in configured order; the first whose host and port match a destination wins. */
public record RouteTable(List<Route> routes) {

  public RouteTable {
    routes = List.copyOf(routes);
  }

  /** Finds the route for an already canonical host and a port. */
  public Optional<Route> match(String canonicalHost, int port) {
    for (Route route : routes) {
      if (route.match().matches(canonicalHost, port)) {
        return Optional.of(route);
      }
    }
    return Optional.empty();
  }
}
