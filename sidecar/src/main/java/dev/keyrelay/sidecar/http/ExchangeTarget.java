package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.upstream.UpstreamKey;

/**
 * Where one request goes and under which route.
 *
 * @param route the matched route, or null for unmatched (never injected) traffic
 * @param authority the Host header value the upstream must see
 */
record ExchangeTarget(Route route, UpstreamKey upstream, String authority) {

  String routeName() {
    return route == null ? null : route.name();
  }
}
